"""Property-based API tests: schemathesis fuzzes the app from its own OpenAPI document.

Positive and negative cases (requests that match the schema, and requests that break it)
run in-process against the WSGI app, with every response checked: no server error, a
documented status and media type, a body that matches the documented schema, and refusal
(4xx) of every request the schema forbids. ``positive_data_acceptance`` is left out on
purpose: a schema-valid string is rarely a valid graph program, and refusing it with a
documented 400 is the right answer.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tutor import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app({"TESTING": True}))
schema.config.generation.update(modes=list(GenerationMode), max_examples=50)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate(checks=CHECKS)
