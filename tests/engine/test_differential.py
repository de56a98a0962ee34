"""The engine against torch on every case of the catalogue, two ways: live against the
installed torch, and against the golden file recorded from torch (runs everywhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from tests.engine.cases import CASES
from tests.engine.golden import make_engine_golden as golden_tool
from tests.engine.harness import CaseBug, differences, observe

GOLDEN_DIR = Path(__file__).parent / "golden"


GOLDEN = golden_tool.load()
NAMES = sorted(CASES)


def _report(name: str, problems: list[str]) -> str:
    return f"{name}: engine differs from torch\n  " + "\n  ".join(problems[:12])


@pytest.mark.oracle
@pytest.mark.parametrize("name", NAMES)
def test_engine_matches_live_torch(name, torch):
    problems = differences(observe(CASES[name], engine), observe(CASES[name], torch))
    assert not problems, _report(name, problems)


@pytest.mark.parametrize("name", NAMES)
def test_engine_matches_golden(name):
    if name not in GOLDEN["cases"]:
        pytest.fail(f"{name} is not in the golden file: run make_engine_golden.py")
    problems = differences(observe(CASES[name], engine), GOLDEN["cases"][name])
    assert not problems, _report(name, problems)


def test_golden_file_has_no_stale_cases():
    assert sorted(GOLDEN["cases"]) == NAMES


def test_golden_file_was_recorded_on_the_oracle_version():
    assert GOLDEN["torch"].startswith("2.13.0")


def test_golden_file_is_small_and_canonical():
    path = GOLDEN_DIR / "engine_cases.json"
    assert path.stat().st_size < 2_000_000
    assert golden_tool.encode(GOLDEN["torch"], GOLDEN["cases"]) == path.read_text()


def test_catalogue_is_large():
    assert len(CASES) >= 500


def test_catalogue_cases_are_deterministic():
    # Every case observed twice on the engine gives the same data (no hidden randomness).
    for name in NAMES[::25]:
        assert observe(CASES[name], engine) == observe(CASES[name], engine), name


def test_a_case_recording_a_key_twice_is_a_bug_not_an_observation():
    def broken(T, r):
        r("x", 1)
        r("x", 2)

    with pytest.raises(CaseBug):
        observe(broken, engine)


def test_differences_respect_the_stated_tolerances():
    base = {"dtype": "torch.float32", "values": [1.0], "repr": "tensor([1.])"}
    near = dict(base, values=[1.0 + 5e-6])
    far = dict(base, values=[1.0 + 5e-5])
    assert differences(near, base) == []
    assert differences(far, base) != []
    assert differences({"x": 1}, {"x": 1.0}) != []  # an int is not a float
