"""JSON in and out of the service, without NaN: Contract 3's rules for numbers in one place.

Standard ``json`` writes ``NaN`` and ``Infinity``, which are not JSON and break strict
clients; it also reads them. Here a non-finite number leaves as the string ``"nan"``,
``"inf"`` or ``"-inf"``, and a request carrying such a literal is refused.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .i18n import gettext

_NON_FINITE = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity"}


class NonFiniteLiteral(ValueError):
    """A request body used ``NaN``/``Infinity``, which JSON does not have."""


def jsonable(obj: Any) -> Any:
    """Plain JSON data: lists for tuples and arrays, strings for non-finite floats.

    >>> jsonable({"a": (1.5, float("nan")), "b": [float("-inf"), 2]})
    {'a': [1.5, 'nan'], 'b': ['-inf', 2]}
    """
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy arrays and scalars; a 0-d array becomes a number
        return jsonable(obj.tolist())
    raise TypeError(f"{type(obj).__name__} is not JSON data")


def _refuse(literal: str) -> None:
    raise NonFiniteLiteral(
        gettext(
            '{literal} is not a JSON number; send non-finite values as the strings "nan", '
            '"inf" or "-inf"',
            literal=_NON_FINITE.get(literal, literal),
        )
    )


def _unique(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(
                gettext("the key {key} appears twice in one object; send it once", key=repr(key))
            )
        out[key] = value
    return out


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON text, refusing what ``json`` accepts but JSON has not (or should not):
    ``NaN``/``Infinity`` literals, and a key twice in one object (the last would win).

    >>> loads_strict('{"x": 1, "x": 2}')
    Traceback (most recent call last):
    ValueError: the key 'x' appears twice in one object; send it once
    """
    return json.loads(text, parse_constant=_refuse, object_pairs_hook=_unique)


def _array(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON data")


def dumps_strict(obj: Any) -> str:
    """Compact JSON text of ``obj`` with non-finite numbers as strings.

    >>> dumps_strict({"a": (1, 2.5)}), dumps_strict([float("nan")])
    ('{"a":[1,2.5]}', '["nan"]')
    """
    options = {"allow_nan": False, "ensure_ascii": False, "separators": (",", ":")}
    try:  # the common case, at C speed: nothing is non-finite
        return json.dumps(obj, default=_array, **options)
    except ValueError:  # a NaN or an infinity somewhere: the careful walk
        return json.dumps(jsonable(obj), **options)
