"""The README's command-line examples run as written."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = ROOT.joinpath("README.md").read_text().split("## The command line")[1].split("\n## ")[0]
EXAMPLES = [line.strip() for line in SECTION.splitlines() if line.startswith("    gradtutor ")]


def test_the_readme_has_command_line_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("line", EXAMPLES)
def test_a_readme_example_runs(line, tmp_path):
    (tmp_path / "tutor").mkdir()  # the paths the README uses, from the repository root
    (tmp_path / "tutor" / "seeds").symlink_to(ROOT / "tutor" / "seeds")
    command, _, _comment = line.partition("  #")
    words = shlex.split(command)
    gradtutor = Path(sys.executable).parent / "gradtutor"
    done = subprocess.run(
        [gradtutor, *words[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    if "-o" in words:
        assert (tmp_path / words[words.index("-o") + 1]).read_text().startswith("\\document")
    else:
        assert done.stdout.strip()
