"""Worksheets in Chinese on the site: ``lang`` chooses the sheet's language in its links, its
JSON, its LaTeX and its checks; the signatures do not cover it, so a signed page switches
language and a student's tries carry over."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.tutor.test_worksheet_language import _recording
from tests.web import worksheet_links as links
from tests.web.htmlq import parse
from tests.web.test_language import ZH, _english
from tutor.web import worksheets

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

WORKSHEET, CHECK = "/api/v1/worksheet", "/api/v1/check"
SHEET = {"seed": 2, "problems": 4, "level": 2}


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _page(client, address: str, **headers):
    response = client.get(address, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def test_the_json_in_chinese_is_its_own_stable_bytes(app, client, assert_matches_openapi):
    address = WORKSHEET + "?" + links.query(app, **SHEET, lang="zh")
    first = client.get(address)
    body = assert_matches_openapi(first, WORKSHEET, "get")
    assert body["parameters"] == links.parameters(**SHEET, lang="zh")
    assert body["title"].startswith("反向传播练习卷")
    assert first.data == client.get(address).data
    assert first.data == links.sheet(app, **SHEET, lang="zh").json_text.encode()
    english = json.loads(client.get(WORKSHEET + "?" + links.query(app, **SHEET)).data)
    assert [p["shown"] for p in body["problems"]] == [p["shown"] for p in english["problems"]]


def test_without_lang_the_json_speaks_the_accept_language(app, client):
    response = client.get(WORKSHEET + "?" + urlencode(links.parameters(**SHEET)), headers=ZH)
    assert json.loads(response.data)["parameters"]["lang"] == "zh"
    assert response.data == links.sheet(app, **SHEET, lang="zh").student_json_text.encode()


def test_another_language_is_400(client, assert_matches_openapi):
    response = client.get(WORKSHEET + "?" + urlencode({**links.parameters(**SHEET), "lang": "fr"}))
    assert (
        assert_matches_openapi(response, WORKSHEET, "get")["error"]["code"] == "invalid_parameter"
    )


def test_the_teachers_links_carry_the_language_under_the_same_signatures(app, client):
    doc = _page(client, links.teacher(app, **SHEET) + "&lang=zh")
    student = _query(doc.find("input", id="student-link").attrs["value"])
    assert student["lang"] == "zh"
    assert student["sig"] == _query(links.student(app, **SHEET))["sig"]
    downloads = [a.attrs["href"] for a in doc.find("ul", cls="downloads").find_all("a")]
    assert all(_query(href)["lang"] == "zh" for href in downloads)
    tex = client.get(next(h for h in downloads if h.startswith("/worksheet.tex?answers=1")))
    assert tex.status_code == 200 and "\\usepackage{ctex}" in tex.get_data(as_text=True)
    assert tex.headers["Content-Disposition"].endswith('-key-zh.tex"')


def test_an_english_page_chosen_over_a_chinese_browser_links_english_downloads(app, client):
    doc = _page(client, links.teacher(app, **SHEET) + "&lang=en", **ZH)
    downloads = [a.attrs["href"] for a in doc.find("ul", cls="downloads").find_all("a")]
    assert all(_query(href)["lang"] == "en" for href in downloads)
    json_key = client.get(downloads[-1], headers=ZH)
    assert "lang" not in json.loads(json_key.data)["parameters"]


def test_the_switch_of_a_signed_chinese_page_opens_it_in_english(app, client):
    doc = _page(client, links.student(app, **SHEET) + "&lang=zh")
    switch = doc.find("form", cls="languages")
    fields = {i.attrs["name"]: i.attrs["value"] for i in switch.find_all("input")}
    english = _page(client, switch.attrs["action"] + "?" + urlencode({**fields, "lang": "en"}))
    assert english.find("html").attrs["lang"] == "en"
    assert english.find("h1").text().startswith("Backpropagation worksheet")


def _handout_check(client, app, box: str, answer: str, tries: str = "", **params) -> dict:
    link = {k: str(v) for k, v in _query(links.student(app, **SHEET, **params)).items()}
    body = {"worksheet": link, "box": box, "answer": answer, "tries": tries}
    response = client.post(CHECK, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_tries_carry_over_from_one_language_to_the_other(app, client):
    box = links.sheet(app, **SHEET).problems[0].boxes[0]
    first = _handout_check(client, app, box.id, "1234", lang="zh")
    second = _handout_check(client, app, box.id, "4321", first["token"])
    assert (first["tries"], second["tries"]) == (1, 2)


def test_a_chinese_handout_check_is_checked_in_chinese(app, client, monkeypatch):
    spoken: list[str] = []
    monkeypatch.setattr(worksheets, "check_answer", _recording(worksheets.check_answer, spoken))
    box = links.sheet(app, **SHEET).problems[0].boxes[0]
    _handout_check(client, app, box.id, "1234", lang="zh")
    _handout_check(client, app, box.id, "1234")
    assert spoken == ["zh", "en"]


def _address(app, page: str, **sheet) -> str:
    if page in ("student", "teacher"):
        return getattr(links, page)(app, **sheet)
    key = "answers=1&" if page == "printable key" else ""
    return f"/worksheet/print?{key}" + links.query(app, **sheet)


@pytest.mark.parametrize("page", ["student", "teacher", "printable", "printable key"])
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_a_chinese_worksheet_page_has_no_english_outside_code_and_math(app, client, page, level):
    doc = _page(client, _address(app, page, **{**SHEET, "level": level, "lang": "zh"}))
    assert doc.find("html").attrs["lang"] == "zh-Hans"
    assert _english(doc) == []


def test_a_checks_refusals_speak_the_body_or_the_sheets_language(app, client):
    link = _query(links.student(app, **SHEET, lang="zh"))
    refusals = [
        {"worksheet": link, "box": "1", "answer": "  "},
        {"expression": "x*y", "values": {"x": 1, "y": 2}, "answer": "y", "lang": "zh"},
        {"expression": "x*y", "values": {"x": 1, "y": 2}, "wrt": "x", "answer": "y", "kind": 0},
    ]
    said = []
    for body in refusals:
        response = client.post(CHECK, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400
        said.append(response.get_json()["error"]["message"])
    assert said[0] == "答案为空：请先输入答案再检查"
    assert said[1] == '"wrt"（叶子节点的名称）和 "answer" 必须是字符串'
    assert said[2].startswith('"kind" is one of closed_form')  # no lang: the request's English


def test_a_page_with_an_unknown_lang_falls_back_as_every_page_does(app, client):
    doc = _page(client, links.student(app, **SHEET) + "&lang=fr", **ZH)
    assert doc.find("h1").text().startswith("反向传播练习卷")


def test_a_forged_link_a_foreign_counter_and_a_missing_box_are_refused_in_chinese(app, client):
    address = links.student(app, **SHEET, lang="zh")
    forged = client.get(address.replace("sig=", "sig=x"))
    assert forged.status_code == 403
    assert "这个学生链接不是本站签发的" in forged.get_data(as_text=True)
    said = []
    for body in ({"box": "1", "tries": "forged"}, {"box": "nope"}):
        body = {"worksheet": _query(address), "answer": "x", **body}
        response = client.post(CHECK, data=json.dumps(body), content_type="application/json")
        said.append((response.status_code, response.get_json()["error"]["message"]))
    assert said == [
        (403, "这个尝试计数属于另一个答题框，或已被改动"),
        (400, "这份练习卷没有答题框 'nope'"),
    ]
