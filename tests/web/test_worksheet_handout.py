"""``POST /api/v1/check`` on a handed-out worksheet: hints one rung per wrong try, the expected
answer only as the signed ``reveal`` setting allows, and 403 for anything not signed here."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from tests.web import worksheet_links as links

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

CHECK = "/api/v1/check"
SHEET = {"seed": 2, "problems": 6, "level": 2}  # problem 3: a closed form with three rungs


def _link(app, **params) -> dict:
    """The student link's query as the check body's ``worksheet`` (every value a string)."""
    return dict(parse_qsl(links.query(app, links.STUDENT, **SHEET, **params)))


def _box(app, kind: str = "closed_form", **params):
    sheet = links.sheet(app, **SHEET, **params)
    return next(b for p in sheet.problems for b in p.boxes if b.kind == kind)


def _check(client, worksheet: dict, box: str, answer: str, tries: str | None = None):
    body = {"worksheet": worksheet, "box": box, "answer": answer}
    if tries is not None:
        body["tries"] = tries
    return client.post(CHECK, data=json.dumps(body), content_type="application/json")


def _tries(client, worksheet, box, answers, assert_matches_openapi) -> list[dict]:
    """Check ``answers`` in turn, each with the token the one before answered with."""
    out, token = [], None
    for answer in answers:
        body = assert_matches_openapi(_check(client, worksheet, box, answer, token), CHECK)
        out.append(body)
        token = body["token"]
    return out


def test_never_hints_one_rung_per_new_wrong_try_and_no_expected(
    app, client, assert_matches_openapi
):
    box = _box(app)
    a = box.answer
    answers = ["0", "1", "1", f"({a}) + 1", f"2*({a})", f"({a})**2 + 3"]
    said = _tries(client, _link(app), box.id, answers, assert_matches_openapi)
    assert [s["tries"] for s in said] == [1, 2, 2, 3, 4, 5]  # the same wrong answer again: no try
    assert [len(s["hints"]) for s in said] == [1, 2, 2, 3, 3, 3]
    assert [s["hints_left"] for s in said] == [2, 1, 1, 0, 0, 0]
    for s in said:
        assert not s["correct"] and "expected" not in s
        assert box.answer not in json.dumps(s, ensure_ascii=False)


def test_a_right_answer_is_right_and_still_shows_no_expected(app, client, assert_matches_openapi):
    box = _box(app)
    right = assert_matches_openapi(_check(client, _link(app), box.id, box.answer), CHECK)
    assert right["correct"] and right["hints"] == [] and "expected" not in right


def test_after_two_tries_the_expected_answer_comes_with_the_second(
    app, client, assert_matches_openapi
):
    box = _box(app, reveal="after-2")
    first, second = _tries(
        client, _link(app, reveal="after-2"), box.id, ["0", "1"], assert_matches_openapi
    )
    assert "expected" not in first
    assert second["expected"] == box.answer


def test_always_shows_the_expected_answer_at_once(app, client, assert_matches_openapi):
    box = _box(app, "number", reveal="always")
    body = assert_matches_openapi(
        _check(client, _link(app, reveal="always"), box.id, "1234"), CHECK
    )
    assert body["expected"] == box.answer and body["hints"] == []  # a number is one rung


@pytest.mark.parametrize(
    "change",
    [
        {"reveal": "always"},
        {"seed": "3"},
        {"sig": "AAAA"},
        {"sig": ""},
    ],
    ids=["reveal", "seed", "sig", "empty-sig"],
)
def test_a_changed_link_is_403(app, client, assert_matches_openapi, change):
    box = _box(app)
    response = _check(client, {**_link(app), **change}, box.id, "0")
    body = assert_matches_openapi(response, CHECK)
    assert response.status_code == 403 and body["error"]["code"] == "bad_signature"
    assert "expected" not in response.get_data(as_text=True)


def test_the_teachers_signature_does_not_open_a_check(app, client):
    teacher = dict(parse_qsl(links.query(app, links.TEACHER, **SHEET)))
    assert _check(client, teacher, _box(app).id, "0").status_code == 403


def test_a_forged_or_foreign_try_counter_is_403(app, client, assert_matches_openapi):
    sheet = links.sheet(app, **SHEET)
    first, second = [b for p in sheet.problems for b in p.boxes][:2]
    token = _check(client, _link(app), first.id, "0").get_json()["token"]
    for forged in (token[:-3] + "abc", "x" * 600, json.dumps({"n": 9})):
        response = _check(client, _link(app), first.id, "1", forged)
        assert response.status_code == 403
        assert assert_matches_openapi(response, CHECK)["error"]["code"] == "bad_token"
    assert _check(client, _link(app), second.id, "1", token).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"box": "1", "answer": ""}, 400, "empty_answer"),
        ({"box": "1", "answer": "   "}, 400, "empty_answer"),
        ({"box": "99z", "answer": "0"}, 400, "invalid_parameter"),
        ({"box": 1, "answer": "0"}, 400, "invalid_request"),
        ({"box": "1", "answer": "0", "wrt": "x"}, 400, "invalid_request"),
        ({"box": "1", "answer": "__import__('os')"}, 400, "not_allowed"),
    ],
)
def test_bad_handout_checks_are_clear_4xx(app, client, assert_matches_openapi, body, status, code):
    response = client.post(
        CHECK, data=json.dumps({"worksheet": _link(app), **body}), content_type="application/json"
    )
    assert response.status_code == status
    assert assert_matches_openapi(response, CHECK)["error"]["code"] == code


def test_a_worksheet_that_is_not_an_object_of_strings_is_400(app, client):
    for worksheet in ("seed=2", {"seed": 2}, None):
        response = _check(client, worksheet, "1", "0")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_request"
