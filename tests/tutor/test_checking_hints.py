"""The hint ladder: each rung is right (checked against the engine) and never states the answer."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import engine
from tutor import checking, lang
from tutor.explain import explain_program
from tutor.functions import FUNCTIONS

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

HEAD = "import torch\n"
CASES = {  # name: (program without its backward line, leaf, a wrong answer, its diagnosis)
    "missing_path": (
        "x = torch.tensor(0.5, requires_grad=True)\n"
        "w = torch.tensor(3.0, requires_grad=True)\n"
        "h = torch.sin(x * w)\n"
        "L = h * x\n",
        "x",
        "w*x*cos(w*x)",
        "missing_path",
    ),
    "missing_mean": (
        "x = torch.tensor([1.0, 2.0, 0.5, -1.0], requires_grad=True)\n"
        "h = (x + 2) ** 2 * 3\n"
        "L = h.mean()\n",
        "x",
        "6*(x + 2)",
        "missing_mean",
    ),
    "sign_error": (
        "x = torch.tensor(0.5, requires_grad=True)\n"
        "w = torch.tensor(2.0, requires_grad=True)\n"
        "h = torch.tanh(w * x)\n"
        "L = 3 - h\n",
        "w",
        "x*(1 - tanh(w*x)**2)",
        "sign_error",
    ),
    "sign_error_inside": (  # the minus is on an inner edge, so the upstream is not 1
        "x = torch.tensor(1.0, requires_grad=True)\n"
        "w = torch.tensor(2.0, requires_grad=True)\n"
        "t = w * x\n"
        "u = -t\n"
        "L = torch.exp(u) * 5\n",
        "x",
        "5*w*exp(-w*x)",
        "sign_error",
    ),
}
LOCAL = re.compile(r"Along (\w+) → (\w+).*: ∂\2/∂\1 = .*, which is (.+) at the given values\.")
UPSTREAM = re.compile(r"arriving at (\w+) from L.*: ∂L/∂\1 = (.+) at the given values;")


def _ladder(name: str):
    program, wrt, answer, _ = CASES[name]
    x = explain_program(lang.parse_program(HEAD + program + "L.backward()\n"))
    result = checking.check(x, wrt, answer)
    return x, result, checking.ladder(x, wrt, result.diagnosis)


def _run(program: str) -> dict:
    """The program's own names after running it on the engine (``torch`` is the engine)."""
    names: dict = {"torch": engine}
    exec(program, names)  # the test's own program text, never user input
    return names


def _engine_local(x, source: str, target: str) -> np.ndarray:
    """∂target/∂source along the one edge, from the engine: the target's op applied to its
    operands' recorded values, differentiated with respect to the one operand."""
    node = x.graph.node(target)
    operands = [
        engine.tensor(x.graph.node(i).value, requires_grad=i == source, dtype=engine.float64)
        for i in node.inputs
    ]
    out = FUNCTIONS[node.op].engine(*operands, **node.attrs)
    out.sum().backward()
    return operands[node.inputs.index(source)].grad.numpy()


def _engine_upstream(program: str, target: str) -> np.ndarray:
    if target == "L":
        return np.asarray(1.0)
    names = _run(program + f"{target}.retain_grad()\nL.backward()\n")
    return names[target].grad.numpy()


@pytest.mark.parametrize("name", list(CASES))
def test_each_rung_is_right_and_none_states_the_answer(name):
    x, result, hints = _ladder(name)
    program, wrt, _, diagnosis = CASES[name]
    assert result.diagnosis == diagnosis
    assert len(hints) == 3, hints
    rule, local, upstream = hints
    paths = {"missing_path": "two paths"}.get(name, "one path")
    assert f"{wrt} reaches L along {paths}" in rule

    source, target, said = LOCAL.search(local).groups()
    stated = np.asarray(json.loads(said), dtype=float)
    assert np.allclose(_engine_local(x, source, target), stated, atol=1e-4)
    at, said = UPSTREAM.search(upstream).groups()
    assert at == target
    assert np.allclose(_engine_upstream(program, target), json.loads(said), atol=1e-4)

    gradient = np.asarray(x.gradient(wrt).numeric, dtype=float)
    for hint in hints:
        assert result.expected not in hint
        for number in re.findall(r"(?<![\w.])-?\d+\.?\d*(?![\w.])", hint):
            assert not np.allclose(float(number), gradient, atol=5e-3), (number, hint)


def test_the_rule_names_the_forgotten_mean_and_the_paths():
    assert (
        "L is a mean of N = 4 elements: its local derivative has 1/4"
        in _ladder("missing_mean")[2][0]
    )
    rule = _ladder("missing_path")[2][0]
    assert "x → t1 → h → L; x → L" in rule and "adds one term per path" in rule


def test_a_rung_that_would_state_the_answer_is_left_out():
    # L = 5*v: the only local derivative, 5, is the answer; the ladder stops at the rule
    x = explain_program(lang.parse_expression("5*v", {"v": 2.0}))
    hints = checking.ladder(x, "v", "not_equivalent")
    assert len(hints) == 1 and "one path" in hints[0]


def test_no_ladder_without_a_path_sum():
    program = (
        HEAD + "x = torch.tensor(1.0, requires_grad=True)\n"
        "y = x * 2\ny.backward()\nz = x * 3\nz.backward()\n"
    )
    x = explain_program(lang.parse_program(program))
    assert checking.ladder(x, "x", "wrong_value") == ()
