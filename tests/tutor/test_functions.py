"""The one table of functions drives the evaluator, the answer parser and its messages."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy

import engine
from tutor.checking.answers import ANSWER_FUNCTIONS, read_formula
from tutor.errors import ParseError
from tutor.functions import ELEMENTWISE, FUNCTIONS
from tutor.symbolic.evaluate import evaluate

X = sympy.Symbol("x", real=True)
POINTS = np.array([0.3, 0.7, 1.1])  # inside every domain (log, sqrt), away from kinks
UNARY = [
    spec
    for spec in FUNCTIONS.values()
    if spec.kind == ELEMENTWISE and spec.operands == 1 and not spec.params and spec.torch_names
]


@pytest.mark.parametrize("spec", UNARY, ids=lambda s: s.key)
def test_each_unary_row_evaluates_like_the_engine_and_so_does_its_derivative(spec):
    expected = spec.engine(engine.tensor(POINTS, dtype=engine.float64)).numpy()
    assert np.allclose(evaluate(spec.sympy(X), {X: POINTS}), expected)
    derivative = spec.derivative(X)[0] if spec.derivative else sympy.diff(spec.sympy(X), X)
    assert np.all(np.isfinite(evaluate(derivative, {X: POINTS})))


@pytest.mark.parametrize("spec", UNARY, ids=lambda s: s.key)
def test_each_unary_row_is_a_function_an_answer_may_write(spec):
    name = spec.torch_names[0]
    assert read_formula(f"{name}(x)", {"x": X}) == spec.sympy(X)
    assert (name in ANSWER_FUNCTIONS) == (spec.operator is None)


def test_a_refused_call_lists_exactly_the_functions_an_answer_may_write():
    with pytest.raises(ParseError) as info:
        read_formula("clamp(x, 0, 1)", {"x": X})
    listed = re.search(r"elementwise functions \(([^)]*)\)", info.value.message)
    assert tuple(listed.group(1).split(", ")) == ANSWER_FUNCTIONS
    assert {"exp", "tanh", "sigmoid", "relu", "abs", "maximum"} <= set(ANSWER_FUNCTIONS)
