"""The API's ``"lang"``: read from the body or ``Accept-Language``, checked, kept in the input,
and documented."""

from __future__ import annotations

import pytest

from tutor.web.inputs import from_json

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


@pytest.mark.parametrize(
    "body, headers, lang",
    [
        ({"expression": "x*y", "values": {"x": 1, "y": 2}}, {}, "en"),
        ({"expression": "x*y", "values": {"x": 1, "y": 2}, "lang": "zh"}, {}, "zh"),
        ({"program": "import torch\n", "lang": "en"}, ZH, "en"),
        ({"program": "import torch\n"}, ZH, "zh"),
    ],
)
def test_the_api_reads_and_keeps_the_language(app, body, headers, lang):
    with app.test_request_context("/api/v1/explain", method="POST", json=body, headers=headers):
        app.preprocess_request()
        assert from_json(app.json.dumps(body).encode()).lang == lang


@pytest.mark.parametrize("lang", ["fr", "zh-CN", 1, None, {}, ["zh"]])
def test_the_api_refuses_another_language(client, lang):
    body = {"expression": "x*y", "values": {"x": 1, "y": 2}, "lang": lang}
    response = client.post("/api/v1/explain", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_lang"


def test_the_openapi_document_describes_lang(openapi_document):
    schemas = openapi_document["components"]["schemas"]
    for request in ("ProgramRequest", "ExpressionRequest"):
        lang = schemas[request]["properties"]["lang"]
        assert lang["enum"] == ["en", "zh"] and "English" in lang["description"]
