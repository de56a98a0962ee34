"""The API page in Chinese in a real browser: the same structure as in English, at a laptop's
and a phone's width, nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.web.browsing import Page, require_chromium

require_chromium()


def _structure(page) -> list[str]:
    """The page's headings and the reference's schemas, by id: what must not change."""
    return page.locator("section h2[id], section h3, details.schema").evaluate_all(
        "els => els.map(e => e.tagName + '#' + (e.id || ''))"
    )


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_chinese_api_page_keeps_the_english_structure_and_fits(browser, base_url, phone):
    with Page(browser, phone=phone) as p:
        p.page.goto(base_url + "/api")
        english = _structure(p.page)
        p.page.goto(base_url + "/api?lang=zh")
        assert _structure(p.page) == english
        p.page.locator("#schema-Gradient summary").click()
        assert p.page.locator("#schema-Gradient dl.fields").is_visible()
        width = p.page.evaluate("document.documentElement.scrollWidth")
        assert width <= p.page.viewport_size["width"]
        p.shot(f"api_docs_zh_{'phone' if phone else 'laptop'}")
        assert p.errors == []
