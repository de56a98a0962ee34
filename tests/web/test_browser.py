"""Real-browser tests: playwright drives Debian's chromium against the running app.

Each test opens the tutor, explains something by clicking as a student would, and checks
what the page shows: the printed output, the SVG graph, closed forms rendered as MathML,
the verdict marks, the located error — with JavaScript on and off, on a laptop and a phone
— and that the browser logged no error. Screenshots go to tests/artifacts/browser/.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.conftest import seed_output
from tests.tutor.test_steps import PASSES
from tests.web.browsing import Page, require_chromium

pytestmark = pytest.mark.browser

SEED_LINKS = {
    "a": "Tutorial a: tensors and grad_fn",
    "b": "Tutorial b: why 4.5?",
    "c": "Tutorial c: L = Y − x1·w1·w2",
}
BAD_PROGRAM = "import torch\nx = torch.ones(2, requires_grad=True)\ny = open('secrets.txt')\n"

require_chromium()


def _check_result(p: Page, leaves: list[str], printed: bool = True) -> None:
    page = p.page
    if printed:
        assert page.locator("#output").is_visible()
    else:  # a formula prints nothing: no console is shown
        assert page.locator("#output").count() == 0
    graph = page.locator("svg.graph")
    assert graph.is_visible() and graph.bounding_box()["height"] > 50
    assert graph.locator("g.node").count() >= len(leaves)
    marks = page.locator("table.gradients td.verdict.ok")
    assert marks.count() == len(leaves)
    for i in range(len(leaves)):
        assert marks.nth(i).inner_text().startswith("✓")
    if leaves:
        math = page.locator("table.gradients math").first
        assert math.is_visible()
        # MathML Core is laid out by the browser itself: display is "math", not inline text
        display = math.evaluate("m => getComputedStyle(m).display")
        assert "math" in display and math.bounding_box()["height"] > 10
        assert page.locator("details.leaf-steps").count() == len(leaves)


@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_seed_example_one_click_away(page, base_url, name):
    page.page.goto(base_url + "/")
    page.page.get_by_role("link", name=SEED_LINKS[name]).click()
    page.page.wait_for_load_state()
    assert (
        page.page.locator("#output").inner_text().splitlines()[:2]
        == (seed_output(name).splitlines()[:2])
    )
    _check_result(page, {"a": [], "b": ["x"], "c": ["x1", "w1", "w2"]}[name])
    page.shot(f"seed_{name}_{'js' if page.js else 'nojs'}")
    assert page.errors == []


def test_formula_example(page, base_url):
    page.page.goto(base_url + "/")
    page.page.get_by_role("link", name="Y − x1·w1·w2", exact=True).click()
    page.page.wait_for_load_state()
    _check_result(page, ["x1", "w1", "w2"], printed=False)
    page.shot(f"formula_{'js' if page.js else 'nojs'}")
    assert page.errors == []


def test_typed_formula_with_the_explain_button(page, base_url):
    page.page.goto(base_url + "/")
    page.page.get_by_label("Formula").fill("tanh(w*x + b)")
    page.page.get_by_label("Values").fill("w=0.5, x=2, b=-0.25")
    page.page.get_by_label("Leaves that need gradients").fill("")
    page.page.locator("#expression-form").get_by_role("button", name="Explain").click()
    page.page.wait_for_load_state()
    _check_result(page, ["w", "x", "b"], printed=False)
    assert page.errors == []


def test_bad_program_shows_the_located_error(page, base_url):
    page.page.goto(base_url + "/")
    page.page.get_by_label("Graph program").fill(BAD_PROGRAM)
    page.page.locator("#program-form").get_by_role("button", name="Explain").click()
    page.page.wait_for_load_state()
    error = page.page.get_by_role("alert")
    assert error.is_visible() and "open" in error.inner_text()
    marked = error.locator("li.bad")
    assert marked.is_visible() and marked.inner_text().startswith("y = open('secrets.txt')")
    assert page.page.get_by_label("Graph program").input_value() == BAD_PROGRAM
    page.shot(f"bad_program_{'js' if page.js else 'nojs'}")
    # the page itself answers 400, which chromium logs; nothing else may be logged
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_phone_layout_does_not_scroll_sideways(browser, base_url):
    with Page(browser, phone=True) as p:
        p.page.goto(base_url + "/")
        p.page.get_by_role("link", name=SEED_LINKS["c"]).click()
        p.page.wait_for_load_state()
        _check_result(p, ["x1", "w1", "w2"])
        width = p.page.evaluate("document.documentElement.scrollWidth")
        assert width <= p.page.viewport_size["width"]  # wide parts scroll inside themselves
        p.shot("seed_c_phone")
        assert p.errors == []


def test_an_error_listing_with_long_lines_scrolls_inside_itself_on_a_phone(browser, base_url):
    program = (
        "import torch\n"
        "x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], requires_grad=True)\n"
        "L = q.sum()\n"
    )
    with Page(browser, phone=True) as p:
        p.page.goto(base_url + "/?" + urlencode({"program": program}))
        listing = p.page.get_by_role("alert").locator(".listing")
        assert listing.is_visible()
        assert p.page.evaluate("document.documentElement.scrollWidth") <= 390
        inside = listing.evaluate("e => [e.clientWidth, e.scrollWidth]")
        assert inside[1] > inside[0]  # the long line scrolls in the listing's own box
        p.shot("error_listing_phone")
        assert [e for e in p.errors if "status of 400" not in e] == []


def test_print_view_shows_the_input_and_hides_the_editor(browser, base_url):
    with Page(browser) as p:
        p.page.goto(base_url + "/")
        p.page.get_by_role("link", name=SEED_LINKS["b"]).click()
        p.page.wait_for_load_state()
        p.page.emulate_media(media="print")
        assert not p.page.locator("#program-form").is_visible()
        assert p.page.locator(".printed-source").is_visible()
        assert p.page.locator("svg.graph").is_visible()
        p.shot("seed_b_print")
        assert p.errors == []


def test_api_docs_page(browser, base_url):
    with Page(browser) as p:
        p.page.goto(base_url + "/api")
        assert "curl" in p.page.locator("pre.example").first.inner_text()
        p.shot("api_docs")
        assert p.errors == []


def test_ctrl_enter_explains_when_javascript_is_on(browser, base_url):
    with Page(browser) as p:
        p.page.goto(base_url + "/")
        editor = p.page.get_by_label("Graph program")
        editor.fill(
            "import torch\nx = torch.ones(2, requires_grad=True)\n(x * x).sum().backward()\n"
        )
        with p.page.expect_navigation():
            editor.press("Control+Enter")
        _check_result(p, ["x"], printed=False)
        assert p.errors == []


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_a_folded_run_of_steps_is_readable_and_opens(browser, base_url, phone):
    with Page(browser, javascript=False, phone=phone) as p:
        p.page.goto(base_url + "/?" + urlencode({"program": PASSES}))
        folded = p.page.locator("details.folded")
        summary = folded.locator("summary")
        assert summary.is_visible() and "3 more steps" in summary.inner_text()
        inner = folded.locator("ol.steps").first
        assert not inner.is_visible()
        summary.click()  # a <details>: no script needed
        assert inner.is_visible() and "by the sum rule" in inner.inner_text()
        assert p.page.evaluate("document.documentElement.scrollWidth") <= (390 if phone else 1280)
        p.shot(f"folded_steps_{'phone' if phone else 'laptop'}")
        assert p.errors == []
