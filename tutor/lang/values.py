"""The ``name=value`` text of the page's values field and the command line's ``--values``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..errors import ParseError
from ..i18n import gettext
from ..jsonio import loads_strict

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets: ``"a=1, b=[1,2]"`` → ``["a=1", " b=[1,2]"]``."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def parse_values(text: str) -> dict[str, Any]:
    """``x1=2, w1=5, x=[1, 2]`` → ``{"x1": 2, "w1": 5, …}``.

    >>> parse_values("x1=2, w1=-5.5, x=[1,2]")
    {'x1': 2, 'w1': -5.5, 'x': [1, 2]}
    """
    values: dict[str, Any] = {}
    for part in _split_top(text):
        name, eq, number = part.partition("=")
        name = name.strip()
        if not eq or not _NAME.match(name):
            raise ParseError(
                "invalid_values",
                gettext("write values as name=number, not {part}", part=repr(part.strip())),
            )
        try:
            values[name] = loads_strict(number.strip())
        except (ValueError, RecursionError):
            raise ParseError(
                "invalid_values",
                gettext("the value of {name} must be a number or a list like [1, 2]", name=name),
            ) from None
    return values


def format_values(values: Mapping[str, Any]) -> str:
    """The inverse of ``parse_values``, for forms and shareable links.

    >>> format_values({"x1": 2, "x": [1.5, 2]})
    'x1=2,x=[1.5,2]'
    """
    return ",".join(f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in values.items())


def parse_names(text: str) -> list[str] | None:
    """A list of names, ``"x1, w1"`` → ``["x1", "w1"]``; empty → None."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    return names or None
