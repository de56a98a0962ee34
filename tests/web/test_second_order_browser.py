"""Order 2 in a real browser: pick second derivatives in the formula form, see the Hessian
matrix, every entry's verdict and steps, with JavaScript on and off, on a laptop and a phone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.browsing import Page, require_chromium

pytestmark = pytest.mark.browser

require_chromium()


def _ask_for_the_hessian(p: Page, base_url: str) -> None:
    page = p.page
    page.goto(base_url + "/")
    page.get_by_label("Formula").fill("x**3*y + sin(x*y)")
    page.get_by_label("Values").fill("x=1.5, y=-0.5")
    page.get_by_label("Leaves that need gradients").fill("")
    page.get_by_label("Derivatives", exact=True).select_option("2")
    page.locator("#expression-form").get_by_role("button", name="Explain").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_hessian_is_shown_beside_the_engine(page, browser, base_url, phone):
    with Page(browser, javascript=page.js, phone=phone) as p:
        _ask_for_the_hessian(p, base_url)
        matrix = p.page.locator("table.hessian-matrix")
        assert matrix.is_visible()
        assert matrix.locator("td.diagonal").count() == 2
        assert matrix.locator("td math").count() == 4 and matrix.locator(".mark.ok").count() == 4
        verdicts = p.page.locator("table.hessian-entries td.verdict.ok")
        assert verdicts.count() == 3
        assert all(verdicts.nth(k).inner_text().startswith("✓") for k in range(3))
        assert p.page.locator("table.gradients:not(.hessian-entries) td.verdict.ok").count() == 2
        steps = p.page.locator("details.hessian-steps").first
        differentiation = steps.locator("li.step-differentiation")
        assert "differentiate with respect to" in differentiation.inner_text()
        assert differentiation.locator("math").count() == 3  # ∂L/∂x = …, x, ∂²L/∂x² = …
        share = p.page.get_by_role("link", name="Shareable link to this result")
        assert parse_qs(urlsplit(share.get_attribute("href")).query)["order"] == ["2"]
        assert p.page.get_by_label("Derivatives", exact=True).input_value() == "2"
        width = p.page.evaluate("document.documentElement.scrollWidth")
        assert width <= p.page.viewport_size["width"]  # the matrix scrolls inside itself
        p.shot(f"hessian_{'phone' if phone else 'laptop'}_{'js' if page.js else 'nojs'}")
        assert p.errors == []
