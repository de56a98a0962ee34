"""The multivariable chain rule's walk: reverse accumulation for one backward call.

A node's adjoint (∂root/∂node, the given gradient being the root's upstream) is the sum
over its uses — the edges to values computed from it — of the consumer's adjoint times the
local derivative, summed back over broadcast copies. The walk is written once and runs in
any algebra: ``Generic`` here (sympy, a tensor's name standing for a generic element: the
closed forms, and the forms of gradients a program takes), ``Numbers`` and ``Elements`` in
``tutor.symbolic.accumulate``. It reads the graph only through the object it is given, so
``tutor.symbolic.nodes`` can use it for the gradients in a graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import sympy

from ..graph import BackwardCall, Edge, Graph, Node
from ..limits import check_time
from .budget import Clock
from .canonical import atoms

TOTALS = {"sum": sympy.Function("sum"), "mean": sympy.Function("mean")}


def outermost_totals(expr: sympy.Basic) -> list[sympy.Basic]:
    """The ``sum(…)``/``mean(…)`` applications in ``expr`` not inside another one."""
    found, stack = [], [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sympy.Function) and e.func in TOTALS.values():
            found.append(e)
        else:
            stack.extend(e.args)
    return found


def broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape numpy (and PyTorch) broadcasting gives these shapes."""
    return tuple(np.broadcast_shapes(*shapes))


class Walked(Protocol):
    """What the walk reads of a graph (``tutor.symbolic.nodes.SymbolicGraph`` has it all)."""

    graph: Graph
    nodes: dict[str, Node]
    inputs: dict[str, list[Edge]]

    def local(self, edge: Edge): ...  # a nodes.Local

    def shape_of(self, symbol: sympy.Symbol) -> tuple[int, ...]: ...

    def upstream(self, call: BackwardCall) -> sympy.Expr: ...


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
    sg: Walked, call: BackwardCall, algebra: Algebra, clock: Clock | None = None
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


class Generic:
    """Adjoints as sympy expressions in the program's names, a name per generic element."""

    def __init__(self, sg: Walked):
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
