"""Acceptance of the Chinese pages in chromium, on a laptop (1280×900) and a phone (390×844):
the three tutorials and a worksheet (the student's link, the teacher's with its key) in zh
have the structure of their English pages — the same steps, values, graph nodes, table
rows, problems and answer boxes — declare ``zh-Hans`` and never scroll sideways.

Screenshots go to tests/artifacts/browser/ (``zh_*``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.web import worksheet_links as links
from tests.web.browsing import Page, require_chromium
from tutor import create_app, examples

require_chromium()

from tests.web.test_language_browser import _structure  # noqa: E402  (it needs chromium too)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning"),
]
SHEET = {"seed": 5, "problems": 5, "level": 2}  # closed-form, value and fill-in graph problems
VIEWPORTS = pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])


@pytest.fixture(scope="module")
def app():
    """An app with the same SECRET_KEY as the served one, to sign the worksheet's links."""
    return create_app({"TESTING": True})


def _open(p: Page, address: str) -> None:
    p.page.goto(address)
    p.page.wait_for_load_state()


def _fits(p: Page) -> bool:
    """Whether the page is no wider than the window: nothing to scroll sideways."""
    return p.page.evaluate("document.documentElement.scrollWidth") <= p.page.viewport_size["width"]


def _tutorial(p: Page) -> dict:
    """A result's structure, and the rows of its graph's table."""
    return {**_structure(p), "rows": p.page.locator(".graph-table tbody tr").count()}


def _worksheet(p: Page) -> dict:
    """What must not change with a worksheet's language: its problems, what they show, their
    boxes and graphs, and the key's answers."""
    page = p.page
    fields = "article.problem .box input, article.problem .box textarea"
    return {
        "problems": page.locator("article.problem").count(),
        "shown": page.locator("article.problem p.formula code, pre.program").all_inner_texts(),
        "nodes": page.locator("article.problem svg.graph g.node").count(),
        "boxes": page.locator("article.problem .box").count(),
        "fields": page.locator(fields).evaluate_all("boxes => boxes.map(b => b.name)"),
        "keys": page.locator("article.key-entry").count(),
        "answers": page.locator("dl.key-answers dd").all_inner_texts(),
        "key_nodes": page.locator("article.key-entry svg.graph g.node").count(),
        "steps": page.locator("article.key-entry li.step").count(),
    }


def _compare(p: Page, english: str, chinese: str, shape, name: str) -> dict:
    """The structure of the English page and of the Chinese one, which must be the same;
    the Chinese page declares zh-Hans, fits the window, and is kept as a screenshot."""
    _open(p, english)
    before = shape(p)
    _open(p, chinese)
    assert p.page.locator("html").get_attribute("lang") == "zh-Hans"
    assert shape(p) == before
    assert _fits(p)
    p.shot(f"zh_{name}_{p.page.viewport_size['width']}")
    assert p.errors == []
    return before


@VIEWPORTS
@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_a_tutorial_in_chinese_has_the_english_structure(browser, base_url, name, phone):
    address = base_url + "/?" + urlencode({"program": examples.seed(name)})
    with Page(browser, phone=phone) as p:
        english = _compare(p, address, address + "&lang=zh", _tutorial, f"seed_{name}")
        assert english["nodes"] > 0 and english["rows"] > 0


@VIEWPORTS
@pytest.mark.parametrize("role", ["student", "teacher"])
def test_a_worksheet_in_chinese_has_the_english_structure(browser, base_url, app, role, phone):
    address = base_url + getattr(links, role)(app, **SHEET)
    with Page(browser, phone=phone) as p:
        english = _compare(p, address, address + "&lang=zh", _worksheet, f"worksheet_{role}")
        assert p.page.locator("h1").inner_text().startswith("反向传播练习卷")
    teacher = role == "teacher"
    assert english["problems"] == SHEET["problems"] and english["nodes"] > 0
    assert bool(english["fields"]) != teacher  # answer boxes for the student, a key for you
    assert english["keys"] == (SHEET["problems"] if teacher else 0)
    assert (english["steps"] > 0) == teacher


def test_a_chinese_student_checks_in_chinese_and_switches_to_english(browser, base_url, app):
    box = links.sheet(app, **SHEET).problems[0].boxes[0]
    with Page(browser, phone=True) as p:
        _open(p, base_url + links.student(app, **SHEET) + "&lang=zh")
        p.page.locator(f"#a{box.id}").fill("1234")
        p.page.locator(f"#check-{box.id}").click()
        p.page.wait_for_load_state()
        feedback = p.page.locator(f"#a{box.id}-feedback").inner_text()
        assert feedback.startswith("✗") and "答错次数：1" in feedback
        assert p.page.locator("html").get_attribute("lang") == "zh-Hans"
        p.shot("zh_worksheet_checked_390")
        p.page.locator("form.languages").get_by_role("button", name="English").click()
        p.page.wait_for_load_state()
        assert p.page.locator("html").get_attribute("lang") == "en"
        assert p.page.locator("h1").inner_text().startswith("Backpropagation worksheet")
        assert p.page.locator("article.problem").count() == SHEET["problems"]
        assert p.errors == []
