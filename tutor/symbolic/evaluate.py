"""Numbers from sympy expressions: a walk over the expression, one numpy call per operation.

No code is generated: each distinct subexpression is evaluated once (shared subtrees cost
once, so a closed form that is a large tree over a small graph stays cheap), bottom-up
without recursion. Symbols are bound to numpy arrays and broadcast as numpy does;
``sum(...)`` and ``mean(...)`` reduce a whole tensor (``tutor.symbolic.nodes.TOTALS``).
Functions come from the table (its ``numpy`` column); the algebra around them — sums,
products, powers, the lattice ``Max``/``Min`` and the kink forms ``Heaviside``/``sign`` of
``tutor.forms`` — is known here. Everything computes in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy

from ..functions import FUNCTIONS
from ..i18n import gettext

# sympy function -> numpy function, as the table gives them (sign included, which the kink
# forms use too)
_FUNCTIONS: dict[type, Callable] = {
    spec.sympy: spec.numpy for spec in FUNCTIONS.values() if spec.numpy is not None
}
_NAMED: dict[str, Callable] = {"sum": np.sum, "mean": np.mean}


class Unevaluable(TypeError):
    """An expression uses an operation this evaluator has no numpy counterpart for."""


def _apply(expr: sympy.Basic, args: list) -> np.ndarray:
    if isinstance(expr, sympy.Add):
        return sum(args[1:], args[0])
    if isinstance(expr, sympy.Mul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, sympy.Pow):
        return np.power(args[0], args[1])
    if isinstance(expr, sympy.Heaviside):
        return np.heaviside(args[0], args[1] if len(args) > 1 else 0.5)
    if isinstance(expr, sympy.Max):
        return np.maximum.reduce(np.broadcast_arrays(*args))
    if isinstance(expr, sympy.Min):
        return np.minimum.reduce(np.broadcast_arrays(*args))
    fn = _FUNCTIONS.get(type(expr)) or _NAMED.get(getattr(expr.func, "__name__", ""))
    if fn is None:
        raise Unevaluable(gettext("cannot evaluate {function}", function=expr.func))
    return fn(*args)


def _leaf(expr: sympy.Basic, env: Mapping) -> np.ndarray | None:
    if expr in env:
        return np.asarray(env[expr], dtype=np.float64)
    if expr.is_Atom and expr.is_number:  # a number, E, pi, ±oo; NaN, zoo and I are not real
        return np.float64(float(expr) if expr.is_extended_real else np.nan)
    if expr.is_Symbol or isinstance(expr, sympy.Indexed):
        raise Unevaluable(gettext("no value for {name}", name=expr))
    return None


def evaluate(expr: sympy.Basic, env: Mapping[sympy.Basic, object]) -> np.ndarray:
    """``expr`` as a float64 array, with each symbol (or indexed element) bound by ``env``."""
    done: dict[sympy.Basic, np.ndarray] = {}
    stack = [expr]
    with np.errstate(all="ignore"):
        while stack:
            node = stack[-1]
            if node in done:
                stack.pop()
                continue
            leaf = _leaf(node, env)
            if leaf is not None:
                done[node] = leaf
                stack.pop()
                continue
            pending = [a for a in node.args if a not in done]
            if pending:
                stack.extend(pending)
                continue
            done[node] = np.asarray(_apply(node, [done[a] for a in node.args]))
            stack.pop()
    return done[expr]
