"""A worksheet's language: a parameter that changes every text and nothing else."""

from __future__ import annotations

import re

import pytest

from tutor import checking, i18n
from tutor.worksheet import LEVELS, Reveal
from tutor.worksheet.sheet import WorksheetError, check_box, make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

CHINESE = re.compile("[\u4e00-\u9fff]")
SAME = ("number", "kind", "shown", "given", "wrt")  # what no language changes


@pytest.fixture(scope="module", params=range(1, 6), ids=lambda level: f"level{level}")
def sheets(request):
    """The same sheet in English and in Chinese."""
    return make_worksheet(13, 5, request.param), make_worksheet(13, 5, request.param, lang="zh")


def _unchanged(problem: dict) -> dict:
    """A problem's JSON without its words: what it asks about, its boxes, its answers."""
    return {
        **{k: problem[k] for k in SAME},
        "input": {k: v for k, v in problem["input"].items() if k != "lang"},
        "boxes": [(b["id"], b["kind"]) for b in problem["boxes"]],
        "answers": problem["key"]["answers"],
        "verdict": problem["key"]["verdict"],
        "steps": [s["kind"] for s in problem["key"]["steps"]],
    }


def test_a_chinese_sheet_has_the_english_problems_in_chinese_words(sheets):
    english, chinese = sheets
    en, zh = english.to_json(), chinese.to_json()
    assert [_unchanged(p) for p in zh["problems"]] == [_unchanged(p) for p in en["problems"]]
    assert all(CHINESE.search(p["prompt"]) for p in zh["problems"])
    assert {p["input"].get("lang") for p in zh["problems"]} == {"zh"}  # checked in Chinese
    assert all("lang" not in p["input"] for p in en["problems"])
    assert zh["title"].startswith("反向传播练习卷 · 第 ") and CHINESE.search(zh["level"]["title"])
    assert CHINESE.search(zh["level"]["description"])
    assert en["title"].startswith("Backpropagation worksheet · level ")


def test_the_language_is_a_parameter_of_the_bytes(sheets):
    english, chinese = sheets
    assert "lang" not in english.parameters()  # English sheets keep the bytes they had
    assert chinese.parameters()["lang"] == "zh"
    assert chinese.json_text != english.json_text
    again = make_worksheet(13, 5, chinese.level.number, lang="zh")
    assert again.json_text == chinese.json_text
    assert again.student_json_text == chinese.student_json_text


def test_the_language_does_not_leak_out_of_the_sheet(sheets):
    _, chinese = sheets
    assert i18n.current() == "en"
    chinese.to_json()
    assert chinese.title.startswith("Backpropagation worksheet")  # asked in English: English
    with i18n.using("zh"):
        assert chinese.title.startswith("反向传播练习卷")


def _recording(check, spoken: list[str]):
    """``check``, noting the language it is called in."""

    def record(*args):
        spoken.append(i18n.current())
        return check(*args)

    return record


def test_checks_speak_the_sheets_language(monkeypatch):
    sheet = make_worksheet(13, 3, 1, lang="zh")
    spoken: list[str] = []
    for name in ("check", "check_number", "check_output"):
        monkeypatch.setattr(checking, name, _recording(getattr(checking, name), spoken))
    for p in sheet.problems:
        check_box(p, p.boxes[0].id, "1")
    assert spoken == ["zh"] * len(sheet.problems)
    with pytest.raises(WorksheetError, match="没有答题框"):
        check_box(sheet.problems[0], "99z", "1")


def test_a_language_the_tutor_does_not_speak_is_400():
    with pytest.raises(WorksheetError, match="lang must be one of: en, zh") as raised:
        make_worksheet(1, 1, 1, lang="fr")
    assert raised.value.status == 400


def test_levels_and_reveal_settings_in_chinese():
    with i18n.using("zh"):
        assert [level.title for level in LEVELS.values()] == [
            "单一路径",
            "分叉与复用",
            "函数链",
            "张量",
            "网络层与 PyTorch 语义",
        ]
        assert LEVELS[3].description.startswith("exp, log, sin, cos, tanh, sigmoid 和 relu")
        assert Reveal.parse("after-3").describe() == "答错 3 次后显示"
        assert Reveal.parse("never").describe() == "从不显示"
    assert LEVELS[3].description.startswith("exp, log, sin, cos, tanh, sigmoid and relu in")
    assert Reveal.parse("after-1").describe() == "shown after 1 wrong try"
