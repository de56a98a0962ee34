"""``"order": 2`` in the API and on the page: the documented hessian field, located refusals,
the form's control and the shareable link that keeps it; order 1 answers stay as they were."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.htmlq import parse

EXPLAIN = "/api/v1/explain"
FORMULA = {"expression": "x**3*y + sin(x*y)", "values": {"x": 1.5, "y": -0.5}}
PAGE = {"expression": "x**3*y + sin(x*y)", "values": "x=1.5, y=-0.5"}


def _post(client, body):
    return client.post(EXPLAIN, data=json.dumps(body), content_type="application/json")


def test_order_two_answers_the_hessian(client, assert_matches_openapi):
    response = _post(client, {**FORMULA, "order": 2})
    assert response.status_code == 200
    body = assert_matches_openapi(response, EXPLAIN)
    h = body["hessian"]
    assert h["leaves"] == ["x", "y"] and h["root"] == "L" and h["symmetric"] is True
    assert [(e["first"], e["second"]) for e in h["entries"]] == [("x", "x"), ("y", "y"), ("x", "y")]
    mixed = h["entries"][2]
    assert mixed["symbolic"] == "3*x**2 - x*y*sin(x*y) + cos(x*y)"
    assert mixed["derivative"]["symbolic"] == "y*(3*x**2 + cos(x*y))"  # what is differentiated
    assert mixed["verdict"] == "agrees" and mixed["agrees_numerical"] is True
    assert mixed["numeric"] == pytest.approx(6.9704598, rel=1e-6)
    assert h["numeric"][0][1] == h["numeric"][1][0] == mixed["numeric"]
    assert h["value"][1][0] == mixed["value"]
    assert mixed["steps"][0]["kind"] == "differentiation"
    assert mixed["steps"][-1]["kind"] == "hessian_check"
    assert "differentiate with respect to y" in mixed["steps"][0]["text"]
    assert [g["leaf"] for g in body["gradients"]] == ["x", "y"]  # the first derivatives too


def test_order_one_answers_as_before(client):
    plain = _post(client, FORMULA).get_json()
    first = _post(client, {**FORMULA, "order": 1}).get_json()
    assert "hessian" not in plain and plain == first
    program = _post(client, {"program": "import torch\n", "order": 1})
    assert program.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"program": "import torch\n", "order": 2}, 400, "invalid_order", "expressions only"),
        ({**FORMULA, "order": 3}, 400, "invalid_order", '"order" must be 1 or 2'),
        ({**FORMULA, "order": 0}, 400, "invalid_order", '"order" must be 1 or 2'),
        ({**FORMULA, "order": "2"}, 400, "invalid_request", '"order" must be 1 or 2'),
        ({**FORMULA, "order": True}, 400, "invalid_request", '"order" must be 1 or 2'),
        ({**FORMULA, "order": 2.0}, 400, "invalid_request", '"order" must be 1 or 2'),
        ({**FORMULA, "order": None}, 400, "invalid_request", '"order" must be 1 or 2'),
        (
            {"expression": "a*b*c*d*e*f*g", "values": dict.fromkeys("abcdefg", 1), "order": 2},
            422,
            "too_many_leaves",
            "at most 6 leaves",
        ),
        (
            {"expression": "x*y", "values": {"x": [1, 2], "y": 3}, "order": 2},
            422,
            "order_2_tensor",
            "x is a list",
        ),
    ],
)
def test_refusals_name_the_field(client, assert_matches_openapi, body, status, code, words):
    response = _post(client, body)
    assert response.status_code == status, response.get_data(as_text=True)
    error = assert_matches_openapi(response, EXPLAIN)["error"]
    assert error["code"] == code and words in error["message"]


def test_a_formula_error_with_order_two_is_still_located(client, assert_matches_openapi):
    response = _post(client, {"expression": "x*(y", "values": {"x": 1, "y": 2}, "order": 2})
    assert response.status_code == 400
    error = assert_matches_openapi(response, EXPLAIN)["error"]
    assert error["line"] == 1 and error["col"] >= 1


def test_the_document_describes_order_and_hessian(openapi_document):
    schemas = openapi_document["components"]["schemas"]
    assert schemas["ExpressionRequest"]["properties"]["order"]["enum"] == [1, 2]
    assert schemas["Explanation"]["properties"]["hessian"] == {
        "$ref": "#/components/schemas/Hessian"
    }
    assert "entries" in schemas["Hessian"]["required"]


def test_the_page_shows_the_hessian_and_its_link_keeps_the_order(client):
    response = client.get("/", query_string={**PAGE, "order": "2"})
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    matrix = page.find_all("table", cls="hessian-matrix")
    assert len(matrix) == 1
    assert len(matrix[0].find_all("td", cls="diagonal")) == 2
    entries = page.find_all("table", cls="hessian-entries")[0].find_all("tr")
    assert len(entries) == 4  # a header and three distinct entries
    share = page.find_all("a", rel="bookmark")[0].attrs["href"]
    assert parse_qs(urlsplit(share).query)["order"] == ["2"]
    chosen = page.find_all("select", id="order")[0].find_all("option", value="2")[0]
    assert "selected" in chosen.attrs
    assert len(page.find_all("details", cls="hessian-steps")) == 3


def test_the_form_keeps_the_order_and_order_one_keeps_its_address(client):
    sent = client.post("/", data={**PAGE, "order": "2"})
    assert sent.status_code == 303
    assert parse_qs(urlsplit(sent.headers["Location"]).query)["order"] == ["2"]
    first = client.post("/", data={**PAGE, "order": "1"})
    assert "order" not in parse_qs(urlsplit(first.headers["Location"]).query)
    page = parse(client.get("/", query_string=PAGE).get_data(as_text=True))
    assert not page.find_all("table", cls="hessian-matrix")


@pytest.mark.parametrize(
    "query", [{**PAGE, "order": "3"}, {"program": "import torch\n", "order": "2"}]
)
def test_the_page_refuses_what_the_api_refuses(client, query):
    response = client.get("/", query_string=query)
    assert response.status_code == 400
    assert "order" in response.get_data(as_text=True)


def test_checking_an_answer_takes_no_order(client, openapi_document):
    body = {**FORMULA, "wrt": "x", "answer": "3*x**2*y + y*cos(x*y)", "order": 2}
    response = client.post("/api/v1/check", json=body)
    assert response.status_code == 400 and "order" in response.get_json()["error"]["message"]
    del body["order"]
    assert client.post("/api/v1/check", json=body).get_json()["correct"] is True
    schemas = openapi_document["components"]["schemas"]
    assert "order" not in schemas["CheckExpressionRequest"]["properties"]


def test_the_hessian_example_is_one_click_away(client):
    page = parse(client.get("/").get_data(as_text=True))
    link = [a for a in page.find_all("a") if a.text().strip() == "Hessian of exp(x)·sin(y)"]
    assert len(link) == 1
    target = client.get(link[0].attrs["href"])
    assert target.status_code == 200
    assert parse(target.get_data(as_text=True)).find_all("table", cls="hessian-matrix")
