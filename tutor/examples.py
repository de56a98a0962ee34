"""Examples one click away on the tutoring page: the tutorial snippets and a few formulas.

Titles and descriptions are marked for translation (``N_``); the page translates them.

The snippets are the published PyTorch tutorial code, verbatim, shipped in ``tutor/seeds``
(the tests run the same files and compare their output with ``tests/golden/seed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from .i18n import N_

SEEDS = resources.files(__package__) / "seeds"


def seed(name: str) -> str:
    """Tutorial snippet ``name`` (a, b or c), verbatim."""
    return (SEEDS / f"{name}.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Snippet:
    """A tutorial program."""

    key: str
    title: str
    description: str
    program: str


@dataclass(frozen=True)
class FormulaExample:
    """A formula with leaf values (``values`` in the page's ``name=number`` form)."""

    key: str
    title: str
    description: str
    expression: str
    values: str
    requires_grad: str = ""
    order: str = ""  # "2": second derivatives (the Hessian) too


SNIPPETS = (
    Snippet(
        "a",
        N_("Tutorial a: tensors and grad_fn"),
        N_("Operations record their grad_fn."),
        seed("a"),
    ),
    Snippet(
        "b", N_("Tutorial b: why 4.5?"), N_("out = mean(3(x+2)²), then out.backward()."), seed("b")
    ),
    Snippet(
        "c", N_("Tutorial c: L = Y − x1·w1·w2"), N_("A backward call with a gradient."), seed("c")
    ),
    Snippet(
        "grad2",
        N_("A second derivative"),
        N_("autograd.grad with create_graph=True, then backward on the gradient."),
        """import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3 + torch.sin(x)
g, = torch.autograd.grad(y, x, create_graph=True)  # dy/dx, with a graph of its own
print(g)
g.backward()  # differentiates dy/dx again
print(x.grad)  # d2y/dx2 = 6x - sin(x)
""",
    ),
)

FORMULAS = (
    FormulaExample(
        "loss",
        "Y − x1·w1·w2",
        N_("The tutorial's graph as a formula; Y is a constant."),
        "Y - x1*w1*w2",
        "x1=2,w1=5,w2=6,Y=10",
        "x1,w1,w2",
    ),
    FormulaExample(
        "neuron",
        "tanh(w·x + b)",
        N_("One neuron with a tanh activation."),
        "tanh(w*x + b)",
        "w=0.5,x=2,b=-0.25",
    ),
    FormulaExample(
        "reuse",
        "x·y + exp(x)",
        N_("x is used twice: its gradient sums two paths."),
        "x*y + exp(x)",
        "x=1,y=3",
    ),
    FormulaExample(
        "mse",
        "mean((w·x − y)²)",
        N_("A mean over a vector: every element contributes 1/N."),
        "mean((w*x - y)**2)",
        "w=0.5,x=[1,2,3],y=[1,1,1]",
        "w",
    ),
    FormulaExample(
        "hessian",
        N_("Hessian of exp(x)·sin(y)"),
        N_("Second derivatives: each gradient differentiated again."),
        "exp(x)*sin(y)",
        "x=1.5,y=-0.5",
        order="2",
    ),
)
