"""Examples one click away on the tutoring page: the tutorial snippets and a few formulas.

The snippets are the published PyTorch tutorial code, verbatim (a test compares them with
``tests/golden/seed``): the app reads no file outside its package for them.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_A = """\
import torch

x1 = torch.ones(3, 3)
print(x1)
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(x.grad_fn)
print(y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)
"""

SEED_B = """\
import torch

x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
z = y * y * 3
print(z)
a = z.mean()
print(a)
a.backward()
print(x.grad)
"""

SEED_C = """\
import torch
import numpy as np

x1 = torch.from_numpy(2 * np.ones((2, 2), dtype=np.float32))
x1.requires_grad_(True)
w1 = torch.from_numpy(5 * np.ones((2, 2), dtype=np.float32))
w1.requires_grad_(True)
print("x1 =", x1)
print("w1 =", w1)
x2 = x1 * w1
w2 = torch.from_numpy(6 * np.ones((2, 2), dtype=np.float32))
w2.requires_grad_(True)
print("x2 =", x2)
print("w2 =", w2)
y = x2 * w2
Y = torch.from_numpy(10 * np.ones((2, 2), dtype=np.float32))
print("y =", y)
print("Y =", Y)
L = Y - y
print("L =", L)
L.backward(torch.ones(2, 2, dtype=torch.float))
print(x1.grad)
print(w1.grad)
print(w2.grad)
"""


@dataclass(frozen=True)
class Snippet:
    """A tutorial program."""

    key: str
    title: str
    description: str
    program: str


@dataclass(frozen=True)
class Formula:
    """A formula with leaf values (``values`` in the page's ``name=number`` form)."""

    key: str
    title: str
    description: str
    expression: str
    values: str
    requires_grad: str = ""


SNIPPETS = (
    Snippet("a", "Tutorial a: tensors and grad_fn", "Operations record their grad_fn.", SEED_A),
    Snippet("b", "Tutorial b: why 4.5?", "out = mean(3(x+2)²), then out.backward().", SEED_B),
    Snippet("c", "Tutorial c: L = Y − x1·w1·w2", "A backward call with a gradient.", SEED_C),
)

FORMULAS = (
    Formula(
        "loss",
        "Y − x1·w1·w2",
        "The tutorial's graph as a formula; Y is a constant.",
        "Y - x1*w1*w2",
        "x1=2,w1=5,w2=6,Y=10",
        "x1,w1,w2",
    ),
    Formula(
        "neuron",
        "tanh(w·x + b)",
        "One neuron with a tanh activation.",
        "tanh(w*x + b)",
        "w=0.5,x=2,b=-0.25",
    ),
    Formula(
        "reuse",
        "x·y + exp(x)",
        "x is used twice: its gradient sums two paths.",
        "x*y + exp(x)",
        "x=1,y=3",
    ),
    Formula(
        "mse",
        "mean((w·x − y)²)",
        "A mean over a vector: every element contributes 1/N.",
        "mean((w*x - y)**2)",
        "w=0.5,x=[1,2,3],y=[1,1,1]",
        "w",
    ),
)
