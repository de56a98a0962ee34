"""The API's documentation page lists the OpenAPI document's endpoints, schemas and fields, in
the reader's language; the document itself stays English."""

from __future__ import annotations

import pytest

from tests.web.test_language import ZH, _english, _page
from tutor import i18n
from tutor.web.openapi import document
from tutor.web.openapi.reference import reference


def _descriptions(value) -> set[str]:
    """Every description and summary in a part of the OpenAPI document."""
    if isinstance(value, dict):
        found = {v for k, v in value.items() if k in ("description", "summary")}
        return found.union(*map(_descriptions, value.values()))
    if isinstance(value, list):
        return set().union(*map(_descriptions, value))
    return set()


def _said(shown) -> list:
    return [
        shown["description"],
        *(s for e in shown["endpoints"] for s in (e.summary, e.description)),
        *(f.description for e in shown["endpoints"] for f in e.parameters),
        *(d for e in shown["endpoints"] for _, d in e.responses),
        *(s for x in shown["schemas"] for s in (x.description, *(f.description for f in x.fields))),
    ]


def _field(doc, schema: str, name: str) -> str:
    """What the page says of field ``name`` of ``schema``."""
    fields = doc.find("details", id=f"schema-{schema}").find("dl", cls="fields")
    said = fields.children[fields.children.index(fields.find("dt", **{"data-field": name})) :]
    return next(c for c in said if getattr(c, "tag", None) == "dd").text()


def test_the_english_page_lists_every_schema_and_field(client, openapi_document):
    doc = _page(client, "/api")
    schemas = {d.attrs["id"] for d in doc.find_all("details", cls="schema")}
    assert schemas == {f"schema-{n}" for n in openapi_document["components"]["schemas"]}
    assert _field(doc, "Gradient", "numeric") == "The engine's .grad."
    assert not any("lang" in e.attrs for e in doc.find("section").find_all("span"))
    endpoint = doc.find("dl", cls="endpoints").find("dt")
    assert endpoint.text() == "POST /api/v1/explain"


@pytest.mark.parametrize("address, headers", [("/api?lang=zh", {}), ("/api", ZH)])
def test_the_chinese_page_has_no_english_outside_code(client, address, headers):
    doc = _page(client, address, **headers)
    assert doc.find("h2", id="reference").text() == "参考"
    assert doc.find("p", cls="lead").text().startswith("讲解小型计算图")
    assert _field(doc, "Gradient", "numeric") == "引擎的 .grad。"
    assert _english(doc) == []


def test_every_description_of_the_document_is_translated():
    """None is left English (the page would show it marked lang="en"): every description and
    summary is marked for translation where it is written, and the catalog translates it."""
    with i18n.using("zh"):
        shown = [s for s in _said(reference()) if s is not None]
    assert shown and [s.text for s in shown if s.lang is not None] == []
    assert {s.text for s in shown}.isdisjoint(_descriptions(document()))


def test_the_openapi_document_stays_english_whatever_the_language(client):
    english = client.get("/api/v1/openapi.json").get_data()
    assert client.get("/api/v1/openapi.json?lang=zh", headers=ZH).get_data() == english
    with i18n.using("zh"):
        assert (
            document()["components"]["schemas"]["Gradient"]["properties"]["numeric"]["description"]
            == "The engine's .grad."
        )


def test_the_document_describes_a_chinese_engine_error(client, assert_matches_openapi):
    program = "import torch\nx = torch.ones(2)\nx.backward()\n"
    response = client.post("/api/v1/explain", json={"program": program, "lang": "zh"})
    error = assert_matches_openapi(response, "/api/v1/explain")["error"]
    assert error["message"].startswith("RuntimeError: ") and "梯度" in error["explanation"]
