"""What a request asks to explain, read from a JSON body or a page's query string.

Reading is strict: a body that is not the documented shape is a ``RequestError`` (400) that
names the problem, never silently coerced. A JSON body's ``"lang"`` is read first: from there
on the request speaks it, so every later refusal (of the body, the program, the run) is in
the language the answer would have been in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from babel.lists import format_list
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import i18n
from ..explain import ExplainInput, make_input
from ..i18n import N_, gettext, translate
from ..jsonio import NonFiniteLiteral, loads_strict
from ..lang.values import parse_names, parse_values
from .errors import RequestError

PROGRAM_KEYS = frozenset({"program", "order", "lang"})
EXPRESSION_KEYS = frozenset({"expression", "values", "requires_grad", "order", "lang"})
ORDERS = {"1": 1, "2": 2}  # a page's ``order`` field as it reads in an address
# how a key of the body must be ({key}: the key, quoted)
MUST_BE_TEXT = N_("{key} must be a string")
MUST_BE_VALUES = N_("{key} must be an object of name: number or nested list")
MUST_BE_NAMES = N_("{key} must be a list of names")
MUST_BE_AN_ORDER = N_("{key} must be 1 or 2 (2: second derivatives, for expressions)")


def json_body() -> bytes:
    """The raw body of a JSON request (its size is capped by MAX_CONTENT_LENGTH)."""
    if request.mimetype != "application/json":
        raise RequestError(
            "invalid_request", gettext("send the body as JSON (Content-Type: application/json)")
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
        raise RequestError(
            "invalid_json", gettext("the body is not valid JSON: {error}", error=_unreadable(exc))
        ) from None
    if not isinstance(body, dict):
        raise RequestError(
            "invalid_request",
            gettext("the body must be a JSON object, e.g. {example}", example=example),
        )
    return body


# what Python's JSON decoder says is wrong (JSONDecodeError.msg), marked for translation
JSON_PROBLEMS = (
    N_("Expecting value"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Expecting ',' delimiter"),
    N_("Expecting ':' delimiter"),
    N_("Extra data"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
)


def _unreadable(error: Exception) -> str:
    """Why a body is not JSON: the decoder's words and place, in the current language."""
    if not isinstance(error, json.JSONDecodeError):
        return str(error)
    return gettext(
        "{problem}: line {line} column {col} (char {char})",
        problem=translate(error.msg),
        line=error.lineno,
        col=error.colno,
        char=error.pos,
    )


def _expect(body: dict, key: str, kind: type, must: str) -> Any:
    """``body[key]`` when it is a ``kind``; else refused with ``must`` (a message, ``{key}``
    in it)."""
    value = body[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise RequestError("invalid_request", gettext(must, key=f'"{key}"'))
    return value


def _order(body: dict) -> int:
    """``"order"``: 1 (first derivatives, the default) or 2 (the Hessian too)."""
    if "order" not in body:
        return 1
    order = _expect(body, "order", int, MUST_BE_AN_ORDER)
    if order not in (1, 2):
        raise RequestError(
            "invalid_order",
            gettext(
                "{key} must be 1 or 2 (2: second derivatives), not {order}",
                key='"order"',
                order=order,
            ),
        )
    return order


def _lang(body: dict) -> str:
    """``"lang"``: "en" or "zh"; without it, the request's language (``Accept-Language``)."""
    if "lang" not in body:
        return i18n.current()
    lang = body["lang"]
    if not isinstance(lang, str) or lang not in i18n.LOCALES:
        choices = [f'"{code}"' for code in i18n.LOCALES]
        raise RequestError(
            "invalid_lang",
            gettext(
                "{key} must be {choices}, not {value}",
                key='"lang"',
                choices=format_list(choices, style="or", locale=i18n.LOCALES[i18n.current()]),
                value=repr(lang),
            ),
        )
    return lang


def from_body(body: dict) -> ExplainInput:
    """The input a JSON object asks for: ``{"program"}`` or ``{"expression", "values", …}``."""
    keys, lang = set(body), _lang(body)
    if "program" in keys:
        if keys - PROGRAM_KEYS:
            extra = ", ".join(sorted(keys - PROGRAM_KEYS))
            raise RequestError(
                "invalid_request",
                gettext("{key} comes alone; unexpected: {extra}", key='"program"', extra=extra),
            )
        if _order(body) == 2:
            raise RequestError(
                "invalid_order",
                gettext(
                    '{order} applies to expressions only; send "expression" and "values" '
                    'instead of "program" (a program explains first derivatives)',
                    order='"order": 2',
                ),
            )
        return make_input(program=_expect(body, "program", str, MUST_BE_TEXT), lang=lang)
    if "expression" not in keys:
        raise RequestError("invalid_request", gettext('the body needs "program" or "expression"'))
    if keys - EXPRESSION_KEYS:
        extra = ", ".join(sorted(keys - EXPRESSION_KEYS))
        raise RequestError("invalid_request", gettext("unexpected keys: {extra}", extra=extra))
    if "values" not in keys:
        raise RequestError(
            "invalid_request",
            gettext('{key} needs "values": {{name: number}}', key='"expression"'),
        )
    expression = _expect(body, "expression", str, MUST_BE_TEXT)
    values = _expect(body, "values", dict, MUST_BE_VALUES)
    grads = None
    if "requires_grad" in keys:
        grads = _expect(body, "requires_grad", list, MUST_BE_NAMES)
        if not all(isinstance(g, str) for g in grads):
            raise RequestError("invalid_request", gettext(MUST_BE_NAMES, key='"requires_grad"'))
    return make_input(
        expression=expression,
        values=values,
        requires_grad=grads,
        order=_order(body),
        lang=lang,
    )


def _speak(body: dict) -> None:
    """Speak the body's language for the rest of the request (its errors among it).

    The request's own language was set by ``tutor.web.language`` when it began; undoing
    that at its end undoes this as well, so nothing is kept past the request.
    """
    i18n.begin(_lang(body))


def from_json(raw: bytes) -> ExplainInput:
    """The input of ``POST /api/v1/explain`` from its raw body."""
    body = read_object(raw, '{"program": …}')
    _speak(body)
    return from_body(body)


def from_query(args: Mapping[str, str]) -> ExplainInput | None:
    """The input of a page's query string, or None when it asks for nothing."""
    order = ORDERS.get(args.get("order", "1").strip())
    if order is None:
        raise RequestError(
            "invalid_order",
            gettext("{key} must be 1 or 2 (2: second derivatives)", key="order"),
        )
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
