"""Regenerate engine_cases.json: every case of tests/engine/cases.py, observed on torch.

Run from the repository root with torch installed:

    python -m tests.engine.golden.make_engine_golden [NAME_PREFIX ...]

With name prefixes (``higher_order/ fidelity/pow``) only those cases and new ones are
observed again: torch's last digits differ between machines, so a whole regeneration also
moves cases that did not change.

Deterministic: the cases use fixed inputs, keys are sorted, floats are rounded to what
their dtype holds (harness.plain) and non-finite numbers are strings. One case per line,
so a diff shows exactly which observations changed. test_differential.py compares the
engine against this file on every run, torch or not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).with_name("engine_cases.json")


def encode(torch_version: str, observations: dict) -> str:
    """The golden file's text: a header line, then one sorted case per line."""
    rows = [
        json.dumps(name) + ": " + json.dumps(obs, sort_keys=True, separators=(",", ":"))
        for name, obs in sorted(observations.items())
    ]
    return f'{{"torch": {json.dumps(torch_version)}, "cases": {{\n' + ",\n".join(rows) + "\n}}\n"


def load(path: Path = OUT) -> dict:
    """The golden file as ``{"torch": version, "cases": {name: observations}}``."""
    return json.loads(path.read_text())


def main(prefixes: list[str]) -> None:
    """Observe the cases on torch and write the golden file: every case, or with name
    prefixes those cases and the new ones (the rest kept as recorded, stale ones dropped)."""
    sys.path.insert(0, str(ROOT))
    import torch

    from tests.engine.cases import CASES
    from tests.engine.harness import observe

    kept = load()["cases"] if prefixes else {}
    observations = {
        name: kept[name]
        if name in kept and not name.startswith(tuple(prefixes))
        else observe(case, torch)
        for name, case in CASES.items()
    }
    OUT.write_text(encode(torch.__version__, observations))
    print(f"wrote {len(observations)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
