"""Second derivatives in symbols: a first derivative differentiated again, in the user's names.

∂²L/∂xᵢ∂xⱼ is ``sympy.diff`` of the first derivative ∂L/∂xᵢ (the closed form the tutor
shows) by xⱼ, put in the shortest of the same canonical and textbook forms as the first
derivatives (``textbook.shortest``), and evaluated at the leaves' values. Every step is
bounded by the explanation's ``Budget``: sizes before and after differentiating, and its clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..i18n import gettext
from ..steps import Differentiation, Evaluation, Quantity, Simplification, plain
from .budget import Budget, Clock, OverBudget
from .canonical import atoms, ops, without_deltas
from .evaluate import evaluate
from .nodes import TOTALS
from .textbook import shortest


@dataclass(frozen=True)
class SecondForm:
    """∂²root/∂first∂second: the closed form, its value and the steps that made it."""

    expr: sympy.Expr
    value: float | None  # None when sympy's form has no number here (a DiracDelta at a kink)
    steps: tuple  # Differentiation, Simplification (when shorter), Evaluation


def of_scalars(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` over single numbers: ``sum(u)`` and ``mean(u)`` of a number are the number.

    >>> x = sympy.Symbol("x")
    >>> of_scalars(TOTALS["mean"](x**2) + 1)
    x**2 + 1
    """
    for total in TOTALS.values():
        expr = expr.replace(total, lambda a: a)
    return expr


def _bounded(expr: sympy.Expr, budget: Budget, clock: Clock, what: str) -> sympy.Expr:
    clock.check()
    if ops(expr) > budget.closed_form_ops:
        raise OverBudget(
            gettext(
                "{what} has {count} operations, over {budget}",
                what=what,
                count=ops(expr),
                budget=budget.closed_form_ops,
            )
        )
    return expr


def first_derivative(
    root: sympy.Expr, leaf: sympy.Symbol, values: Mapping, budget: Budget, clock: Clock
) -> sympy.Expr:
    """∂root/∂leaf in its shortest form (when the first-order closed form is not at hand)."""
    _bounded(root, budget, clock, gettext("the formula"))
    raw = _bounded(
        sympy.diff(root, leaf), budget, clock, gettext("the derivative by {leaf}", leaf=leaf)
    )
    return shortest(raw, values, budget, clock)


def _number(expr: sympy.Expr, values: Mapping) -> float | None:
    try:
        number = np.asarray(evaluate(expr, values), dtype=np.float64)
    except TypeError:  # Unevaluable: sympy wrote something numpy has no counterpart for
        return None
    return float(number.reshape(-1)[0]) if number.size == 1 else None


def _value(expr: sympy.Expr, values: Mapping) -> float | None:
    """The number of ``expr``; a DiracDelta (the derivative of a kink's step) is 0 away from
    its kink, and has no number on it.

    >>> x = sympy.Symbol("x")
    >>> _value(x**2 * sympy.DiracDelta(x) + 1, {x: 0.5}), _value(sympy.DiracDelta(x), {x: 0.0})
    (1.0, None)
    """
    deltas = atoms(expr, sympy.DiracDelta)
    for delta in deltas:
        at = _number(delta.args[0], values)
        if at is None or at == 0:
            return None
    return _number(without_deltas(expr), values)


def second_form(
    root: str,
    first: str,
    derivative: sympy.Expr,
    by: sympy.Symbol,
    values: Mapping,
    budget: Budget,
    clock: Clock,
) -> SecondForm:
    """∂²root/∂first∂by from ``derivative`` = ∂root/∂first, with its steps."""
    _bounded(derivative, budget, clock, f"∂{root}/∂{first}")
    raw = _bounded(sympy.diff(derivative, by), budget, clock, f"∂²{root}/∂{first}∂{by}")
    simple = shortest(raw, values, budget, clock)
    before = Quantity(derivative, plain(_value(derivative, values)))
    steps: list = [Differentiation(root, first, str(by), before, raw)]
    if simple != raw:
        steps.append(Simplification(raw, simple))
    value = _value(simple, values)
    if value is not None:
        at = sorted(atoms(simple, sympy.Symbol), key=str)
        steps.append(Evaluation(simple, tuple((s, plain(values[s])) for s in at), value))
    return SecondForm(simple, value, tuple(steps))
