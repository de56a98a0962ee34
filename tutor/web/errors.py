"""One JSON error shape, made in one place: ``{"error": {"code", "message", "line"?, "col"?}}``.

Domain errors (``TutorError``) carry their status (400 cannot parse, 413 too large, 422 the
engine refuses), their place and their JSON form. What the HTTP layer itself refuses is a
``TutorError`` too (``RequestError``, 400: a body that is not the documented JSON) or an
HTTP exception (404 unknown path, 405 wrong method, 413 body too large, 500 anything
unexpected — logged, never a stack trace). Under ``/api/`` all of them answer in the one
JSON shape; pages get an HTML error page.

Messages and status names are in the request's language (for the API, the body's ``"lang"``
once it is read: ``tutor.web.inputs``); the ``code`` stays the same in every language. The
engine's own words stay PyTorch's, with their ``explanation`` beside them.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from .. import i18n
from ..errors import TutorError, explanation
from ..i18n import N_

log = logging.getLogger(__name__)


class RequestError(TutorError):
    """The request itself is malformed (status 400), before any program is read."""

    status = 400


_HTTP = {  # status: (code, message) for the errors the HTTP layer finds itself
    404: (
        "not_found",
        N_("no such API endpoint; the endpoints are listed at /api/v1/openapi.json"),
    ),
    405: ("method_not_allowed", N_("this endpoint does not accept that method")),
    413: ("too_large", N_("the request body is too large")),
    500: ("internal_error", N_("the service failed on this request; it has been logged")),
}
NAMES = {  # status: its name on the error page (werkzeug's English name for the others)
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    413: N_("Request Entity Too Large"),
    422: N_("Unprocessable Entity"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
    503: N_("Service Unavailable"),
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(
    status: int, message: str | None = None, meaning: str | None = None
) -> tuple[Response | str, int]:
    """The HTML error page: the status and its name as the heading, then ``message`` (and
    ``meaning``: what the engine's words in it mean); plain text if even that cannot be
    rendered (say, a missing template)."""
    name = i18n.translate(NAMES[status]) if status in NAMES else HTTP_STATUS_CODES.get(status, "")
    try:
        page = render_template(
            "error.html", status=status, name=name, message=message, meaning=meaning
        )
        return page, status
    except Exception:  # an error page must never fail in turn
        log.exception("the error page for %s could not be rendered", status)
        text = f"{status}: {message or name}\n"
        return Response(text, status=status, mimetype="text/plain"), status


def _handle_http(exc: HTTPException):
    status = exc.code or 500
    if not _is_api():
        return _page(status)
    code, message = _HTTP.get(status, (exc.name.lower().replace(" ", "_"), exc.description))
    response = jsonify({"error": {"code": code, "message": i18n.translate(message)}})
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response, status


def _handle_domain(exc: TutorError):
    if not _is_api():
        return _page(exc.status, exc.message, exc.explanation)
    return jsonify({"error": exc.to_json()}), exc.status


def _handle_unexpected(exc: Exception):
    log.exception("unexpected error on %s", request.path)
    return _handle_http(InternalServerError())


def register(app: Flask) -> None:
    """Install the handlers that turn every error into the one shape."""
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(TutorError, _handle_domain)
    app.register_error_handler(Exception, _handle_unexpected)
    app.add_template_global(explanation, "error_explanation")
