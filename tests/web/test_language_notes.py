"""What a zh page and the API say besides the steps: notes, value warnings, leaves without a
gradient, verdict reasons and every error — in Chinese, the engine's PyTorch message word for
word with its meaning beside it, the error ``code`` the same in every language."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.web.english import words
from tests.web.htmlq import Element, parse
from tests.web.test_language import ZH, _english

# what the explanation writes as code inside a Chinese sentence (``x.grad is None``, nan)
CODE_WORDS = {"is", "None", "nan", "inf"}
PYTORCH = "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"
ENGINE = "import torch\nx = torch.tensor(1.0)\ny = x * 2\ny.backward()\n"
CUT = """import torch
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
d = (w * x).detach()
z = x * x + d * x
z.backward()
"""
UNUSED = """import torch
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
with torch.no_grad():
    n = w * 4
z = x * n
z.backward()
u = torch.tensor(1.0, requires_grad=True)
"""
MATRICES = """import torch
x = torch.ones(20, 20, requires_grad=True)
w = torch.ones(20, 20, requires_grad=True)
(x @ w).sum().backward()
"""
OVERFLOW = "import torch\nx = torch.tensor(100.0, requires_grad=True)\ntorch.exp(x).backward()\n"


def _get(client, headers: dict | None = None, **query) -> tuple[int, Element]:
    response = client.get("/?" + urlencode(query), headers=headers or {})
    return response.status_code, parse(response.get_data(as_text=True))


def _said(element: Element) -> list[str]:
    """English words in what the explanation says inside ``element`` (the element the page's
    own walk exempts), code and math left out as that walk leaves them out."""
    found = []
    for child in element.children:
        found += words(child) if isinstance(child, str) else _english(child)
    return [w for w in found if w not in CODE_WORDS]


@pytest.mark.parametrize(
    "query, kind",
    [
        ({"program": MATRICES}, "notes"),
        ({"expression": "log(x) * y", "values": "x=-1,y=2"}, "warnings"),
        ({"program": CUT}, "no-gradient"),
        ({"program": UNUSED}, "no-gradient"),
        ({"program": OVERFLOW}, "reason"),
    ],
)
def test_what_a_zh_result_says_besides_its_steps_is_chinese(client, query, kind):
    """Notes, warnings, leaves cut off by detach(), no_grad() or never used, and a reason."""
    status, doc = _get(client, lang="zh", **query)
    assert status == 200
    said = [e for e in doc.find_all(cls=kind) if e.text().strip()]
    assert said, f"no {kind} on the page"
    for element in said:
        assert _said(element) == [], element.text()


def _error_box(doc: Element) -> Element:
    return doc.find("div", cls="error")


def _box_words(box: Element, keep=lambda child: True) -> list[str]:
    """English words of an error box, outside the program's listing (the user's text) and
    the children ``keep`` leaves out."""
    shown = [
        c
        for c in box.children
        if keep(c) and not (isinstance(c, Element) and "listing" in c.classes)
    ]
    return _said(Element("div", {}, shown))


def test_a_zh_refusal_names_its_line_and_column_in_chinese(client):
    status, doc = _get(client, lang="zh", program="import torch\ny = foo + 1\n")
    assert status == 400
    box = _error_box(doc)
    assert box.find("strong").text() == "`foo` 未定义（第 2 行，第 5 列）；请先给它赋值再使用"
    assert box.find("code").text() == "undefined_name"
    assert [w for w in _box_words(box) if w != "foo"] == []


def test_a_zh_page_keeps_the_engines_message_and_says_what_it_means(client):
    status, doc = _get(client, lang="zh", program=ENGINE)
    assert status == 422
    box = _error_box(doc)
    assert box.find("strong").text() == PYTORCH  # word for word, as PyTorch prints it
    meaning = box.find("p", cls="explanation").text()
    assert meaning.startswith("这条信息的意思是：") and "没有梯度可算" in meaning
    assert _box_words(box, lambda c: not (isinstance(c, Element) and c.find("strong"))) == []


def test_an_english_page_shows_the_engines_message_alone(client):
    status, doc = _get(client, program=ENGINE)
    assert status == 422
    assert _error_box(doc).find("strong").text() == PYTORCH
    assert _error_box(doc).find("p", cls="explanation") is None


def test_the_zh_error_page_names_its_status_in_chinese(client):
    response = client.get("/no-such-page?lang=zh")
    doc = parse(response.get_data(as_text=True))
    assert response.status_code == 404
    assert doc.find("h1").text() == "404 · 未找到"
    assert _english(doc.find("main") or doc) == []


def _api(client, body=None, headers: dict | None = None, **kwargs) -> tuple[int, dict]:
    if body is not None:
        kwargs["json"] = body
    response = client.post("/api/v1/explain", headers=headers or {}, **kwargs)
    return response.status_code, response.get_json()["error"]


@pytest.mark.parametrize(
    "body, headers",
    [({"program": "import os\n", "lang": "zh"}, {}), ({"program": "import os\n"}, ZH)],
    ids=["body-lang", "accept-language"],
)
def test_an_api_refusal_is_in_the_requests_language_with_the_same_code(client, body, headers):
    status, error = _api(client, body, headers)
    _, english = _api(client, {"program": "import os\n"})
    assert status == 400 and error["code"] == english["code"] == "import_not_allowed"
    assert (error["line"], error["col"]) == (english["line"], english["col"]) == (1, 1)
    assert error["message"].startswith("计算图程序中不能使用 `import os`（第 1 行，第 1 列）；")
    assert english["message"].startswith("`import os` is not available in graph programs")


def test_the_api_keeps_the_engines_message_and_adds_its_meaning_in_chinese(
    client, assert_matches_openapi
):
    response = client.post("/api/v1/explain", json={"program": ENGINE, "lang": "zh"})
    assert_matches_openapi(response, "/api/v1/explain")
    status, error = response.status_code, response.get_json()["error"]
    assert status == 422 and error["message"] == PYTORCH and error["code"] == "runtime_error"
    assert "没有梯度可算" in error["explanation"]
    _, english = _api(client, {"program": ENGINE})
    assert english == {"code": "runtime_error", "message": PYTORCH, "line": 4, "col": 1}


def test_the_bodys_language_wins_over_accept_language_for_every_later_error(client):
    _, error = _api(client, {"program": 5, "lang": "en"}, ZH)
    assert error == {"code": "invalid_request", "message": '"program" must be a string'}
    _, error = _api(client, {"program": 5, "lang": "zh"})
    assert error == {"code": "invalid_request", "message": '"program" 必须是字符串'}
    _, error = _api(client, {"expression": "x", "values": {"x": "a"}, "lang": "zh"})
    assert error["code"] == "invalid_value" and "必须是一个数" in error["message"]


def test_a_bad_lang_is_refused_in_the_language_of_the_request(client):
    _, error = _api(client, {"program": "x = 1", "lang": "fr"}, ZH)
    assert error == {"code": "invalid_lang", "message": '"lang" 必须是 "en"或"zh"，而不是 \'fr\''}
    _, error = _api(client, {"program": "x = 1", "lang": "fr"})
    assert error["message"] == '"lang" must be "en" or "zh", not \'fr\''


def test_errors_before_the_body_is_read_follow_accept_language(client):
    _, error = _api(client, data="x", headers=ZH)
    assert error == {
        "code": "invalid_request",
        "message": "请以 JSON 发送请求体（Content-Type: application/json）",
    }
    _, error = _api(client, data="[1] x", content_type="application/json", headers=ZH)
    assert error == {
        "code": "invalid_json",
        "message": "请求体不是合法的 JSON：有多余的数据：第 1 行，第 5 列（字符偏移 4）",
    }
    for path, method, code in [
        ("/api/v1/nothing", "get", "not_found"),
        ("/api/v1/explain", "get", "method_not_allowed"),
    ]:
        response = getattr(client, method)(path, headers=ZH)
        error = response.get_json()["error"]
        assert error["code"] == code and _english(Element("p", {}, [error["message"]])) == []


def test_a_bodys_language_ends_with_its_request(client):
    _api(client, {"program": "import os\n", "lang": "zh"})
    _, error = _api(client, {"program": "import os\n"})
    assert error["message"].startswith("`import os` is not available")


def test_a_full_width_bracket_is_refused_with_what_it_means(client):
    status, doc = _get(client, lang="zh", program="import torch\nx = torch.tensor（1.0）\n")
    box = doc.find("div", cls="error")
    assert status == 400 and "invalid character '（' (U+FF08)" in box.text()
    assert "全角符号" in box.find("p", cls="explanation").text()
