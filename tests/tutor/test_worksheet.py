"""Worksheets: a pure function of their parameters, five levels that do what they say."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter

import pytest

from tutor.functions import FUNCTIONS
from tutor.graph import LEAF, OP
from tutor.worksheet.sheet import WorksheetError, check_box, make_worksheet

# level 5 asks what print(y.grad) shows for a non-leaf y: the engine warns as PyTorch does
pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

SHEETS = [(7, 8, level, 1) for level in range(1, 6)] + [(2024, 5, 3, 2), (0, 1, 1, 999)]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def fifty():
    """A 50-problem sheet of every level."""
    return {level: make_worksheet(11, 50, level) for level in range(1, 6)}


def test_same_parameters_same_json_across_processes():
    here = [_digest(make_worksheet(*p).json_text) for p in SHEETS]
    script = (
        "import hashlib, sys\n"
        "from tutor.worksheet import make_worksheet\n"
        f"for p in {SHEETS!r}:\n"
        "    print(hashlib.sha256(make_worksheet(*p).json_text.encode()).hexdigest())\n"
    )
    for hash_seed in ("0", "4242"):  # sympy's sets and dicts iterate by hash: vary it
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONWARNINGS="ignore")
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout.split() == here


def test_different_seeds_and_versions_give_different_sheets():
    for level in range(1, 6):
        base = make_worksheet(1, 6, level).to_json()["problems"]
        assert make_worksheet(2, 6, level).to_json()["problems"] != base
        assert make_worksheet(1, 6, level, version=2).to_json()["problems"] != base


def test_a_longer_sheet_extends_a_shorter_one():
    short, long = make_worksheet(3, 4, 2), make_worksheet(3, 9, 2)
    assert short.to_json()["problems"] == long.to_json()["problems"][:4]


def test_no_duplicates_within_a_sheet(fifty):
    for sheet in fifty.values():
        exact = Counter((p.draft.shown, p.draft.given, p.kind, p.wrt) for p in sheet.problems)
        alike = Counter((p.draft.structure, p.kind, p.wrt) for p in sheet.problems)
        assert max(exact.values()) == 1
        assert max(alike.values()) == 1, "the same problem with other numbers"


def test_matrix_form_questions_take_their_key_and_refuse_a_wrong_answer(fifty):
    asked = [p for p in fifty[5].problems if p.kind == "matrix_form"]
    assert asked
    for p in asked:
        (box,) = p.boxes
        assert "@" in box.answer or ".sum(" in box.answer or "torch." in box.answer
        assert check_box(p, box.id, box.answer).correct, box.answer
        halved = check_box(p, box.id, f"({box.answer}) / 2")
        assert not halved.correct and halved.diagnosis == "not_equivalent"
        assert "matrix form" in p.prompt


def test_every_kind_of_question_is_asked(fifty):
    kinds = {level: {p.kind for p in sheet.problems} for level, sheet in fifty.items()}
    assert kinds == {
        1: {"closed_form", "value", "graph"},
        2: {"closed_form", "value", "graph"},
        3: {"closed_form", "value", "graph"},
        4: {"closed_form", "value", "output"},
        5: {"value", "output", "matrix_form"},
    }


def _uses(graph) -> Counter:
    return Counter(e.source for e in graph.edges)


def _ops(graph) -> list[str]:
    return [n.op for n in graph.nodes if n.kind == OP]


def test_level_1_is_single_paths_through_add_sub_mul(fifty):
    for p in fifty[1].problems:
        graph = p.explanation.graph
        assert p.draft.input.kind == "expression" and p.draft.shown.startswith("L = ")
        assert set(_ops(graph)) <= {"add", "sub", "mul"}
        leaves = [n.id for n in graph.nodes if n.kind == LEAF]
        assert all(_uses(graph)[leaf] == 1 for leaf in leaves), p.draft.shown
        assert all(n.shape == () for n in graph.nodes)


def test_level_2_always_forks(fifty):
    programs = 0
    for p in fifty[2].problems:
        graph = p.explanation.graph
        assert max(_uses(graph).values()) >= 2, p.draft.shown  # a value used twice
        assert set(_ops(graph)) <= {"add", "sub", "mul", "div", "pow"}
        programs += p.draft.input.kind == "program"  # diamonds: a named shared intermediate
    assert 0 < programs < 50
    assert any({"div", "pow"} & set(_ops(p.explanation.graph)) for p in fifty[2].problems)


def test_level_3_chains_functions_in_three_to_six_operations(fifty):
    functions = {"exp", "log", "sin", "cos", "tanh", "sigmoid", "relu"}
    seen = set()
    for p in fifty[3].problems:
        ops = _ops(p.explanation.graph)
        assert 3 <= len(ops) <= 6, p.draft.shown
        assert functions & set(ops), p.draft.shown
        seen |= functions & set(ops)
    assert seen == functions


def test_level_4_is_tensors_with_reductions_broadcasting_and_gradient_arguments(fifty):
    problems = fifty[4].problems
    for p in problems:
        assert any(n.shape for n in p.explanation.graph.nodes), p.draft.shown
    sources = "".join(p.draft.shown for p in problems)
    for feature in (".mean()", ".sum()", "backward(v)", "backward(gradient=v)", "w * x"):
        assert feature in sources


def test_level_5_is_layers_and_pytorch_semantics(fifty):
    sources = [p.draft.shown for p in fifty[5].problems]
    for feature in ("@ W", ".detach()", "torch.no_grad()", "zero_()", "retain_grad()", ".is_leaf"):
        assert any(feature in s for s in sources), feature
    accumulating = [p for p in fifty[5].problems if len(p.explanation.graph.backward_calls) == 2]
    assert accumulating


def test_problems_are_clean(fifty):
    for sheet in fifty.values():
        for p in sheet.problems:
            for node in p.explanation.graph.nodes:
                spec = FUNCTIONS.get(node.op or "")
                if spec is not None and spec.kink:  # relu and abs never sit on their kink
                    assert all(p.explanation.graph.node(i).value != 0 for i in node.inputs)
            if p.kind == "closed_form":
                assert len(p.boxes[0].answer) <= 80


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 0, 1), "problems must be a whole number from 1 to 50"),
        ((1, 51, 1), "problems must be a whole number from 1 to 50"),
        ((1, 5, 0), "level must be a whole number from 1 to 5"),
        ((1, 5, 6), "level must be a whole number from 1 to 5"),
        ((-1, 5, 1), "seed must be a whole number"),
        ((2**31, 5, 1), "seed must be a whole number"),
        ((1, 5, 1, 0), "version must be a whole number from 1 to 999"),
        (("1", 5, 1), "seed must be a whole number"),
        ((1, True, 1), "problems must be a whole number"),
    ],
)
def test_parameters_out_of_range_are_400(args, message):
    with pytest.raises(WorksheetError, match=message) as caught:
        make_worksheet(*args)
    assert caught.value.status == 400
