"""``gradtutor worksheet``: HTML, LaTeX and JSON, to standard output or a file."""

from __future__ import annotations

import json

import pytest

from tutor.cli import main
from tutor.worksheet.sheet import make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")
ARGS = ["worksheet", "--seed", "5", "--problems", "3", "--level", "2"]


def test_json_with_answers_is_the_api_answer(capsys):
    assert main([*ARGS, "--format", "json", "--answers"]) == 0
    assert capsys.readouterr().out == make_worksheet(5, 3, 2).json_text + "\n"


def test_json_without_answers_has_no_key(capsys):
    assert main([*ARGS, "--format", "json", "--version", "2"]) == 0
    sheet = json.loads(capsys.readouterr().out)
    assert sheet["parameters"] == {
        "seed": 5,
        "problems": 3,
        "level": 2,
        "version": 2,
        "reveal": "never",  # the command line's sheets are the teacher's: nothing to reveal
    }
    assert all("key" not in p for p in sheet["problems"])


def test_tex_and_html_to_a_file(tmp_path, capsys):
    tex, html = tmp_path / "sheet.tex", tmp_path / "key.html"
    assert main([*ARGS, "--format", "tex", "-o", str(tex)]) == 0
    assert main([*ARGS, "--format", "html", "--answers", "-o", str(html)]) == 0
    assert capsys.readouterr().out == ""
    assert tex.read_text().startswith("\\documentclass")
    page = html.read_text()
    assert "answer key" in page and "<style>" in page and "--ink" in page  # stands alone
    assert "Back to the worksheet page" not in page


def test_bad_parameters_are_a_message_and_status_2(capsys):
    assert (
        main(["worksheet", "--seed", "5", "--problems", "99", "--level", "1", "--format", "json"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("gradtutor worksheet: problems must be") and "Traceback" not in err


def test_lang_zh_writes_the_chinese_sheet(capsys):
    assert main([*ARGS, "--format", "json", "--answers", "--lang", "zh"]) == 0
    assert capsys.readouterr().out == make_worksheet(5, 3, 2, lang="zh").json_text + "\n"
    assert main([*ARGS, "--format", "tex", "--lang", "zh"]) == 0
    assert "\\usepackage{ctex}" in capsys.readouterr().out
    assert main([*ARGS, "--format", "html", "--answers", "--lang", "zh"]) == 0
    page = capsys.readouterr().out
    assert '<html lang="zh-Hans"' in page and "反向传播练习卷" in page and "答案" in page
