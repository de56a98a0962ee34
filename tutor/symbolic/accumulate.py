"""The multivariable chain rule on the graph: reverse accumulation for one backward call.

A node's adjoint (∂root/∂node, the given gradient being the root's upstream) is the sum
over its uses — the edges to values computed from it — of the consumer's adjoint times the
local derivative, summed back over broadcast copies. The walk is written once and runs in
three algebras: ``Numbers`` (float64 arrays: the value of every step), ``Generic`` (sympy,
a tensor's name standing for a generic element: the closed forms) and ``Elements`` (sympy
object arrays, when a generic element cannot express the derivative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import sympy

from engine.ops.common import unbroadcast

from ..graph import BackwardCall, Edge
from ..limits import check_time
from . import matrix as mx
from .budget import Budget, Clock, OverBudget
from .canonical import atoms
from .elements import ElementGraph
from .evaluate import evaluate
from .matrix_calculus import Matrices, value_names
from .nodes import TOTALS, SymbolicGraph, Unsupported, broadcast_shape

_UPSTREAM = "∂upstream"  # the gradient arriving at an operation, in its matrix rule


class NotElementwise(Exception):
    """A tensor's name cannot stand for a generic element here; work element by element."""


@dataclass(frozen=True)
class Term:
    """One use of a value: the consumer's adjoint times the local derivative along ``edge``."""

    edge: Edge
    upstream: object
    local: object
    contribution: object  # summed back to the source's shape


@dataclass
class Adjoints:
    """Every node's adjoint for one backward call, and the uses that made each."""

    call: BackwardCall
    adjoints: dict[str, object]
    terms: dict[str, list[Term]]


class Algebra(Protocol):
    """What the walk needs: the root's upstream and one edge's contribution."""

    def upstream(self, call: BackwardCall) -> object: ...

    def contribution(self, edge: Edge, upstream: object) -> tuple[object, object]: ...


def accumulate(
    sg: SymbolicGraph, call: BackwardCall, algebra: Algebra, clock: Clock | None = None
) -> Adjoints:
    """Adjoints of every node that ``call``'s gradient reaches, consumers before operands.

    ``clock`` bounds symbolic algebras; the numbers take one pass over the edges.
    """
    order = [n.id for n in sg.graph.nodes]
    adjoints: dict[str, object] = {call.root: algebra.upstream(call)}
    terms: dict[str, list[Term]] = {}
    with np.errstate(all="ignore"):  # NaN and infinities are the program's own: warnings say so
        for node_id in reversed(order[: order.index(call.root) + 1]):
            if node_id not in adjoints:
                continue
            check_time()
            if clock is not None:
                clock.check()
            for edge in sg.inputs[node_id]:
                if edge.cut or not sg.nodes[edge.source].requires_grad:
                    continue
                upstream = adjoints[node_id]
                local, part = algebra.contribution(edge, upstream)
                terms.setdefault(edge.source, []).append(Term(edge, upstream, local, part))
                previous = adjoints.get(edge.source)
                adjoints[edge.source] = part if previous is None else previous + part
    return Adjoints(call, adjoints, terms)


def _jacobian_contribution(upstream, jac: np.ndarray) -> np.ndarray:
    upstream = np.asarray(upstream)  # a 0-d sum comes back from numpy as a scalar
    return np.asarray(np.tensordot(upstream, jac, axes=upstream.ndim), dtype=jac.dtype)


class Numbers:
    """Adjoints as float64 arrays: the local derivatives evaluated, multiplied and summed."""

    def __init__(self, sg: SymbolicGraph, elements: ElementGraph, budget: Budget):
        self.sg, self.elements, self.budget = sg, elements, budget
        self.matrices = Matrices(sg)
        self.names = value_names(sg)

    def upstream(self, call: BackwardCall) -> np.ndarray:
        """The given gradient (1 for a scalar root) over the root's shape."""
        given = 1.0 if call.gradient is None else call.gradient
        shape = tuple(self.sg.nodes[call.root].shape)
        return np.broadcast_to(np.asarray(given, dtype=np.float64), shape)

    def contribution(self, edge: Edge, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local derivative's value, what it adds to the source's adjoint)."""
        local = self.sg.local(edge)
        source = tuple(self.sg.nodes[edge.source].shape)
        if local.expr is not None:
            value = np.broadcast_to(evaluate(local.expr, self.sg.values), local.shape)
            return value, unbroadcast(np.asarray(upstream * value), source)
        by_rule = self._by_matrix_rule(edge, upstream)
        if by_rule is not None:  # Xᵀ @ G in numbers: no Jacobian needed
            return None, by_rule
        if math.prod(local.shape) * math.prod(source) > self.budget.jacobian:
            raise OverBudget(f"the Jacobian of {edge.target} has too many entries")
        entries = self.elements.jacobian(edge)
        env = self.elements.env
        jac = np.vectorize(lambda e: float(evaluate(e, env)), otypes=[np.float64])(entries)
        return jac, _jacobian_contribution(upstream, jac)

    def _by_matrix_rule(self, edge: Edge, upstream: np.ndarray) -> np.ndarray | None:
        """The source's share by the operation's matrix rule, evaluated (None without one)."""
        g = mx.Name(_UPSTREAM, np.shape(upstream))
        try:
            _, form = self.matrices.contribution(edge, g)
        except Unsupported:
            return None
        return np.array(mx.evaluate(form, {**self.names, _UPSTREAM: upstream}))


class Generic:
    """Adjoints as sympy expressions in the program's names, a name per generic element."""

    def __init__(self, sg: SymbolicGraph):
        self.sg = sg

    def upstream(self, call: BackwardCall) -> sympy.Expr:
        """1, the given number, or the symbol of a gradient that varies."""
        return self.sg.upstream(call)

    def contribution(self, edge: Edge, upstream: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
        """(local derivative, what it adds to the source's adjoint, copies summed)."""
        local = self.sg.local(edge)
        if local.expr is None:
            raise NotElementwise(f"{edge.target} has no elementwise form")
        source = tuple(self.sg.nodes[edge.source].shape)
        return local.expr, self.sum_copies(upstream * local.expr, local.shape, source)

    def sum_copies(self, expr: sympy.Expr, copies: tuple, shape: tuple) -> sympy.Expr:
        """Sum ``expr`` over the broadcast copies of a ``shape`` value inside ``copies``."""
        n = math.prod(copies) // max(math.prod(shape), 1)
        if n == 1:
            return expr
        lead = len(copies) - len(shape)
        spread = [k for k in range(len(copies)) if k < lead or shape[k - lead] == 1]
        symbols = atoms(expr, sympy.Symbol, skip=tuple(TOTALS.values()))  # vary by element
        shapes = [self.sg.shape_of(s) for s in symbols]
        varies = any(
            len(copies) - len(s) <= k and s[k - len(copies) + len(s)] != 1
            for s in shapes
            for k in spread
        )
        if not varies:
            return n * expr
        if math.prod(shape) == 1:
            covered = broadcast_shape(*shapes)
            return math.prod(copies) // math.prod(covered) * TOTALS["sum"](expr)
        raise NotElementwise("a broadcast sum that differs from copy to copy")


class Elements:
    """Adjoints as object arrays: one sympy expression per element."""

    def __init__(self, elements: ElementGraph):
        self.elements = elements
        self.sg = elements.sg

    def upstream(self, call: BackwardCall) -> np.ndarray:
        """The given gradient's elements."""
        shape = tuple(self.sg.nodes[call.root].shape)
        return self.elements.of_symbol(self.sg.upstream(call), shape)

    def contribution(self, edge: Edge, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local derivative's elements or Jacobian, what they add to the source's adjoint)."""
        local = self.sg.local(edge)
        source = tuple(self.sg.nodes[edge.source].shape)
        if local.expr is not None:
            value = self.elements.instantiate(local.expr, local.shape)
            return value, unbroadcast(np.asarray(upstream * value), source)
        jac = self.elements.jacobian(edge)
        return jac, _jacobian_contribution(upstream, jac)
