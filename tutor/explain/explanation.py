"""An explanation as plain data: per leaf, the engine's gradient beside its closed form.

``tutor.render`` prints it (text, LaTeX, MathML) and makes Contract 3's JSON report of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..graph import Graph
from ..steps import Check, NoGradient, Value
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

    @property
    def symbolic(self) -> sympy.Basic | None:
        """The closed form (compact when ``compact``); None when too large or not derived."""
        return self.closed.expr if self.closed else None


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
    notes: tuple[str, ...] = ()  # the tutor's own limits: what it could not derive, and why
    budget: Budget = Budget()

    def gradient(self, leaf: str | None) -> LeafGradient | None:
        """The gradient of ``leaf`` (None when it received none)."""
        return next((g for g in self.gradients if g.leaf == leaf), None)
