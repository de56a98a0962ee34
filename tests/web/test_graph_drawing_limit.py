"""A graph too large to lay out in time costs its drawing, never the page."""

from __future__ import annotations

from tutor.errors import LimitError
from tutor.render import dot


def test_a_layout_past_its_time_leaves_the_table_and_the_result(client, monkeypatch):
    def too_slow(source: str) -> dict:
        raise LimitError("too_expensive", "laying out the graph took more than 5 seconds")

    monkeypatch.setattr(dot, "layout", too_slow)
    response = client.get("/", query_string={"expression": "x*y + x", "values": "x=2,y=3"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "laying out the graph took more than 5 seconds: the table below lists" in html
    assert "<svg" not in html.split('id="result"', 1)[-1].split("table")[0]
    assert 'class="gradients"' in html  # the gradients and the steps stay
