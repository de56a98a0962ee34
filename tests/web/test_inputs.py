"""Reading requests: strict JSON bodies, the page's query string, normalisation for the cache."""

from __future__ import annotations

import json

import pytest

from tutor.errors import ParseError
from tutor.explain.inputs import normalise_source
from tutor.lang.values import parse_values
from tutor.web.errors import RequestError
from tutor.web.inputs import from_json, from_query


def _body(obj) -> bytes:
    return json.dumps(obj).encode()


def test_program_body():
    inp = from_json(_body({"program": "import torch\r\nx = 1   \r\n\r\n"}))
    assert inp.kind == "program" and inp.program == "import torch\nx = 1\n"


def test_expression_body():
    inp = from_json(
        _body(
            {"expression": " Y - x*w ", "values": {"x": 2, "w": [1, 2.5]}, "requires_grad": ["x"]}
        )
    )
    assert inp.kind == "expression" and inp.expression == "Y - x*w"
    assert inp.values == {"w": [1, 2.5], "x": 2} and inp.requires_grad == ("x",)


def test_equal_inputs_are_equal_keys():
    a = from_json(_body({"expression": "x*w", "values": {"x": 2, "w": 3}}))
    b = from_json(_body({"expression": "x*w ", "values": {"w": 3, "x": 2}}))
    assert a == b and hash(a) == hash(b)
    assert from_json(_body({"program": "x = 1\n"})) == from_json(_body({"program": "x = 1\r\n  "}))


def test_normalising_keeps_every_position():
    text = "\n\nx = 1  \n    y = x\t\n"
    out = normalise_source(text)
    for i, line in enumerate(out.splitlines()):
        assert text.splitlines()[i].startswith(line)


BAD_BODIES = [
    (b"{", "invalid_json"),
    (b'{"program": NaN}', "invalid_json"),
    (b'{"expression": "x", "values": {"x": Infinity}}', "invalid_json"),
    (b'{"expression": "x", "values": {"x": -Infinity}}', "invalid_json"),
    (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    (b'["program"]', "invalid_request"),
    (b"{}", "invalid_request"),
    (b'{"program": 3}', "invalid_request"),
    (b'{"program": "x", "values": {}}', "invalid_request"),
    (b'{"program": "x", "extra": 1}', "invalid_request"),
    (b'{"expression": "x"}', "invalid_request"),
    (b'{"expression": "x", "values": [1]}', "invalid_request"),
    (b'{"expression": "x", "values": {"x": 1}, "requires_grad": "x"}', "invalid_request"),
    (b'{"expression": "x", "values": {"x": 1}, "requires_grad": [1]}', "invalid_request"),
    (b'{"expression": "x", "values": {"x": 1}, "wrt": "x"}', "invalid_request"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_BODIES)
def test_bad_bodies_are_refused_with_a_reason(raw, code):
    with pytest.raises(RequestError) as info:
        from_json(raw)
    assert info.value.code == code and info.value.status == 400 and info.value.message


def test_query_string_forms():
    assert from_query({}) is None
    assert from_query({"program": "x = 1"}).program == "x = 1\n"
    inp = from_query({"expression": "Y - x1*w1", "values": "x1=2, w1=5,Y=10", "requires_grad": ""})
    assert inp.values == {"x1": 2, "w1": 5, "Y": 10} and inp.requires_grad is None
    inp = from_query({"expression": "x*w", "values": "x=[1, 2],w=3", "requires_grad": "x, w"})
    assert inp.values == {"x": [1, 2], "w": 3} and inp.requires_grad == ("x", "w")


@pytest.mark.parametrize("text", ["x", "x=", "=2", "x=two", "x=NaN", "x=[1,", "1x=2", "x=[[1],"])
def test_bad_values_field(text):
    with pytest.raises(ParseError) as info:
        parse_values(text)
    assert info.value.code == "invalid_values" and info.value.status == 400
