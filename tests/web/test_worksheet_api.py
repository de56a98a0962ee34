"""``GET /api/v1/worksheet`` and ``POST /api/v1/check``, validated against the OpenAPI document."""

from __future__ import annotations

import json

import pytest

from tests.web import worksheet_links as links
from tutor import create_app
from tutor.worksheet.sheet import make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

WORKSHEET, CHECK = "/api/v1/worksheet", "/api/v1/check"
FORMULA = {
    "expression": "Y - x1*w1*w2",
    "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10},
    "requires_grad": ["x1", "w1", "w2"],
}


def _check(client, **body):
    return client.post(CHECK, data=json.dumps(body), content_type="application/json")


def test_worksheet_json_is_the_same_bytes_for_the_same_parameters(
    app, client, assert_matches_openapi
):
    first = client.get(WORKSHEET + "?" + links.query(app, seed=9, problems=4, level=3))
    body = assert_matches_openapi(first, WORKSHEET, "get")
    assert body["parameters"] == {
        "seed": 9,
        "problems": 4,
        "level": 3,
        "version": 1,
        "reveal": "never",
    }
    assert len(body["problems"]) == 4 and all("key" in p for p in body["problems"])
    reordered = "&".join(reversed(links.query(app, seed=9, problems=4, level=3).split("&")))
    again = client.get(WORKSHEET + "?" + reordered)
    made = links.sheet(app, seed=9, problems=4, level=3)
    assert first.data == again.data == made.json_text.encode()
    other = client.get(WORKSHEET + "?" + links.query(app, seed=9, problems=4, level=3, version=2))
    assert other.status_code == 200 and other.data != first.data


def test_without_a_signature_the_json_has_no_key_and_is_stable_too(app, client):
    bare = client.get(WORKSHEET + "?seed=9&problems=4&level=3")
    assert bare.status_code == 200
    assert bare.data == links.sheet(app, seed=9, problems=4, level=3).student_json_text.encode()
    assert not any("key" in p for p in json.loads(bare.data)["problems"])
    for p in links.sheet(app, seed=9, problems=4, level=3).problems:
        for b in p.boxes:
            assert f'"answer":{json.dumps(b.answer)}' not in bare.get_data(as_text=True)


def test_the_reveal_setting_is_a_parameter_that_keeps_the_problems(app, client):
    never = json.loads(
        client.get(WORKSHEET + "?" + links.query(app, seed=9, problems=4, level=3)).data
    )
    always = client.get(
        WORKSHEET + "?" + links.query(app, seed=9, problems=4, level=3, reveal="always")
    )
    body = json.loads(always.data)
    assert body["parameters"]["reveal"] == "always"
    assert body["problems"] == never["problems"]


def test_the_numbers_depend_on_the_services_key_not_on_the_seed_alone(app, client):
    served = links.sheet(app, seed=9, problems=4, level=3)
    assert served.json_text != make_worksheet(9, 4, 3).json_text  # the command line's sheet
    other = create_app({"TESTING": True, "SECRET_KEY": "another service"})
    assert links.sheet(other, seed=9, problems=4, level=3).json_text != served.json_text


@pytest.mark.parametrize(
    "change",
    [
        lambda q: q.replace("seed=9", "seed=8"),
        lambda q: q.replace("reveal=never", "reveal=always"),
        lambda q: q.replace("sig=", "sig=A"),
        lambda q: q[:-2] + ("AA" if not q.endswith("AA") else "BB"),
    ],
    ids=["seed", "reveal", "sig-prefix", "sig-end"],
)
def test_a_changed_signature_or_parameter_is_403(app, client, assert_matches_openapi, change):
    query = links.query(app, seed=9, problems=4, level=3)
    response = client.get(WORKSHEET + "?" + change(query))
    body = assert_matches_openapi(response, WORKSHEET, "get")
    assert response.status_code == 403 and body["error"]["code"] == "bad_signature"
    student = links.query(app, links.STUDENT, seed=9, problems=4, level=3)
    assert client.get(WORKSHEET + "?" + student).status_code == 403  # not the teacher's


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?seed=1&problems=5",
        "?seed=1&problems=51&level=1",
        "?seed=1&problems=0&level=1",
        "?seed=1&problems=5&level=6",
        "?seed=-1&problems=5&level=1",
        "?seed=x&problems=5&level=1",
        "?seed=1.5&problems=5&level=1",
        "?seed=1&problems=5&level=1&version=0",
        "?seed=99999999999&problems=5&level=1",
    ],
)
def test_bad_parameters_are_400(client, assert_matches_openapi, query):
    response = client.get(WORKSHEET + query)
    body = assert_matches_openapi(response, WORKSHEET, "get")
    assert response.status_code == 400 and body["error"]["code"] == "invalid_parameter"


def test_check_a_right_and_a_wrong_answer(client, assert_matches_openapi):
    right = assert_matches_openapi(_check(client, **FORMULA, wrt="x1", answer="-w2*w1"), CHECK)
    assert right == {
        "correct": True,
        "expected": "-w1*w2",
        "feedback": "Correct: your answer equals ∂L/∂x1 (the difference simplifies to 0).",
        "diagnosis": "correct",
        "method": "symbolic",
        "counterexample": None,
    }
    wrong = assert_matches_openapi(_check(client, **FORMULA, wrt="x1", answer="w1*w2"), CHECK)
    assert (wrong["correct"], wrong["diagnosis"]) == (False, "sign_error")


def test_check_a_value_and_a_program(client, assert_matches_openapi):
    value = _check(client, **FORMULA, wrt="w1", answer="-12.001", kind="value")
    assert assert_matches_openapi(value, CHECK)["correct"]
    program = "import torch\nx = torch.tensor(3.0, requires_grad=True)\ny = x * x\ny.backward()\n"
    result = assert_matches_openapi(_check(client, program=program, wrt="x", answer="x"), CHECK)
    assert result["diagnosis"] == "missing_path" and "x is used 2 times" in result["feedback"]


def test_a_worksheet_problem_can_be_checked_through_the_api(app, client):
    sheet = json.loads(
        client.get(WORKSHEET + "?" + links.query(app, seed=4, problems=8, level=1)).data
    )
    asked = [p for p in sheet["problems"] if p["kind"] in ("closed_form", "value")]
    assert asked
    for p in asked:
        answer = p["key"]["answers"][0]["answer"]
        body = {**p["input"], "wrt": p["wrt"], "answer": answer, "kind": p["kind"]}
        assert _check(client, **body).get_json()["correct"]


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        ("__import__('os').system('id')", 400, "not_allowed"),
        ("x1.__class__.__mro__", 400, "not_allowed"),
        ("w1**99999999", 422, "answer_too_large"),
        ("9**9**9", 422, "answer_too_large"),
        ("w1*" * 1000 + "w1", 413, "source_too_large"),
        ("w1 +", 400, "syntax_error"),
    ],
)
def test_hostile_answers_get_a_clear_4xx(client, assert_matches_openapi, answer, status, code):
    response = _check(client, **FORMULA, wrt="x1", answer=answer)
    error = assert_matches_openapi(response, CHECK)["error"]
    assert (response.status_code, error["code"]) == (status, code)


def test_a_100_kb_answer_is_413_before_anything_is_read(client, assert_matches_openapi):
    response = _check(client, **FORMULA, wrt="x1", answer="x" * 100_000)
    assert response.status_code == 413
    assert assert_matches_openapi(response, CHECK)["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**FORMULA, "answer": "-w1*w2"}, "invalid_request"),
        ({**FORMULA, "wrt": "x1"}, "invalid_request"),
        ({**FORMULA, "wrt": "x1", "answer": 3}, "invalid_request"),
        ({**FORMULA, "wrt": "x1", "answer": "1", "kind": "graph"}, "invalid_request"),
        ({**FORMULA, "wrt": "x1", "answer": "1", "extra": 1}, "invalid_request"),
        ({"wrt": "x1", "answer": "1"}, "invalid_request"),
    ],
)
def test_malformed_check_requests_are_400(client, assert_matches_openapi, body, code):
    response = _check(client, **body)
    assert response.status_code == 400
    assert assert_matches_openapi(response, CHECK)["error"]["code"] == code


def test_a_leaf_without_a_gradient_is_422(client, assert_matches_openapi):
    response = _check(client, **FORMULA, wrt="Y", answer="1")
    assert response.status_code == 422
    assert assert_matches_openapi(response, CHECK)["error"]["code"] == "no_gradient"
