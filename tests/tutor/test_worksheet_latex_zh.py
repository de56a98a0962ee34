"""The Chinese LaTeX of a worksheet and of its key compiles with xelatex and ctex (installed
by .ci/run), and the PDF sets its Chinese text in a Chinese font."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.tutor.typesetting import compile_latex
from tutor.worksheet.latex import ENGINES, document
from tutor.worksheet.sheet import make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

XELATEX = shutil.which(ENGINES["zh"])
if XELATEX is None or not shutil.which("kpsewhich"):
    if os.environ.get("CI"):
        raise RuntimeError("xelatex is missing: .ci/run installs texlive-xetex")
    pytest.skip("xelatex not installed (apt-get install texlive-xetex)", allow_module_level=True)
if not subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True, text=True).stdout:
    if os.environ.get("CI"):
        raise RuntimeError("ctex is missing: .ci/run installs texlive-lang-chinese")
    pytest.skip(
        "ctex not installed (apt-get install texlive-lang-chinese)", allow_module_level=True
    )
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module", params=range(1, 6), ids=lambda level: f"level{level}")
def sheet(request):
    return make_worksheet(21, 4, request.param, lang="zh")


@pytest.mark.parametrize("answers", [False, True], ids=["sheet", "key"])
def test_the_chinese_sheet_and_key_compile_with_every_character(sheet, answers, tmp_path):
    source = document(sheet, answers)
    assert source.startswith("% !TEX program = xelatex\n") and "\\usepackage{ctex}" in source
    pdf, log = compile_latex(XELATEX, source, tmp_path)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert "Missing character" not in log  # a glyph the fonts lack would be left out silently
    assert "Script={CJK}" in log  # ctex set up its Chinese fonts for the Chinese text
    if PDFTOTEXT:
        text = subprocess.run(
            [PDFTOTEXT, "-layout", str(tmp_path / "sheet.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "反向传播练习卷" in text and "第 1 题" in text
        assert ("答案" in text) == answers


def test_english_keeps_pdflatex_and_chinese_says_xelatex():
    english = document(make_worksheet(21, 2, 1))
    assert english.startswith("\\documentclass") and "ctex" not in english
    assert english.isascii()
    chinese = document(make_worksheet(21, 2, 1, lang="zh"))
    assert "\\section*{反向传播练习卷" in chinese and "\\subsection*{第 1 题}" in chinese
    assert "姓名：\\underline" in chinese
