"""The three tutorial examples in zh in chromium, on a laptop and a phone: the same result as
in English (same steps, same values), reached with the page's language switch, and no
sideways scroll."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.web.browsing import Page, require_chromium
from tutor import examples

pytestmark = pytest.mark.browser

require_chromium()


def _structure(p: Page) -> dict:
    """What must not change with the language: the output, the values and the steps."""
    page = p.page
    return {
        # object addresses (<AddBackward0 object at 0x…>) differ from run to run
        "output": re.sub(r"0x[0-9a-f]+", "0x…", page.locator("#output").inner_text()),
        "leaves": page.locator("table.gradients tbody th").all_inner_texts(),
        "values": page.locator("table.gradients code.tensor").all_inner_texts(),
        "verdicts": page.locator("table.gradients td.verdict.ok").count(),
        "steps": page.locator("li.step").count(),
        "nodes": page.locator("svg.graph g.node").count(),
    }


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_a_tutorial_in_chinese_matches_english(browser, base_url, name, phone):
    with Page(browser, phone=phone) as p:
        p.page.goto(base_url + "/?" + urlencode({"program": examples.seed(name)}))
        english = _structure(p)
        p.page.get_by_role("link", name="中文").click()
        p.page.wait_for_load_state()
        assert p.page.locator("html").get_attribute("lang") == "zh-Hans"
        assert p.page.locator("#results-title").inner_text() == "结果"
        assert _structure(p) == english
        width = p.page.evaluate("document.documentElement.scrollWidth")
        assert width <= p.page.viewport_size["width"]
        p.shot(f"seed_{name}_zh_{'phone' if phone else 'laptop'}")
        assert p.errors == []


def test_the_script_speaks_the_pages_language(browser, base_url):
    with Page(browser) as p:
        p.page.goto(base_url + "/?" + urlencode({"lang": "zh", "program": examples.seed("c")}))
        stepper = p.page.locator(".stepper")
        assert stepper.locator(".step-next").inner_text() == "下一步 ▶"
        stepper.locator(".step-next").click()
        assert stepper.locator(".step-count").inner_text().startswith("第 1 步，共 ")
        assert p.page.locator("header .theme-toggle").inner_text() in ("☾ 深色", "☀ 浅色")
        assert p.errors == []
