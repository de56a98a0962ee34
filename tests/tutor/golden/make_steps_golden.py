"""Rewrite the golden step texts (run after a deliberate change): the teaching cases in
English, the tutorial's three snippets in Chinese.

    python -m tests.tutor.golden.make_steps_golden

Read the diff before committing it: these files are what a student reads.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.tutor.teaching import CASES
from tutor import examples, i18n, lang, render
from tutor.explain import explain_program

HERE = Path(__file__).parent / "steps"
ZH = Path(__file__).parent / "steps_zh"
SEEDS = ("a", "b", "c")


def text(name: str) -> str:
    """The explanation of teaching case ``name`` as the CLI prints it."""
    return render.text(explain_program(lang.parse_program(CASES[name]))) + "\n"


def seed_text_zh(name: str) -> str:
    """The explanation of the tutorial's snippet ``name`` as ``gradtutor explain --lang zh``
    prints it (explained and written in Chinese), after what the snippet prints (PyTorch's
    words, kept in tests/golden/seed)."""
    with i18n.using("zh"):
        explanation = explain_program(lang.parse_program(examples.seed(name)))
        return render.text(dataclasses.replace(explanation, output="")) + "\n"


def main() -> None:
    """Write one file per teaching case, and one per snippet in Chinese."""
    HERE.mkdir(exist_ok=True)
    for name in CASES:
        (HERE / f"{name}.txt").write_text(text(name))
    ZH.mkdir(exist_ok=True)
    for name in SEEDS:
        (ZH / f"{name}.txt").write_text(seed_text_zh(name))


if __name__ == "__main__":
    main()
