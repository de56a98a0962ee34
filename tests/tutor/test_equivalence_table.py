"""For 32 gradients: right forms written many ways are accepted, typical wrong ones rejected.

Right forms are the key rewritten (expanded, factored, over one denominator, in
exponentials, with a factor that cancels, ...); wrong ones are the classic slips — the
opposite sign, a constant off, a factor of two, the key at the given values instead of a
formula — and sign-blind ones: the key with a variable replaced by its absolute value,
right only where that variable is positive. Each verdict is asserted with its diagnosis.
"""

from __future__ import annotations

import pytest
import sympy

from tutor.checking import check
from tutor.explain import explain, make_input

# a wrong form that happens to be a classic mistake gets that (more telling) diagnosis
DIAGNOSED = {"not_equivalent", "wrong_local", "missing_path", "missing_mean", "other_leaf"}
CASES = [  # (formula, values, wrt)
    ("x**2", {"x": 3}, "x"),
    ("x**3 - 2*x", {"x": 1.5}, "x"),
    ("x*y", {"x": 3, "y": 2}, "x"),
    ("x*y*z", {"x": 1, "y": 2, "z": -3}, "z"),
    ("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, "w1"),
    ("(x + y)**2", {"x": 1, "y": 2}, "y"),
    ("x/y", {"x": 3, "y": 2}, "y"),
    ("(x - y)**2/2", {"x": 3, "y": 1}, "x"),
    ("exp(x*y)", {"x": 0.5, "y": 1.5}, "x"),
    ("exp(-x**2)", {"x": 0.5}, "x"),
    ("log(x**2 + 1)", {"x": 2}, "x"),
    ("log(x*y)", {"x": 2, "y": 3}, "x"),
    ("sin(x)*cos(y)", {"x": 0.5, "y": 1}, "x"),
    ("sin(x*y)", {"x": 0.5, "y": 2}, "y"),
    ("cos(x)**2", {"x": 0.7}, "x"),
    ("tan(x)", {"x": 0.4}, "x"),
    ("tanh(w*x + b)", {"w": 0.5, "x": 2, "b": -0.25}, "w"),
    ("tanh(x)**2", {"x": 0.3}, "x"),
    ("sigmoid(w*x)", {"w": 0.5, "x": 2}, "w"),
    ("sigmoid(x)*x", {"x": 1.5}, "x"),
    ("sqrt(x**2 + y**2)", {"x": 3, "y": 4}, "x"),
    ("sqrt(x)*y", {"x": 4, "y": 3}, "x"),
    ("x*exp(x)", {"x": 0.5}, "x"),
    ("x*y + exp(x)", {"x": 1, "y": 3}, "x"),
    ("(w*x - y)**2", {"w": 0.5, "x": 2, "y": 3}, "w"),
    ("(w*x + b - y)**2", {"w": 2, "x": 1.5, "b": 0.5, "y": 1}, "b"),
    ("1/(1 + x**2)", {"x": 2}, "x"),
    ("x*y/(x + y)", {"x": 1, "y": 3}, "x"),
    ("exp(x)/(exp(x) + exp(y))", {"x": 1, "y": 2}, "x"),
    ("log(1 + exp(x))", {"x": 0.5}, "x"),
    ("x**2*y - y**3", {"x": 2, "y": 1}, "y"),
    ("sinh(x)*y", {"x": 0.5, "y": 2}, "x"),
]


def _key(formula: str, values: dict, wrt: str):
    x = explain(make_input(expression=formula, values=values))
    return x, x.gradient(wrt).symbolic


def _right(key: sympy.Expr, leaf: str) -> list[str]:
    s = sympy.Symbol(leaf, real=True)
    forms = {
        str(key),
        str(sympy.expand(key)),
        str(sympy.factor(key)),
        str(sympy.together(key)),
        f"2*({key})/2",
        f"({key}) + {leaf} - {leaf}",
        f"({key})*({leaf}**2 + 1)/({leaf}**2 + 1)",
        f"-(-({key}))",
    }
    exponential = key.rewrite(sympy.exp)  # tanh, sigmoid and cosh in exponentials
    if not exponential.has(sympy.I):  # sin and cos would need complex numbers
        forms.add(str(exponential))
    assert s.name == leaf
    return sorted(forms)


def _sign_blind(key: sympy.Expr, values: dict) -> str | None:
    """The key with one variable replaced by its absolute value, when that changes it."""
    for symbol in sorted(key.free_symbols, key=str):
        blind = key.xreplace({symbol: sympy.Abs(symbol)})
        probe = {s: -2.5 if s == symbol else 1.25 for s in key.free_symbols}
        try:
            if abs(float(blind.subs(probe)) - float(key.subs(probe))) > 1e-6:
                return str(blind)
        except TypeError:  # not real there (sqrt of a negative): no impostor to try
            continue
    return None


@pytest.mark.parametrize(("formula", "values", "wrt"), CASES, ids=[c[0] for c in CASES])
def test_right_forms_are_accepted(formula, values, wrt):
    x, key = _key(formula, values, wrt)
    forms = _right(key, wrt)
    assert len(forms) >= 5
    for form in forms:
        result = check(x, wrt, form)
        assert result.correct and result.diagnosis == "correct", (form, result.feedback)


@pytest.mark.parametrize(("formula", "values", "wrt"), CASES, ids=[c[0] for c in CASES])
def test_wrong_forms_are_rejected_with_their_diagnosis(formula, values, wrt):
    x, key = _key(formula, values, wrt)
    value = float(key.subs({sympy.Symbol(k, real=True): v for k, v in values.items()}))
    wrong = {
        f"-({key})": {"sign_error"},
        f"({key}) + 1": DIAGNOSED,
        f"2*({key})": DIAGNOSED,
        f"({key})**2 + 3": DIAGNOSED,
        repr(round(value, 6)): DIAGNOSED | {"value_not_closed_form"},
    }
    blind = _sign_blind(key, values)
    if blind is not None:
        wrong[blind] = DIAGNOSED
    assert len(wrong) >= 5
    for form, diagnoses in wrong.items():
        result = check(x, wrt, form)
        assert not result.correct and result.diagnosis in diagnoses, (form, result.feedback)


def test_most_keys_have_a_sign_blind_impostor():
    blind = [_sign_blind(_key(*case)[1], case[1]) for case in CASES]
    assert sum(b is not None for b in blind) >= 25
