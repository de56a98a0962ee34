"""The few Python built-ins graph programs may call, restricted to numbers and tensors.

``print`` lives in the interpreter (it writes to the run's own buffer). The others refuse
strings and other objects up front, so ``int("9" * 5000)`` or ``len`` of a generator can
never run.
"""

from __future__ import annotations

import numpy as np

import engine

from ..i18n import gettext
from ..lang.vocabulary import NUMBERS


def _number(function_name: str, x):
    """A number, or something PyTorch converts to one (a one-element tensor)."""
    if isinstance(x, (*NUMBERS, engine.Tensor)):
        return x
    raise TypeError(
        gettext(
            "{call} takes a number or a one-element tensor in graph programs, not {kind}",
            call=f"{function_name}()",
            kind=type(x).__name__,
        )
    )


def _len(obj) -> int:
    if isinstance(obj, (engine.Tensor, np.ndarray, list, tuple, str)):
        return len(obj)
    raise TypeError(f"object of type '{type(obj).__name__}' has no len()")


def _abs(x):
    if isinstance(x, NUMBERS):
        return abs(x)
    raise TypeError(f"bad operand type for abs(): '{type(x).__name__}'")


def _round(number, ndigits=None):
    if not isinstance(number, NUMBERS) or not isinstance(ndigits, (int, type(None))):
        raise TypeError(
            gettext("round() takes a number and a whole number of digits in graph programs")
        )
    return round(number, ndigits)


BUILTINS = {
    "len": _len,
    "float": lambda x=0.0: float(_number("float", x)),
    "int": lambda x=0: int(_number("int", x)),
    "abs": _abs,
    "round": _round,
}
