"""The worksheet pages: the generator, the teacher's page with the key, the student's page with
answer boxes checked without JavaScript, the printable sheet and key, and 403 for what is not
signed."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.web import worksheet_links as links
from tests.web.htmlq import parse

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

SHEET = {"seed": 2, "problems": 6, "level": 1}  # every kind of box


def _get(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def test_the_form_alone_before_anything_is_asked(client):
    doc = _get(client, "/worksheet")
    form = doc.find("form", id="generate")
    assert form.attrs["method"] == "get"
    for name in ("problems", "level", "reveal"):
        assert doc.find(id=name) is not None and doc.find("label", for_=name)
    assert doc.find(id="seed") is None  # the service picks it: nobody makes a key from a seed
    assert len(doc.find("select", id="level").find_all("option")) == 5
    reveals = [o.attrs["value"] for o in doc.find("select", id="reveal").find_all("option")]
    assert reveals[0] == "never" and "after-2" in reveals and "always" in reveals


def test_the_site_links_to_worksheets(client):
    nav = _get(client, "/").find("nav")
    assert "Worksheets" in [a.text() for a in nav.find_all("a")]


def test_generating_leads_to_the_teachers_link_of_a_new_sheet(client):
    first = client.get("/worksheet?problems=3&level=2&reveal=after-2")
    second = client.get("/worksheet?problems=3&level=2&reveal=after-2")
    assert first.status_code == second.status_code == 303
    assert first.location.startswith("/worksheet/teacher?seed=")
    assert "&problems=3&level=2&version=1&reveal=after-2&sig=" in first.location
    assert first.location != second.location  # a new random seed each time
    assert client.get(first.location).status_code == 200


def test_the_teachers_page_has_the_sheet_the_key_and_the_links(app, client):
    doc = _get(client, links.teacher(app, **SHEET))
    assert len(doc.find_all("article", cls="problem")) == SHEET["problems"]
    assert not doc.find_all("input", type="text")[1:]  # only the student link's box
    key = doc.find("section", id="key")
    entries = key.find_all("article", cls="key-entry")
    assert len(entries) == SHEET["problems"]
    assert all("agrees" in p.text() for p in key.find_all("p", cls="verdict"))
    student = doc.find("input", id="student-link").attrs["value"]
    assert student == "http://localhost" + links.student(app, **SHEET)
    newer = doc.find("a", id="new-version").attrs["href"]
    assert newer == links.teacher(app, **SHEET, version=2)
    downloads = {a.text(): a.attrs["href"] for a in doc.find("ul", cls="downloads").find_all("a")}
    signed = links.query(app, **SHEET)
    assert downloads["JSON with the key"] == "/api/v1/worksheet?" + signed
    assert downloads["LaTeX answer key"] == "/worksheet.tex?answers=1&" + signed
    assert downloads["Printable worksheet"] == "/worksheet/print?" + urlencode(
        links.parameters(**SHEET)
    )
    copies = doc.find_all("details", cls="latex-copy")
    assert len(copies) == 2 * SHEET["problems"]  # beside every problem and every key entry
    assert all(c.find("pre").text().strip() == c.attrs["data-latex"].strip() for c in copies)
    assert "\\subsection*{Problem 1}" in copies[0].attrs["data-latex"]


def test_a_new_version_keeps_the_level_and_size_and_changes_the_numbers(app):
    a, b = links.sheet(app, **SHEET), links.sheet(app, **SHEET, version=2)
    assert (a.level, len(a.problems)) == (b.level, len(b.problems))
    assert [p.draft.shown for p in a.problems] != [p.draft.shown for p in b.problems]


def test_the_students_page_has_answer_boxes_and_no_key(app, client):
    response = client.get(links.student(app, **SHEET))
    doc = parse(response.get_data(as_text=True))
    assert len(doc.find_all("article", cls="problem")) == SHEET["problems"]
    assert doc.find(id="key") is None and not doc.find_all("article", cls="key-entry")
    hrefs = [a.attrs.get("href", "") for a in doc.find_all("a")]
    assert not any("answers=1" in h or "teacher" in h or "sig=" in h for h in hrefs)
    form = doc.find("form", id="answers")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", links.student(app, **SHEET))


@pytest.mark.parametrize(
    "address",
    [
        "/worksheet/teacher?seed=2&problems=6&level=1",
        "/worksheet/student?seed=2&problems=6&level=1",
        "/worksheet/print?seed=2&problems=6&level=1&answers=1",
        "/worksheet.tex?seed=2&problems=6&level=1&answers=1",
    ],
    ids=["teacher", "student", "print-key", "tex-key"],
)
def test_unsigned_pages_are_a_clear_403(client, address):
    doc = _get(client, address, 403)
    assert doc.find("h1").text() == "403 · Forbidden"
    assert "not signed by this site" in doc.find("p", cls="message").text()


def test_a_changed_teacher_or_student_link_is_403(app, client):
    teacher, student = links.teacher(app, **SHEET), links.student(app, **SHEET)
    for changed in (
        teacher.replace("seed=2", "seed=3"),
        teacher.replace("sig=", "sig=x"),
        student.replace("reveal=never", "reveal=always"),
        student.replace("/student?", "/teacher?"),  # the student's signature is not a teacher's
    ):
        assert client.get(changed).status_code == 403, changed


def _boxes(app, kind: str):
    return [(p, b) for p in links.sheet(app, **SHEET).problems for b in p.boxes if b.kind == kind]


def _post(client, app, answers: dict, **params):
    response = client.post(links.student(app, **SHEET, **params), data=answers)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def test_answers_are_checked_by_a_plain_form_post(app, client):
    (p, closed), (_, number) = _boxes(app, "closed_form")[0], _boxes(app, "number")[0]
    doc = _post(client, app, {f"a{closed.id}": closed.answer, f"a{number.id}": "1234"})
    right = doc.find(id=f"a{closed.id}-feedback")
    assert "ok" in right.classes and right.text().strip().startswith("✓Correct")
    wrong = doc.find(id=f"a{number.id}-feedback")
    assert "bad" in wrong.classes and "Not quite" in wrong.text()
    assert "expected" not in wrong.text() and number.answer not in wrong.text()
    assert doc.find("input", id=f"a{number.id}").attrs["value"] == "1234"  # kept for the student
    token = doc.find("input", name=f"t{number.id}")
    assert token is not None and token.attrs["type"] == "hidden"
    button = doc.find("button", id=f"check-{closed.id}")
    assert button.attrs["formaction"] == f"{links.student(app, **SHEET)}#p{p.number}"


def test_the_try_counter_travels_with_the_form_and_reveals_when_allowed(app, client):
    _, number = _boxes(app, "number")[0]
    first = _post(client, app, {f"a{number.id}": "1234"}, reveal="after-2")
    token = first.find("input", name=f"t{number.id}").attrs["value"]
    assert first.find("p", cls="expected") is None
    again = _post(client, app, {f"a{number.id}": "1234", f"t{number.id}": token}, reveal="after-2")
    assert again.find("p", cls="expected") is None  # the same wrong answer is not a new try
    token = again.find("input", name=f"t{number.id}").attrs["value"]
    second = _post(client, app, {f"a{number.id}": "999", f"t{number.id}": token}, reveal="after-2")
    assert number.answer in second.find("p", cls="expected").text()
    forged = client.post(
        links.student(app, **SHEET, reveal="after-2"),
        data={f"a{number.id}": "1", f"t{number.id}": token + "x"},
    )
    assert forged.status_code == 403


def test_an_unreadable_answer_is_feedback_not_an_error_page(app, client):
    _, closed = _boxes(app, "closed_form")[0]
    doc = _post(client, app, {f"a{closed.id}": "__import__('os')"})
    feedback = doc.find(id=f"a{closed.id}-feedback")
    assert "bad" in feedback.classes and "Cannot read this" in feedback.text()


def test_bad_parameters_keep_the_form_and_say_why(client):
    doc = _get(client, "/worksheet?problems=80&level=1", 400)
    assert "problems must be a whole number from 1 to 50" in doc.find("div", cls="error").text()
    assert doc.find("input", id="problems").attrs["value"] == "80"


def test_the_printable_sheet_has_a_name_line_and_room_to_write(app, client):
    doc = _get(client, "/worksheet/print?" + urlencode(links.parameters(**SHEET)))
    assert doc.find("p", cls="name-date") is not None
    assert len(doc.find_all("article", cls="problem")) == SHEET["problems"]
    assert not doc.find_all("input") and not doc.find_all("button")
    assert not doc.find_all("details", cls="latex-copy")  # paper: nothing to copy
    assert len(doc.find_all("span", cls="write")) == sum(
        len(p.boxes) for p in links.sheet(app, **SHEET).problems
    )
    assert "answer key" not in doc.find("h1").text()


def test_the_printable_key_shows_answers_and_steps(app, client):
    doc = _get(client, "/worksheet/print?answers=1&" + links.query(app, **SHEET))
    entries = doc.find_all("article", cls="key-entry")
    assert len(entries) == SHEET["problems"] and "answer key" in doc.find("h1").text()
    asked = [e for e in entries if e.find("ol", cls="key-chain")]
    assert asked and all(e.find("ol", cls="steps") for e in asked)  # the shared steps partial
    assert doc.find("p", cls="name-date") is None


def test_latex_downloads(app, client):
    response = client.get("/worksheet.tex?answers=1&" + links.query(app, **SHEET))
    assert response.status_code == 200 and response.mimetype == "application/x-tex"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="worksheet-2-1-1-key.tex"'
    )
    assert response.get_data(as_text=True).startswith("\\documentclass")
    sheet = client.get("/worksheet.tex?" + urlencode(links.parameters(**SHEET)))
    assert sheet.status_code == 200 and "key" not in sheet.headers["Content-Disposition"]
