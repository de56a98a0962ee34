"""The REST API (Contract 3): thin views that read JSON, call one domain function, answer JSON.

Errors never leave here by hand: a ``RequestError`` or ``TutorError`` raised below becomes
the one JSON error shape in ``tutor.web.errors``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from . import openapi
from .answers import json_answer
from .inputs import from_json, json_body
from .openapi.reference import reference

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/v1/explain")
def explain() -> Response:
    """Explain a program or a formula: output, gradients beside closed forms, graph."""
    text = json_answer(from_json(json_body()), current_app.extensions["explain_cache"])
    return Response(text, mimetype="application/json")


@bp.get("/v1/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3 document of this API."""
    return jsonify(openapi.document())


@bp.get("")
def docs() -> str:
    """The human documentation page, with curl examples and the document's reference."""
    base = request.host_url.rstrip("/")
    return render_template("api.html", spec=openapi.document(), reference=reference(), base=base)
