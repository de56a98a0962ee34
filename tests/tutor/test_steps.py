"""The step tree: what each step says about the chain rule, as data."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import sympy

from tests.tutor.builder import Builder, seed_b, seed_c
from tests.tutor.teaching import CASES
from tests.tutor.test_render import all_steps
from tutor import i18n, lang, render, steps
from tutor.explain import explain_graph, explain_program
from tutor.render.report import report, step_data
from tutor.steps import Derivation, NodeGradient
from tutor.symbolic.evaluate import evaluate
from tutor.symbolic.nodes import SymbolicGraph


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


PASSES = """\
import torch
x = torch.tensor(2.0, requires_grad=True)
a = x * x
b = a + 1
c = b - 3
d = c.double()
e = d + 2
L = e * 3
L.backward()
"""


def test_a_run_of_pass_through_steps_is_folded_with_its_steps_kept():
    explanation = explain_program(lang.parse_program(PASSES))
    (g,) = explanation.gradients
    derivation = next(s for s in g.steps if isinstance(s, Derivation))
    kinds = [steps.kind(s) for s in derivation.chain]
    # e = d + 2 is shown as the example; d = c.double(), c = b - 3, b = a + 1 fold into one
    assert kinds == ["node_gradient", "node_gradient", "pass_through", "node_gradient"]
    run = derivation.chain[2]
    assert [n.node for n in run.steps] == ["c", "b", "a"]
    assert run.result.value == 3.0 and steps.children(run) == run.steps
    line = render.text(run)
    assert line == (
        "… 3 more steps pass the gradient through unchanged (1 conversion to float64, "
        "1 subtraction, 1 addition): ∂L/∂c = ∂L/∂b = ∂L/∂a = 3"
    )
    # the CLI shows the run as that one line; the JSON step tree keeps its steps as children
    out = render.text(explanation)
    assert "… 3 more steps pass the gradient through unchanged" in out
    assert "∂L/∂c = ∂L/∂b = ∂L/∂a = 3" in out and "through b = a + 1" not in out
    tree = report(explanation)["gradients"][0]["steps"][0]
    folded = next(s for s in tree["children"] if s["kind"] == "pass_through")
    assert [c["node"] for c in folded["children"]] == ["c", "b", "a"]
    assert [c["kind"] for c in folded["children"][0]["children"]] == ["use"]
    assert (
        "through b = a + 1 (addition); by the sum rule"
        in folded["children"][2]["children"][0]["text"]
    )


def test_the_leafs_own_step_is_never_folded():
    source = PASSES.replace("L = e * 3", "L = e + 3").replace("a = x * x", "a = x + 0")
    derivation = next(
        s
        for s in explain_program(lang.parse_program(source)).gradients[0].steps
        if isinstance(s, Derivation)
    )
    # every node passes the gradient on: the first is shown, the leaf's step is the answer
    assert [steps.kind(s) for s in derivation.chain] == [
        "node_gradient",
        "pass_through",
        "node_gradient",
    ]
    assert [n.node for n in derivation.chain[1].steps] == ["d", "c", "b", "a"]
    assert derivation.chain[-1].node == "x"


def test_two_pass_through_steps_in_a_row_stay_as_they_are():
    source = PASSES.replace("d = c.double()", "d = c * 2")
    derivation = next(
        s
        for s in explain_program(lang.parse_program(source)).gradients[0].steps
        if isinstance(s, Derivation)
    )
    assert not any(isinstance(s, steps.PassThrough) for s in derivation.chain)


def test_a_folded_run_counts_its_operations_in_chinese():
    explanation = explain_program(lang.parse_program(PASSES))
    derivation = next(s for s in explanation.gradients[0].steps if isinstance(s, Derivation))
    with i18n.using("zh"):
        line = render.text(derivation.chain[2])
    assert line == (
        "… 另有 3 步把梯度原样传下去（1 次到 float64 的转换、1 次减法、1 次加法）："
        "∂L/∂c = ∂L/∂b = ∂L/∂a = 3"
    )
    source = PASSES.replace("d = c.double()", "d = c + 1").replace("c = b - 3", "c = b + 3")
    same = explain_program(lang.parse_program(source)).gradients[0].steps
    run = next(s for s in next(d for d in same if isinstance(d, Derivation)).chain[2:3])
    assert render.text(run).startswith("… 3 more additions pass the gradient through unchanged:")
    with i18n.using("zh"):
        assert render.text(run).startswith("… 另有 3 次加法把梯度原样传下去：")


def test_every_rule_the_steps_name_is_marked_for_translation():
    named = {
        s.edge.rule
        for case in CASES.values()
        for s in all_steps(explain_program(lang.parse_program(case)))
        if isinstance(s, steps.Use) and s.edge.rule
    }
    assert named and named <= set(steps.RULES)
    with i18n.using("zh"):
        assert steps.kind_label("node_gradient") == "节点梯度"
        assert {i18n.translate(rule) for rule in named} >= {"链式法则", "乘积法则"}


def test_every_kind_of_step_has_a_label():
    kinds = {steps.kind(cls.__new__(cls)) for cls in vars(steps).values() if _is_step_class(cls)}
    assert len(kinds) > 10 and kinds <= set(steps.KIND_LABELS)
    assert all(steps.kind_label(k) == k.replace("_", " ") for k in steps.KIND_LABELS)


def _is_step_class(cls) -> bool:
    return (
        dataclasses.is_dataclass(cls)
        and isinstance(cls, type)
        and cls.__module__ == steps.__name__
        and cls is not steps.Quantity
    )


REUSED_THROUGH_FUNCTIONS = """\
import torch
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
h = torch.tanh(x * w)
L = h * h + h.exp() * h
L.backward()
"""


def _substitutions(source: str):
    explanation = explain_program(lang.parse_program(source))
    values = SymbolicGraph(explanation.graph).values
    for g in explanation.gradients:
        derivation = next(s for s in g.steps if isinstance(s, Derivation))
        for s in g.steps:
            if isinstance(s, steps.Substitution):
                yield derivation, s, values


def test_substitution_starts_from_the_gradient_as_the_steps_wrote_it():
    # the adjoint spells ∂L/∂x as w*(1 - tanh(t1)**2)*(h*exp(h) + 2*h + t3), a form no
    # step shows; the substitution starts from the last step's (h*t3 + 2*h + t3)·(1 - h**2)·w
    found = list(_substitutions(REUSED_THROUGH_FUNCTIONS))
    assert len(found) == 2  # x and w
    for derivation, s, _ in found:
        assert s.before == steps.path_sum(derivation.chain[-1].uses)
        assert not any(isinstance(a, sympy.tanh) for a in s.before.atoms(sympy.Function))
        assert {str(name) for name, _ in s.definitions} == {"h", "t3"}  # t1 is not used
        assert "t1" not in {str(a) for a in s.before.free_symbols}


def test_substituting_the_definitions_gives_what_the_step_says():
    from tests.tutor.programs import generate

    checked = 0
    for seed in range(1000, 1030):
        program = generate(seed, size=8, tensors=False)
        for _, s, values in _substitutions(program.source):
            replaced = s.before.xreplace(dict(s.definitions))
            assert not replaced.free_symbols - set(s.after.free_symbols), program.source
            np.testing.assert_allclose(
                evaluate(replaced, values),
                evaluate(s.after, values),
                rtol=1e-9,
                err_msg=program.source,
            )
            checked += 1
    assert checked >= 30  # most leaves of the 30 programs have intermediates to substitute


ROOT_EDGE_AMONG_NAMED_USES = """\
import torch
x = torch.tensor(0.7, requires_grad=True)
w = torch.tensor(1.3, requires_grad=True)
a = torch.tanh(x * w + 0.5)
b = torch.sigmoid(a * w - x) * torch.exp(a)
c = torch.log(b * b + a * a + 1.0)
L = a * c
L.backward()
"""


def test_the_roots_own_partial_is_written_as_the_local_derivative_in_a_named_sum():
    # the gradient of a is too long to spell out, so its uses are summed by name; the use
    # by L itself is written as its local derivative c, not as ∂L/∂a (a circular-looking
    # ∂L/∂a = ∂L/∂a + …)
    text = render.text(explain_program(lang.parse_program(ROOT_EDGE_AMONG_NAMED_USES)))
    sum_line = next(line for line in text.splitlines() if line.strip().startswith("∂L/∂a = "))
    assert sum_line.split(" = ")[1].startswith("c + ∂L/∂t9·∂t9/∂a"), sum_line
    assert "∂L/∂a = ∂L/∂a" not in text
