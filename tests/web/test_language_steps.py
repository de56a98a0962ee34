"""The zh result page's chain-rule steps and graph table carry no English: every sentence of
the steps and every label of the graph's table is translated, with code, identifiers and
math left as they are (PyTorch's own messages stay English wherever they are quoted)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.tutor.programs import generate
from tests.tutor.teaching import CASES as TEACHING
from tests.tutor.test_gradient_programs import CASES as SECOND_ORDER
from tests.tutor.test_steps import PASSES
from tests.web.htmlq import Element
from tests.web.test_language import _english, _page
from tutor import examples

ACCUMULATED = """import torch
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
with torch.no_grad():
    c = x * 4
y = (x * w + c).sigmoid()
y.backward()
z = (x.detach() * w + x ** 2).relu()
z.backward()
"""
PROGRAMS = {
    **{f"seed-{name}": examples.seed(name) for name in "abc"},
    **{f"snippet-{s.key}": s.program for s in examples.SNIPPETS},
    **{f"teaching-{name}": program for name, program in TEACHING.items()},
    **{f"second-order-{name}": case[0] for name, case in SECOND_ORDER.items()},
    **{f"generated-{seed}": generate(seed).source for seed in (1, 2, 3, 5, 8)},
    "accumulated": ACCUMULATED,
    "passes": PASSES,
}
FORMULAS = {
    f"formula-{f.key}": {
        "expression": f.expression,
        "values": f.values,
        "requires_grad": f.requires_grad,
        "order": f.order,
    }
    for f in examples.FORMULAS
}
FORMULAS["hessian"] = {"expression": "exp(x)*sin(y) + x*y**2", "values": "x=0.5,y=2", "order": "2"}


def _zh_result(client, query: dict) -> Element:
    doc = _page(client, "/?" + urlencode({"lang": "zh", **{k: v for k, v in query.items() if v}}))
    assert doc.find("section", cls="results") is not None, query
    assert doc.find(cls="graph-table") is not None  # steps too, when a backward call ran
    return doc


@pytest.mark.parametrize("name", PROGRAMS)
def test_a_programs_page_is_all_chinese(client, name):
    assert _english(_zh_result(client, {"program": PROGRAMS[name]})) == []


@pytest.mark.parametrize("name", FORMULAS)
def test_a_formulas_page_is_all_chinese(client, name):
    assert _english(_zh_result(client, FORMULAS[name])) == []


def test_the_english_page_still_says_its_steps_in_english(client):
    doc = _page(client, "/?" + urlencode({"program": examples.seed("c")}))
    assert "product rule" in " ".join(s.text() for s in doc.find_all(cls="steps"))
