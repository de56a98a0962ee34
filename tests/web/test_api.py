"""POST /api/v1/explain and the error contract, validated against the served OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
import sympy
from openapi_spec_validator import validate

from tests.conftest import SEED_NAMES, seed_output, seed_source

EXPLAIN = "/api/v1/explain"
ADDRESS = re.compile(r" object at 0x[0-9a-f]+>")
SEED_C_GRADIENTS = {"x1": ("-w1*w2", -30.0), "w1": ("-x1*w2", -12.0), "w2": ("-x1*w1", -10.0)}


def same_expression(ours: str, expected: str) -> bool:
    """Contract 3's "symbolic" is sympy's str form: it parses back to the expected expression."""
    return sympy.sympify(ours) == sympy.sympify(expected)  # our own output, never user text


def _post(client, body):
    return client.post(EXPLAIN, data=json.dumps(body), content_type="application/json")


def _error(response, assert_matches_openapi, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = assert_matches_openapi(response, "/api/v1/explain")
    assert set(body) == {"error"} and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_programs_print_what_pytorch_prints(client, assert_matches_openapi, name):
    response = _post(client, {"program": seed_source(name)})
    assert response.status_code == 200
    body = assert_matches_openapi(response, EXPLAIN)
    assert ADDRESS.sub(">", body["output"]) == ADDRESS.sub(">", seed_output(name))
    assert body["graph"]["nodes"] and all(g["agrees"] for g in body["gradients"])


def test_seed_c_closed_forms_beside_engine_gradients(client, assert_matches_openapi):
    body = assert_matches_openapi(_post(client, {"program": seed_source("c")}), EXPLAIN)
    got = {g["leaf"]: g for g in body["gradients"]}
    assert list(got) == ["x1", "w1", "w2"]  # first-use order
    for leaf, (closed_form, value) in SEED_C_GRADIENTS.items():
        g = got[leaf]
        assert same_expression(g["symbolic"], closed_form) and g["shape"] == [2, 2]
        assert g["numeric"] == [[value, value], [value, value]] == g["value"]
        assert g["agrees"] is True and g["latex"] and g["steps"]


def test_seed_b_gradient_is_four_and_a_half(client):
    body = _post(client, {"program": seed_source("b")}).get_json()
    (x,) = body["gradients"]
    assert x["leaf"] == "x" and x["numeric"] == [[4.5, 4.5], [4.5, 4.5]] and x["agrees"]


def test_expression_with_scalar_values(client, assert_matches_openapi):
    body = {
        "expression": "Y - x1*w1*w2",
        "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10},
        "requires_grad": ["x1", "w1", "w2"],
    }
    got = assert_matches_openapi(_post(client, body), EXPLAIN)
    grads = {g["leaf"]: g for g in got["gradients"]}
    assert list(grads) == ["x1", "w1", "w2"]
    for leaf, (closed_form, value) in SEED_C_GRADIENTS.items():
        # a 0-d value is a plain number with shape []
        assert grads[leaf]["shape"] == [] and grads[leaf]["numeric"] == value
        assert same_expression(grads[leaf]["symbolic"], closed_form)
        assert grads[leaf]["agrees"] is True


def test_every_name_needs_a_gradient_by_default(client):
    body = {"expression": "Y - x1*w1*w2", "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10}}
    leaves = [g["leaf"] for g in _post(client, body).get_json()["gradients"]]
    assert sorted(leaves) == ["Y", "w1", "w2", "x1"]


def test_non_finite_numbers_are_strings(client, assert_matches_openapi):
    response = _post(client, {"expression": "log(x)", "values": {"x": 0}})
    text = response.get_data(as_text=True)
    assert "NaN" not in text and "Infinity" not in text
    body = assert_matches_openapi(response, EXPLAIN)
    (x,) = body["gradients"]
    assert x["numeric"] == "inf" and x["shape"] == []
    values = [n["value"] for n in body["graph"]["nodes"]]
    assert "-inf" in values


@pytest.mark.parametrize(
    "raw",
    [
        b'{"program": NaN}',
        b'{"expression": "x*2", "values": {"x": NaN}}',
        b'{"expression": "x*2", "values": {"x": Infinity}}',
        b'{"expression": "x*2", "values": {"x": [1, -Infinity]}}',
    ],
)
def test_nan_and_infinity_literals_are_refused(client, assert_matches_openapi, raw):
    response = client.post(EXPLAIN, data=raw, content_type="application/json")
    assert _error(response, assert_matches_openapi, 400)["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        ("not json", "application/json", "invalid_json"),
        ("[1, 2]", "application/json", "invalid_request"),
        ('{"program": 1}', "application/json", "invalid_request"),
        ('{"program": "x", "expression": "x"}', "application/json", "invalid_request"),
        ('{"expression": "x"}', "application/json", "invalid_request"),
        ('{"expression": "x", "values": {"x": true}}', "application/json", "invalid_value"),
        ('{"expression": "x", "values": {"x": "1"}}', "application/json", "invalid_value"),
        ('{"expression": "x", "values": {"x": 1e400}}', "application/json", "invalid_value"),
        ('{"expression": "x", "values": {"x": [1, [2]]}}', "application/json", "invalid_value"),
        ('{"expression": "x", "values": {"x y": 1}}', "application/json", "invalid_name"),
        ('{"program": "import torch"}', "text/plain", "invalid_request"),
        ("program=import+torch", "application/x-www-form-urlencoded", "invalid_request"),
    ],
)
def test_malformed_requests_are_400(client, assert_matches_openapi, data, content_type, code):
    response = client.post(EXPLAIN, data=data, content_type=content_type)
    assert _error(response, assert_matches_openapi, 400)["code"] == code


def test_syntax_error_is_400_with_its_place(client, assert_matches_openapi):
    response = _post(client, {"program": "import torch\nx = torch.ones(2\n"})
    error = _error(response, assert_matches_openapi, 400)
    assert error["line"] >= 2 and error["col"] >= 1


def test_forbidden_program_is_400_with_its_place(client, assert_matches_openapi):
    response = _post(client, {"program": "import torch\n\nf = open('/etc/passwd')\n"})
    error = _error(response, assert_matches_openapi, 400)
    assert error["line"] == 3 and "open" in error["message"]


def test_bad_formula_is_400(client, assert_matches_openapi):
    response = _post(client, {"expression": "x +* 2", "values": {"x": 1}})
    assert _error(response, assert_matches_openapi, 400)["line"] == 1


def test_engine_refusal_is_422_with_its_line(client, assert_matches_openapi):
    program = "import torch\na = torch.ones(2, 3)\nb = torch.ones(4, 5)\nc = a @ b\n"
    error = _error(_post(client, {"program": program}), assert_matches_openapi, 422)
    assert error["line"] == 4 and "RuntimeError" in error["message"]


def test_limit_is_422(client, assert_matches_openapi):
    program = "import torch\nx = torch.ones(100000, 100000)\n"
    error = _error(_post(client, {"program": program}), assert_matches_openapi, 422)
    assert error["line"] == 2


def test_program_longer_than_the_source_limit_is_413(client, assert_matches_openapi):
    program = "import torch\n" + "x = 1\n" * 10_000  # 60 kB: under the body limit
    _error(_post(client, {"program": program}), assert_matches_openapi, 413)


def test_body_over_max_content_length_is_413(app, client, assert_matches_openapi):
    raw = json.dumps({"program": "#" * app.config["MAX_CONTENT_LENGTH"]})
    response = client.post(EXPLAIN, data=raw, content_type="application/json")
    assert _error(response, assert_matches_openapi, 413)["code"] == "too_large"


def test_wrong_method_is_405_json_with_allow(client, assert_matches_openapi):
    response = client.get(EXPLAIN)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert_matches_openapi(response, EXPLAIN, "post")
    response = client.post("/api/v1/openapi.json")
    assert response.status_code == 405 and response.get_json()["error"]["code"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/explain", "/api/", "/api/v1"])
def test_unknown_api_path_is_404_json(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "not_found"


def test_an_unexpected_failure_is_500_json_without_a_trace(client, monkeypatch):
    from tutor.web import answers

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(answers, "explain", boom)
    response = _post(client, {"program": "import torch\n"})
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {
            "code": "internal_error",
            "message": "the service failed on this request; it has been logged",
        }
    }
    assert "secret" not in response.get_data(as_text=True)


def test_openapi_document_is_valid_and_lists_the_routes(app, openapi_document):
    validate(openapi_document)
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes == set(openapi_document["paths"])
    explain = openapi_document["paths"][EXPLAIN]["post"]["responses"]
    assert {"200", "400", "405", "413", "422"} <= set(explain)


def test_documented_examples_are_answered(client, openapi_document, assert_matches_openapi):
    media = openapi_document["paths"][EXPLAIN]["post"]["requestBody"]["content"]
    for example in media["application/json"]["examples"].values():
        response = _post(client, example["value"])
        assert response.status_code == 200
        assert_matches_openapi(response, EXPLAIN)


def test_results_are_cached_by_normalised_input(app, client):
    cache = app.extensions["explain_cache"]
    first = _post(client, {"program": seed_source("c")})
    again = _post(client, {"program": seed_source("c").replace("\n", "  \r\n") + "\n\n"})
    assert first.get_data() == again.get_data()
    assert (cache.misses, cache.hits, len(cache)) == (1, 1, 1)
    _post(client, {"program": "import torch\nx = torch.ones(2)\nprint(x)\n"})
    assert len(cache) == 2


def test_cache_is_bounded_in_bytes(client):
    from tutor import create_app

    one = len(_post(client, {"expression": "x*0", "values": {"x": 1}}).get_data())
    small = create_app({"TESTING": True, "EXPLAIN_CACHE_BYTES": 20 * one})
    c, cache = small.test_client(), small.extensions["explain_cache"]
    for i in range(40):
        assert _post(c, {"expression": f"x*{i}", "values": {"x": 1}}).status_code == 200
        assert cache.weight <= 20 * one
    assert 2 <= len(cache) < 40  # what fits in the bytes (a str of ∂ takes 2 bytes a character)


def test_pages_keep_their_result_section_in_the_same_cache(app, client):
    page = client.get("/?expression=x*tanh(x)&values=x%3D1")
    assert page.status_code == 200
    assert ("page", _input("x*tanh(x)")) in app.extensions["explain_cache"].keys()


def test_an_answer_heavier_than_an_eighth_of_the_cache_is_not_kept():
    from tutor import create_app

    tiny = create_app({"TESTING": True, "EXPLAIN_CACHE_BYTES": 8_000})
    assert (
        _post(tiny.test_client(), {"expression": "x*y", "values": {"x": 1, "y": 2}}).status_code
        == 200
    )
    assert len(tiny.extensions["explain_cache"]) == 0


def _input(expression: str):
    from tutor.explain import make_input

    return make_input(expression=expression, values={"x": 1})


def test_errors_are_not_cached(app, client):
    _post(client, {"program": "import os\n"})
    assert len(app.extensions["explain_cache"]) == 0
