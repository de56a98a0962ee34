"""Whether two closed forms are the same function: symbolic first, then at random points.

The difference is put over one denominator and expanded (``sympy.cancel``), but only when
its size, and the number of terms that would make, are known to be small; when that gives 0
the answer is equivalent. When it does not — ``tanh`` identities, ``sigmoid`` written two
ways, or a difference past the bound — both sides are evaluated at the problem's own values
and at random points around them (``Domain``): near ones that keep every sign, signed ones
where every variable takes either sign, and small ones near 0. A point where one side is not
finite says nothing and is skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy

from ..symbolic.canonical import ops
from ..symbolic.evaluate import Unevaluable, evaluate
from ..symbolic.witness import Tolerance, compare

NEAR, SIGNED, SMALL = 8, 8, 2  # random points besides the problem's own values (see Domain)
SAME = Tolerance(rtol=1e-6, atol=1e-9)  # float64 evaluations of equivalent forms
SYMBOLIC_OPS, SYMBOLIC_TERMS = 200, 400  # sizes the symbolic attempt takes on
_SEED = 20240601  # fixed: the same answer always gets the same verdict and counter-example


@dataclass(frozen=True)
class Verdict:
    """Equal or not, how it was decided, and (when not) the first point where they differ."""

    equal: bool
    method: str  # "symbolic" | "numeric"
    point: dict[sympy.Symbol, np.ndarray] | None = None
    mine: np.ndarray | None = None  # the answer's value there
    theirs: np.ndarray | None = None  # the expected value there


class Domain:
    """The problem's values and random points around them, for every symbol it gives.

    Near points keep each value's sign (so ``log`` and ``sqrt`` stay defined); signed points
    give every variable either sign (the first flips them all), so an answer that is right
    only where a variable is positive — ``2*abs(x)`` for ``2*x`` — is caught; small points
    put every variable near 0, where kinks and ``1/x`` live.
    """

    def __init__(self, values: dict[sympy.Symbol, np.ndarray], shape: tuple[int, ...]) -> None:
        self.shape = shape  # the shape of the gradient being checked
        rng = np.random.default_rng(_SEED)
        self.points: list[dict[sympy.Symbol, np.ndarray]] = [dict(values)]
        for k in range(NEAR + SIGNED + SMALL):
            point = {}
            for symbol in sorted(values, key=str):  # a fixed order: the same draws every time
                base = np.asarray(values[symbol], dtype=np.float64)
                size = np.where(base == 0, 1.0, np.abs(base)) * rng.uniform(0.6, 1.4, base.shape)
                either = rng.choice([-1.0, 1.0], base.shape)
                if k < NEAR:
                    sign = np.where(base == 0, either, np.sign(base))
                elif k == NEAR:
                    sign = np.where(base == 0, either, -np.sign(base))
                else:
                    sign = either
                if k >= NEAR + SIGNED:
                    size = rng.uniform(1e-3, 1e-2, base.shape)
                point[symbol] = sign * size
            self.points.append(point)

    def at(self, expr: sympy.Basic, k: int) -> np.ndarray:
        """``expr`` at point ``k`` (0: the problem's values), broadcast to the gradient's shape."""
        try:
            return np.broadcast_to(evaluate(expr, self.points[k]), self.shape)
        except (Unevaluable, ValueError):
            return np.full(self.shape, np.nan)

    def values(self, expr: sympy.Basic) -> list[np.ndarray]:
        """``expr`` at every point."""
        return [self.at(expr, k) for k in range(len(self.points))]


def terms(expr: sympy.Basic) -> int:
    """About how many terms ``expr`` has once expanded over a common denominator.

    Putting a difference over one denominator and expanding it (``cancel``) settles most
    equivalences, but its cost is exponential in a product of powers of sums; this bound is
    known before any of that work is done.

    >>> x, y = sympy.symbols("x y")
    >>> terms((x + y)**2), terms((x + 1)*(y + 1) + 1/(x + y))
    (3, 10)
    """
    numerator, denominators = _terms(expr)
    return numerator * denominators


def _terms(expr: sympy.Basic) -> tuple[int, int]:
    """(terms of the expanded numerator, terms of the product of denominators)."""
    if isinstance(expr, sympy.Add):
        parts = [_terms(a) for a in expr.args]
        return sum(n for n, _ in parts), math.prod(d for _, d in parts)
    if isinstance(expr, sympy.Mul):
        parts = [_terms(a) for a in expr.args]
        return math.prod(n for n, _ in parts), math.prod(d for _, d in parts)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer:
        base, _ = _terms(expr.base)
        power = math.comb(abs(int(expr.exp)) + base - 1, base - 1)
        return (power, 1) if expr.exp > 0 else (1, power)
    return 1, 1  # a symbol, a number, or a function application: one generator


def _symbolic_zero(difference: sympy.Expr) -> bool:
    """Whether the difference is 0 over one denominator (False: not shown within the bound)."""
    if difference == 0:
        return True
    if ops(difference) > SYMBOLIC_OPS or terms(difference) > SYMBOLIC_TERMS:
        return False
    return sympy.cancel(difference) == 0


def agree(mine: list[np.ndarray], theirs: list[np.ndarray]) -> int | None:
    """Whether two lists of point values agree: None if so, else the first point that differs.

    Points where either side is not finite are skipped; with fewer than two finite points
    left, the problem's own values (point 0) must match exactly as computed.
    """
    finite = [
        k
        for k, (a, b) in enumerate(zip(mine, theirs, strict=True))
        if np.all(np.isfinite(a)) and np.all(np.isfinite(b))
    ]
    for k in finite:
        if not compare(mine[k], theirs[k], SAME)[0]:
            return k
    if len(finite) < 2 and not compare(mine[0], theirs[0], SAME)[0]:
        return 0
    return None


def equivalent(mine: sympy.Expr, theirs: sympy.Expr, domain: Domain) -> Verdict:
    """Decide whether the answer ``mine`` equals ``theirs`` over the problem's domain."""
    if _symbolic_zero(mine - theirs):
        return Verdict(True, "symbolic")
    a, b = domain.values(mine), domain.values(theirs)
    k = agree(a, b)
    if k is None:
        return Verdict(True, "numeric")
    return Verdict(False, "numeric", domain.points[k], a[k], b[k])
