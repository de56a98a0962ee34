"""Worksheets in a real browser: generate a sheet, check a right and a wrong answer, print it.

Chromium, the app and the page helper are shared with the tutor's browser tests
(``tests/web/browsing.py`` and ``conftest.py``); screenshots go to tests/artifacts/browser/.
"""

from __future__ import annotations

import pytest

from tests.web.browsing import Page, require_chromium
from tutor.worksheet.sheet import make_worksheet

require_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning"),
]
SHEET = {"seed": 2, "problems": 6, "level": 1, "version": 1}  # closed-form, value and graph boxes
QUERY = "seed=2&problems=6&level=1&version=1"


def _first(kind: str):
    sheet = make_worksheet(**SHEET)
    return next((p, b) for p in sheet.problems for b in p.boxes if b.kind == kind)


def test_generate_a_sheet_and_check_a_right_and_a_wrong_answer(page, base_url):
    p = page.page
    p.goto(base_url + "/worksheet")
    p.get_by_label("Seed").fill(str(SHEET["seed"]))
    p.get_by_label("Problems").fill("6")
    p.get_by_label("Level").select_option("1")
    p.get_by_role("button", name="Generate").click()
    p.wait_for_load_state()
    assert p.locator("article.problem").count() == 6
    assert p.locator("article.problem svg.graph").count() == 6

    problem, closed = _first("closed_form")
    p.locator(f"#a{closed.id}").fill(closed.answer)
    p.locator(f"#check-{closed.id}").click()
    p.wait_for_load_state()
    right = p.locator(f"#a{closed.id}-feedback")
    assert right.is_visible() and right.inner_text().startswith("✓Correct")
    assert p.url.endswith(f"#p{problem.number}")

    _, number = _first("number")
    p.locator(f"#a{number.id}").fill("1234")
    p.locator(f"#check-{number.id}").click()
    p.wait_for_load_state()
    wrong = p.locator(f"#a{number.id}-feedback")
    assert wrong.is_visible() and wrong.inner_text().startswith("✗")
    assert p.locator(f"#a{closed.id}-feedback").inner_text().startswith("✓")  # still there
    assert p.locator(f"#a{closed.id}").input_value() == closed.answer
    page.shot(f"worksheet_checked_{'js' if page.js else 'nojs'}")
    assert page.errors == []


def test_print_views_render(browser, base_url):
    with Page(browser) as view:
        p = view.page
        p.goto(f"{base_url}/worksheet/print?{QUERY}")
        p.emulate_media(media="print")
        assert p.locator(".name-date").is_visible()
        assert p.locator("article.problem").count() == 6
        assert p.locator("article.problem svg.graph").first.is_visible()
        assert not p.locator("header.site nav").is_visible()
        assert p.locator("span.write").first.bounding_box()["width"] > 50
        view.shot("worksheet_print")
        p.goto(f"{base_url}/worksheet/print?{QUERY}&answers=1")
        p.emulate_media(media="print")
        assert p.locator("article.key-entry").count() == 6
        assert p.locator(".key-chain math").first.is_visible()  # MathML, laid out by chromium
        view.shot("worksheet_key_print")
        p.goto(f"{base_url}/worksheet?{QUERY}")
        p.emulate_media(media="print")  # the page itself prints as a clean sheet too
        assert not p.locator("#generate").is_visible()
        assert not p.locator("#key").is_visible()
        assert p.locator("article.problem").first.is_visible()
        assert view.errors == []


def test_phone_layout_of_a_sheet(browser, base_url):
    with Page(browser, phone=True) as view:
        view.page.goto(f"{base_url}/worksheet?seed=4&problems=3&level=4")
        width = view.page.evaluate("document.documentElement.scrollWidth")
        assert width <= view.page.viewport_size["width"]  # graphs and programs scroll inside
        view.shot("worksheet_phone")
        assert view.errors == []
