"""One vocabulary: every name a step, a closed form or a definition uses is a name the
program wrote or a short name the graph shows."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sympy

from tests.tutor.programs import generate
from tests.tutor.teaching import CASES
from tests.tutor.test_matrix_forms import EXPECTED as MATRIX_CASES
from tutor import lang, steps
from tutor.explain import explain_program
from tutor.render import report, svg
from tutor.symbolic import matrix as mx
from tutor.worksheet import make_worksheet

ELEMENT = re.compile(r"(.+)\[[\d, ]+\]\Z")  # X[0, 1]: an element of a shown value


IDS = ("root", "node", "source", "target", "leaf", "path")  # step fields that hold node ids


def _names(obj, out: set[str]) -> set[str]:
    if isinstance(obj, (sympy.Basic, mx.Form)):
        out |= {str(s) for s in obj.free_symbols}
    elif isinstance(obj, steps.Start):  # the gradient backward starts from is defined here
        return out
    elif isinstance(obj, steps.EdgeDerivative):  # its matrix form defines its own G
        for field in dataclasses.fields(obj):
            if field.name != "matrix":
                _names(getattr(obj, field.name), out)
    elif dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            value = getattr(obj, field.name)
            if field.name in IDS:
                out |= {value} if isinstance(value, str) else set(value)
            else:
                _names(value, out)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _names(item, out)
    return out


def unknown_names(explanation) -> set[str]:
    """The names used in ``explanation`` that its graph does not show."""
    used: set[str] = set()
    for g in explanation.gradients:
        _names((g.symbolic, g.steps, g.closed.definitions if g.closed else ()), used)
        if g.matrix is not None:
            _names((g.matrix.expr, tuple(f for _, f in g.matrix.definitions)), used)
            used |= {name for name, _ in g.matrix.definitions}
    _names(tuple(explanation.definitions.values()), used)
    shown = {svg._short(n) for n in report(explanation)["graph"]["nodes"]}
    return {n for n in used if n not in shown and not _element_of(n, shown)}


def _element_of(name: str, shown: set[str]) -> bool:
    match = ELEMENT.match(name)
    return bool(match) and match.group(1) in shown


@pytest.mark.parametrize("name", sorted(CASES))
def test_teaching_cases_speak_the_graphs_names(name):
    assert unknown_names(explain_program(lang.parse_program(CASES[name]))) == set()


def test_a_reassigned_name_is_called_on_the_graph_what_the_steps_call_it():
    source = "import torch\nx = torch.tensor(2.0, requires_grad=True)\ny = x * 3\ny = y * y\n"
    explanation = explain_program(lang.parse_program(source + "y.backward()\n"))
    assert unknown_names(explanation) == set()
    nodes = {n["id"]: svg._name(n) for n in report(explanation)["graph"]["nodes"]}
    assert nodes["y_2"] == "y_2 (y)"  # the steps say ∂y_2/∂y


@pytest.mark.parametrize("case", sorted(MATRIX_CASES))
def test_matrix_forms_speak_the_graphs_names(case):
    explanation = explain_program(lang.parse_program(MATRIX_CASES[case][0]))
    assert all(g.matrix is not None for g in explanation.gradients)
    assert unknown_names(explanation) == set()


@pytest.mark.parametrize("seed", range(40))
def test_generated_programs_speak_the_graphs_names(seed):
    assert unknown_names(explain_program(lang.parse_program(generate(seed).source))) == set()


@pytest.mark.parametrize("level", range(1, 6))
def test_every_worksheet_level_speaks_the_graphs_names(level):
    for problem in make_worksheet(3, 6, level).problems:
        assert unknown_names(problem.explanation) == set(), problem.draft.shown


@pytest.mark.parametrize("level", range(1, 6))
def test_a_worksheet_key_defines_each_short_name_before_using_it(level):
    from tutor.render import text

    for seed in (1, 2, 3):
        for problem in make_worksheet(seed, 10, level).problems:
            defined: set[str] = set()
            for step in problem.key_steps():
                line = text(step)
                defined |= set(re.findall(r"\b(t\d+) = ", line))
                used = set(re.findall(r"\b(t\d+)\b", line))
                assert used <= defined, (problem.draft.shown, line)
