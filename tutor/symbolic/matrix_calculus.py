"""Gradients in matrix notation: ``∂L/∂W = (2/3) Xᵀ (X @ W + b − Y)``, whatever the sizes.

``Matrices`` is an algebra for the chain-rule walk (``accumulate``): each adjoint is a
whole-tensor ``Form`` in the names of the graph's values, built with the matrix rules —
the matrix product's ``G @ Bᵀ`` and ``Aᵀ @ G``, an elementwise operation's ``G ⊙ f'(u)``
(in the textbook forms the table gives: ``σ(u) ⊙ (1 − σ(u))``), a broadcast value's sum
over its copies (``1ᵀ G``), the mean's ``1/N``, softmax cross-entropy's
``softmax(z) − onehot(y)``. ``matrix_closed_form`` substitutes the definitions of the
unnamed intermediates (``t3``) — and of the named ones too when that reads shorter — and
checks the result's numbers against the values the chain of local derivatives gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy

from ..functions import ELEMENTWISE, MATRIX
from ..graph import LITERAL, OP, BackwardCall, Edge
from ..i18n import gettext
from ..steps import Substitution
from . import matrix as mx
from .matrix import Form
from .nodes import SymbolicGraph, Unsupported

_APPLIED = set(mx.FUNCTIONS) - {"step", "softmax"}  # written as a function of their operand
_PASS = {"float", "double", "clone"}
_TRANSPOSES = {"t", "T"}
# the operations as written, operands in the program's order (sympy would sort them)
_ARITHMETIC = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a * mx.power(b, -1),
    "neg": lambda a: -a,
    "square": lambda a: mx.power(a, 2),
    "reciprocal": lambda a: mx.power(a, -1),
    "pow": lambda a, b: _power(a, b),
}
_RESULT = sympy.Symbol("y", real=True)  # the result, in the table's textbook derivatives


@dataclass(frozen=True)
class MatrixForm:
    """A leaf's gradient as one whole-tensor expression, and the names it keeps."""

    expr: Form
    definitions: tuple[tuple[str, Form], ...]  # named intermediates it uses, program order
    value: np.ndarray
    steps: tuple  # the Substitution of the unnamed intermediates, when there are any


def is_named(sg: SymbolicGraph, node_id: str) -> bool:
    """An operation's value the program bound to a variable (``h = torch.relu(z)``)."""
    node = sg.nodes[node_id]
    return node.kind == OP and node.named


class Matrices:
    """Adjoints as whole-tensor forms, for ``accumulate``."""

    def __init__(self, sg: SymbolicGraph):
        self.sg = sg
        self.names: dict[sympy.Basic, Form] = {
            s: mx.Name(i, tuple(sg.nodes[i].shape))
            for i, s in sg.symbols.items()
            if isinstance(s, sympy.Symbol)
        }

    def name(self, node_id: str) -> Form:
        """A value by its name (a literal by its number)."""
        symbol = self.sg.symbols[node_id]
        return self.names.get(symbol) or mx.as_form(symbol)

    def upstream(self, call: BackwardCall) -> Form:
        """The gradient ``backward`` starts from: 1, a number over the root, or its name."""
        given = self.sg.upstream(call)
        shape = tuple(self.sg.nodes[call.root].shape)
        if isinstance(given, sympy.Symbol):
            return mx.Name(str(given), shape)
        return mx.product(mx.as_form(given), mx.ones_like(shape))

    def contribution(self, edge: Edge, upstream: Form) -> tuple[Form | None, Form]:
        """(the local derivative where one applies elementwise, the source's share)."""
        sg = self.sg
        spec = sg.spec(edge.target)
        if spec is None:
            raise Unsupported(
                gettext("no matrix rule for {operation}", operation=repr(sg.nodes[edge.target].op))
            )
        source = tuple(sg.nodes[edge.source].shape)
        operands = [self.name(i) for i in sg.operands(edge.target)]
        if spec.kind == MATRIX:
            return None, _matmul_rule(operands, upstream, edge.position)
        if spec.key in _TRANSPOSES or (spec.key == "transpose" and len(source) == 2):
            return None, upstream.T
        if spec.key in _PASS:
            return None, upstream
        if spec.key == "cross_entropy":
            return None, self._cross_entropy(edge, operands, upstream)
        if spec.key == "binary_cross_entropy_with_logits":
            return None, self._bce_with_logits(edge, operands, upstream)
        local = self.local(edge)
        spread = mx.product(upstream, local, mx.ones_like(sg.local(edge).shape))
        return local, mx.sum_to(spread, source)

    def local(self, edge: Edge) -> Form:
        """An elementwise local derivative, in the textbook form where the table has one."""
        spec = self.sg.spec(edge.target)
        if spec.textbook is not None and len(self.sg.operands(edge.target)) == 1:
            return mx.from_sympy(spec.textbook(_RESULT), {_RESULT: self.name(edge.target)})
        expr = self.sg.local(edge).expr
        if expr is None:
            raise Unsupported(gettext("no matrix rule for {operation}", operation=repr(spec.key)))
        return mx.from_sympy(expr, self.names)

    def _cross_entropy(self, edge: Edge, operands: list[Form], upstream: Form) -> Form:
        if edge.position != 0:
            raise Unsupported(gettext("a gradient for cross-entropy's target"))
        logits, target = operands
        if len(logits.shape) != 2:
            raise Unsupported(gettext("cross-entropy of logits that are not a batch of rows"))
        reduction = self.sg.params(edge.target)["reduction"]
        if reduction not in ("mean", "sum"):
            raise Unsupported(
                gettext(
                    "cross-entropy with {reduction} in matrix form",
                    reduction=f"reduction={reduction!r}",
                )
            )
        classes = "int" in self.sg.nodes[self.sg.operands(edge.target)[1]].dtype
        onehot = mx.apply("onehot", target, logits.shape) if classes else target
        scale = sympy.Rational(1, logits.shape[0]) if reduction == "mean" else 1
        return mx.product(mx.as_form(scale), upstream, mx.apply("softmax", logits) - onehot)

    def _bce_with_logits(self, edge: Edge, operands: list[Form], upstream: Form) -> Form:
        """σ(X) − T for the logits X, −X for the targets T, times the upstream gradient
        (and 1/N for a mean over N elements)."""
        logits, target = operands
        if edge.position == 0:
            local = mx.apply("sigmoid", logits) - target
        else:
            local = mx.product(mx.as_form(-1), logits)
        reduction = self.sg.params(edge.target)["reduction"]
        count = math.prod(logits.shape)
        scale = sympy.Rational(1, count) if reduction == "mean" and count > 1 else 1
        return mx.product(mx.as_form(scale), upstream, local)

    # --- values as formulas of their operands, for substitution ------------------------
    def forward(self, node_id: str) -> Form:
        """A value in its operands' names (its own name when no whole-tensor form has it)."""
        sg, node = self.sg, self.sg.nodes[node_id]
        spec = sg.spec(node_id)
        if node.kind == LITERAL or spec is None:
            return self.name(node_id)
        operands = [self.name(i) for i in sg.operands(node_id)]
        try:
            if spec.kind == MATRIX:
                return mx.matmul(*operands)
            if spec.key in _TRANSPOSES:
                return operands[0].T
            if spec.key in _PASS:
                return operands[0]
            if spec.kind == ELEMENTWISE and spec.key in _APPLIED and not sg.params(node_id):
                return mx.apply(spec.key, operands[0])
            if spec.key in _ARITHMETIC and not sg.params(node_id):
                return _ARITHMETIC[spec.key](*operands)
            definition = sg.definition(node_id)
            if definition is not None and sg.reduction(node_id) is not None:
                return mx.from_sympy(definition, self.names)
        except Unsupported:
            pass
        return self.name(node_id)


def _power(base: Form, exponent: Form) -> Form:
    if not isinstance(exponent, mx.Number):
        raise Unsupported(gettext("a power by a tensor in matrix form"))
    return mx.power(base, exponent.value)


def _matmul_rule(operands: list[Form], g: Form, position: int) -> Form:
    """The matrix product's gradients: ``G @ Bᵀ`` for A, ``Aᵀ @ G`` for B (``dot``: G·B, G·A)."""
    a, b = operands
    if g.shape == ():
        return mx.product(g, b if position == 0 else a)
    if len(a.shape) == 1:
        raise Unsupported(gettext("a vector times a matrix in matrix form"))
    return g @ b.T if position == 0 else a.T @ g


def _expansions(m: Matrices, keep_named: bool) -> dict[str, Form]:
    """Each operation's value in leaf names (keeping the program's named values)."""
    out: dict[str, Form] = {}
    for node in m.sg.graph.nodes:
        if m.sg.spec(node.id) is None or (keep_named and is_named(m.sg, node.id)):
            continue
        form = m.forward(node.id)
        if form != m.name(node.id):
            out[node.id] = mx.substitute(form, out)
    return out


def _named_in(m: Matrices, form: Form) -> list[str]:
    """The program's named values a form uses."""
    return [n for n in mx.names_in(form) if n in m.sg.nodes and is_named(m.sg, n)]


def matrix_closed_form(m: Matrices, adjoint: Form, values: dict[str, np.ndarray]) -> MatrixForm:
    """The leaf's gradient in leaf names or, when shorter, in the program's named values (as
    a textbook writes ``hᵀ (out − Y)``, with their definitions), and its numbers."""
    every, unnamed = _expansions(m, keep_named=False), _expansions(m, keep_named=True)
    full, kept = mx.substitute(adjoint, every), mx.substitute(adjoint, unnamed)
    expansions, form = (every, full) if mx.size(full) <= mx.size(kept) else (unnamed, kept)
    definitions: dict[str, Form] = {}
    wanted = _named_in(m, form)
    while wanted:
        name = wanted.pop()
        if name not in definitions:
            definitions[name] = mx.substitute(m.forward(name), unnamed)
            wanted += _named_in(m, definitions[name])
    order = [n.id for n in m.sg.graph.nodes]
    replaced = sorted((n for n in mx.names_in(adjoint) if n in expansions), key=order.index)
    rule = tuple((sympy.Symbol(n, real=True), expansions[n]) for n in replaced)
    return MatrixForm(
        form,
        tuple(sorted(definitions.items(), key=lambda kv: order.index(kv[0]))),
        mx.evaluate(form, values),
        (Substitution(adjoint, rule, form),) if rule else (),
    )


def value_names(sg: SymbolicGraph) -> dict[str, np.ndarray]:
    """The numbers behind every name a form may use."""
    return {str(s): v for s, v in sg.values.items() if isinstance(s, sympy.Symbol)}
