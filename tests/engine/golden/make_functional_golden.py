"""Regenerate autograd_functional.json: every case of test_autograd_functional.py on torch.

Run from the repository root with torch installed:

    python -m tests.engine.golden.make_functional_golden

Same format as engine_cases.json (make_engine_golden.encode): one sorted case per line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.engine.golden.make_engine_golden import encode
from tests.engine.golden.make_engine_golden import load as _load

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).with_name("autograd_functional.json")


def load(path: Path = OUT) -> dict:
    """The golden file as ``{"torch": version, "cases": {name: observations}}``."""
    return _load(path)


def main() -> None:
    """Observe every case on torch and write the golden file."""
    sys.path.insert(0, str(ROOT))
    import torch

    from tests.engine.harness import observe
    from tests.engine.test_autograd_functional import CASES

    observations = {name: observe(case, torch) for name, case in CASES.items()}
    OUT.write_text(encode(torch.__version__, observations))
    print(f"wrote {len(observations)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
