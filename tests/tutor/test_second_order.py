"""Order 2: every second derivative three ways — sympy.diff twice (computed here, apart from the
tutor), the tutor's closed form and the engine's create_graph=True — and central differences
of the engine's first derivative; order 1 stays exactly as it was."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

from tutor.cli import main
from tutor.errors import LimitError, ParseError, ProgramError
from tutor.explain import explain, make_input
from tutor.explain import second_order as order_two
from tutor.render import Report, text
from tutor.steps import Differentiation, HessianCheck

x, y, w, b, x1, w1, w2, Y = sympy.symbols("x y w b x1 w1 w2 Y", real=True)

# (formula as the student types it, the same built here in sympy, values, constants)
FORMULAS = [
    ("x**3*y + 2*x*y**2 - y", x**3 * y + 2 * x * y**2 - y, {"x": 1.5, "y": -0.5}, None),
    ("Y - x1*w1*w2", Y - x1 * w1 * w2, {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, ["Y"]),
    ("tanh(w*x + b)", sympy.tanh(w * x + b), {"w": 0.7, "x": -1.2, "b": 0.3}, None),
    ("exp(x)*sin(y)", sympy.exp(x) * sympy.sin(y), {"x": 0.4, "y": 1.1}, None),
    (
        "1/(1 + exp(-(w*x + b)))",
        1 / (1 + sympy.exp(-(w * x + b))),
        {"w": 0.5, "x": 2, "b": -1},
        None,
    ),
    ("sigmoid(w*x + b)", 1 / (1 + sympy.exp(-(w * x + b))), {"w": 0.5, "x": 2, "b": -1}, None),
    ("log(x*y + 1)", sympy.log(x * y + 1), {"x": 0.8, "y": 2.5}, None),
    ("x**3*y + sin(x*y)", x**3 * y + sympy.sin(x * y), {"x": 1.5, "y": -0.5}, None),
]


def _explain(formula: str, values: dict, constants=None, order: int = 2, **kw):
    return explain(
        make_input(expression=formula, values=values, constants=constants, order=order, **kw)
    )


@pytest.mark.parametrize(
    ("formula", "expr", "values", "constants"), FORMULAS, ids=[f[0] for f in FORMULAS]
)
def test_closed_form_engine_and_differences_agree(formula, expr, values, constants):
    h = _explain(formula, values, constants).hessian
    leaves = [n for n in values if n not in (constants or ())]
    assert list(h.leaves) == [n for n in h.leaves if n in leaves] and set(h.leaves) == set(leaves)
    # the leaves are float32 tensors: closed forms are evaluated at the numbers they hold
    at = {sympy.Symbol(k, real=True): float(np.float32(v)) for k, v in values.items()}
    n = len(h.leaves)
    assert len(h.entries) == n * (n + 1) // 2
    for e in h.entries:
        a, c = sympy.Symbol(e.first, real=True), sympy.Symbol(e.second, real=True)
        expected = float(sympy.diff(expr, a, c).subs(at))
        assert e.value == pytest.approx(expected, rel=1e-9, abs=1e-12), (e.first, e.second)
        assert sympy.simplify(e.closed - sympy.diff(expr, a, c)) == 0  # ours, not user text
        assert e.numeric == pytest.approx(expected, rel=1e-4, abs=1e-5)  # float32 engine
        assert e.check.numerical == pytest.approx(expected, rel=1e-5, abs=1e-6)  # float64
        assert e.check.verdict == "agrees" and e.check.agrees_numerical is True
    assert h.symmetric is True
    engine = np.array(h.numeric)
    np.testing.assert_allclose(engine, engine.T, rtol=1e-5, atol=1e-6)


def test_the_diagonal_comes_first_then_each_pair_once():
    h = _explain("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, ["Y"]).hessian
    pairs = [(e.first, e.second) for e in h.entries]
    assert pairs == [
        ("x1", "x1"),
        ("w1", "w1"),
        ("w2", "w2"),
        ("x1", "w1"),
        ("x1", "w2"),
        ("w1", "w2"),
    ]
    assert h.entry("w1", "x1") is h.entry("x1", "w1")


def test_steps_differentiate_the_first_derivative_again():
    x_ = _explain("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, ["Y"])
    e = x_.hessian.entry("x1", "w1")
    first, *_, check = e.steps
    assert isinstance(first, Differentiation) and isinstance(check, HessianCheck)
    assert first.derivative.expr == x_.gradient("x1").symbolic  # the closed form shown above
    lines = [text(s) for s in e.steps]
    assert lines[0] == ("∂L/∂x1 = -w1*w2 = -30; differentiate with respect to w1: ∂²L/∂x1∂w1 = -w2")
    assert lines[1] == "at w2 = 6: -w2 = -6"
    assert "engine (create_graph=True) = -6, closed form = -6: agrees" in lines[2]
    assert "central differences of the engine's first derivative (float64) agree: -6" in lines[2]


def test_order_one_is_unchanged():
    values = {"x1": 2, "w1": 5, "w2": 6, "Y": 10}
    plain = make_input(expression="Y - x1*w1*w2", values=values, constants=["Y"])
    assert plain == make_input(expression="Y - x1*w1*w2", values=values, constants=["Y"], order=1)
    assert plain != make_input(expression="Y - x1*w1*w2", values=values, constants=["Y"], order=2)
    first = explain(plain)
    assert first.hessian is None
    report = json.loads(Report(first).json_text)
    assert "hessian" not in report
    both = json.loads(Report(_explain("Y - x1*w1*w2", values, ["Y"])).json_text)
    assert both.pop("hessian")["leaves"] == ["x1", "w1", "w2"]
    assert both == report  # order 2 adds its field and changes nothing else


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"program": "import torch\n", "order": 2}, ParseError, "formulas only"),
        ({"expression": "x*y", "values": {"x": 1, "y": 2}, "order": 3}, ParseError, "1 or 2"),
        (
            {"expression": "a+b+c+d+e+f+g", "values": dict.fromkeys("abcdefg", 1.0), "order": 2},
            LimitError,
            "at most 6 leaves",
        ),
        (
            {"expression": "x*y", "values": {"x": [1, 2], "y": 2}, "order": 2},
            LimitError,
            "x is a list",
        ),
    ],
)
def test_refusals_say_what_to_do(kwargs, error, words):
    with pytest.raises(error) as caught:
        explain(make_input(**kwargs))
    assert words in caught.value.message


def test_six_leaves_are_fine_and_constants_do_not_count():
    values = dict.fromkeys("abcdef", 0.5) | {"Y": 1.0}
    h = _explain("Y*a*b + c*d*e*f", values, ["Y"]).hessian
    assert len(h.entries) == 21 and all(e.check.verdict == "agrees" for e in h.entries)


def test_off_a_kink_its_delta_is_zero_and_on_it_there_is_no_verdict():
    off = _explain("relu(x*y) + x", {"x": 1.5, "y": -0.5}).hessian
    assert all(e.check.verdict == "agrees" and e.value == 0 for e in off.entries)
    assert "DiracDelta" in str(off.entry("x", "x").closed)
    on = _explain("relu(x*y) + x", {"x": 0.0, "y": -0.5}).hessian
    assert on.numeric is not None
    for e in on.entries:
        assert e.check.verdict == "not_checked" and "kink" in e.check.reason


def test_an_engine_that_refuses_leaves_the_closed_forms(monkeypatch):
    def refuse(program, leaves):
        raise ProgramError("not_implemented_error", "NotImplementedError: create_graph=True")

    monkeypatch.setattr(order_two.engine_side, "hessian", refuse)
    h = _explain("x**3*y", {"x": 1.5, "y": -0.5}).hessian
    assert h.numeric is None and any("create_graph=True" in n for n in h.notes)
    e = h.entry("x", "y")
    assert e.value == pytest.approx(3 * 1.5**2)
    assert e.check.verdict == "not_checked" and e.check.agrees_numerical is True


def test_cli_explains_second_derivatives(capsys):
    code = main(
        [
            "explain",
            "--expression",
            "Y - x1*w1*w2",
            "--values",
            "x1=2,w1=5,w2=6,Y=10",
            "--constants",
            "Y",
            "--order",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "second derivatives of L (Hessian), engine by create_graph=True:" in out
    assert "steps for ∂²L/∂x1∂w1:" in out and "∂²L/∂x1∂w1 = -w2" in out


def test_cli_refuses_order_two_for_a_program(capsys, tmp_path):
    source = tmp_path / "p.py"
    source.write_text("import torch\n")
    assert main(["explain", str(source), "--order", "2"]) == 1
    assert "formulas only" in capsys.readouterr().err


def test_the_engine_rows_match_its_own_functional_hessian():
    import engine
    from engine.autograd.functional import hessian

    h = _explain("x**3*y + sin(x*y)", {"x": 1.5, "y": -0.5}).hessian
    expected = hessian(
        lambda a, b: a**3 * b + engine.sin(a * b), (engine.tensor(1.5), engine.tensor(-0.5))
    )
    np.testing.assert_allclose(h.numeric, [[float(v) for v in row] for row in expected])
