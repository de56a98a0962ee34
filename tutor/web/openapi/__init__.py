"""The OpenAPI 3.1 document of the REST API, as served at ``/api/v1/openapi.json``.

It describes what the service really does — the tests validate every answer the test client
gets against it, and schemathesis fuzzes the live app from it — including the error
responses: one shape for 400/404/405/413/422/500.
"""

from __future__ import annotations

from functools import cache

from ...i18n import N_
from . import explain_schema, worksheet_schema
from .parts import ERRORS


@cache
def document() -> dict:
    """The OpenAPI document (built once; treat it as read-only)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gradtutor API",
            "version": "1.0.0",
            "description": N_(
                "Explain small computation graphs: the output PyTorch would print, the "
                "engine's gradients beside sympy's closed forms, the chain-rule steps and "
                "the graph. JSON has no NaN: non-finite numbers are the strings "
                '"nan", "inf" and "-inf", and requests carrying NaN/Infinity are refused.'
            ),
        },
        "paths": {
            **explain_schema.PATHS,
            **worksheet_schema.PATHS,
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": N_("This document"),
                    "responses": {
                        "200": {
                            "description": N_("The OpenAPI 3.1 document."),
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "405": ERRORS["405"],
                    },
                }
            },
        },
        "components": {"schemas": {**explain_schema.SCHEMAS, **worksheet_schema.SCHEMAS}},
    }
