"""Choosing the language: ``?lang=`` over ``Accept-Language``, kept in links, and a zh page
with no English left in its chrome."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.web import worksheet_links as links
from tests.web.english import words
from tests.web.htmlq import Element, parse
from tutor import examples

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
CODE = {"code", "pre", "samp", "kbd", "math", "svg", "script", "style", "textarea"}
SHOWN = ("title", "aria-label", "placeholder", "data-label")


def _page(client, address: str, **headers) -> Element:
    response = client.get(address, headers=headers)
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def _lang(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("lang", [None])[0]


def _english(element: Element) -> list[str]:
    """English words of the page: outside code, math and what is marked as another language
    (the switch's "English")."""
    other = element.attrs.get("lang", "zh").split("-")[0] != "zh"
    if element.tag in CODE or other:
        return []
    found = [w for name in SHOWN for w in words(element.attrs.get(name, ""))]
    for child in element.children:
        found += words(child) if isinstance(child, str) else _english(child)
    return found


def test_english_is_the_default_and_its_links_carry_no_language(client):
    doc = _page(client, "/")
    assert doc.find("html").attrs["lang"] == "en"
    assert doc.find("h1").text() == "Explain a computation graph"
    site = doc.find("header").find("nav")
    assert [_lang(a.attrs["href"]) for a in site.find_all("a")] == [None, None, None]


@pytest.mark.parametrize("headers", [{}, ZH], ids=["query", "accept-language"])
def test_lang_zh_or_accept_language_makes_the_page_chinese(client, headers):
    doc = _page(client, "/" if headers else "/?lang=zh", **headers)
    assert doc.find("html").attrs["lang"] == "zh-Hans"
    assert doc.find("h1").text() == "讲解一个计算图"
    switch = doc.find("div", cls="languages")
    names = {a.attrs["hreflang"]: (a.text(), _lang(a.attrs["href"])) for a in switch.find_all("a")}
    assert names == {"en": ("English", "en"), "zh-Hans": ("中文", "zh")}
    hrefs = [a.attrs["href"] for a in doc.find("header").find_all("a") + doc.find_all("a")]
    assert all(_lang(h) in ("zh", "en") for h in hrefs if not h.startswith("#"))


def test_lang_en_overrides_accept_language_and_is_kept_in_links(client):
    doc = _page(client, "/?lang=en", **ZH)
    assert doc.find("html").attrs["lang"] == "en"
    examples_nav = doc.find("nav", cls="examples")
    assert {_lang(a.attrs["href"]) for a in examples_nav.find_all("a")} == {"en"}


def test_an_unknown_lang_falls_back_to_accept_language(client):
    assert _page(client, "/?lang=fr", **ZH).find("html").attrs["lang"] == "zh-Hans"


@pytest.mark.parametrize("example", ["a", "b", "c"])
def test_a_zh_result_page_has_no_english(client, example):
    """Code, identifiers and math stay as written; every sentence, label and note is Chinese."""
    doc = _page(client, "/?" + urlencode({"lang": "zh", "program": examples.seed(example)}))
    assert doc.find("section", cls="results") is not None
    assert _english(doc) == []


def test_the_share_link_and_a_sent_form_keep_the_language(client):
    doc = _page(client, "/?lang=zh&expression=x*y&values=x=1,y=2")
    share = doc.find("p", cls="share").find("a").attrs["href"]
    assert _lang(share) == "zh"
    sent = client.post("/?lang=zh", data={"expression": "x*y", "values": "x=1,y=2"})
    assert _lang(sent.headers["Location"]) == "zh"


def test_english_and_chinese_results_are_cached_apart(client):
    address = "/?expression=x*y&values=x=1,y=2"
    assert "Result" in _page(client, address).find("h2", id="results-title").text()
    assert _page(client, address + "&lang=zh").find("h2", id="results-title").text() == "结果"
    assert _page(client, address, **ZH).find("h2", id="results-title").text() == "结果"


def test_the_worksheet_form_speaks_chinese(client):
    doc = _page(client, "/worksheet?lang=zh")
    assert doc.find("h1").text() == "反向传播练习卷"
    assert doc.find("form", id="generate").find("button").text() == "生成"


def test_a_signed_page_switches_language_by_form_and_never_links_its_signature(app, client):
    address = links.student(app, seed=3, problems=2, level=1)
    doc = _page(client, address + "&lang=zh")
    switch = doc.find("form", cls="languages")
    hidden = {i.attrs["name"]: i.attrs["value"] for i in switch.find_all("input")}
    assert hidden["sig"] == parse_qs(urlsplit(address).query)["sig"][0]
    assert [b.attrs["value"] for b in switch.find_all("button")] == ["en", "zh"]
    assert not any("sig=" in a.attrs.get("href", "") for a in doc.find_all("a"))
