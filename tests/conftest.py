"""Shared fixtures: the torch oracle and the reference data shipped in tests/golden."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The service refuses to start without SECRET_KEY (it signs worksheet links); the tests' apps,
# and the gunicorn and wheel servers they start, share this one.
os.environ.setdefault("SECRET_KEY", "gradtutor tests: not a secret")

GOLDEN = Path(__file__).parent / "golden"
SEED_DIR = Path(__file__).parents[1] / "tutor" / "seeds"  # the snippets, as the app ships them
OUTPUT_DIR = GOLDEN / "seed"  # what PyTorch 2.13 printed for each
SEED_NAMES = ("a", "b", "c")


@pytest.fixture(scope="session")
def torch():
    """Real PyTorch, the differential oracle (CI installs it; skipped where absent)."""
    return pytest.importorskip("torch", reason="oracle: CI installs torch==2.13.0")


def seed_source(name: str) -> str:
    """The tutorial snippet ``name`` exactly as published."""
    return (SEED_DIR / f"{name}.py").read_text()


def seed_output(name: str) -> str:
    """What PyTorch 2.13 printed for snippet ``name``."""
    return (OUTPUT_DIR / f"{name}.out").read_text()
