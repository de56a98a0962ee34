"""What a request asks to explain, read from a JSON body or a page's query string.

Reading is strict: a body that is not the documented shape is a ``RequestError`` (400) that
names the problem, never silently coerced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import i18n
from ..explain import ExplainInput, make_input
from ..jsonio import NonFiniteLiteral, loads_strict
from ..lang.values import parse_names, parse_values
from .errors import RequestError

PROGRAM_KEYS = frozenset({"program", "order", "lang"})
EXPRESSION_KEYS = frozenset({"expression", "values", "requires_grad", "order", "lang"})
ORDERS = {"1": 1, "2": 2}  # a page's ``order`` field as it reads in an address


def json_body() -> bytes:
    """The raw body of a JSON request (its size is capped by MAX_CONTENT_LENGTH)."""
    if request.mimetype != "application/json":
        raise RequestError(
            "invalid_request", "send the body as JSON (Content-Type: application/json)"
        )
    if request.content_length is not None:  # Flask refuses one over the limit with a 413
        return request.get_data(cache=False)
    # a chunked body has no length: read one byte past the limit, straight from the server
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    body = request.environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


def read_object(raw: bytes, example: str) -> dict:
    """A request body that must be one JSON object (``example`` shows one in the error)."""
    try:
        body = loads_strict(raw)
    except NonFiniteLiteral as exc:
        raise RequestError("invalid_json", str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise RequestError("invalid_json", f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise RequestError("invalid_request", f"the body must be a JSON object, e.g. {example}")
    return body


def _expect(body: dict, key: str, kind: type, what: str) -> Any:
    value = body[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RequestError("invalid_request", f'"{key}" must be {what}')
    return value


def _order(body: dict) -> int:
    """``"order"``: 1 (first derivatives, the default) or 2 (the Hessian too)."""
    if "order" not in body:
        return 1
    order = _expect(body, "order", int, "1 or 2 (2: second derivatives, for expressions)")
    if order not in (1, 2):
        raise RequestError(
            "invalid_order", f'"order" must be 1 or 2 (2: second derivatives), not {order}'
        )
    return order


def _lang(body: dict) -> str:
    """``"lang"``: "en" or "zh"; without it, the request's language (``Accept-Language``)."""
    if "lang" not in body:
        return i18n.current()
    lang = body["lang"]
    if not isinstance(lang, str) or lang not in i18n.LOCALES:
        choices = " or ".join(f'"{code}"' for code in i18n.LOCALES)
        raise RequestError("invalid_lang", f'"lang" must be {choices}, not {lang!r}')
    return lang


def from_body(body: dict) -> ExplainInput:
    """The input a JSON object asks for: ``{"program"}`` or ``{"expression", "values", …}``."""
    keys = set(body)
    if "program" in keys:
        if keys - PROGRAM_KEYS:
            extra = ", ".join(sorted(keys - PROGRAM_KEYS))
            raise RequestError("invalid_request", f'"program" comes alone; unexpected: {extra}')
        if _order(body) == 2:
            raise RequestError(
                "invalid_order",
                '"order": 2 applies to expressions only; send "expression" and "values" '
                'instead of "program" (a program explains first derivatives)',
            )
        return make_input(program=_expect(body, "program", str, "a string"), lang=_lang(body))
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
    return make_input(
        expression=expression,
        values=values,
        requires_grad=grads,
        order=_order(body),
        lang=_lang(body),
    )


def from_json(raw: bytes) -> ExplainInput:
    """The input of ``POST /api/v1/explain`` from its raw body."""
    return from_body(read_object(raw, '{"program": …}'))


def from_query(args: Mapping[str, str]) -> ExplainInput | None:
    """The input of a page's query string, or None when it asks for nothing."""
    order = ORDERS.get(args.get("order", "1").strip())
    if order is None:
        raise RequestError("invalid_order", "order must be 1 or 2 (2: second derivatives)")
    if "program" in args:
        return make_input(program=args["program"], order=order, lang=i18n.current())
    if "expression" in args:
        return make_input(
            expression=args["expression"],
            values=parse_values(args.get("values", "")),
            requires_grad=parse_names(args.get("requires_grad", "")),
            order=order,
            lang=i18n.current(),
        )
    return None
