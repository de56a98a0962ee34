"""Contract 3's ``hessian`` field: an order-2 explanation's second derivatives as JSON data.

The matrices (``numeric``: the engine's, ``value``: the closed forms', ``numerical``: central
differences of the engine's first derivatives) are full and symmetric, rows and columns in
``leaves`` order; ``entries`` hold one per pair i <= j, the diagonal first, each with its
closed form, the first derivative it differentiates, its verdicts and its steps.
"""

from __future__ import annotations

import sympy

from ..explain.explanation import Hessian, SecondDerivative
from . import typeset


def _expr(e: sympy.Basic | None) -> dict | None:
    return None if e is None else {"symbolic": typeset.text(e), "latex": typeset.latex(e)}


def entry_head(e: SecondDerivative) -> dict:
    """One entry of ``hessian.entries``, all but its steps."""
    c = e.check
    return {
        "first": e.first,
        "second": e.second,
        "derivative": _expr(e.derivative),
        "symbolic": None if e.closed is None else typeset.text(e.closed),
        "latex": None if e.closed is None else typeset.latex(e.closed),
        "numeric": e.numeric,
        "value": e.value,
        "agrees": c.agrees,
        "verdict": c.verdict,
        "reason": c.reason,
        "max_difference": c.max_difference,
        "numerical": c.numerical,
        "agrees_numerical": c.agrees_numerical,
        "max_difference_numerical": c.max_difference_numerical,
        "numerical_reason": c.numerical_reason,
    }


def hessian_head(h: Hessian) -> dict:
    """Contract 3's ``hessian`` (entries without their steps, which come within the budget)."""
    leaves = h.leaves
    return {
        "root": h.root,
        "leaves": list(leaves),
        "dtype": h.dtype,
        "numeric": h.numeric,
        "value": [[h.entry(a, b).value for b in leaves] for a in leaves],
        "numerical": h.numerical,
        "symmetric": h.symmetric,
        "entries": [entry_head(e) for e in h.entries],
        "notes": list(h.notes),
    }
