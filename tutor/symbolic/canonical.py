"""Readable canonical forms, at a bounded cost, and the DAG walks that keep it bounded.

Sizes are counted over the expression DAG (each distinct subexpression once, weighted by
how often the tree repeats it), so a closed form's size is known before it is built.
Only small expressions get the costlier canonical forms — ``factor_terms``, ``factor``,
``cancel``, ``expand`` — and of those the shortest wins (``3*(x + 2)/2`` over
``3*x/2 + 3``, ``-w1*w2`` stays). Never ``simplify``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy
from sympy.polys.polyerrors import BasePolynomialError

from .budget import Budget, Clock

_REWRITES: tuple[tuple[Callable[[sympy.Expr], sympy.Expr], bool], ...] = (
    (sympy.factor_terms, False),  # (rewrite, works through polynomial algebra)
    (sympy.factor, True),
    (lambda e: e, False),
    (sympy.cancel, True),
    (sympy.expand, True),
)
_POWER_LIMIT = 6  # (a + b)**7 and beyond: expanding forms would blow up


def ops(
    expr: sympy.Basic,
    weights: Mapping[sympy.Basic, int] | None = None,
    memo: dict[sympy.Basic, int] | None = None,
) -> int:
    """Operations in the tree of ``expr`` (as ``count_ops`` counts them, roughly), over its DAG.

    ``weights`` gives symbols a size: the size ``expr`` would have with each replaced. A
    ``memo`` shared between calls (with the same weights) counts common parts once.

    >>> x, y = sympy.symbols("x y")
    >>> ops(x * y + x), ops(x * y, {y: 3})
    (2, 4)
    """
    weights = weights or {}
    memo = {} if memo is None else memo
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in memo:
            stack.pop()
            continue
        if e in weights or not e.args:
            memo[e] = weights.get(e, 0)
            stack.pop()
            continue
        pending = [a for a in e.args if a not in memo]
        if pending:
            stack.extend(pending)
            continue
        own = len(e.args) - 1 if isinstance(e, (sympy.Add, sympy.Mul)) else 1
        memo[e] = own + sum(memo[a] for a in e.args)
        stack.pop()
    return memo[expr]


def atoms(expr: sympy.Basic, kind: type, skip: tuple = ()) -> set:
    """The ``kind`` parts of ``expr`` outside applications of ``skip``, each visited once.

    >>> x, y = sympy.symbols("x y")
    >>> sorted(atoms(x + sympy.exp(y), sympy.Symbol, skip=(sympy.exp,)), key=str)
    [x]
    """
    seen, stack, out = set(), [expr], set()
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, kind):
            out.add(e)
        elif e.func not in skip:
            stack.extend(e.args)
    return out


def _polynomial_risk(expr: sympy.Expr) -> bool:
    """What makes polynomial rewrites slow or ugly: floats, symbolic or high powers of sums."""
    if atoms(expr, sympy.Float):
        return True
    return any(
        not p.exp.is_Number or (abs(p.exp) > _POWER_LIMIT and not p.base.is_Atom)
        for p in atoms(expr, sympy.Pow)
    )


def canonical(expr: sympy.Expr, budget: Budget, clock: Clock) -> sympy.Expr:
    """The shortest of a few cheap canonical forms of ``expr`` (``expr`` itself when large).

    Polynomial rewrites (``factor``, ``cancel``, ``expand``) only run on expressions at most
    half the canonical size and free of what makes them slow.
    """
    size = ops(expr)
    if size > budget.canonical_ops:
        return expr
    polynomial = size <= budget.canonical_ops // 2 and not _polynomial_risk(expr)
    best, best_size = expr, size + 1
    for rewrite, algebraic in _REWRITES:
        if clock.expired():
            break
        if algebraic and not polynomial:
            continue
        try:
            candidate = rewrite(expr)
        except (ValueError, TypeError, ArithmeticError, RecursionError, BasePolynomialError):
            continue  # sympy declines this rewrite of this expression; the others remain
        candidate_size = ops(candidate)
        if candidate_size < best_size:
            best, best_size = candidate, candidate_size
    return best


def literal(value: float | int) -> sympy.Expr:
    """A program's number as sympy: exact for integers and short decimals.

    >>> literal(2), literal(0.5), literal(1e-3), literal(1 / 3)
    (2, 1/2, 1/1000, 0.333333333333333)
    """
    value = float(value)
    if not math.isfinite(value):
        return sympy.nan if math.isnan(value) else sympy.oo if value > 0 else -sympy.oo
    if value.is_integer():
        return sympy.Integer(int(value))
    text = repr(value)
    return sympy.Rational(text) if len(text) <= 8 else sympy.Float(value)


def expr_of(value) -> sympy.Basic:
    """A sympy expression as it is; a number (an element of an object array) as ``literal``."""
    return value if isinstance(value, sympy.Basic) else literal(value)


def without_deltas(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` without the derivatives of kinks' steps (DiracDelta), which PyTorch's double
    backward drops: a mask is a constant to it."""
    deltas = atoms(expr, sympy.DiracDelta)
    return expr.xreplace(dict.fromkeys(deltas, sympy.S.Zero)) if deltas else expr
