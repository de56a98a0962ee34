"""explain(): the seed graphs, the JSON of Contract 3, the verdict and the budget."""

from __future__ import annotations

import json
import time

import numpy as np
import sympy
from sympy.parsing.sympy_parser import parse_expr

from tests.conftest import seed_source
from tests.tutor.programs import generate
from tutor import lang
from tutor.explain import ELEMENTS, NUMERIC, explain_graph, explain_program
from tutor.render import typeset
from tutor.render.report import gradient_report, report
from tutor.run import numeric
from tutor.steps import Accumulation, Derivation
from tutor.symbolic.budget import Budget


def explain(source: str, budget: Budget | None = None):
    return explain_program(lang.parse_program(source), budget)


def by_leaf(explanation) -> dict:
    return {g.leaf: g for g in explanation.gradients}


def test_seed_c_gradients_closed_forms_and_values():
    got = by_leaf(explain(seed_source("c")))
    x1, w1, w2 = sympy.symbols("x1 w1 w2")
    expected = {"x1": (-w1 * w2, -30.0), "w1": (-x1 * w2, -12.0), "w2": (-x1 * w1, -10.0)}
    assert list(got) == ["x1", "w1", "w2"]  # first-use order
    for leaf, (form, value) in expected.items():
        g = gradient_report(got[leaf])
        assert parse_expr(g["symbolic"]) == form
        assert g["value"] == [[value] * 2] * 2 == g["numeric"]
        assert g["agrees"] and g["agrees_numerical"] and not g["compact"]


def test_seed_b_mean_gives_three_halves_of_x_plus_two():
    (g,) = explain(seed_source("b")).gradients
    x = sympy.Symbol("x")
    assert parse_expr(gradient_report(g)["symbolic"]) == sympy.Rational(3, 2) * (x + 2)
    assert g.value == [[4.5, 4.5], [4.5, 4.5]]
    assert gradient_report(g)["latex"] == r"\frac{3 \left(x + 2\right)}{2}"


def test_seed_a_has_no_backward_call_so_no_gradient():
    explanation = explain(seed_source("a"))
    assert explanation.gradients == ()
    assert [n.leaf for n in explanation.no_gradient] == ["x"]


def test_the_json_has_contract_3s_fields():
    data = json.loads(json.dumps(report(explain(seed_source("c")))))
    assert data["output"].startswith("x1 = tensor(")
    g = data["gradients"][0]
    for key in ("leaf", "shape", "numeric", "symbolic", "latex", "value", "agrees", "steps"):
        assert key in g
    assert g["shape"] == [2, 2] and g["max_difference"] == 0.0
    assert {"kind", "text", "latex", "mathml", "children"} <= set(g["steps"][0])
    nodes = {n["id"]: n for n in data["graph"]["nodes"]}
    assert nodes["y"]["symbolic"] == "w2*x2" and nodes["y"]["grad_fn"] == "MulBackward0"
    edge = next(e for e in data["graph"]["edges"] if (e["source"], e["target"]) == ("x2", "y"))
    assert edge["local"]["symbolic"] == "w2" and edge["local"]["value"] == 6.0
    assert "float32" in data["tolerance"] and "central_differences" in data["tolerance"]


def test_a_0d_leaf_is_a_plain_number_with_shape_empty():
    g = explain("import torch\nx = torch.tensor(3.0, requires_grad=True)\n(x * x).backward()\n")
    data = gradient_report(g.gradients[0])
    assert data["shape"] == [] and data["numeric"] == 6.0 == data["value"]


def test_non_scalar_backward_is_a_vector_jacobian_product_with_the_given_gradient():
    source = """import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor(2.0, requires_grad=True)
y = w * x * x
y.backward(torch.tensor([1.0, 0.5, -1.0]))
"""
    got = by_leaf(explain(source))
    v = np.array([1.0, 0.5, -1.0])
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(got["x"].value, v * 2 * 2.0 * x)
    np.testing.assert_allclose(got["w"].value, np.sum(v * x * x))
    start = next(s for s in got["x"].steps if isinstance(s, Derivation)).start
    assert start.given and start.upstream.expr == sympy.Symbol("v_y", real=True)


def test_two_backward_calls_add_up_and_a_reset_starts_again():
    source = """import torch
x = torch.tensor(2.0, requires_grad=True)
(x * x).backward()
(3 * x).backward()
"""
    (g,) = explain(source).gradients
    assert g.value == 4.0 + 3.0 == g.numeric
    accumulation = next(s for s in g.steps if isinstance(s, Accumulation))
    assert [c.value for c in accumulation.contributions] == [4.0, 3.0]
    reset = source.replace("(3 * x)", "x.grad.zero_()\n(3 * x)")
    (g,) = explain(reset).gradients
    assert g.value == 3.0 == g.numeric and g.check.agrees


def test_matmul_is_verified_element_by_element():
    source = """import torch
X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
W = torch.tensor([[0.5, -1.0, 0.0], [2.0, 1.0, -0.5]], requires_grad=True)
L = torch.tanh(X @ W).sum()
L.backward()
"""
    explanation = explain(source)
    (g,) = explanation.gradients
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    W = np.array([[0.5, -1.0, 0.0], [2.0, 1.0, -0.5]])
    expected = X.T @ (1 - np.tanh(X @ W) ** 2)
    np.testing.assert_allclose(g.value, expected, rtol=1e-6)
    assert explanation.mode == ELEMENTS and g.check.agrees and g.check.agrees_numerical
    edges = explanation.edges.values()
    matrix = {e.source: typeset.text(e.matrix) for e in edges if e.matrix is not None}
    assert matrix == {"X": "G @ W.T", "W": "X.T @ G"}  # @: a matrix product, as in PyTorch


def test_over_the_size_budget_the_closed_form_stays_compact():
    small = Budget(closed_form_ops=1)
    (g,) = explain(seed_source("b"), small).gradients
    assert g.closed.compact and gradient_report(g)["compact"]
    assert str(g.symbolic) == "3*y/2"
    assert [d["name"] for d in gradient_report(g)["definitions"]] == ["y"]
    assert g.check.agrees and g.check.agrees_numerical


def test_without_time_for_sympy_the_numbers_still_stand():
    explanation = explain(seed_source("c"), Budget(seconds=0.0))
    assert explanation.mode == NUMERIC and explanation.notes
    for g in explanation.gradients:
        assert g.symbolic is None and g.note
        assert g.check.agrees and g.check.agrees_numerical


def test_a_200_node_graph_returns_within_the_budget_with_a_correct_verdict():
    program = generate(7, size=100, tensors=True)
    run = numeric.run(lang.parse_program(program.source))
    assert len(run.graph.nodes) >= 200
    budget = Budget()
    start = time.perf_counter()
    explanation = explain_graph(run.graph, run.output, budget)
    elapsed = time.perf_counter() - start
    assert elapsed < budget.seconds + 2.0  # the symbolic budget, plus the numeric witnesses
    assert explanation.gradients
    for g in explanation.gradients:
        assert g.check.agrees and g.check.agrees_numerical
        np.testing.assert_allclose(g.value, g.numeric, rtol=1e-3, atol=1e-4)


def test_a_long_chain_renders_its_steps_within_the_budget():
    source = (
        "import torch\nx = torch.tensor(0.5, requires_grad=True)\n"
        "k = torch.tensor(0.3, requires_grad=True)\nh = x\n"
        + "h = torch.tanh(h * k + x)\n" * 60
        + "h.backward()\n"
    )
    explanation = explain(source)
    started = time.perf_counter()
    data = report(explanation)
    assert time.perf_counter() - started < 3 * explanation.budget.render_seconds + 1
    assert all(g["agrees"] for g in data["gradients"])
    kinds = [s["kind"] for g in data["gradients"] for s in g["steps"]]
    assert kinds.count("omitted") >= 1
