"""The LaTeX of a worksheet and of its key compiles with pdflatex (installed by .ci/run)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.tutor.typesetting import compile_latex
from tutor.worksheet.latex import document, words
from tutor.worksheet.sheet import make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

PDFLATEX = shutil.which("pdflatex")
if PDFLATEX is None:
    if os.environ.get("CI"):
        raise RuntimeError("pdflatex is missing: .ci/run installs texlive-latex-base")
    pytest.skip(
        "pdflatex not installed (apt-get install texlive-latex-base)", allow_module_level=True
    )


@pytest.mark.parametrize("level", range(1, 6))
@pytest.mark.parametrize("answers", [False, True], ids=["sheet", "key"])
def test_sheet_and_key_compile(level, answers, tmp_path):
    source = document(make_worksheet(21, 6, level), answers)
    assert source.isascii()  # every unicode character the tutor writes is declared or replaced
    pdf, _log = compile_latex(PDFLATEX, source, tmp_path)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_sheet_has_a_name_line_graphs_and_room_to_write():
    source = document(make_worksheet(21, 3, 2))
    assert "Name: \\underline" in source and "Date: \\underline" in source
    assert source.count("\\begin{picture}") == 3
    assert "\\framebox[\\linewidth]" in source or "\\underline{\\hspace{4cm}}" in source
    key = document(make_worksheet(21, 3, 2), answers=True)
    assert "answer key" in key and "The key agrees" in key


def test_text_is_escaped():
    assert words("50% of x_1 & {y} ~ <= |z|") == (
        "50\\% of x\\_1 \\& \\{y\\} \\~{} \\ensuremath{<}= \\ensuremath{|}z\\ensuremath{|}"
    )
