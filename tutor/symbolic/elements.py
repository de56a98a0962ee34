"""Element by element: every tensor as a numpy object array of sympy expressions.

Used where a tensor's name cannot stand for a generic element — matmul, softmax, a
reduction along one dimension, max/min, reshapes and indexing, or a broadcast sum that
differs from copy to copy. Element ``(i, j)`` of node ``X`` is the symbol ``X[i, j]``; a
0-d tensor keeps its plain name. Running an operation's element form (the table's
``elements`` column, or its elementwise sympy form) on these arrays gives the result's
elements as expressions, and differentiating them gives the operation's Jacobian.
``Elements`` is the chain rule's walk (``walk.accumulate``) in these arrays.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Protocol

import numpy as np
import sympy

from engine.ops.common import unbroadcast

from ..forms import as_objects
from ..graph import BackwardCall, Edge, Graph, Node
from .canonical import expr_of, literal, without_deltas
from .walk import TOTALS, outermost_totals


class Symbolic(Protocol):
    """What the element arrays read of a graph on sympy (``nodes.SymbolicGraph``, which
    works element by element with them)."""

    graph: Graph
    nodes: dict[str, Node]
    symbols: dict[str, sympy.Expr]
    node_of: dict[sympy.Basic, str]
    values: dict[sympy.Basic, np.ndarray]
    gradient_forms: dict[str, sympy.Expr]

    def spec(self, node_id: str): ...

    def params(self, node_id: str) -> dict: ...

    def operands(self, node_id: str) -> list[str]: ...

    def number(self, node_id: str) -> np.ndarray | None: ...

    def shape_of(self, symbol: sympy.Symbol) -> tuple[int, ...]: ...

    def covered(self, expr: sympy.Expr) -> tuple[int, ...]: ...

    def upstream(self, call: BackwardCall) -> sympy.Expr: ...

    def local(self, edge: Edge): ...


def objects(shape: tuple[int, ...], fill) -> np.ndarray:
    """An object array of ``shape`` whose element at index ``i`` is ``fill(i)``."""
    out = np.empty(shape, dtype=object)
    for i in np.ndindex(shape):
        out[i] = fill(i)
    return out


def align(index: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The element of a ``shape`` tensor that broadcasting pairs with ``index``.

    >>> align((1, 2), (3,)), align((1, 2), (2, 1)), align((1, 2), ())
    ((2,), (1, 0), ())
    """
    lead = len(index) - len(shape)
    return tuple(0 if s == 1 else index[lead + k] for k, s in enumerate(shape))


class ElementGraph:
    """The nodes of a ``SymbolicGraph`` as arrays of element symbols and element expressions."""

    def __init__(self, sg: Symbolic):
        self.sg = sg
        self._forward: dict[str, np.ndarray] = {}
        self._jacobian: dict[tuple[str, str, int], np.ndarray] = {}

    def symbols(self, node_id: str) -> np.ndarray:
        """``X[i, j]`` for each element of a node (numbers for a literal)."""
        symbol = self.sg.symbols[node_id]
        return self.of_symbol(symbol, tuple(self.sg.nodes[node_id].shape))

    def of_symbol(self, symbol: sympy.Expr, shape: tuple[int, ...]) -> np.ndarray:
        """The element array a generic symbol (or number) stands for."""
        if not isinstance(symbol, sympy.Symbol) or not shape:
            return np.full(shape, symbol, dtype=object)
        base = sympy.IndexedBase(symbol.name, real=True)
        return objects(shape, lambda i: base[i])

    def node_of(self, atom: sympy.Basic) -> str | None:
        """The node an element symbol (``X[0, 1]``, or a 0-d tensor's name) belongs to."""
        name = atom.base.name if isinstance(atom, sympy.Indexed) else str(atom)
        return self.sg.node_of.get(sympy.Symbol(name, real=True))

    def element(self, atom: sympy.Basic) -> sympy.Expr:
        """The flattened expression of one element symbol."""
        forward = self.forward(self.node_of(atom))
        return forward[atom.indices] if isinstance(atom, sympy.Indexed) else forward[()]

    def values(self, node_id: str) -> np.ndarray:
        """A node's numbers as recorded (integer targets stay integers)."""
        return self.sg.number(node_id)

    @cached_property
    def env(self) -> dict[sympy.Basic, float]:
        """The number behind every element symbol."""
        out: dict[sympy.Basic, float] = {}
        for symbol, value in self.sg.values.items():
            elements = self.of_symbol(symbol, value.shape)
            for i in np.ndindex(value.shape):
                out[elements[i]] = float(value[i])
        return out

    def instantiate(self, expr: sympy.Expr, shape: tuple[int, ...]) -> np.ndarray:
        """A generic expression at every element of ``shape`` (``x*w`` → ``x[i]*w[i]``); a
        ``sum(u)`` or ``mean(u)`` in it is spelled out over u's elements, the same in each."""
        totals = {t: sympy.Dummy() for t in outermost_totals(expr)}
        spelled = {d: self._spelled_out(t) for t, d in totals.items()}
        expr = expr.xreplace(totals)
        symbols = [s for s in expr.free_symbols if s in self.sg.values]
        arrays = {s: self.of_symbol(s, self.sg.shape_of(s)) for s in symbols}

        def at(index: tuple[int, ...]) -> sympy.Expr:
            rule = {s: arrays[s][align(index, arrays[s].shape)] for s in symbols}
            return expr.xreplace(rule).xreplace(spelled)

        return objects(shape, at)

    def _spelled_out(self, total: sympy.Expr) -> sympy.Expr:
        """``sum(u)`` as u's elements added up (``mean(u)``: divided by their count)."""
        inner = total.args[0]
        covered = self.sg.covered(inner)
        added = sympy.Add(*self.instantiate(inner, covered).flat)
        return added / math.prod(covered) if type(total) is TOTALS["mean"] else added

    def jacobian(self, edge: Edge) -> np.ndarray:
        """∂target[o]/∂source[u] for every pair of elements: shape target.shape + source.shape."""
        key = (edge.source, edge.target, edge.position)
        if key not in self._jacobian:
            self._jacobian[key] = self._differentiate(edge)
        return self._jacobian[key]

    def _differentiate(self, edge: Edge) -> np.ndarray:
        sg, target = self.sg, edge.target
        spec, params = sg.spec(target), sg.params(target)
        operands = sg.operands(target)
        source_shape = tuple(sg.nodes[edge.source].shape)
        slots = objects(source_shape, lambda i: sympy.Dummy(real=True))
        arrays = tuple(
            slots if k == edge.position else self.symbols(i) for k, i in enumerate(operands)
        )
        out = as_objects(spec.elements(arrays, tuple(self.values(i) for i in operands), **params))
        own = self.symbols(edge.source)
        rule = {slots[u]: own[u] for u in np.ndindex(source_shape)}
        where = {slots[u]: u for u in np.ndindex(source_shape)}
        jac = np.full(tuple(out.shape) + source_shape, sympy.Integer(0), dtype=object)
        for o in np.ndindex(out.shape):
            element = expr_of(out[o])
            for slot in element.free_symbols & where.keys():
                # a kink's step differentiated again is 0, as PyTorch's double backward has it
                jac[o + where[slot]] = without_deltas(sympy.diff(element, slot)).xreplace(rule)
        return jac

    def forward(self, node_id: str) -> np.ndarray:
        """A node's elements flattened to leaf, constant and cut elements."""
        if node_id not in self._forward:
            for n in self.sg.graph.nodes:  # creation order is topological
                if n.id not in self._forward:
                    self._forward[n.id] = self._element_form(n.id)
                if n.id == node_id:
                    break
        return self._forward[node_id]

    def _element_form(self, node_id: str) -> np.ndarray:
        sg = self.sg
        spec = sg.spec(node_id)
        if spec is None:
            return self.symbols(node_id)
        params, operands = sg.params(node_id), sg.operands(node_id)
        arrays = tuple(self._forward[i] for i in operands)
        if spec.elements is not None:
            return as_objects(
                spec.elements(arrays, tuple(self.values(i) for i in operands), **params)
            )
        if node_id in sg.gradient_forms:  # in leaves' names already, over its own shape
            return self.instantiate(sg.gradient_forms[node_id], tuple(sg.nodes[node_id].shape))
        form = np.frompyfunc(lambda *u: spec.sympy(*u, **params), len(arrays), 1)
        return np.asarray(form(*arrays), dtype=object)

    def collapse(self, array: np.ndarray) -> sympy.Expr | None:
        """The generic expression every element of ``array`` instantiates, if there is one."""
        found = None
        for index in np.ndindex(array.shape):
            element = expr_of(array[index])
            rule = {}
            for indexed in element.atoms(sympy.Indexed):
                symbol = sympy.Symbol(indexed.base.name, real=True)
                shape = self.sg.shape_of(symbol) if symbol in self.sg.values else None
                if (
                    shape is None
                    or len(shape) > len(index)
                    or indexed.indices != align(index, shape)
                ):
                    return None  # not this element's own: the elements differ in form
                rule[indexed] = symbol
            generic = element.xreplace(rule)
            if found is not None and generic != found:
                return None
            found = generic
        return found


def jacobian_contribution(upstream, jac: np.ndarray) -> np.ndarray:
    """The upstream gradient through a Jacobian: summed over the target's elements."""
    upstream = np.asarray(upstream)  # a 0-d sum comes back from numpy as a scalar
    return np.asarray(np.tensordot(upstream, jac, axes=upstream.ndim), dtype=jac.dtype)


class Elements:
    """Adjoints as object arrays: one sympy expression per element (``given``: the numbers
    the walk starts from, element by element, when they vary)."""

    def __init__(self, elements: ElementGraph, given: np.ndarray | None = None):
        self.elements = elements
        self.sg = elements.sg
        self.given = given

    def upstream(self, call: BackwardCall) -> np.ndarray:
        """The given gradient's elements."""
        shape = tuple(self.sg.nodes[call.root].shape)
        if self.given is not None:
            return objects(shape, lambda i: literal(self.given[i]))
        return self.elements.of_symbol(self.sg.upstream(call), shape)

    def contribution(self, edge: Edge, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(local derivative's elements or Jacobian, what they add to the source's adjoint)."""
        local = self.sg.local(edge)
        source = tuple(self.sg.nodes[edge.source].shape)
        if local.expr is not None:
            value = self.elements.instantiate(local.expr, local.shape)
            return value, unbroadcast(np.asarray(upstream * value), source)
        jac = self.elements.jacobian(edge)
        return jac, jacobian_contribution(upstream, jac)
