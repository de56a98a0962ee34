"""Reverse accumulation in numbers and element by element (the walk is ``walk.accumulate``).

``Numbers``: float64 arrays, the value of every step; ``Elements``: sympy object arrays, one
expression per element, when a generic element cannot express the derivative.
"""

from __future__ import annotations

import math

import numpy as np

from engine.ops.common import unbroadcast

from ..graph import BackwardCall, Edge
from ..i18n import gettext
from . import matrix as mx
from .budget import Budget, OverBudget
from .elements import ElementGraph
from .evaluate import evaluate
from .matrix_calculus import Matrices, value_names
from .nodes import SymbolicGraph, Unsupported

_UPSTREAM = "∂upstream"  # the gradient arriving at an operation, in its matrix rule


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
            raise OverBudget(
                gettext("the Jacobian of {node} has too many entries", node=edge.target)
            )
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
