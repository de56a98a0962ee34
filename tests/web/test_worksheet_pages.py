"""The worksheet page, its answer boxes checked without JavaScript, the printable sheet and key."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.web.htmlq import parse
from tutor.worksheet.sheet import make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

SHEET = {"seed": 2, "problems": 6, "level": 1, "version": 1}  # every kind of box


def _get(client, path: str, status: int = 200, **query):
    response = client.get(path + ("?" + urlencode(query) if query else ""))
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def test_the_form_alone_before_anything_is_asked(client):
    doc = _get(client, "/worksheet")
    form = doc.find("form", id="generate")
    assert form.attrs["method"] == "get"
    for name in ("seed", "problems", "level", "version"):
        assert doc.find(id=name) is not None and doc.find("label", for_=name)
    assert len(doc.find("select", id="level").find_all("option")) == 5
    assert doc.find("section", cls="sheet") is None


def test_the_site_links_to_worksheets(client):
    nav = _get(client, "/").find("nav")
    assert "Worksheets" in [a.text() for a in nav.find_all("a")]


def test_a_sheet_with_graphs_answer_boxes_downloads_and_key(client):
    doc = _get(client, "/worksheet", **SHEET)
    problems = doc.find_all("article", cls="problem")
    assert len(problems) == SHEET["problems"]
    for article in problems:
        assert article.find("svg") is not None and article.find("p", cls="prompt")
        assert article.find("button", type="submit") is not None
    share = doc.find("a", id="share-link").attrs["href"]
    assert share == "/worksheet?" + urlencode(SHEET)
    links = {a.text(): a.attrs["href"] for a in doc.find("ul", cls="downloads").find_all("a")}
    assert links["JSON with the key"] == "/api/v1/worksheet?" + urlencode(SHEET)
    assert links["LaTeX answer key"].startswith("/worksheet.tex?answers=1&")
    assert links["Printable worksheet"].startswith("/worksheet/print?")
    key = doc.find("details", id="key")
    assert len(key.find_all("article", cls="key-entry")) == SHEET["problems"]
    assert all("agrees" in p.text() for p in key.find_all("p", cls="verdict"))


def _boxes(kind: str):
    sheet = make_worksheet(**SHEET)
    return [(p, b) for p in sheet.problems for b in p.boxes if b.kind == kind]


def _post(client, answers: dict):
    response = client.post("/worksheet?" + urlencode(SHEET), data=answers)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def test_answers_are_checked_by_a_plain_form_post(client):
    (p, closed), (_, number) = _boxes("closed_form")[0], _boxes("number")[0]
    doc = _post(client, {f"a{closed.id}": closed.answer, f"a{number.id}": "1234"})
    right = doc.find(id=f"a{closed.id}-feedback")
    assert "ok" in right.classes and right.text().strip().startswith("✓Correct")
    wrong = doc.find(id=f"a{number.id}-feedback")
    assert "bad" in wrong.classes and "Not equal" in wrong.text()
    assert doc.find("input", id=f"a{number.id}").attrs["value"] == "1234"  # kept for the student
    button = doc.find("button", id=f"check-{closed.id}")
    assert button.attrs["formaction"] == f"/worksheet?{urlencode(SHEET)}#p{p.number}"
    form = doc.find("form", id="answers")
    assert (form.attrs["method"], form.attrs["action"]) == (
        "post",
        "/worksheet?" + urlencode(SHEET),
    )


def test_an_unreadable_answer_is_feedback_not_an_error_page(client):
    _, closed = _boxes("closed_form")[0]
    doc = _post(client, {f"a{closed.id}": "__import__('os')"})
    feedback = doc.find(id=f"a{closed.id}-feedback")
    assert "bad" in feedback.classes and "Cannot read this" in feedback.text()


def test_bad_parameters_keep_the_form_and_say_why(client):
    doc = _get(client, "/worksheet", 400, seed=1, problems=80, level=1)
    assert "problems must be a whole number from 1 to 50" in doc.find("div", cls="error").text()
    assert doc.find("input", id="problems").attrs["value"] == "80"


def test_the_printable_sheet_has_a_name_line_and_room_to_write(client):
    doc = _get(client, "/worksheet/print", **SHEET)
    assert doc.find("p", cls="name-date") is not None
    assert len(doc.find_all("article", cls="problem")) == SHEET["problems"]
    assert not doc.find_all("input") and not doc.find_all("button")
    assert len(doc.find_all("span", cls="write")) == sum(
        len(p.boxes) for p in make_worksheet(**SHEET).problems
    )
    assert "answer key" not in doc.find("h1").text()


def test_the_printable_key_shows_answers_and_steps(client):
    doc = _get(client, "/worksheet/print", **SHEET, answers=1)
    entries = doc.find_all("article", cls="key-entry")
    assert len(entries) == SHEET["problems"] and "answer key" in doc.find("h1").text()
    asked = [e for e in entries if e.find("ol", cls="key-chain")]
    assert asked and all(e.find("ol", cls="steps") for e in asked)  # the shared steps partial
    assert doc.find("p", cls="name-date") is None


def test_latex_downloads(client):
    response = client.get("/worksheet.tex?" + urlencode({**SHEET, "answers": 1}))
    assert response.status_code == 200 and response.mimetype == "application/x-tex"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="worksheet-2-1-1-key.tex"'
    )
    assert response.get_data(as_text=True).startswith("\\documentclass")
