"""``benchmarks/compare_engines.py`` runs: one checkout against itself, a round per case."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_against_itself_prints_a_paired_ratio_per_case():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "compare_engines.py"),
            str(ROOT),
            str(ROOT),
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = re.findall(
        r"^(seed b|seed c|100-op chain) .* A/B (\d+\.\d+) \(quartiles", done.stdout, re.M
    )
    assert [name for name, _ in rows] == ["seed b", "seed c", "100-op chain"]
    assert all(float(ratio) > 0 for _, ratio in rows)
