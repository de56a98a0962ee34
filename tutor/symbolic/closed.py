"""A leaf's closed form: its adjoint, intermediates substituted, in its shortest form.

The shortest of the canonical and the textbook forms (``textbook``: σ(u) − y rather than a
sum of exponentials) is shown.

The substitution is sized before it is made (``canonical.ops`` with each intermediate
weighted by the size of its definition): past ``Budget.closed_form_ops`` the intermediate
names stay and the form is *compact*, with the definitions it needs; past
``Budget.compact_ops`` nothing symbolic is shown, and the value still comes from the
derivation (evaluated over its DAG, never expanded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..steps import Evaluation, Simplification, Substitution, plain
from .budget import Budget, Clock
from .canonical import atoms, canonical, ops
from .elements import ElementGraph, objects
from .evaluate import Unevaluable, evaluate
from .nodes import SymbolicGraph
from .textbook import shortest


@dataclass(frozen=True)
class ClosedForm:
    """A leaf's gradient in symbols, its value, and the steps that made it."""

    expr: sympy.Basic | None  # an Array when elements differ; None when too large to show
    compact: bool  # keeps intermediate names: the expanded form is over the size budget
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]  # the names a compact form uses
    value: np.ndarray | None  # None when the values it needs were not recorded
    steps: tuple  # Substitution, Simplification, Evaluation (those that apply)


def _definitions(sg: SymbolicGraph, names: set[str], expandable: set[str]) -> tuple:
    """Definitions of ``names`` and of every ``expandable`` node they use, in program order."""
    wanted, stack = set(names), list(names)
    while stack:
        for s in sg.definition(stack.pop()).free_symbols:
            i = sg.node_of.get(s)
            if i in expandable and i not in wanted:
                wanted.add(i)
                stack.append(i)
    return tuple((sg.symbols[n.id], sg.definition(n.id)) for n in sg.graph.nodes if n.id in wanted)


def as_expr(eg: ElementGraph, array: np.ndarray) -> sympy.Basic:
    """One expression for an element array: its generic form, the element, or an Array."""
    generic = eg.collapse(array)
    if generic is not None:
        return generic
    return array[()] if array.ndim == 0 else sympy.ImmutableDenseNDimArray(array.tolist())


class Closer:
    """Closed forms for the leaves of one explanation (sizes of definitions counted once)."""

    def __init__(self, sg: SymbolicGraph, budget: Budget, clock: Clock):
        self.sg, self.budget, self.clock = sg, budget, clock
        self.expansions = sg.expansions()
        self.weights: dict[sympy.Basic, int] = {}  # flattened sizes, without flattening
        for n in sg.graph.nodes:
            symbol = sg.symbols[n.id]
            if symbol in self.expansions:
                self.weights[symbol] = ops(sg.definition(n.id), self.weights)

    def _finish(self, before, expr, rule: dict, simplify, evaluation) -> tuple:
        steps = []
        if rule:
            steps.append(Substitution(before, tuple(rule.items()), expr))
        self.clock.check()
        simple = simplify()
        if simple != expr:
            steps.append(Simplification(expr, simple))
        evaluated = evaluation(simple) if evaluation is not None else None
        return simple, tuple(steps) + ((evaluated,) if evaluated is not None else ())

    def intermediates(self, expr: sympy.Expr) -> set[str]:
        """The expandable intermediates (node ids) ``expr`` names."""
        return {self.expansions[s] for s in atoms(expr, sympy.Symbol) if s in self.expansions}

    def rule(self, used: set[str]) -> dict:
        """Each of the ``used`` intermediates' symbols mapped to its definition in the
        leaves' and constants' names (sorted by node id)."""
        return {self.sg.symbols[i]: self.sg.expression(i) for i in sorted(used)}

    def generic(self, total: sympy.Expr, shape: tuple[int, ...]) -> ClosedForm:
        """The closed form of a generic (per-element) adjoint for a leaf of ``shape``."""
        sg, budget = self.sg, self.budget
        if ops(total) > budget.compact_ops:
            return ClosedForm(None, True, (), self._value(total, shape), ())
        used = self.intermediates(total)
        if used and ops(total, self.weights) > budget.closed_form_ops:
            defs = _definitions(sg, used, set(self.expansions.values()))
            return ClosedForm(total, True, defs, self._value(total, shape), ())
        rule = self.rule(used)
        expr = sg.substitute(total, rule)

        def evaluation(simple: sympy.Expr) -> Evaluation | None:
            value = self._value(simple, shape)
            if value is None:
                return None
            at = sorted(atoms(simple, sympy.Symbol), key=str)
            return Evaluation(simple, tuple((s, plain(sg.values[s])) for s in at), plain(value))

        simple, steps = self._finish(
            total, expr, rule, lambda: shortest(expr, sg.values, budget, self.clock), evaluation
        )
        return ClosedForm(simple, False, (), self._value(simple, shape), steps)

    def _value(self, expr: sympy.Expr, shape: tuple[int, ...]) -> np.ndarray | None:
        """The value of ``expr`` over a leaf's shape; None when a value was not recorded."""
        try:
            return np.broadcast_to(evaluate(expr, self.sg.values), shape)
        except Unevaluable:
            return None

    def elements(self, eg: ElementGraph, total: np.ndarray) -> ClosedForm:
        """The closed form of an element-by-element adjoint (collapsed when all elements agree)."""
        sg, budget = self.sg, self.budget
        total = np.asarray(total, dtype=object)  # a 0-d sum comes back as a lone expression
        value = np.asarray(
            objects(total.shape, lambda i: float(evaluate(total[i], eg.env))), dtype=np.float64
        )
        entries = [total[i] for i in np.ndindex(total.shape)]
        if sum(ops(e) for e in entries) > budget.compact_ops:
            return ClosedForm(None, True, (), value, ())
        found = set().union(*(atoms(e, (sympy.Indexed, sympy.Symbol)) for e in entries))
        # element symbols of operations; a given gradient (v_L) is data, not a node
        intermediates = {a for a in found if (n := eg.node_of(a)) and sg.spec(n) is not None}
        rule = {a: eg.element(a) for a in intermediates}
        names = {eg.node_of(a) for a in intermediates}
        compact = as_expr(eg, total)
        weights = {a: ops(e) for a, e in rule.items()}
        if sum(ops(e, weights) for e in entries) > budget.closed_form_ops:
            expandable = {n.id for n in sg.graph.nodes if sg.spec(n.id) is not None}
            return ClosedForm(compact, True, _definitions(sg, names, expandable), value, ())
        expanded = objects(total.shape, lambda i: total[i].xreplace(rule))
        after = as_expr(eg, expanded)
        defs = {sg.symbols[n.id]: sg.definition(n.id) for n in sg.graph.nodes if n.id in names}

        def simplify() -> sympy.Basic:
            return as_expr(
                eg, objects(total.shape, lambda i: canonical(expanded[i], budget, self.clock))
            )

        simple, steps = self._finish(compact, after, defs, simplify, None)
        return ClosedForm(simple, False, (), value, steps)
