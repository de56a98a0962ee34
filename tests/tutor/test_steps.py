"""The step tree: what each step says about the chain rule, as data."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

from tests.tutor.builder import Builder, seed_b, seed_c
from tutor import steps
from tutor.explain import explain_graph
from tutor.render.report import step_data
from tutor.steps import Derivation, NodeGradient


def real(names: str):
    return sympy.symbols(names, real=True)


def chain_of(explanation, leaf: str) -> dict[str, NodeGradient]:
    g = next(g for g in explanation.gradients if g.leaf == leaf)
    derivation = next(s for s in g.steps if isinstance(s, Derivation))
    return {n.node: n for n in derivation.chain}


def test_seed_c_multiplies_the_local_derivatives_along_the_path():
    chain = chain_of(explain_graph(seed_c()), "x1")
    x1_step = chain["x1"]
    (use,) = x1_step.uses
    w1, w2 = real("w1 w2")
    assert use.factors == (sympy.Integer(-1), w2, w1)
    assert use.path == ("L", "y", "x2", "x1")
    assert x1_step.result.expr == -w1 * w2
    assert x1_step.result.value == -30.0
    assert use.edge.derivative.expr == w1 and use.edge.derivative.value == 5.0


def test_seed_b_shows_the_one_over_n_of_the_mean_and_the_two_uses_of_y():
    chain = chain_of(explain_graph(seed_b()), "x")
    mean = chain["z"].uses[0]
    assert mean.edge.reduction == "mean" and mean.edge.count == 4
    assert mean.factors == (sympy.Rational(1, 4),)
    y = real("y")
    assert len(chain["y"].uses) == 2
    assert [u.factors for u in chain["y"].uses] == [(sympy.Rational(1, 4), 3, y)] * 2
    assert chain["y"].result.expr == 3 * y / 2
    assert chain["x"].result.value == 4.5


def test_broadcast_copies_are_summed():
    b = Builder()
    b.leaf("X", np.arange(6.0).reshape(2, 3), requires_grad=False)
    b.leaf("c", [1.0, 2.0, 3.0])
    b.op("h", "mul", "X", "c")
    b.op("L", "sum", "h")
    b.backward("L")
    explanation = explain_graph(b.graph)
    (use,) = chain_of(explanation, "c")["c"].uses
    assert use.copies == 2
    assert use.result.value == [3.0, 5.0, 7.0]  # column sums of X


def test_a_detached_use_is_a_cut_step():
    b = Builder()
    b.leaf("x", 3.0)
    b.detach("d", "x")
    b.op("y", "mul", "x", "d")
    b.backward("y")
    g = explain_graph(b.graph).gradients[0]
    derivation = next(s for s in g.steps if isinstance(s, Derivation))
    assert [(c.source, c.target, c.reason) for c in derivation.cuts] == [("x", "d", "detach")]
    assert g.symbolic == real("d")


def test_a_leaf_reached_only_through_detach_has_no_gradient_and_says_why():
    b = Builder()
    b.leaf("x", 3.0)
    b.leaf("w", 2.0)
    b.detach("d", "x")
    b.op("y", "mul", "w", "d")
    b.backward("y")
    explanation = explain_graph(b.graph)
    assert [g.leaf for g in explanation.gradients] == ["w"]
    (none,) = explanation.no_gradient
    assert none.leaf == "x" and none.cuts[0].reason == "detach"


@pytest.mark.parametrize("graph", [seed_b, seed_c])
def test_steps_serialise_to_json_with_their_kind(graph):
    explanation = explain_graph(graph())
    for g in explanation.gradients:
        for step in g.steps:
            data = step_data(step)
            json.dumps(data)
            assert data["kind"] == steps.kind(step)


def test_nested_steps_are_children_not_data():
    chain = chain_of(explain_graph(seed_c()), "x1")
    node = chain["x1"]
    assert steps.children(node) == node.uses
    assert "uses" not in step_data(node)
