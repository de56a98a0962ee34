"""The REST API (Contract 3): thin views that read JSON, call one domain function, answer JSON.

Errors never leave here by hand: a ``RequestError`` or ``TutorError`` raised below becomes
the one JSON error shape in ``errors_http``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from . import inputs, openapi, service
from .errors_http import RequestError

bp = Blueprint("api", __name__, url_prefix="/api")


def json_body() -> bytes:
    """The raw body of a JSON request (its size is capped by MAX_CONTENT_LENGTH)."""
    if request.mimetype != "application/json":
        raise RequestError(
            "invalid_request", "send the body as JSON (Content-Type: application/json)"
        )
    return request.get_data(cache=False)


@bp.post("/v1/explain")
def explain() -> Response:
    """Explain a program or a formula: output, gradients beside closed forms, graph."""
    outcome = service.explain(
        inputs.from_json(json_body()), current_app.extensions["explain_cache"]
    )
    return Response(outcome.json_text, mimetype="application/json")


@bp.get("/v1/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of this API."""
    return jsonify(openapi.document())


@bp.get("")
def docs() -> str:
    """The human documentation page, with curl examples."""
    return render_template("api.html", spec=openapi.document(), base=request.host_url.rstrip("/"))
