"""Contract 1: the tutorial snippets run unchanged on the engine and print PyTorch's text."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import SEED_DIR, SEED_NAMES, seed_output

ADDRESS = re.compile(r" object at 0x[0-9a-f]+>")
RUN_AS_TORCH = (
    "import runpy, sys, engine; sys.modules['torch'] = engine; "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


def _strip_addresses(text: str) -> str:
    return ADDRESS.sub(" object at 0x…>", text)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_snippet_prints_pytorch_output(name):
    done = subprocess.run(
        [sys.executable, "-c", RUN_AS_TORCH, str(SEED_DIR / f"{name}.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stderr == ""
    assert _strip_addresses(done.stdout) == _strip_addresses(seed_output(name))


def test_node_repr_has_an_address():
    out = seed_output("a").splitlines()[8]
    assert re.fullmatch(r"<AddBackward0 object at 0x[0-9a-f]+>", out)
