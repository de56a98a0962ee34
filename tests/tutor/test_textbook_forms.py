"""Closed forms as a teacher writes them: σ(u) − y for a sigmoid under cross-entropy,
1 − tanh²(u), [u > 0] for relu', sign(u) for |u|' — equal to the derivation and to the
engine's gradient, and never longer than the textbook's form."""

from __future__ import annotations

import html

import numpy as np
import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

from tests.tutor.teaching import CASES
from tutor.explain import explain, make_input
from tutor.render import text, typeset
from tutor.symbolic import textbook
from tutor.symbolic.budget import Budget, Clock
from tutor.symbolic.canonical import canonical

x, y, w, b = sympy.symbols("x y w b", real=True)
u = b + w * x
sigma = 1 / (1 + sympy.exp(-u))

NEURON = """\
import torch
x = torch.tensor(2.0)
y = torch.tensor(1.0)
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(-0.25, requires_grad=True)
{body}
L.backward()
"""


def gradients(source: str) -> dict:
    return {g.leaf: g for g in explain(make_input(program=source)).gradients}


def neuron(body: str) -> dict:
    return gradients(NEURON.format(body=body))


def assert_textbook(g, expected: sympy.Expr) -> None:
    """The displayed form equals ``expected``, is no longer (as shown), reads back from its
    text, and has the engine's value."""
    shown = g.symbolic
    assert sympy.simplify((shown - expected).rewrite(sympy.exp)) == 0, text(shown)
    assert textbook.shown_ops(shown) <= textbook.shown_ops(expected), typeset.text(shown)
    names = {str(s): s for s in shown.free_symbols}
    parsed = parse_expr(typeset.text(shown), local_dict=names)
    assert sympy.simplify(parsed - shown) == 0
    assert g.check.agrees
    assert np.allclose(g.value, g.numeric, rtol=1e-5)


def test_sigmoid_with_binary_cross_entropy_is_x_times_sigma_minus_y():
    g = gradients(CASES["sigmoid_bce"])
    assert_textbook(g["w"], x * (sigma - y))
    assert_textbook(g["b"], sigma - y)
    for leaf in "wb":
        tex = typeset.latex(g[leaf].symbolic)
        assert r"\sigma\left(b + w x\right)" in tex and "e^" not in tex
        assert "σ" in html.unescape(typeset.mathml(g[leaf].symbolic))


def test_a_sigmoid_alone_is_sigma_times_one_minus_sigma():
    g = neuron("L = torch.sigmoid(w * x + b)")
    assert_textbook(g["w"], x * sigma * (1 - sigma))
    assert typeset.latex(g["b"].symbolic).count(r"\sigma") == 2


def test_a_sigmoid_under_a_squared_error_keeps_its_sigmas():
    g = neuron("L = (torch.sigmoid(w * x + b) - y) ** 2")
    assert_textbook(g["b"], 2 * (sigma - y) * sigma * (1 - sigma))
    assert "e^" not in typeset.latex(g["b"].symbolic)


def test_a_tanh_neuron_is_one_minus_tanh_squared():
    g = gradients(CASES["tanh_neuron"])
    h = sympy.tanh(u)
    assert_textbook(g["w"], x * (1 - h**2))
    assert_textbook(g["b"], 1 - h**2)
    for leaf in "wb":
        assert not g[leaf].symbolic.has(sympy.exp, sympy.sech, sympy.cosh)


def test_a_squared_error_stays_compact():
    g = neuron("L = (w * x + b - y) ** 2")
    assert_textbook(g["w"], 2 * x * (u - y))
    assert_textbook(g["b"], 2 * (u - y))


def test_relu_and_its_derivative_are_named_on_the_page_and_parseable_in_text():
    g = neuron("L = torch.relu(w * x + b) * w")
    expected = sympy.Max(0, u) + w * x * sympy.Heaviside(u, 0)
    assert_textbook(g["w"], expected)
    tex = typeset.latex(g["w"].symbolic)
    assert r"\operatorname{relu}\left(b + w x\right)" in tex and r"\left[b + w x > 0\right]" in tex
    markup = html.unescape(typeset.mathml(g["w"].symbolic))
    assert "relu" in markup and "[" in markup and "Θ" not in markup
    assert "Heaviside(b + w*x, 0)" in typeset.text(g["w"].symbolic)  # sympy reads it back


def test_the_indicator_is_defined_with_the_step_that_uses_relus_derivative():
    words = text(explain(make_input(program=NEURON.format(body="L = torch.relu(w * x + b)"))))
    start = words.index("(ReLU)")  # the relu step, however its lines are wrapped
    step = " ".join(words[start : words.index("\n    ∂", start)].split())
    assert "Heaviside(" in step and "relu'(u) = [u > 0] (Heaviside(u, 0)), 1 where u > 0" in step
    assert "relu'(0) is taken as 0" in step


def test_abs_differentiates_to_sign():
    g = neuron("L = torch.abs(w * x + b)")
    assert_textbook(g["w"], x * sympy.sign(u))
    assert r"\operatorname{sign}" in typeset.latex(g["w"].symbolic)


def test_the_last_step_says_sympy_simplified_the_form():
    words = text(explain(make_input(program=CASES["sigmoid_bce"])))
    assert "simplified: " in words and "simplify:" not in words


def test_a_candidate_that_does_not_evaluate_to_the_derivation_is_rejected(monkeypatch):
    derivation = x * (-y / sigma + (1 - y) / (1 - sigma)) * sympy.exp(-u) * sigma**2
    values = {x: np.float64(2), y: np.float64(1), w: np.float64(0.5), b: np.float64(-0.25)}
    assert textbook.shortest(derivation, values, Budget(), Clock(5)) == x * (sigma - y)
    monkeypatch.setattr(textbook, "named", lambda e, budget, clock: x * sigma)  # wrong, short
    shown = textbook.shortest(derivation, values, Budget(), Clock(5))
    assert shown == textbook.signs(canonical(derivation, Budget(), Clock(5)))


def test_without_time_left_the_derivation_is_shown_as_it_is():
    derivation = x * (sigma - y) * 2 / 2 + sympy.exp(-u) * 0
    clock = Clock(5)
    clock.deadline = 0.0  # spent
    assert textbook.shortest(derivation, {x: 2.0, y: 1.0, w: 0.5, b: 0.0}, Budget(), clock) == (
        derivation
    )


@pytest.mark.parametrize(
    ("expr", "shown"),
    [
        (sigma, r"\sigma\left(b + w x\right)"),
        (sigma**2, r"\sigma\left(b + w x\right)^{2}"),
        (sympy.Max(0, u), r"\operatorname{relu}\left(b + w x\right)"),
        (sympy.Heaviside(u, 0), r"\left[b + w x > 0\right]"),
        (sympy.Heaviside(u, 1), r"\left[b + w x \geq 0\right]"),
        (sympy.Max(1, u), r"\max\left(1, b + w x\right)"),
    ],
)
def test_latex_writes_the_textbooks_notation(expr, shown):
    assert typeset.latex(expr) == shown
    assert typeset.mathml(expr).startswith("<m")
