"""Teaching cases: the small programs a teacher explains, each showing one idea of the chain rule.

Their explanations' text is kept under ``golden/steps`` (``make_steps_golden.py`` rewrites it).
"""

from __future__ import annotations

CASES = {
    "chain": """\
import torch
x1 = torch.tensor(2.0, requires_grad=True)
w1 = torch.tensor(5.0, requires_grad=True)
w2 = torch.tensor(6.0, requires_grad=True)
Y = torch.tensor(10.0)
x2 = x1 * w1
y = x2 * w2
L = Y - y
L.backward()
""",
    "product_reuse": """\
import torch
x = torch.tensor(3.0, requires_grad=True)
y = x * x
z = y + x
z.backward()
""",
    "quotient": """\
import torch
a = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
q = a / b
q.backward()
""",
    "mean": """\
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
""",
    "broadcast": """\
import torch
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
b = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
w = torch.tensor(2.0, requires_grad=True)
L = (w * X + b).sum()
L.backward()
""",
    "matmul": """\
import torch
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
W = torch.tensor([[0.5, -1.0], [2.0, 1.0]], requires_grad=True)
L = (X @ W).sum()
L.backward()
""",
    "detach": """\
import torch
x = torch.tensor(3.0, requires_grad=True)
d = x.detach()
y = x * d
y.backward()
""",
    # a long chain: past a few links, the gradient arriving at a node is carried by its name
    # and value (CS231n's staged computation), not written out again at every step
    "long_chain": """\
import torch
x = torch.tensor(0.5, requires_grad=True)
w = torch.tensor(1.5, requires_grad=True)
a1 = x * w
a2 = torch.tanh(a1)
a3 = a2 + x
a4 = a3 * a3
a5 = torch.sigmoid(a4)
a6 = a5 * w
a7 = torch.exp(a6)
a8 = a7 - a2
a9 = torch.sqrt(a8 * a8 + 1)
a10 = a9 / w
a11 = torch.sin(a10)
a12 = a11 * a4
a13 = a12 + a6
a14 = torch.tanh(a13)
a15 = a14 * x
L = a15 + a10
L.backward()
""",
    # x * x: two uses of one value, each a product-rule term; the sum is 2x
    "square": """\
import torch
x = torch.tensor(3.0, requires_grad=True)
y = x * x
y.backward()
""",
    # one neuron: the tanh's derivative in its own output, 1 - h**2
    "tanh_neuron": """\
import torch
x = torch.tensor(0.5)
w = torch.tensor(-1.5, requires_grad=True)
b = torch.tensor(0.25, requires_grad=True)
h = torch.tanh(w * x + b)
h.backward()
""",
    # logistic regression's loss: sigmoid then binary cross-entropy, written out
    "sigmoid_bce": """\
import torch
x = torch.tensor(2.0)
y = torch.tensor(1.0)
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(-0.25, requires_grad=True)
p = torch.sigmoid(w * x + b)
L = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
L.backward()
""",
    # a 2-layer MLP with MSE: its gradients in matrix form, in the program's named values
    "mlp_mse": """\
import torch
X = torch.tensor([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
Y = torch.tensor([[1.0], [0.0], [2.0]])
W1 = torch.tensor([[0.5, -0.3, 0.8], [0.2, 0.4, -0.6]], requires_grad=True)
b1 = torch.tensor([0.1, -0.2, 0.05], requires_grad=True)
W2 = torch.tensor([[0.7], [-0.5], [0.3]], requires_grad=True)
b2 = torch.tensor([0.2], requires_grad=True)
h = torch.relu(X @ W1 + b1)
out = h @ W2 + b2
L = ((out - Y) ** 2).mean()
L.backward()
""",
}
