"""``gradtutor run FILE|-``: the program's output, then its graph; exit 2 with one located line."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from tests.conftest import SEED_DIR, seed_output
from tutor import cli


def test_run_prints_output_then_the_graph(capsys):
    assert cli.main(["run", str(SEED_DIR / "c.py")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    expected = seed_output("c")
    assert out.startswith(expected)
    table = out[len(expected) :]
    lines = table.strip("\n").splitlines()
    assert lines[0].split() == ["node", "op", "shape", "value", "grad"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["x1"].split()[1:4] == ["leaf", "2×2", "[[2,"]
    assert rows["x1"].endswith("[[-30, -30], [-30, -30]]")
    assert rows["L"].split()[1] == "sub(Y,"
    assert len(rows) == 8


def test_run_reads_standard_input(capsys, monkeypatch):
    program = "import torch\nx = torch.tensor(3., requires_grad=True)\ny = x * x\ny.backward()\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(program + "print(x.grad)\n"))
    assert cli.main(["run", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tensor(6.)\n\nnode")
    assert "mul(x, x)" in out


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("import os\n", "gradtutor run: import_not_allowed: `import os` is not available"),
        (
            "import torch\nx = torch.ones(2)\nx.backward()\n",
            "gradtutor run: runtime_error: RuntimeError: element 0 of tensors does not require "
            "grad and does not have a grad_fn (line 3, col 1)",
        ),
    ],
)
def test_run_error_is_one_located_line(program, expected, capsys, monkeypatch, tmp_path):
    path = tmp_path / "p.py"
    path.write_text(program)
    assert cli.main(["run", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(expected)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_run_missing_file(capsys, tmp_path):
    assert cli.main(["run", str(tmp_path / "missing.py")]) == 2
    assert "No such file" in capsys.readouterr().err


def test_a_reader_that_stops_reading_gets_no_error():
    """``gradtutor worksheet … | head -c 1``: the closed pipe is no error of the input (the
    page, ~100 kB, is larger than a pipe's buffer, so the writer meets the closed end), and
    the sheet's own programs' warnings are not printed."""
    asked = ["worksheet", "--seed", "3", "--problems", "12", "--level", "5", "--answers"]
    with subprocess.Popen(
        [sys.executable, "-m", "tutor.cli", *asked, "--format", "html"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        first = process.stdout.read(1)
        process.stdout.close()  # as head does once it has what it wants
        said = process.stderr.read()
    assert first == b"<" and said == b""
