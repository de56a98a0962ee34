"""The house rules, checked from outside: layers, lean imports, the engine's star import,
and a docstring that says what each module is for."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = CONFIG["contracts"]
LAYERS = next(c for c in CONTRACTS if c["id"] == "tutor-layers")["layers"]


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    done = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout
    for contract in CONTRACTS:
        assert f"{contract['name']} KEPT" in done.stdout


def test_every_part_of_tutor_has_a_layer():
    named = {part.strip() for layer in LAYERS for part in layer.replace(":", "|").split("|")}
    parts = {
        p.stem if p.is_file() else p.name
        for p in (ROOT / "tutor").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert parts == named


@pytest.mark.parametrize(
    "module",
    [
        "tutor",
        "tutor.lang",
        "tutor.run",
        "tutor.symbolic.closed",
        "tutor.explain",
        "tutor.render",
        "tutor.checking",
        "tutor.worksheet",
        "tutor.cli",
    ],
)
def test_stages_below_web_do_not_load_flask(module):
    done = _python(f"import sys, {module}; assert 'flask' not in sys.modules, sorted(sys.modules)")
    assert done.returncode == 0, done.stderr


def test_tutor_create_app_loads_the_web_stage_on_demand():
    done = _python(
        "import sys, tutor; assert 'flask' not in sys.modules\n"
        "from tutor import create_app\n"
        "import tutor.web\n"
        "assert create_app is tutor.web.create_app and 'flask' in sys.modules"
    )
    assert done.returncode == 0, done.stderr


def test_engine_star_import_gives_its_public_names():
    done = _python(
        "import engine\n"
        "namespace = {}\n"
        "exec('from engine import *', namespace)\n"
        "missing = [n for n in engine.__all__ if n not in namespace]\n"
        "assert not missing, missing\n"
        "assert {'Tensor', 'tensor', 'tanh', 'no_grad', 'float32'} <= set(namespace)"
    )
    assert done.returncode == 0, done.stderr


SOURCES = sorted(
    p for p in [*ROOT.glob("engine/**/*.py"), *ROOT.glob("tutor/**/*.py")] if "seeds" not in p.parts
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_in_a_line_what_it_is_for(path):
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring, f"{path} has no module docstring"
    summary = docstring.split("\n\n")[0]
    assert "\n" not in summary and summary.endswith("."), f"not a one-line summary: {summary!r}"
