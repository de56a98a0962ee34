"""Worksheets in a real browser: generate a sheet, hand it out, check answers on the student's
link without ever seeing an expected answer, read the key on the teacher's link, print it.

Chromium, the app and the page helper are shared with the tutor's browser tests
(``tests/web/browsing.py`` and ``conftest.py``); screenshots go to tests/artifacts/browser/.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.web import worksheet_links as links
from tests.web.browsing import Page, require_chromium
from tutor import create_app

require_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning"),
]
SHEET = {"seed": 2, "problems": 6, "level": 2}  # closed-form, value and graph boxes


@pytest.fixture(scope="module")
def app():
    """An app with the same SECRET_KEY as the served one (the tests' environment's)."""
    return create_app({"TESTING": True})


def _boxes(app, kind: str | None = None, **params):
    sheet = links.sheet(app, **{**SHEET, **params})
    return [(p, b) for p in sheet.problems for b in p.boxes if kind in (None, b.kind)]


def _formulas(app) -> list[str]:
    """The key's answers that cannot turn up by chance (a number like 2 is on every graph)."""
    return [b.answer for _, b in _boxes(app) if re.search(r"[A-Za-z]", b.answer)]


def test_generate_hand_out_and_check_a_right_and_a_wrong_answer(page, base_url, app):
    p = page.page
    p.goto(base_url + "/worksheet")
    p.get_by_label("Problems").fill("3")
    p.get_by_label("Level").select_option("2")
    p.get_by_label("Answers for students").select_option("after-2")
    p.get_by_role("button", name="Generate").click()
    p.wait_for_load_state()
    assert "/worksheet/teacher?" in p.url and "reveal=after-2" in p.url
    assert p.locator("article.problem").count() == 3
    assert p.locator("#key article.key-entry").count() == 3
    student = p.locator("#student-link").input_value()
    assert "/worksheet/student?" in student
    p.goto(student)
    assert p.locator("article.problem").count() == 3 and p.locator("#key").count() == 0
    assert page.errors == []

    p.goto(base_url + links.student(app, **SHEET))
    problem, closed = _boxes(app, "closed_form")[0]
    p.locator(f"#a{closed.id}").fill(closed.answer)
    p.locator(f"#check-{closed.id}").click()
    p.wait_for_load_state()
    right = p.locator(f"#a{closed.id}-feedback")
    assert right.is_visible() and right.inner_text().startswith("✓Correct")
    assert p.url.endswith(f"#p{problem.number}")

    _, number = _boxes(app, "number")[0]
    p.locator(f"#a{number.id}").fill("1234")
    p.locator(f"#check-{number.id}").click()
    p.wait_for_load_state()
    wrong = p.locator(f"#a{number.id}-feedback")
    assert wrong.is_visible() and wrong.inner_text().startswith("✗")
    assert p.locator(f"#a{closed.id}-feedback").inner_text().startswith("✓")  # still there
    assert p.locator(f"#a{closed.id}").input_value() == closed.answer
    page.shot(f"worksheet_checked_{'js' if page.js else 'nojs'}")
    assert page.errors == []


def test_the_student_link_never_reveals_an_expected_answer(browser, base_url, app):
    formulas = _formulas(app)
    assert formulas  # the sheet asks for closed forms: the check below can fail
    seen: list[str] = []
    with Page(browser) as view:
        p = view.page
        p.on("response", lambda r: r.request.method == "POST" and seen.append(r.text()))
        p.goto(base_url + links.student(app, **SHEET))
        html = p.content()
        assert p.locator(".key-entry, #key, p.expected").count() == 0
        hrefs = p.eval_on_selector_all(
            "a[href], form[action]", "es => es.map(e => e.href || e.action)"
        )
        assert not [h for h in hrefs if "teacher" in h or "answers=1" in h]
        assert not [f for f in formulas if f in html]

        boxes = _boxes(app)
        for attempt in ("0", "", "1", "x + ", "0"):  # wrong, empty, again, unreadable
            for _, b in boxes:
                p.locator(f"#a{b.id}").fill(attempt)
            p.locator(f"#check-{boxes[0][1].id}").click()
            p.wait_for_load_state()
            assert p.locator("p.expected").count() == 0
            assert not [f for f in formulas if f in p.content()]
        hints = p.locator("ol.hints li")
        assert hints.count() > 0  # what the student gets instead
        view.shot("worksheet_student_hints")
        assert view.errors == []

        worksheet = dict(parse_qsl(urlsplit(links.student(app, **SHEET)).query))
        api = []
        for body in (
            {"worksheet": worksheet, "box": boxes[0][1].id, "answer": "0"},
            {"worksheet": worksheet, "box": boxes[0][1].id, "answer": ""},
            {"worksheet": {**worksheet, "reveal": "always"}, "box": boxes[0][1].id, "answer": "0"},
            {"worksheet": {**worksheet, "sig": "x" + worksheet["sig"]}, "box": "1", "answer": "0"},
        ):
            response = p.request.post(
                base_url + "/api/v1/check",
                data=json.dumps(body),
                headers={"Content-Type": "application/json"},
            )
            api.append((response.status, response.json()))
        assert [s for s, _ in api] == [200, 400, 403, 403]
        for _, body in api:
            assert "expected" not in body
        seen += [json.dumps(b, ensure_ascii=False) for _, b in api]
    assert seen and not [f for f in formulas for text in seen if f in text]


def test_the_teacher_link_shows_the_key_and_changed_links_are_403(browser, base_url, app):
    with Page(browser) as view:
        p = view.page
        p.goto(base_url + links.teacher(app, **SHEET))
        assert p.locator("#key article.key-entry").count() == SHEET["problems"]
        key = p.locator("#key").inner_text()
        assert all(f in key for f in _formulas(app))
        view.shot("worksheet_teacher")
        for changed in (
            links.teacher(app, **SHEET).replace("sig=", "sig=A"),
            links.teacher(app, **SHEET).replace("level=2", "level=3"),
            links.student(app, **SHEET).replace("reveal=never", "reveal=always"),
            "/worksheet/teacher?" + urlencode(links.parameters(**SHEET)),
        ):
            response = p.goto(base_url + changed)
            assert response.status == 403, changed
            assert "not signed by this site" in p.locator("p.message").inner_text()
        assert [e for e in view.errors if "status of 403" not in e] == []  # the refusals


def test_copy_as_latex_copies_or_shows_the_text(browser, base_url, app):
    with Page(browser) as view:
        view.context.grant_permissions(["clipboard-read", "clipboard-write"])
        p = view.page
        p.goto(base_url + links.teacher(app, **SHEET))
        buttons = p.locator(".problem-head > button.copy-latex")
        assert buttons.count() == 2 * SHEET["problems"]
        buttons.first.click()
        expected = p.locator("details.latex-copy").first.get_attribute("data-latex")
        assert p.evaluate("navigator.clipboard.readText()") == expected
        assert buttons.first.inner_text() == "Copied"
        p.evaluate(
            "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('no')); }"
        )
        buttons.nth(1).click()  # refused: the text opens below, selected
        assert p.locator("details.latex-copy").nth(1).get_attribute("open") is not None
        assert (
            p.evaluate("window.getSelection().toString()").strip()
            == p.locator("details.latex-copy").nth(1).get_attribute("data-latex").strip()
        )
        assert view.errors == []


def test_print_views_render(browser, base_url, app):
    sheet = urlencode(links.parameters(**SHEET))
    with Page(browser) as view:
        p = view.page
        p.goto(f"{base_url}/worksheet/print?{sheet}")
        p.emulate_media(media="print")
        assert p.locator(".name-date").is_visible()
        assert p.locator("article.problem").count() == SHEET["problems"]
        assert p.locator("article.problem svg.graph").first.is_visible()
        assert not p.locator("header.site nav").is_visible()
        assert p.locator("span.write").first.bounding_box()["width"] > 50
        view.shot("worksheet_print")
        p.goto(f"{base_url}/worksheet/print?answers=1&{links.query(app, **SHEET)}")
        p.emulate_media(media="print")
        assert p.locator("article.key-entry").count() == SHEET["problems"]
        assert p.locator(".key-chain math").first.is_visible()  # MathML, laid out by chromium
        view.shot("worksheet_key_print")
        p.goto(base_url + links.student(app, **SHEET))
        p.emulate_media(media="print")  # the student's page prints as a clean sheet too
        assert not p.locator("button.copy-latex").first.is_visible()
        assert p.locator("article.problem").first.is_visible()
        assert view.errors == []


@pytest.mark.parametrize("role", ["student", "teacher"])
def test_phone_layout_of_a_sheet(browser, base_url, app, role):
    with Page(browser, phone=True) as view:
        view.page.goto(base_url + getattr(links, role)(app, seed=4, problems=3, level=4))
        width = view.page.evaluate("document.documentElement.scrollWidth")
        assert width <= view.page.viewport_size["width"]  # graphs and programs scroll inside
        view.shot(f"worksheet_{role}_phone")
        assert view.errors == []
