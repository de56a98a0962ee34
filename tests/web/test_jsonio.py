"""JSON without NaN, in both directions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tutor.jsonio import NonFiniteLiteral, dumps_strict, jsonable, loads_strict


def test_non_finite_numbers_become_strings():
    text = dumps_strict({"a": [float("nan"), float("inf"), -float("inf"), 1.5], "b": (2,)})
    assert json.loads(text) == {"a": ["nan", "inf", "-inf", 1.5], "b": [2]}
    assert "NaN" not in text and "Infinity" not in text


def test_numpy_values_become_plain_json():
    assert jsonable(np.float32(2.5)) == 2.5
    assert jsonable(np.array(3.0)) == 3.0  # 0-d: a plain number
    assert jsonable(np.array([[1, 2]], dtype=np.float32)) == [[1.0, 2.0]]
    assert jsonable(np.array([np.nan, np.inf])) == ["nan", "inf"]


def test_other_objects_are_refused():
    with pytest.raises(TypeError):
        jsonable(object())


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"x": -Infinity}'])
def test_reading_refuses_non_finite_literals(text):
    with pytest.raises(NonFiniteLiteral):
        loads_strict(text)


def test_reading_plain_json():
    assert loads_strict('{"x": [1, 2.5e3, "nan"]}') == {"x": [1, 2500.0, "nan"]}
