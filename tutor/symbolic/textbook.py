"""The closed form a teacher writes: the shortest of a few bounded candidates.

sympy's canonical forms (``canonical``) see a sigmoid as exponentials and multiply it out:
binary cross-entropy after a sigmoid came out as
``(-x*y*exp(b)*exp(w*x) - x*y + x*exp(b)*exp(w*x))/(exp(b)*exp(w*x) + 1)``, where a teacher
writes x·(σ(w·x + b) − y). The other candidate keeps the function applications whole: each
becomes a symbol — a sigmoid ``1/(1 + exp(-u))`` becomes s = σ(u), its exponentials
``exp(-u) = (1 - s)/s`` — the rational function in those symbols gets the canonical forms,
and the applications are put back. The shortest *as shown* wins (σ(u) counts as one
application, as the printers write it), ties going to the earlier candidate, and a
candidate is only taken if it evaluates to the derivation's value at the program's values.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy
from sympy.core.function import Application

from .budget import Budget, Clock
from .canonical import canonical, ops
from .evaluate import evaluate

# two forms of one derivation differ by float64 rounding only; the engine's float32 is
# compared elsewhere, with its own tolerance
_RTOL, _ATOL = 1e-7, 1e-12
_CHECKED_NUMBERS = 4096  # numbers a candidate is checked at, at most (about)


def sigmoid_of(expr: sympy.Basic) -> tuple[sympy.Expr, int] | None:
    """``(u, n)`` when ``expr`` is ``1/(1 + exp(-u))**n``, i.e. σ(u)ⁿ; else None.

    >>> u = sympy.Symbol("u")
    >>> sigmoid_of(1 / (1 + sympy.exp(-u))), sigmoid_of((1 + sympy.exp(u)) ** -2)
    ((u, 1), (-u, 2))
    """
    if not (expr.is_Pow and expr.exp.is_Integer and expr.exp.is_negative):
        return None
    base = expr.base
    if not (base.is_Add and len(base.args) == 2 and sympy.S.One in base.args):
        return None
    other = base.args[1] if base.args[0] == 1 else base.args[0]
    if not isinstance(other, sympy.exp):
        return None
    return -other.args[0], int(-expr.exp)


def shown_ops(expr: sympy.Expr) -> int:
    """``ops`` as the printers show ``expr``: σ(u)ⁿ is one application (and a power).

    >>> u = sympy.Symbol("u")
    >>> shown_ops(1 / (1 + sympy.exp(-u))), ops(1 / (1 + sympy.exp(-u)))
    (1, 4)
    """
    weights = {}
    for p in _parts(expr):
        found = sigmoid_of(p)
        if found is not None:
            u, n = found
            weights[p] = 1 + ops(u) + (n > 1)
    return ops(expr, weights)


def _parts(expr: sympy.Basic, into_applications: bool = True) -> list:
    """Every distinct subexpression of ``expr`` (each once, in a fixed order); with
    ``into_applications`` False, function applications are parts but not looked into."""
    seen, stack, out = set(), [expr], []
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        out.append(e)
        if into_applications or not isinstance(e, Application):
            stack.extend(e.args)
    return out


def _normal(e: sympy.Expr) -> sympy.Expr:
    """One spelling of ``e`` for ``-(b + w*x)`` and ``-b - w*x`` alike (sympy distributes a
    minus over a sum when it negates)."""
    negated = -e
    return -negated


def named(expr: sympy.Expr, budget: Budget, clock: Clock) -> sympy.Expr:
    """``expr`` simplified with its function applications kept whole (sigmoids as σ).

    >>> x, y, u = sympy.symbols("x y u")
    >>> s = 1 / (1 + sympy.exp(-u))  # binary cross-entropy after a sigmoid, by the chain rule:
    >>> chain = x * (-y / s + (1 - y) / (1 - s)) * sympy.exp(-u) / (1 + sympy.exp(-u)) ** 2
    >>> named(chain, Budget(), Clock(1.0)) == -x * (y - s)
    True
    """
    parts = _parts(expr, into_applications=False)
    applications = [p for p in parts if isinstance(p, Application)]
    # sigmoid arguments: every 1 + exp(v) is 1/σ(-v)
    sigmoids: dict[sympy.Expr, sympy.Dummy] = {}
    for p in parts:
        if p.is_Add and len(p.args) == 2 and sympy.S.One in p.args:
            other = p.args[1] if p.args[0] == 1 else p.args[0]
            if isinstance(other, sympy.exp):
                sigmoids.setdefault(_normal(other.args[0]), sympy.Dummy(f"s{len(sigmoids)}"))
    rule: dict[sympy.Basic, sympy.Expr] = {}
    back: dict[sympy.Dummy, sympy.Expr] = {}
    for v, s in sigmoids.items():
        back[s] = 1 / (1 + sympy.exp(v))
    others = 0
    for a in sorted(applications, key=sympy.default_sort_key):
        if isinstance(a, sympy.exp):
            v = _normal(a.args[0])
            if v in sigmoids:  # exp(v) = (1 - s)/s for s = σ(-v) = 1/(1 + exp(v))
                s = sigmoids[v]
                rule[a] = (1 - s) / s
                continue
            minus = -v
            if minus in sigmoids:  # exp(-v) = s/(1 - s)
                s = sigmoids[minus]
                rule[a] = s / (1 - s)
                continue
        symbol = sympy.Dummy(f"f{others}")
        others += 1
        rule[a] = symbol
        back[symbol] = a
    if not rule:
        return expr  # nothing to keep whole: the canonical candidate covers it
    form = expr.xreplace(rule)
    reduced = canonical(form, budget, clock)
    if ops(reduced) >= ops(form):  # a tie keeps the order the chain rule gave
        reduced = form
    return reduced.xreplace(back)


def _reads_negative(e: sympy.Expr) -> bool:
    """Whether a teacher would write the sum the other way round: ``-1 + s`` as ``-(1 - s)``,
    ``y - s`` as ``-(s - y)`` — a sum leads with its positive number (``1 - s``), else with
    its largest term (``s - y``, ``b + w*x - y``).

    >>> s, y = sympy.tanh(sympy.Symbol("u")), sympy.Symbol("y")
    >>> [_reads_negative(e) for e in (s - 1, 1 - s, y - s, s - y, -s - y)]
    [True, False, True, False, True]
    """
    if not e.is_Add:
        return False
    number, terms = e.as_coeff_Add()
    if number != 0:
        return number < 0
    signed = [(t.could_extract_minus_sign(), t) for t in sympy.Add.make_args(terms)]
    size = [(ops(-t if minus else t), sympy.default_sort_key(t), minus) for minus, t in signed]
    return max(size)[2]


def _product_signs(e: sympy.Expr) -> sympy.Expr:
    coefficient, factors = e.as_coeff_mul()
    factors = list(factors)
    negative = [k for k, f in enumerate(factors) if _reads_negative(f)]
    flips = negative[: len(negative) // 2 * 2]  # pairs keep the product
    if coefficient < 0 and len(negative) % 2:  # the minus in front goes into the last one
        flips.append(negative[-1])
        coefficient = -coefficient
    if not flips:
        return e
    for k in flips:
        factors[k] = -factors[k]
    return sympy.Mul(coefficient, *factors)


def signs(e: sympy.Expr) -> sympy.Expr:
    """``e`` with the minus signs of its products moved into their sums, as a teacher writes
    them: ``x*(s - y)`` for ``-x*(y - s)``, ``(1 - s)*(s - y)`` for ``(-1 + s)*(y - s)``.

    >>> x, y, t = sympy.symbols("x y") + (sympy.tanh(sympy.Symbol("u")),)
    >>> signs(-x * (y - t)), signs((t - 1) * (y - t) * x), signs(x - y * (y - t))
    (x*(-y + tanh(u)), x*(1 - tanh(u))*(-y + tanh(u)), x + y*(-y + tanh(u)))
    """
    if e.is_Mul:
        return _product_signs(e)
    if e.is_Add:
        return sympy.Add(*(_product_signs(t) if t.is_Mul else t for t in e.args))
    return e


def _sample(expr: sympy.Expr, values: Mapping) -> dict:
    """The values ``expr`` uses; of a large tensor its first two places along each axis
    (shapes that broadcast still do), so checking a candidate costs little on any tensor."""
    used = {s: np.asarray(values[s]) for s in expr.free_symbols if s in values}
    if sum(a.size for a in used.values()) <= _CHECKED_NUMBERS:
        return used
    return {s: a[(slice(0, 2),) * a.ndim] for s, a in used.items()}


def _agrees(candidate: sympy.Expr, reference: np.ndarray, values: Mapping) -> bool:
    """Whether ``candidate`` has the ``reference`` value (NaN and infinities alike)."""
    try:
        value = evaluate(candidate, values)
    except (TypeError, ValueError, ArithmeticError):  # Unevaluable is a TypeError
        return False
    finite = np.abs(reference[np.isfinite(reference)])
    scale = float(finite.max()) if finite.size else 0.0
    with np.errstate(all="ignore"):
        return bool(
            np.allclose(value, reference, rtol=_RTOL, atol=_ATOL * max(1.0, scale), equal_nan=True)
        )


def shortest(expr: sympy.Expr, values: Mapping, budget: Budget, clock: Clock) -> sympy.Expr:
    """The displayed closed form of ``expr``: the shortest candidate equal to it in value,
    its signs as a teacher writes them.

    Candidates: the canonical form (taken unchecked when ``expr`` cannot be evaluated, as
    before), the form in named applications, and ``expr`` itself as the last resort.
    """
    values = _sample(expr, values)
    try:
        reference = evaluate(expr, values)
    except (TypeError, ValueError, ArithmeticError):  # a value was not recorded
        return canonical(expr, budget, clock)
    makers = (lambda: canonical(expr, budget, clock), lambda: named(expr, budget, clock))
    best, best_size = expr, None
    for make in makers:
        if clock.expired():
            break
        try:
            candidate = make()
        except (ValueError, TypeError, ArithmeticError, RecursionError):
            continue  # sympy declines this form; the others remain
        size = shown_ops(candidate)
        if (best_size is None or size < best_size) and _agrees(candidate, reference, values):
            best, best_size = candidate, size
    return signs(best)
