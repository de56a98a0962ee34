"""An explanation as plain data: per leaf, the engine's gradient beside its closed form.

``tutor.render`` prints it (text, LaTeX, MathML) and makes Contract 3's JSON report of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..graph import Graph
from ..steps import Check, HessianCheck, NoGradient, Value
from ..symbolic.budget import Budget
from ..symbolic.closed import ClosedForm
from ..symbolic.matrix_calculus import MatrixForm

GENERIC, ELEMENTS, NUMERIC = "generic", "elements", "numeric"  # how closed forms were derived


@dataclass(frozen=True)
class LeafGradient:
    """One leaf: engine gradient | closed form | value | verdict | steps."""

    leaf: str
    shape: tuple[int, ...]
    dtype: str
    numeric: Value  # the engine's .grad
    closed: ClosedForm | None
    value: Value  # the closed form's (past the budget: the chain of local derivatives')
    check: Check
    steps: tuple
    note: str | None = None
    matrix: MatrixForm | None = None  # the closed form over whole tensors (Xᵀ G), when derived
    calls: tuple[int, ...] = ()  # the backward calls (from 0) whose gradients .grad sums

    @property
    def symbolic(self) -> sympy.Basic | None:
        """The closed form (compact when ``compact``); None when too large or not derived."""
        return self.closed.expr if self.closed else None


@dataclass(frozen=True)
class SecondDerivative:
    """One entry of the Hessian: ∂²root/∂first∂second, the engine's beside its closed form."""

    first: str  # the leaf of the first derivative that is differentiated again
    second: str  # the leaf it is differentiated by
    derivative: sympy.Expr | None  # ∂root/∂first: what is differentiated
    closed: sympy.Expr | None  # None when not derived (the notes say why)
    numeric: float | None  # the engine's, by create_graph=True (None: it refused)
    value: float | None  # the closed form's
    check: HessianCheck
    steps: tuple


@dataclass(frozen=True)
class Hessian:
    """Second derivatives of a formula's result over its leaves (single numbers each)."""

    root: str
    leaves: tuple[str, ...]  # in first-use order: the rows and columns of the matrices
    dtype: str  # the engine's
    numeric: list[list[float]] | None  # the engine's Hessian (None: it refused)
    numerical: list[list[float]]  # central differences of the engine's first derivatives
    entries: tuple[SecondDerivative, ...]  # one per pair i <= j, the diagonal first
    symmetric: bool | None  # the engine's matrix equals its transpose (within tolerance)
    notes: tuple[str, ...] = ()

    def entry(self, a: str, b: str) -> SecondDerivative:
        """The entry of ``a`` and ``b`` in either order (the Hessian is symmetric)."""
        i, j = sorted((self.leaves.index(a), self.leaves.index(b)))
        first, second = self.leaves[i], self.leaves[j]
        return next(e for e in self.entries if (e.first, e.second) == (first, second))


@dataclass(frozen=True)
class ProgramWarning:
    """What PyTorch warns of one line of the program, in its words, as Python prints it:
    ``line: category: message``."""

    line: int
    message: str
    category: str = "UserWarning"  # the only kind the engine gives, as PyTorch's


@dataclass(frozen=True)
class Explanation:
    """Everything ``POST /api/v1/explain`` answers, as one tree of data."""

    output: str
    graph: Graph
    gradients: tuple[LeafGradient, ...]
    no_gradient: tuple[NoGradient, ...]
    edges: dict  # (source, target, position) -> EdgeDerivative, every differentiable edge
    definitions: dict  # node id -> its definition in its operands' names
    mode: str  # GENERIC, ELEMENTS or NUMERIC
    warnings: tuple[str, ...] = ()  # the program's values: outside a domain, overflowed
    # what PyTorch warns of the program's code, as running it prints: a non-leaf's .grad
    # read, torch.tensor(t), an MSE target that broadcasts …
    program_warnings: tuple[ProgramWarning, ...] = ()
    notes: tuple[str, ...] = ()  # the tutor's own limits: what it could not derive, and why
    budget: Budget = Budget()
    hessian: Hessian | None = None  # with order 2: the second derivatives

    def gradient(self, leaf: str | None) -> LeafGradient | None:
        """The gradient of ``leaf`` (None when it received none)."""
        return next((g for g in self.gradients if g.leaf == leaf), None)
