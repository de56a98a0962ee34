"""Compiling a worksheet's LaTeX in a test: the PDF and the log, or the compiler's complaint."""

from __future__ import annotations

import subprocess
from pathlib import Path


def compile_latex(compiler: str, source: str, folder: Path) -> tuple[bytes, str]:
    """The PDF and the log of ``source``, compiled by ``compiler`` (pdflatex or xelatex) in
    ``folder``, with no shell escape and stopping at the first error."""
    (folder / "sheet.tex").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [compiler, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "sheet.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    log = (folder / "sheet.log").read_text(encoding="utf-8", errors="replace")
    return (folder / "sheet.pdf").read_bytes(), log
