"""The examples one click away: the published snippets verbatim, and formulas that explain."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_NAMES, seed_source
from tutor import examples
from tutor.jsonio import loads_strict
from tutor.web.answers import json_answer
from tutor.web.inputs import from_query


@pytest.mark.parametrize("name", SEED_NAMES)
def test_page_offers_each_tutorial_snippet(name):
    assert [s.program for s in examples.SNIPPETS if s.key == name] == [seed_source(name)]


@pytest.mark.parametrize("formula", examples.FORMULAS, ids=lambda f: f.key)
def test_formulas_explain_and_agree(formula):
    inp = from_query(
        {
            "expression": formula.expression,
            "values": formula.values,
            "requires_grad": formula.requires_grad,
        }
    )
    data = loads_strict(json_answer(inp))
    assert data["gradients"] and all(g["agrees"] for g in data["gradients"])
