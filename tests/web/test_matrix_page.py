"""A layer's gradients in matrix form, as a student sees them in chromium."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.tutor.teaching import CASES
from tests.web.browsing import Page, require_chromium

pytestmark = pytest.mark.browser

require_chromium()


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_mlp_gradients_table_fits_without_scrolling_sideways(browser, base_url, phone):
    with Page(browser, phone=phone) as p:
        p.page.goto(f"{base_url}/?{urlencode({'program': CASES['mlp_mse']})}")
        table = p.page.locator("table.gradients")
        table.scroll_into_view_if_needed()
        holder = "document.querySelector('table.gradients').parentElement"
        client, scroll = p.page.evaluate(f"() => [{holder}.clientWidth, {holder}.scrollWidth]")
        if not phone:  # on a phone each leaf is a card; a long form scrolls inside its cell
            assert scroll <= client, f"the table scrolls sideways: {scroll} > {client} px"
        assert (
            p.page.evaluate("document.documentElement.scrollWidth") <= p.page.viewport_size["width"]
        )
        forms = table.locator("td[data-label='Closed form'] > .formula > math")
        assert forms.count() == 4  # W1, b1, W2, b2 in matrix notation
        assert "⊙" in forms.first.text_content() or "\u2299" in forms.first.text_content()
        where = p.page.locator("p.where")
        assert "h" in where.locator("code").all_text_contents()
        p.shot(f"mlp-gradients-{'phone' if phone else 'laptop'}")
        assert p.errors == []
