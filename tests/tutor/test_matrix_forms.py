"""Gradients in matrix notation: the textbook forms, equal to the engine's and to torch's."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tests.tutor.teaching import CASES
from tutor import lang
from tutor.checking.tensors import check_tensor
from tutor.explain import explain_program
from tutor.render import matrices, report
from tutor.symbolic import matrix as mx

LINEAR_REGRESSION = """\
import torch
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
Y = torch.tensor([[1.0], [2.0], [2.5]])
W = torch.tensor([[0.5], [-0.25]], requires_grad=True)
b = torch.tensor([0.1], requires_grad=True)
L = ((X @ W + b - Y) ** 2).mean()
L.backward()
"""

MLP = CASES["mlp_mse"]

SOFTMAX_CROSS_ENTROPY = """\
import torch
import torch.nn.functional as F
X = torch.tensor([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0], [-1.0, 1.0]])
y = torch.tensor([0, 2, 1, 2])
W = torch.tensor([[0.5, -0.3, 0.8], [0.2, 0.4, -0.6]], requires_grad=True)
b = torch.tensor([0.1, -0.2, 0.05], requires_grad=True)
L = F.cross_entropy(X @ W + b, y)
L.backward()
"""

LOGISTIC_REGRESSION = """\
import torch
import torch.nn.functional as F
X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [0.1, 0.4, -1.2], [-0.7, 0.9, 0.3]])
Y = torch.tensor([[1.0], [0.0], [1.0], [0.0]])
W = torch.tensor([[0.1], [-0.2], [0.3]], requires_grad=True)
b = torch.tensor([0.05], requires_grad=True)
z = X @ W + b
L = F.binary_cross_entropy_with_logits(z, Y)
L.backward()
"""

EXPECTED = {
    "linear_regression": (
        LINEAR_REGRESSION,
        {"W": "(2/3)·Xᵀ @ (X @ W + b − Y)", "b": "(2/3)·1ᵀ @ (X @ W + b − Y)"},
    ),
    "mlp": (
        MLP,
        {
            "W1": "(2/3)·Xᵀ @ (((out − Y) @ W2ᵀ) ⊙ [X @ W1 + b1 > 0])",
            "b1": "(2/3)·1ᵀ @ (((out − Y) @ W2ᵀ) ⊙ [X @ W1 + b1 > 0])",
            "W2": "(2/3)·hᵀ @ (out − Y)",
            "b2": "(2/3)·1ᵀ @ (out − Y)",
        },
    ),
    "logistic_regression": (
        LOGISTIC_REGRESSION,
        {"W": "(1/4)·Xᵀ @ (σ(z) − Y)", "b": "(1/4)·1ᵀ @ (σ(z) − Y)"},
    ),
    "softmax_cross_entropy": (
        SOFTMAX_CROSS_ENTROPY,
        {
            "W": "(1/4)·Xᵀ @ (softmax(X @ W + b) − onehot(y))",
            "b": "(1/4)·1ᵀ @ (softmax(X @ W + b) − onehot(y))",
        },
    ),
}


def _explain(source: str):
    return explain_program(lang.parse_program(source))


def _torch_grads(torch, source: str) -> dict[str, np.ndarray]:
    """Run the program with real PyTorch; the leaves' .grad as float64 arrays."""
    scope: dict = {}
    exec(compile(source, "<test program>", "exec"), scope)  # our own test source, not user text
    return {
        k: v.grad.double().numpy()
        for k, v in scope.items()
        if isinstance(v, torch.Tensor) and v.is_leaf and v.grad is not None
    }


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_textbook_matrix_forms(case):
    source, forms = EXPECTED[case]
    x = _explain(source)
    assert {g.leaf: matrices.text(g.matrix.expr) for g in x.gradients} == forms
    for g in x.gradients:
        assert g.check.agrees, g.check
        np.testing.assert_allclose(g.matrix.value, g.numeric, rtol=1e-5, atol=1e-6)
        assert g.matrix.expr.shape == g.shape


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_matrix_forms_equal_torch(torch, case):
    source, _ = EXPECTED[case]
    expected = _torch_grads(torch, source)
    x = _explain(source)
    assert {g.leaf for g in x.gradients} == set(expected)
    for g in x.gradients:
        np.testing.assert_allclose(g.matrix.value, expected[g.leaf], rtol=1e-5, atol=1e-6)


def test_named_values_are_defined_in_program_order():
    x = _explain(MLP)
    w2 = x.gradient("W2").matrix
    assert [(n, matrices.text(f)) for n, f in w2.definitions] == [
        ("h", "relu(X @ W1 + b1)"),
        ("out", "h @ W2 + b2"),
    ]


def test_steps_substitute_the_unnamed_intermediates_in_matrix_form():
    g = _explain(LINEAR_REGRESSION).gradient("W")
    substitution = g.matrix.steps[0]
    assert matrices.text(substitution.before) == "(2/3)·Xᵀ @ t3"
    assert [(str(k), matrices.text(v)) for k, v in substitution.definitions] == [
        ("t3", "X @ W + b − Y")
    ]
    assert substitution in g.steps  # not the element-by-element substitution


def test_latex_and_mathml_write_the_textbook_notation():
    g = _explain(MLP).gradient("W1")
    assert matrices.latex(g.matrix.expr) == (
        r"\frac{2}{3} {X}^{\top} \left(\left(\left(out - Y\right) {W_{2}}^{\top}\right)"
        r" \odot \left[X W_{1} + b_{1} > 0\right]\right)"
    )
    ml = matrices.mathml(g.matrix.expr)
    assert "&#x2299;" in ml and "&#x22A4;" in ml and "<mfrac>" in ml


def test_report_carries_the_matrix_form_with_shapes():
    data = report(_explain(MLP))
    w1 = next(g for g in data["gradients"] if g["leaf"] == "W1")
    assert w1["matrix"]["shape"] == [2, 3]
    assert w1["matrix"]["text"].startswith("(2/3)·Xᵀ @ ")
    assert [d["name"] for d in w1["matrix"]["definitions"]] == ["h", "out"]
    assert w1["symbolic"] is not None  # the element view stays for small tensors


def test_a_large_mlp_gets_a_matrix_form_past_the_element_budget():
    """64×784 → 32 → 10 with cross-entropy: far past what element-by-element work may hold."""
    labels = [i % 10 for i in range(64)]
    source = "\n".join(
        [
            "import torch",
            "import torch.nn.functional as F",
            "torch.manual_seed(0)",
            "X = torch.randn(64, 784)",
            f"y = torch.tensor({labels})",
            "W1 = torch.randn(784, 32, requires_grad=True)",
            "W2 = torch.randn(32, 10, requires_grad=True)",
            "h = torch.tanh(X @ W1 / 28)",
            "L = F.cross_entropy(h @ W2, y)",
            "L.backward()",
        ]
    )
    x = _explain(source)
    assert x.mode == "numeric"  # no element-by-element closed form at this size
    forms = {g.leaf: matrices.text(g.matrix.expr) for g in x.gradients}
    assert forms == {
        "W1": "(1/1792)·Xᵀ @ (((softmax(h @ W2) − onehot(y)) @ W2ᵀ) ⊙ (1 − h**2))",
        "W2": "(1/64)·hᵀ @ (softmax(h @ W2) − onehot(y))",
    }
    for g in x.gradients:  # every one of W1's 25,088 numbers is compared, none is sent
        assert g.check.agrees and g.check.agrees_numerical, g.check
    assert x.gradient("W1").numeric is None and x.gradient("W1").value is None


def _random_network(seed: int) -> str:
    """A small random network: matrix products, biases, activations, a loss."""
    rng = random.Random(seed)
    n, features = rng.randint(2, 4), rng.randint(1, 3)

    def tensor(*shape, grad=False):
        values = np.round(np.array([rng.uniform(-1, 1) for _ in range(int(np.prod(shape)))]), 2)
        text = f"torch.tensor({values.reshape(shape).tolist()})"
        return f"{text}.requires_grad_()" if grad else text

    lines = ["import torch", "import torch.nn.functional as F", f"X = {tensor(n, features)}"]
    current, width = "X", features
    for layer in range(rng.randint(1, 3)):
        out = rng.randint(1, 3)
        lines.append(f"W{layer} = {tensor(width, out, grad=True)}")
        expr = f"{current} @ W{layer}"
        if rng.random() < 0.6:
            lines.append(f"b{layer} = {tensor(out, grad=True)}")
            expr = f"{expr} + b{layer}"
        activation = rng.choice(["torch.tanh({})", "torch.sigmoid({})", "torch.relu({})", "{}"])
        name = f"h{layer}" if rng.random() < 0.5 else None
        expr = activation.format(expr)
        if name:
            lines.append(f"{name} = {expr}")
            expr = name
        current, width = f"({expr})", out
    loss = rng.choice(["mse", "sum", "mean_square", "ce"])
    if loss == "ce" and width > 1:
        lines.append(f"y = torch.tensor({[rng.randrange(width) for _ in range(n)]})")
        lines.append(f"L = F.cross_entropy({current}, y)")
    elif loss == "mse":
        lines.append(f"Y = {tensor(n, width)}")
        lines.append(f"L = F.mse_loss({current}, Y)")
    elif loss == "mean_square":
        lines.append(f"L = ({current} ** 2).mean()")
    else:
        lines.append(f"L = (2 * {current}).sum()")
    lines.append("L.backward()")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_random_networks_have_matrix_forms_equal_to_the_engine(seed):
    source = _random_network(seed)
    x = _explain(source)
    assert x.gradients
    for g in x.gradients:
        assert g.matrix is not None, (source, x.notes)
        assert mx.size(g.matrix.expr) < 200
        np.testing.assert_allclose(g.matrix.value, g.numeric, rtol=1e-4, atol=1e-5)
        written = matrices.code(g.matrix.expr)
        if written is not None and len(x.graph.backward_calls) == 1:  # runs as it reads
            assert check_tensor(x, g.leaf, written).correct, (source, written)


@pytest.mark.parametrize("seed", range(0, 40, 4))
def test_random_networks_matrix_forms_equal_torch(torch, seed):
    source = _random_network(seed)
    expected = _torch_grads(torch, source)
    for g in _explain(source).gradients:
        np.testing.assert_allclose(g.matrix.value, expected[g.leaf], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", ["linear_regression", "mlp"])
def test_the_code_spelling_is_an_answer_the_checker_accepts(case):
    x = _explain(EXPECTED[case][0])
    for g in x.gradients:
        written = matrices.code(g.matrix.expr)
        verdict = check_tensor(x, g.leaf, written)
        assert verdict.correct, (written, verdict.feedback)
        assert verdict.expected == written  # the key is the matrix form, not G's rule
        wrong = check_tensor(x, g.leaf, written.replace("(2/3)", "(1/3)"))
        assert not wrong.correct


def test_code_spells_sums_as_pytorch_does():
    x = _explain(LINEAR_REGRESSION)
    assert matrices.code(x.gradient("b").matrix.expr) == "(2/3) * (X @ W + b - Y).sum(0)"
    ce = _explain(SOFTMAX_CROSS_ENTROPY)
    assert matrices.code(ce.gradient("W").matrix.expr) is None  # onehot has no short spelling
