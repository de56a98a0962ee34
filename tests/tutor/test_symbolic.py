"""The graph on sympy: symbols in the user's names, flattened forms, local derivatives."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from tests.tutor.builder import Builder, seed_b, seed_c
from tutor.symbolic.evaluate import evaluate
from tutor.symbolic.nodes import TOTALS, SymbolicGraph, literal


def real(names: str):
    return sympy.symbols(names, real=True)


def test_literals_stay_exact_numbers():
    assert literal(2) == sympy.Integer(2)
    assert literal(0.5) == sympy.Rational(1, 2)
    assert literal(-3.0) == sympy.Integer(-3)


def test_seed_c_flattens_to_the_formula_in_the_users_names():
    sg = SymbolicGraph(seed_c())
    x1, w1, w2, Y = real("x1 w1 w2 Y")
    assert sg.expression("L") == Y - x1 * w1 * w2
    assert sg.definition("y") == sg.symbols["x2"] * w2


def test_seed_b_mean_reduces_the_whole_tensor():
    sg = SymbolicGraph(seed_b())
    x = real("x")
    assert sg.expression("a") == TOTALS["mean"](3 * (x + 2) ** 2)
    assert sg.reduction("a") == "mean"


def test_local_derivative_along_each_edge_is_in_intermediate_names():
    g = seed_c()
    sg = SymbolicGraph(g)
    x2, w2, x1, w1 = real("x2 w2 x1 w1")
    local = {(e.source, e.target): sg.local(e).expr for e in g.edges}
    assert local[("x2", "y")] == w2
    assert local[("w2", "y")] == x2
    assert local[("x1", "x2")] == w1
    assert local[("y", "L")] == -1
    assert local[("Y", "L")] == 1


def test_mean_contributes_one_over_n_per_element():
    g = seed_b()
    sg = SymbolicGraph(g)
    edge = next(e for e in g.edges if e.target == "a")
    local = sg.local(edge)
    assert local.expr == sympy.Rational(1, 4)
    assert (local.reduction, local.count, local.shape) == ("mean", 4, (2, 2))


def test_a_value_used_twice_has_one_local_derivative_per_use():
    g = seed_b()
    sg = SymbolicGraph(g)
    y = real("y")
    uses = [sg.local(e) for e in g.edges if e.source == "y"]
    assert [u.expr for u in uses] == [y, y]
    assert [u.edge.position for u in uses] == [0, 1]


def test_detach_and_no_grad_values_are_constant_symbols():
    b = Builder()
    b.leaf("x", [1.0, 2.0])
    b.op("t", "mul", "x", b.literal(2))
    b.detach("d", "t")
    b.no_grad()
    b.op("c", "mul", "x", b.literal(3))
    b.no_grad(False)
    b.op("u", "mul", "x", "d")
    b.op("y", "add", "u", "c")
    sg = SymbolicGraph(b.graph)
    x, d, c = real("x d c")
    assert sg.expression("y") == x * d + c
    assert sg.expression("t") == 2 * x  # the value itself is known; only its use is cut


def test_operations_without_an_elementwise_form_keep_their_name():
    b = Builder()
    b.leaf("X", np.ones((2, 3)))
    b.leaf("W", np.ones((3, 2)))
    b.op("h", "matmul", "X", "W")
    b.op("s", "tanh", "h")
    sg = SymbolicGraph(b.graph)
    X, W, h = real("X W h")
    assert sg.is_opaque("h")
    assert sg.definition("h") == sympy.Function("matmul")(X, W)
    assert sg.expression("s") == sympy.tanh(h)
    assert sg.local(next(e for e in b.graph.edges if e.target == "h")).expr is None


KINKS = [
    ("relu", [0.0], {}),
    ("abs", [0.0], {}),
    ("clamp", [-0.5, 0.5], {"min": -0.5, "max": 0.5}),
]


@pytest.mark.parametrize(("key", "at", "params"), KINKS)
def test_kinks_follow_the_engines_convention(key, at, params):
    b = Builder()
    b.leaf("x", at)
    b.op("y", key, "x", **params)
    b.op("L", "sum", "y")
    b.backward("L")
    sg = SymbolicGraph(b.graph)
    edge = next(e for e in b.graph.edges if e.target == "y")
    local = evaluate(sg.local(edge).expr, sg.values)
    np.testing.assert_array_equal(np.broadcast_to(local, (len(at),)), b.graph.nodes[0].grad)


def test_a_tie_of_maximum_shares_the_gradient_like_the_engine():
    b = Builder()
    b.leaf("a", [1.0, 2.0])
    b.leaf("c", [1.0, 0.0])
    b.op("m", "maximum", "a", "c")
    b.op("L", "sum", "m")
    b.backward("L")
    sg = SymbolicGraph(b.graph)
    for position, leaf in enumerate(("a", "c")):
        edge = next(e for e in b.graph.edges if e.target == "m" and e.position == position)
        got = np.broadcast_to(evaluate(sg.local(edge).expr, sg.values), (2,))
        np.testing.assert_array_equal(got, sg.nodes[leaf].grad)


def test_evaluate_binds_names_to_whole_tensors():
    x, y = real("x y")
    env = {x: np.array([1.0, 2.0, 3.0]), y: np.array(2.0)}
    got = evaluate(TOTALS["sum"](x * y) + TOTALS["mean"](x) * x, env)
    np.testing.assert_allclose(got, 12.0 + 2.0 * np.array([1.0, 2.0, 3.0]))
