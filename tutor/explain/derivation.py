"""From accumulated adjoints to a leaf's steps: edge by edge, node by node, root to leaf.

``derivation`` turns one backward call's accumulations — the numbers, and the symbolic
adjoints when they exist — into the ``steps`` tree for one leaf; ``edge_derivative`` is the
local derivative of one edge as a step, with the rule it comes from (the graph view shows
the same). A long run of nodes that only hand the gradient on is folded into one step.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from ..functions import ELEMENTWISE, MATRIX
from ..graph import GRADIENT, Edge
from ..steps import (
    Cut,
    Derivation,
    EdgeDerivative,
    NodeGradient,
    PassThrough,
    Quantity,
    Start,
    Use,
    path_sum,
    plain,
)
from ..symbolic.elements import ElementGraph
from ..symbolic.nodes import SymbolicGraph
from ..symbolic.walk import Adjoints


def _matrix(name: str, shape: tuple, row: bool) -> sympy.Basic:
    if len(shape) == 2:
        return sympy.MatrixSymbol(name, *shape)
    if len(shape) == 1:
        return (
            sympy.MatrixSymbol(name, 1, shape[0]) if row else sympy.MatrixSymbol(name, shape[0], 1)
        )
    return sympy.Symbol(name)


def matrix_form(sg: SymbolicGraph, edge: Edge) -> sympy.Expr | None:
    """The matrix form of a product's gradient, e.g. ``X.T @ G`` for ∂L/∂W of ``X@W``."""
    spec = sg.spec(edge.target)
    if spec is None or spec.matrix is None:
        return None
    a_id, b_id = sg.operands(edge.target)
    a_shape, b_shape = (tuple(sg.nodes[i].shape) for i in (a_id, b_id))
    if len(a_shape) > 2 or len(b_shape) > 2:
        return None
    a, b = _matrix(a_id, a_shape, row=True), _matrix(b_id, b_shape, row=False)
    if sg.nodes[edge.target].shape == () or not (a.is_Matrix and b.is_Matrix):
        g = sympy.Symbol("G")
    else:
        g = sympy.MatrixSymbol("G", a.shape[0], b.shape[1])
    return spec.matrix(a, b, g)[edge.position]


def written(sg: SymbolicGraph, node_id: str) -> tuple[str, tuple[sympy.Expr, ...]] | None:
    """An elementwise operation as the program spelled it, operands in the order written
    (``x1 * w1`` stays ``x1·w1``, ``y * y`` is not ``y**2``, ``torch.sigmoid(u)`` is not
    ``1/(1 + exp(-u))``); None for what has no such spelling."""
    spec = sg.spec(node_id)
    if spec is None or sg.params(node_id):
        return None
    if spec.kind != ELEMENTWISE and not (spec.kind == MATRIX and spec.operator):
        return None
    operands = tuple(sg.symbols[i] for i in sg.operands(node_id))
    if spec.operator is not None:
        return spec.operator, operands
    if len(operands) == 1 and spec.torch_names:
        return spec.torch_names[0], operands
    return None


# the rule behind the local derivative of a binary operator, by its spelling
_OPERATOR_RULES = {"+": "sum rule", "-": "sum rule", "*": "product rule", "/": "quotient rule"}
# characters (in sympy's spelling) up to which a sum over a fork's uses goes on as one factor
# of the paths below it (``3*y/2``); a longer one is carried by name and value from there on,
# so no step writes an upstream gradient's whole expression again
CARRIED_SUM = 16
# a run of at least this many nodes that hand the gradient on unchanged is folded: the first
# is shown as an example, the others in one line (two in a row read well as they are)
FOLDED_RUN = 3


def rule(sg: SymbolicGraph, edge: Edge) -> str | None:
    """The differentiation rule the local derivative of ``edge`` comes from, by the shape of
    the operation: ``a*b`` → product rule, ``tanh(u)`` → chain rule, ``mean`` → mean rule (each
    element gets 1/N of the gradient)."""
    spec, local = sg.spec(edge.target), sg.local(edge)
    if spec is None:
        return None
    if spec.matrix is not None:
        return "matmul rule"
    if local.reduction in ("sum", "mean"):
        return "sum rule" if local.reduction == "sum" else "mean rule"
    if spec.kind != ELEMENTWISE or local.expr is None:
        return None
    if spec.operator == "**":
        return "power rule" if edge.position == 0 else "exponential rule"
    if spec.operator in _OPERATOR_RULES:
        return _OPERATOR_RULES[spec.operator]
    definition, (operand, *others) = sg.definition(edge.target), sg.operands(edge.target)
    u = sg.symbols[operand]
    if others or definition is None:
        return None
    if definition == u:
        return "identity rule"  # a conversion: the value and its gradient pass unchanged
    if definition == -u:
        return "constant factor rule"
    if definition.is_Pow and definition.base == u and definition.exp.is_Number:
        return "power rule"
    return "chain rule"


def edge_derivative(sg: SymbolicGraph, edge: Edge, value=None) -> EdgeDerivative:
    """The local derivative along ``edge`` as a step (``value``: its numbers, when known)."""
    local = sg.local(edge)
    spec = sg.spec(edge.target)
    return EdgeDerivative(
        source=edge.source,
        target=edge.target,
        position=edge.position,
        phrase=spec.phrase,
        definition=sg.definition(edge.target),
        derivative=Quantity(local.expr, plain(value) if local.expr is not None else None),
        reduction=local.reduction if local.reduction in ("sum", "mean") else None,
        count=local.count,
        matrix=matrix_form(sg, edge),
        kink=local.kink,
        textbook=(
            spec.textbook(sg.symbols[edge.target])
            if spec.textbook is not None and local.expr is not None
            else None
        ),
        written=written(sg, edge.target),
        rule=rule(sg, edge),
    )


class Symbols:
    """The symbolic side of one call's accumulation, per node: an expression or None."""

    def __init__(self, accumulation: Adjoints | None, elements: ElementGraph | None):
        self.accumulation, self.elements = accumulation, elements

    def adjoint(self, node_id: str) -> sympy.Expr | None:
        """∂root/∂node as one expression (element arrays collapse when uniform)."""
        return self._one(self.accumulation.adjoints.get(node_id)) if self.accumulation else None

    def term(self, node_id: str, k: int) -> tuple[sympy.Expr | None, sympy.Expr | None]:
        """(local derivative, contribution) of the node's k-th use."""
        if self.accumulation is None:
            return None, None
        term = self.accumulation.terms[node_id][k]
        return self._one(term.local), self._one(term.contribution)

    def _one(self, x) -> sympy.Expr | None:
        if isinstance(x, np.ndarray):
            return self.elements.collapse(x) if x.size else None
        return x


def cuts(sg: SymbolicGraph, nodes: set[str], path: set | dict = frozenset()) -> tuple[Cut, ...]:
    """The cut uses of ``nodes``, in program order; a gradient's only when it is on ``path``
    (elsewhere it is not cut off from anything: its own graph carries on)."""
    return tuple(
        Cut(e.source, e.target, e.cut, sg.nodes[e.target].replaces == e.source)
        for n in sg.graph.nodes
        if n.id in nodes
        for e in sg.uses[n.id]
        if e.cut and (e.cut != GRADIENT or e.target in path)
    )


def derivation(
    sg: SymbolicGraph, numbers: Adjoints, symbols: Symbols, index: int, leaf: str
) -> Derivation:
    """The chain rule from the root of backward call ``index`` (1-based) down to ``leaf``."""
    call = numbers.call
    nodes = sg.downstream(leaf, numbers.adjoints)  # the nodes on paths from leaf to root
    upstream = Quantity(sg.upstream(call), plain(numbers.adjoints[call.root]))
    start = Start(call.root, tuple(sg.nodes[call.root].shape), upstream, call.gradient is not None)
    root_factors = () if upstream.expr == 1 else (upstream.expr,)
    paths: dict[str, tuple[tuple | None, tuple[str, ...]]] = {
        call.root: (root_factors, (call.root,))
    }
    chain = []
    for n in reversed(sg.graph.nodes):
        if n.id not in nodes or n.id == call.root:
            continue
        uses = []
        for k, term in enumerate(numbers.terms[n.id]):
            local, part = symbols.term(n.id, k)
            target = term.edge.target
            copies = math.prod(sg.local(term.edge).shape) // max(math.prod(n.shape), 1)
            factors, path = paths[target]
            edge = edge_derivative(sg, term.edge, term.local)
            if factors is not None and local is not None and copies == 1:
                factors = (*factors, local if edge.textbook is None else edge.textbook)
            else:
                factors = None
            uses.append(
                Use(
                    edge=edge,
                    root=call.root,
                    upstream=Quantity(symbols.adjoint(target), plain(term.upstream)),
                    factors=factors,
                    path=(*path, n.id),
                    copies=copies,
                    result=Quantity(part, plain(term.contribution)),
                    terms=len(numbers.terms[n.id]),
                )
            )
        result = Quantity(symbols.adjoint(n.id), plain(numbers.adjoints[n.id]))
        if len(uses) == 1:
            paths[n.id] = (uses[0].factors, uses[0].path)
        else:  # a new path starts at a fork, from the sum as the steps wrote it
            total = path_sum(tuple(uses))
            short = total is not None and len(str(total)) <= CARRIED_SUM
            paths[n.id] = ((total,) if short else None, (n.id,))
        chain.append(NodeGradient(n.id, call.root, tuple(uses), result))
    folded = fold(chain, leaf)
    return Derivation(index, call.line, start, folded, cuts(sg, sg.downstream(leaf), nodes))


def passes_through(node: NodeGradient) -> bool:
    """Whether the node's one use hands the gradient on unchanged (local derivative 1)."""
    if len(node.uses) != 1:
        return False
    (use,) = node.uses
    edge = use.edge
    return (
        use.copies == 1
        and edge.reduction is None
        and edge.matrix is None
        and edge.derivative.expr == 1
    )


def fold(chain: list[NodeGradient], leaf: str) -> tuple[NodeGradient | PassThrough, ...]:
    """The chain with each run of ``FOLDED_RUN`` or more pass-through nodes, each the operand of
    the one before, shown as its first node and one ``PassThrough`` step for the others (the
    leaf's own step is always shown: it is the answer)."""
    out: list[NodeGradient | PassThrough] = []
    run: list[NodeGradient] = []

    def close() -> None:
        if len(run) >= FOLDED_RUN:
            out.extend((run[0], PassThrough(run[0].root, tuple(run[1:]), run[-1].result)))
        else:
            out.extend(run)
        run.clear()

    for node in chain:
        follows = bool(run) and node.uses[0].edge.target == run[-1].node
        if node.node != leaf and passes_through(node) and (follows or not run):
            run.append(node)
            continue
        close()
        if node.node != leaf and passes_through(node):
            run.append(node)
        else:
            out.append(node)
    close()
    return tuple(out)
