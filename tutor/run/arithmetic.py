"""Operators of graph programs on Python numbers and numpy arrays, within the limits.

Tensor operands go to the engine (through the interpreter, which records them); what is
left is plain Python and numpy arithmetic, where the dangers are sizes: ``10**10**10``,
repeated squaring of integers, and broadcasting two arrays into a huge one. Each is
refused before it is computed.
"""

from __future__ import annotations

import operator

import numpy as np

import engine

from ..i18n import gettext
from ..lang.vocabulary import NUMBERS
from ..limits import Meter
from . import shapes

ARITHMETIC = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "@": operator.matmul,
    "-u": operator.neg,
    "+u": operator.pos,
}
COMPARISON = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    "is": operator.is_,
    "is not": operator.is_not,
}
IN_PLACE = {
    "+": operator.iadd,
    "-": operator.isub,
    "*": operator.imul,
    "/": operator.itruediv,
    "**": operator.ipow,
    "@": operator.imatmul,
}
NUMERIC = (*NUMBERS, engine.Tensor, np.ndarray)


def describe(value) -> str:
    """How an error names a value's type: ``a str``, ``None``, ``a tensor``.

    >>> describe("a"), describe(None), describe([1])
    ('a str', 'None', 'a list')
    """
    if value is None:
        return "None"
    if isinstance(value, engine.Tensor):
        return gettext("a tensor")
    name = type(value).__name__
    if name[0] in "aeiou":
        return gettext("an {kind}", kind=name)
    return gettext("a {kind}", kind=name)


def require_numeric(what: str, values: tuple) -> None:
    """Refuse what arithmetic cannot take (strings, lists), as Python's TypeError does."""
    for value in values:
        if not isinstance(value, NUMERIC):
            raise TypeError(
                gettext(
                    "{what} takes numbers and tensors in graph programs, not {value}",
                    what=what,
                    value=describe(value),
                )
            )


def check_power(meter: Meter, base, exponent) -> None:
    """Refuse a Python-number exponent (or integer power) beyond the limits."""
    if isinstance(exponent, NUMBERS):
        meter.check_exponent(float(exponent) if isinstance(exponent, np.number) else exponent)
    if isinstance(base, int) and isinstance(exponent, int):
        meter.check_power(base, exponent)


def plain(symbol: str, key: str, function, operands: tuple, meter: Meter):
    """``function(*operands)`` on numbers and arrays (no tensor among them), within the limits."""
    if any(isinstance(o, np.ndarray) for o in operands):
        meter.take_elements(shapes.op_bound(key, operands, {}))
    if symbol == "**":
        check_power(meter, *operands)
    result = function(*operands)
    if isinstance(result, int):
        meter.check_int(result)
    if isinstance(result, complex):
        raise ValueError(gettext("this gives a complex number, which graph programs do not use"))
    return result
