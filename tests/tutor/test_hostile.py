"""Hostile programs: each is refused with a TutorError and a code, fast, touching nothing."""

from __future__ import annotations

import sys
import time

import pytest

from tutor import lang
from tutor.errors import LimitError, TutorError
from tutor.limits import Limits
from tutor.run import numeric

SETUP = "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n"

HOSTILE = {
    # sandbox escapes
    "dunder import": ("__import__('os').system('touch pwned')", "not_allowed"),
    "class bases": ("().__class__.__bases__[0].__subclasses__()", "not_allowed"),
    "getattr": ("import torch\ngetattr(torch, 'load')", "not_allowed"),
    "open": ("open('pwned', 'w')", "not_allowed"),
    "eval": ("eval('1 + 1')", "not_allowed"),
    "exec": ("exec('import os')", "not_allowed"),
    "compile": ("compile('1', 'f', 'eval')", "not_allowed"),
    "globals": ("globals()['__builtins__']", "not_allowed"),
    "vars": ("vars()", "not_allowed"),
    "locals": ("locals()", "not_allowed"),
    "breakpoint": ("breakpoint()", "not_allowed"),
    "input": ("input()", "not_allowed"),
    "lambda": ("f = lambda: 0", "not_allowed"),
    "def": ("def f():\n    return open('pwned', 'w')", "not_allowed"),
    "class": ("class A:\n    pass", "not_allowed"),
    "import os": ("import os", "import_not_allowed"),
    "from os import": ("from os import system", "import_not_allowed"),
    "import as torch": ("import subprocess as torch", "import_not_allowed"),
    "relative import": ("from . import lang", "import_not_allowed"),
    "torch submodule": ("import torch.utils", "import_not_allowed"),
    "f-string dunder": (SETUP + "print(f'{x.__class__}')", "not_allowed"),
    "f-string nested spec": ("x = 1\nprint(f'{x:{10**9}}')", "not_allowed"),
    "f-string wide spec": ("x = 1\nprint(f'{x:>999999999}')", "not_allowed"),
    "f-string globals": (SETUP + "print(f'{y.grad_fn.__init__.__globals__}')", "not_allowed"),
    "grad_fn dict": (SETUP + "print(y.grad_fn.__dict__)", "not_allowed"),
    "method globals": (SETUP + "print(x.exp.__globals__)", "not_allowed"),
    "variable class": (
        SETUP + "z = y.grad_fn.next_functions[0][0].variable.__class__",
        "not_allowed",
    ),
    "module dict": ("import torch\nprint(torch.__dict__)", "not_allowed"),
    "numpy file": ("import numpy as np\nnp.load('x.npy')", "not_allowed"),
    "torch save": ("import torch\ntorch.save(torch.ones(1), 'pwned')", "not_allowed"),
    "hook": (SETUP + "y.register_hook(print)", "not_allowed"),
    "print to file": ("print('x', file=None)", "bad_arguments"),
    "string method": (SETUP + "print(y.grad_fn.name().join(['a']))", "not_allowed"),
    "string bomb via name": (SETUP + "s = y.grad_fn.name() * 10**8", "type_error"),
    "assign dunder": (SETUP + "x.__class__ = 1", "not_allowed"),
    "with open": ("with open('pwned', 'w') as f:\n    pass", "not_allowed"),
    "numpy string dtype": ("import numpy as np\na = np.ones(3, dtype='U1000000')", "type_error"),
    # resource bombs
    "huge exponent": ("x = 10**10**10", "exponent_too_large"),
    "tensor huge exponent": (
        "import torch\nx = torch.ones(2)\ny = x**10**10",
        "exponent_too_large",
    ),
    "float tower": ("x = 9.9**9.9**9.9", "exponent_too_large"),
    "integer squaring": ("a = 2 ** 1000\n" + "a = a * a\n" * 20, "number_too_large"),
    "huge int literal": ("x = " + "9" * 4000, "number_too_large"),
    "round digits": ("x = round(5, -10**9)", "exponent_too_large"),
    "ones 10^10": ("import torch\nx = torch.ones(100000, 100000)", "tensor_too_large"),
    "numpy 10^10": ("import numpy as np\na = np.ones((100000, 100000))", "tensor_too_large"),
    "broadcast": (
        "import torch\na = torch.ones(100000, 1)\nb = torch.ones(1, 100000)\nc = a + b",
        "tensor_too_large",
    ),
    "outer product": (
        "import torch\na = torch.ones(100000, 1)\nb = torch.ones(1, 100000)\nc = a @ b",
        "tensor_too_large",
    ),
    "expand": (
        "import torch\na = torch.ones(1, 1000)\nb = a.expand(1000000, 1000)",
        "tensor_too_large",
    ),
    "arange": ("import torch\na = torch.arange(0, 1e12)", "tensor_too_large"),
    "linspace": ("import torch\na = torch.linspace(0, 1, 1e10)", "tensor_too_large"),
    "eye": ("import torch\na = torch.eye(100000)", "tensor_too_large"),
    "index repeat": (
        "import torch\na = torch.ones(1000, 1000)\ni = torch.zeros(1000000, dtype=torch.long)\n"
        "b = a[i]",
        "tensor_too_large",
    ),
    "total memory": (
        "import torch\n" + "a = torch.ones(1000, 1000)\n" * 25,
        "memory_limit",
    ),
    "5000 parentheses": ("x = " + "(" * 5000 + "1" + ")" * 5000, "too_deep"),
    "deep lists": ("x = " + "[" * 60 + "]" * 60, "too_deep"),
    "deep unary": ("x = 1\ny = " + "-" * 3000 + "x", "too_deep"),
    "deep power": ("x = 1\ny = " + "**".join(["x"] * 2000), "too_deep"),
    "10,000-op chain": ("import torch\nx = torch.ones(1)\ny = x" + " + x" * 10_000, "too_deep"),
    "100k statements": ("x = 1\n" * 100_000, "source_too_large"),
    "2,000 statements": ("x=1\n" * 2_000, "too_many_statements"),
    "graph nodes": (
        "import torch\nx = torch.ones(1)\ny = torch.stack([" + "x + 1, " * 1100 + "])",
        "graph_too_large",
    ),
    "backward calls": (
        SETUP + "z = y.sum()\n" + "z.backward(retain_graph=True)\n" * 60,
        "too_many_backward_calls",
    ),
    "print flood": (
        "import torch\nx = torch.ones(1000)\n" + "print(x)\n" * 500,
        "output_too_large",
    ),
    "huge list": ("x = [0.0] * 10**9", "type_error"),
    "huge string": ("print('a' * 10**9)", "not_allowed"),
    # malformed text
    "syntax": ("x = = 1", "syntax_error"),
    "unclosed": ("print(", "syntax_error"),
    "indentation": ("x = 1\n    y = 2", "syntax_error"),
    "NUL byte": ("x = 1\x00", "nul_character"),
    "non-ASCII name": ("é = 1", "non_ascii_name"),
    "fullwidth eval": ("ｅval('1')", "non_ascii_name"),
    "binary junk": ("\x7fELF\x02\x01\x01", "syntax_error"),
    "loops": ("while True:\n    pass", "not_allowed"),
    "walrus": ("(x := 1)", "not_allowed"),
    "star args": ("print(*[1, 2])", "not_allowed"),
}


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Run in an empty directory; afterwards nothing may have been created or imported."""
    monkeypatch.chdir(tmp_path)
    modules = set(sys.modules)
    yield
    assert list(tmp_path.iterdir()) == []
    assert set(sys.modules) == modules


def test_the_corpus_is_large():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize(("source", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_program_is_refused(source, code, sandbox):
    start = time.perf_counter()
    with pytest.raises(TutorError) as caught:
        numeric.run(lang.parse_program(source))
    assert time.perf_counter() - start < 1.0
    assert caught.value.code == code
    assert caught.value.message and caught.value.status in (400, 413, 422)
    if code != "source_too_large":  # the one error about the whole text
        assert caught.value.line is not None and caught.value.col is not None


def test_wall_time_is_checked_between_operations():
    # 900 matrix products take well over 0.1 s; the limit stops them after about 0.01 s
    program = lang.parse_program("import torch\nx = torch.ones(100, 100)\n" + "y = x @ x\n" * 900)
    start = time.perf_counter()
    with pytest.raises(LimitError) as caught:
        numeric.run(program, Limits(seconds=0.01))
    assert caught.value.code == "time_limit" and 2 < caught.value.line < 900
    assert time.perf_counter() - start < 0.5


def test_hostile_expression_input_is_refused():
    with pytest.raises(TutorError):
        lang.parse_expression("__import__('os')", {"x": 1})
    for formula in ("x ** 10**10", "x ** 2000", "exp(x) ** -1e9"):
        with pytest.raises(LimitError, match="exponent"):
            numeric.run(lang.parse_expression(formula, {"x": 1}))
    with pytest.raises(TutorError):
        lang.parse_expression("x", {"x": [[[[0.0]]]] * 2 + [[]]})
