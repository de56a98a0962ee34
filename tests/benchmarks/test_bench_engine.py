"""The engine benchmark runs in CI as a smoke test: every case is checked and timed.

Only behaviour is asserted (exit status, one row per case, numbers present); timings
depend on the machine and are never compared here.  The script runs in a fresh
interpreter: importing it would pin this process's BLAS threads.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_engine.py"
TINY_GRAPHS = ("seed b, 2x2", "seed c, 2x2", "100-op chain, 1 elem")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """stdout and saved JSON of one ``--quick --json --profile`` run."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out), "--profile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())["results"]


def table_rows(stdout: str) -> list:
    """The markdown table's data rows (after header and rule), as stripped cells."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_every_case_has_one_table_row_in_order(quick_run):
    stdout, results = quick_run
    names = [r["case"] for r in results]
    assert len(names) >= 5 and len(set(names)) == len(names)
    assert [row[0] for row in table_rows(stdout)] == [f"{r['case']} ({r['unit']})" for r in results]


def test_every_case_times_every_implementation(quick_run):
    stdout, results = quick_run
    for r in results:
        assert r["errors"] == {}, r
        impls = ["engine", "torch", "numpy"] if "torch" in r else ["engine", "numpy"]
        for impl in impls:
            assert math.isfinite(r[impl]) and r[impl] > 0, (impl, r)
    for row in table_rows(stdout):
        assert "n/a" not in (row[1], row[3], row[5]), row  # engine, numpy, engine/numpy


def test_the_profile_covers_the_tiny_graphs(quick_run):
    stdout, results = quick_run
    assert set(TINY_GRAPHS) <= {r["case"] for r in results}
    for name in TINY_GRAPHS:
        assert f"cProfile, engine {name} x " in stdout


def test_the_table_says_how_it_was_measured(quick_run):
    stdout, _ = quick_run
    assert stdout.startswith("# engine benchmark (quick)")
    assert "One BLAS/OpenMP thread" in stdout
