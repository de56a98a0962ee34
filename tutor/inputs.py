"""What a request asks to explain, read from a JSON body or a page's query string.

Both the API and the page reduce a request to one ``ExplainInput``: a program, or a formula
with leaf values and the leaves that need gradients. Reading is strict — a body that is not
the documented shape is a ``RequestError`` (400) that names the problem, never silently
coerced — and normalisation keeps every line and column where the user put it, so a result
can be cached by its normalised input and still point at the user's own text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors_http import RequestError
from .jsonio import NonFiniteLiteral, loads_strict

PROGRAM_KEYS = frozenset({"program"})
EXPRESSION_KEYS = frozenset({"expression", "values", "requires_grad"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class ExplainInput:
    """One thing to explain; ``values`` is canonical JSON text so the input is hashable."""

    program: str | None = None
    expression: str | None = None
    values_json: str = "{}"
    requires_grad: tuple[str, ...] | None = None

    @property
    def values(self) -> dict[str, Any]:
        """Leaf values by name (numbers or nested lists)."""
        return json.loads(self.values_json)

    @property
    def kind(self) -> str:
        """``"program"`` or ``"expression"``."""
        return "program" if self.program is not None else "expression"


def normalise_source(text: str) -> str:
    """Line ends and trailing blanks removed; every character keeps its line and column.

    >>> normalise_source("x = 1  \\r\\ny = x\\r\\n\\n\\n")
    'x = 1\\ny = x\\n'
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


def make_input(
    program: str | None = None,
    expression: str | None = None,
    values: Mapping[str, Any] | None = None,
    requires_grad: list[str] | None = None,
) -> ExplainInput:
    """Normalise the parts of a request into an ``ExplainInput`` (a hashable cache key).

    Names and numbers are judged by ``tutor.lang``, which reads them into tensors.
    """
    if program is not None:
        return ExplainInput(program=normalise_source(program))
    grads = None if requires_grad is None else tuple(requires_grad)
    return ExplainInput(
        expression=(expression or "").strip(),
        values_json=json.dumps(dict(values or {}), sort_keys=True),
        requires_grad=grads,
    )


def _expect(body: dict, key: str, kind: type, what: str) -> Any:
    value = body[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RequestError("invalid_request", f'"{key}" must be {what}')
    return value


def from_json(raw: bytes) -> ExplainInput:
    """The input of ``POST /api/v1/explain`` from its raw body."""
    try:
        body = loads_strict(raw)
    except NonFiniteLiteral as exc:
        raise RequestError("invalid_json", str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise RequestError("invalid_json", f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise RequestError("invalid_request", 'the body must be a JSON object, e.g. {"program": …}')
    keys = set(body)
    if "program" in keys:
        if keys - PROGRAM_KEYS:
            extra = ", ".join(sorted(keys - PROGRAM_KEYS))
            raise RequestError("invalid_request", f'"program" comes alone; unexpected: {extra}')
        return make_input(program=_expect(body, "program", str, "a string"))
    if "expression" not in keys:
        raise RequestError("invalid_request", 'the body needs "program" or "expression"')
    if keys - EXPRESSION_KEYS:
        extra = ", ".join(sorted(keys - EXPRESSION_KEYS))
        raise RequestError("invalid_request", f"unexpected keys: {extra}")
    if "values" not in keys:
        raise RequestError("invalid_request", '"expression" needs "values": {name: number}')
    expression = _expect(body, "expression", str, "a string")
    values = _expect(body, "values", dict, "an object of name: number or nested list")
    grads = None
    if "requires_grad" in keys:
        grads = _expect(body, "requires_grad", list, "a list of names")
        if not all(isinstance(g, str) for g in grads):
            raise RequestError("invalid_request", '"requires_grad" must be a list of names')
    return make_input(expression=expression, values=values, requires_grad=grads)


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
    """The page's ``values`` field: ``x1=2, w1=5, x=[1, 2]`` → ``{"x1": 2, "w1": 5, …}``.

    >>> parse_values("x1=2, w1=-5.5, x=[1,2]")
    {'x1': 2, 'w1': -5.5, 'x': [1, 2]}
    """
    values: dict[str, Any] = {}
    for part in _split_top(text):
        name, eq, number = part.partition("=")
        name = name.strip()
        if not eq or not _NAME.match(name):
            raise RequestError(
                "invalid_values", f"write values as name=number, not {part.strip()!r}"
            )
        try:
            values[name] = loads_strict(number.strip())
        except (ValueError, RecursionError):
            raise RequestError(
                "invalid_values", f"the value of {name} must be a number or a list like [1, 2]"
            ) from None
    return values


def format_values(values: Mapping[str, Any]) -> str:
    """The inverse of ``parse_values``, for forms and shareable links.

    >>> format_values({"x1": 2, "x": [1.5, 2]})
    'x1=2,x=[1.5,2]'
    """
    return ",".join(f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in values.items())


def parse_names(text: str) -> list[str] | None:
    """The page's ``requires_grad`` field: ``"x1, w1"`` → ``["x1", "w1"]``; empty → None."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    return names or None


def from_query(args: Mapping[str, str]) -> ExplainInput | None:
    """The input of a page's query string, or None when it asks for nothing."""
    if "program" in args:
        return make_input(program=args["program"])
    if "expression" in args:
        return make_input(
            expression=args["expression"],
            values=parse_values(args.get("values", "")),
            requires_grad=parse_names(args.get("requires_grad", "")),
        )
    return None
