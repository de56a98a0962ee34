"""Reverse accumulation in numbers: float64 arrays, the value of every step.

``Numbers`` is the algebra ``walk.accumulate`` runs in; its element-by-element twin in sympy
is ``elements.Elements``.
"""

from __future__ import annotations

import math

import numpy as np

from engine.ops.common import unbroadcast

from ..graph import BackwardCall, Edge
from ..i18n import gettext
from . import matrix as mx
from .budget import Budget, OverBudget
from .elements import ElementGraph, jacobian_contribution
from .evaluate import evaluate
from .matrix_calculus import Matrices, value_names
from .nodes import SymbolicGraph, Unsupported

_UPSTREAM = "∂upstream"  # the gradient arriving at an operation, in its matrix rule


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
        return jac, jacobian_contribution(upstream, jac)

    def _by_matrix_rule(self, edge: Edge, upstream: np.ndarray) -> np.ndarray | None:
        """The source's share by the operation's matrix rule, evaluated (None without one)."""
        g = mx.Name(_UPSTREAM, np.shape(upstream))
        try:
            _, form = self.matrices.contribution(edge, g)
        except Unsupported:
            return None
        return np.array(mx.evaluate(form, {**self.names, _UPSTREAM: upstream}))
