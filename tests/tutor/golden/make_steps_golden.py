"""Rewrite the golden step texts of the teaching cases (run after a deliberate change).

    python -m tests.tutor.golden.make_steps_golden

Read the diff before committing it: these files are what a student reads.
"""

from __future__ import annotations

from pathlib import Path

from tests.tutor.teaching import CASES
from tutor import lang, render
from tutor.explain import explain_program

HERE = Path(__file__).parent / "steps"


def text(name: str) -> str:
    """The explanation of teaching case ``name`` as the CLI prints it."""
    return render.text(explain_program(lang.parse_program(CASES[name]))) + "\n"


def main() -> None:
    """Write one file per teaching case."""
    HERE.mkdir(exist_ok=True)
    for name in CASES:
        (HERE / f"{name}.txt").write_text(text(name))


if __name__ == "__main__":
    main()
