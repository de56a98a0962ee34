"""Never wrong, never stuck: each defect a careful teacher found, and what the tutor says now."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import seed_source
from tutor.checking import check
from tutor.errors import ParseError
from tutor.explain import explain, make_input
from tutor.jsonio import dumps_strict
from tutor.lang import parse_expression
from tutor.render import report, text


def formula(expression: str, **values):
    return explain(make_input(expression=expression, values=values))


def program(source: str):
    return explain(make_input(program=source))


def by_leaf(x) -> dict:
    return {g.leaf: g for g in x.gradients}


# ----- crashes -------------------------------------------------------------------------
def test_a_non_uniform_gradient_given_to_backward_on_a_broadcast():
    x = program(
        "import torch\n"
        "x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)\n"
        "y = torch.tensor([1., 2.], requires_grad=True)\n"
        "L = x * y\n"
        "L.backward(torch.tensor([[1., 2.], [3., 4.]]))\n"
    )
    g = by_leaf(x)
    assert g["x"].value == [[1.0, 4.0], [3.0, 8.0]] and g["y"].value == [10.0, 20.0]
    assert all(leaf.check.agrees and leaf.check.agrees_numerical for leaf in g.values())


def test_torch_where_is_explained():
    x = program(
        "import torch\n"
        "x = torch.tensor([1., -2., 3.], requires_grad=True)\n"
        "L = torch.where(x > 0, x, 2*x).sum()\n"
        "L.backward()\n"
    )
    (g,) = x.gradients
    assert g.value == [1.0, 2.0, 1.0] and g.check.agrees and not x.notes
    assert ("x", "t2", 0) not in x.edges  # x > 0 carries no gradient: no local derivative


@pytest.mark.parametrize(
    ("expression", "values"),
    [
        ("x/0", {"x": 1}),
        ("(-1)**z", {"z": 0}),
        ("relu(log(log(sigmoid(x))))", {"x": 0.5}),
        ("0.5**maximum(x/z, 3-2)", {"x": 1, "z": 100}),
    ],
)
def test_degenerate_formulas_are_explained_not_crashed(expression, values):
    x = formula(expression, **values)
    data = report(x)  # printing (LaTeX, MathML) must not fail either
    assert data["gradients"] and not any("internal error" in n for n in x.notes)
    assert text(x)


def test_no_verdict_with_both_numbers_shown_says_so_and_never_differs():
    words = " ".join(text(formula("x/0", x=1)).split())  # lines joined
    said = "engine .grad = inf, closed form = nan: no verdict: the closed form is undefined"
    assert said in words
    assert "differs" not in words


def test_a_division_by_zero_in_a_program_is_a_warning():
    x = program(
        "import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = x / 0\ny.backward()\n"
    )
    assert any("division needs a nonzero divisor" in w for w in x.warnings)


# ----- honest verdicts -------------------------------------------------------------------
@pytest.mark.parametrize(("expression", "value"), [("exp(x)", 100), ("-3*exp(x)", 89)])
def test_an_overflow_of_the_engine_is_named_not_agreed_with(expression, value):
    (g,) = formula(expression, x=value).gradients
    assert g.check.agrees is None and g.check.verdict == "overflow"
    assert "float32 overflows here" in g.check.reason


def test_a_value_outside_a_domain_is_flagged():
    x = formula("log(x)", x=-1)
    assert x.warnings == (
        "L (the natural logarithm of x) is nan at x = -1: the natural logarithm needs "
        "positive inputs",
    )
    assert report(x)["warnings"] == list(x.warnings)


def test_central_differences_at_a_kink_say_so():
    g = by_leaf(formula("relu(x*w)", x=0, w=2))["x"]  # x*w sits on relu's kink: slopes 0 and 2
    assert g.check.agrees and g.check.agrees_numerical is None
    assert "kink" in g.check.numerical_reason and "relu'(0)" in g.check.numerical_reason


def test_no_verdict_is_not_a_false_one():
    # a softmax along rows has no whole-tensor rule here, and the elements are over the budget
    x = program(
        "import torch\ntorch.manual_seed(0)\nx = torch.randn(32, 16)\n"
        "w = torch.randn(16, 8, requires_grad=True)\n"
        "L = (x @ w).softmax(dim=1).max()\nL.backward()\n"
    )
    (g,) = x.gradients
    assert g.matrix is None
    assert g.check.agrees is None and g.check.verdict == "not_checked"
    assert "no verdict" in g.note and "numbers are still checked" not in " ".join(x.notes)


# ----- bounded time ----------------------------------------------------------------------
def test_a_chain_of_sigmoids_and_tanhs_prints_quickly():
    chain = "x"
    for k in range(10):  # 8 links took 8 s and 10 took minutes inside sympy's LaTeX printer
        chain = f"sigmoid({chain})" if k % 2 == 0 else f"tanh({chain})"
    start = time.perf_counter()
    data = report(formula(chain, x=0.5))
    assert data["gradients"][0]["latex"] and time.perf_counter() - start < 5


# ----- answer checking ------------------------------------------------------------------
SQUARE = formula("x**2", x=3)


@pytest.mark.parametrize("answer", ["2*abs(x)", "2*sqrt(x**2)", "2*relu(x)", "x+abs(x)"])
def test_answers_right_only_for_positive_values_are_rejected(answer):
    result = check(SQUARE, "x", answer)
    assert not result.correct and result.diagnosis == "not_equivalent"


@pytest.mark.parametrize(
    ("explanation", "wrt", "answer"),
    [
        (formula("x*y", x=3, y=2), "x", "abs(y)"),
        (formula("relu(w*x)", w=2, x=3), "w", "relu(x)"),
    ],
)
def test_sign_blind_answers_are_rejected(explanation, wrt, answer):
    assert not check(explanation, wrt, answer).correct


@pytest.mark.parametrize(
    ("expression", "values", "wrt", "answer"),
    [
        ("abs(x)*y", {"x": 2, "y": 3}, "x", "y*sign(x)"),
        ("relu(w*x)", {"w": 2, "x": 3}, "w", "x*Heaviside(w*x, 0)"),
        ("relu(w*x)", {"w": 2, "x": 3}, "w", "x*Heaviside(w*x)"),
        ("tanh(x)", {"x": 0.5}, "x", "1/cosh(x)**2"),
        ("tanh(x)", {"x": 0.5}, "x", "4/(E**x + E**-x)**2"),
        ("exp(2*x)", {"x": 0.5}, "x", "2*e**(2*x)"),
        ("sinh(x)", {"x": 0.5}, "x", "cosh(x)"),
    ],
)
def test_the_notations_the_tutor_prints_are_accepted(expression, values, wrt, answer):
    assert check(explain(make_input(expression=expression, values=values)), wrt, answer).correct


def test_the_programs_own_names_are_accepted_and_no_phantom_is_offered():
    tutorial = program(seed_source("c"))
    assert check(tutorial, "w2", "-x2").correct  # x2 = x1*w1 in the program
    with pytest.raises(ParseError) as refused:
        check(tutorial, "x1", "t1")  # t1 is the gradient given to backward, not a value
    assert "t1" not in refused.value.message.split("known names:")[1]


def test_a_constant_that_is_a_classic_mistake_gets_its_diagnosis():
    assert check(formula("x*y + x", x=3, y=0), "x", "1").diagnosis == "missing_path"
    accumulated = program(
        "import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
        "y = x * 3\ny.backward()\nz = x * 3\nz.backward()\n"
    )
    assert check(accumulated, "x", "3").diagnosis == "missing_accumulation"


def test_the_sign_hint_names_a_subtraction_only_where_there_is_one():
    mean = check(formula("mean(x*w)", x=[1, 2, 3], w=2), "w", "-mean(x)")
    assert mean.diagnosis == "sign_error" and "a - b" not in mean.feedback
    sub = check(formula("y - x*w", x=1, w=2, y=3), "w", "x")
    assert sub.diagnosis == "sign_error" and "a - b" in sub.feedback


LAYER = (
    "import torch\nX = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])\n"
    "W = torch.tensor([[0.5, -1.], [2., 0.25]], requires_grad=True)\n"
    "b = torch.tensor([0.1, -0.2], requires_grad=True)\n"
    "Y = X @ W + b\nL = (Y * Y).mean()\nL.backward()\n"
)


@pytest.mark.parametrize(
    ("wrt", "answer", "diagnosis"),
    [
        ("W", "X.T @ G", "correct"),
        ("W", "X.T @ (2 * Y / 6)", "correct"),
        ("W", "-X.T @ G", "sign_error"),
        ("W", "G @ X.T", "wrong_shape"),
        ("W", "X @ G", "wrong_shape"),
        ("W", "W", "not_equivalent"),
        ("b", "G.sum(0)", "correct"),
        ("b", "G.sum(1)", "wrong_shape"),
    ],
)
def test_matrix_form_answers_are_checked_by_value(wrt, answer, diagnosis):
    result = check(program(LAYER), wrt, answer)
    assert result.diagnosis == diagnosis and result.correct == (diagnosis == "correct")


# ----- formulas --------------------------------------------------------------------------
def test_numbers_are_fine_where_a_formula_calls_a_function():
    (g,) = formula("log(y) + log(1)", y=2).gradients
    assert str(g.symbolic) == "1/y" and g.check.agrees


def test_t_is_a_name_and_dunder_names_are_refused():
    assert by_leaf(formula("(y - t)**2", y=1, t=3))["t"].value == 4.0
    with pytest.raises(ParseError, match="Python's internals"):
        parse_expression("__class__ * 2", {"__class__": 1})


def test_a_caret_is_pointed_at_with_the_power_hint():
    with pytest.raises(ParseError) as refused:
        parse_expression("x + y^2", {"x": 1, "y": 2})
    assert (refused.value.line, refused.value.col) == (1, 6)
    assert "use ** for powers" in refused.value.message


def _chain(links: int) -> str:
    lines = ["import torch", "x = torch.tensor(0.5, requires_grad=True)", "a0 = x * 1.5"]
    lines += [f"a{k} = torch.tanh(a{k - 1}) * 1.1 + x" for k in range(1, links)]
    return "\n".join([*lines, f"a{links - 1}.backward()"]) + "\n"


def test_answers_are_bounded_in_size_in_every_front_end():
    x = program(_chain(150))
    data = dumps_strict(report(x))
    assert len(data) <= x.budget.answer_chars * 1.1  # the steps get what the graph leaves
    assert '"kind":"omitted"' in data
    words = text(x)  # the CLI's report
    assert len(words) <= x.budget.render_chars + 20_000 and "not shown" in words


# ----- memory shared by two names ------------------------------------------------------
SHARED = {
    # a view kept across an in-place write to its base: the view's value (and PyTorch's
    # gradient, 3·w) changed, its statement's closed form (w) did not
    "view after base write": (
        "y = x * w\nv = y[0:1]\ny.mul_(3)\nL = v.sum()\nL.backward()\n",
        7,
        "`v`",
    ),
    "base after view write": (
        "y = x * w\nv = y[0:1]\nwith torch.no_grad():\n    v.mul_(3)\nL = y.sum()\nL.backward()\n",
        8,
        "`y`",
    ),
    "tensor after its detach() was written": (
        "y = x * w\nd = y.detach()\nd.mul_(3)\nL = (y * y).sum()\nL.backward()\n",
        7,
        "`y`",
    ),
}
PRELUDE = (
    "import torch\n"
    "x = torch.tensor([1., 2.], requires_grad=True)\n"
    "w = torch.tensor([0.5, -1.], requires_grad=True)\n"
)


@pytest.mark.parametrize("body, line, name", SHARED.values(), ids=SHARED)
def test_a_value_changed_through_another_name_is_refused_where_it_is_used(body, line, name):
    with pytest.raises(Exception) as raised:
        program(PRELUDE + body)
    error = raised.value
    assert error.code == "changed_through_another_name"
    assert error.line == line and name in error.message and ".clone()" in error.message


@pytest.mark.parametrize(
    "body",
    [
        "y = x * w\ny.mul_(3)\nv = y[0:1]\nL = v.sum()\nL.backward()\n",  # view made after
        "y = x * w\nv = y[0:1].clone()\ny.mul_(3)\nL = v.sum()\nL.backward()\n",  # a copy
        "L = (x * w).sum()\nL.backward()\nwith torch.no_grad():\n    w -= 0.1 * w.grad\n"
        "    w.grad.zero_()\n    x.grad.zero_()\n"
        "L2 = (w * x).sum()\nL2.backward()\n",  # an update through the name itself
    ],
)
def test_writes_through_the_name_itself_or_to_a_copy_are_explained(body):
    x = program(PRELUDE + body)
    assert x.gradients and all(g.check.agrees and g.check.agrees_numerical for g in x.gradients)


# ----- one tensor, one .grad, across in-place changes -------------------------------------
STEP = "with torch.no_grad():\n    w -= 0.1 * w.grad\n"
TRAINING = {
    "zeroed after the update": "L = (x * w).sum()\nL.backward()\n"
    + STEP
    + "w.grad.zero_()\nL2 = (x * w * w).sum()\nL2.backward()\n",
    "never zeroed": "L = (x * w).sum()\nL.backward()\n"
    + STEP
    + "L2 = (x * w * w).sum()\nL2.backward()\n",
    "reset to None": "L = (x * w).sum()\nL.backward()\n"
    + STEP
    + "w.grad = None\nL2 = (x * w * w).sum()\nL2.backward()\n",
    "updated through .data": "L = (x * w).sum()\nL.backward()\n"
    "w.data.sub_(0.1 * w.grad)\nL2 = (x * w * w).sum()\nL2.backward()\n",
    "a detach() kept across the update": "d = w.detach()\n"
    + STEP.replace("w.grad", "1")
    + "L = (x * w * d).sum()\nL.backward()\n",
    "backward of a graph made before the update": "L = (w * 3 + x).sum()\n"
    + STEP.replace("w.grad", "1")
    + "L.backward()\n",
    "zeroed between backward and the update": "L = (x * w).sum()\nL.backward()\n"
    "g = w.grad.clone()\nw.grad.zero_()\n"
    + STEP.replace("w.grad", "g")
    + "L2 = (x * w * w).sum()\nL2.backward()\n",
    "set to None between backward and the update": "L = (x * w).sum()\nL.backward()\n"
    "g = w.grad.clone()\nw.grad = None\n"
    + STEP.replace("w.grad", "g")
    + "L2 = (x * w * w).sum()\nL2.backward()\n",
    "zeroed inside the update": "L = (x * w).sum()\nL.backward()\n"
    + STEP
    + "    w.grad.zero_()\nL2 = (x * w * w).sum()\nL2.backward()\n",
    "clipped before the update": "L = ((x * w).sum() - 4) ** 2\nL.backward()\n"
    "w.grad.clamp_(-1, 1)\n" + STEP + "w.grad.zero_()\nL2 = ((x * w).sum() - 4) ** 2\n"
    "L2.backward()\n",
    "three steps": "".join(
        f"L{k} = ((x * w).sum() - 1) ** 2\nL{k}.backward()\n" + STEP + "w.grad.zero_()\n"
        for k in range(3)
    )
    + "L = (w * w).sum()\nL.backward()\n",
}


def _latest(x, name: str) -> str:
    """The id of the last version of ``name`` that received a gradient (``w``, ``w_2`` …)."""
    ids = [g.leaf for g in x.gradients if g.leaf == name or g.leaf.startswith(f"{name}_")]
    return ids[-1]


@pytest.mark.parametrize("body", TRAINING.values(), ids=TRAINING)
def test_each_version_of_a_tensor_changed_in_place_agrees(body):
    """Each version's row is the .grad the tensor held while it was that version: the sum of
    what the backward calls since the last reset sent to it and to its earlier versions."""
    x = program(PRELUDE + body)
    assert x.gradients
    for g in x.gradients:
        assert g.check.agrees and g.check.agrees_numerical, (g.leaf, g.check)


@pytest.mark.parametrize("body", TRAINING.values(), ids=TRAINING)
def test_the_last_versions_grad_is_pytorchs(torch, body):
    x = program(PRELUDE + body)
    pytorch: dict = {}
    exec(PRELUDE + body, pytorch)  # noqa: S102 - the test's own program, run on real PyTorch
    for name in ("x", "w"):
        engine = by_leaf(x)[_latest(x, name)].check.engine
        assert engine == pytest.approx(pytorch[name].grad.tolist(), rel=1e-6), name


def test_a_grad_gathered_over_versions_is_explained():
    x = program(PRELUDE + TRAINING["never zeroed"])
    words = text(x)
    assert "also as w before it was changed in place" in words
    assert "w_2 is w changed in place where autograd records nothing" in words
    rows = by_leaf(x)
    assert rows["w"].check.engine == pytest.approx([1.0, 2.0])  # .grad when w was replaced
    assert str(rows["w_2"].closed.expr) == "x*(2*w_2 + 1)"


def test_one_call_reaching_an_earlier_version_is_said_without_a_sum():
    words = text(program(PRELUDE + "L = (x * w).sum()\nL.backward()\n" + STEP))
    assert "also as w before it was changed in place: x = [1, 2];\n" in words


def test_a_contribution_through_an_earlier_version_is_diagnosed_as_missing_accumulation():
    x = program(PRELUDE + TRAINING["never zeroed"])
    assert check(x, "w_2", "x*(2*w_2 + 1)").correct
    for answer, call in (("x", "1"), ("2*w_2*x", "2")):  # one backward call's part alone
        feedback = check(x, "w_2", answer)
        assert (
            feedback.diagnosis == "missing_accumulation"
            and f"call {call} alone" in feedback.feedback
        )


# what a training loop does after its last backward call: each leaves .grad changed
RESETS = {
    "zeroed": "w.grad.zero_()\nx.grad.zero_()\n",
    "set to None": "w.grad = None\nx.grad = None\n",
    "zeroed inside the update": STEP + "    w.grad.zero_()\n    x.grad.zero_()\n",
}


@pytest.mark.parametrize("tail", RESETS.values(), ids=RESETS)
@pytest.mark.parametrize("body", TRAINING.values(), ids=TRAINING)
def test_a_reset_after_the_last_backward_call_changes_no_row(body, tail):
    """A row is the .grad as the backward calls left it, and says so when a reset followed
    (the classic loop zeroes .grad once it has used it): the same rows, all agreeing."""
    before, after = program(PRELUDE + body), program(PRELUDE + body + tail)
    rows = {g.leaf: g.check.engine for g in after.gradients}
    assert {g.leaf: g.check.engine for g in before.gradients}.items() <= rows.items()
    for g in after.gradients:
        assert g.check.agrees and g.check.agrees_numerical, (g.leaf, g.check)
    words = " ".join(text(after).split())  # unwrapped
    start = len((PRELUDE + body).splitlines())
    line = start + next(
        k for k, s in enumerate(tail.splitlines(), 1) if s.lstrip().startswith("w.grad")
    )
    how = "set to None" if "= None" in tail else "zeroed"
    said = rf"w(_\d)?\.grad was {how} outside backward \(line {line}\), before the program ended"
    assert re.search(said, words), said


def test_a_reset_between_backward_and_the_update_is_said_and_starts_over():
    x = program(PRELUDE + TRAINING["zeroed between backward and the update"])
    rows = by_leaf(x)
    assert rows["w"].check.engine == pytest.approx([1.0, 2.0])  # as backward call 1 left it
    assert str(rows["w_2"].closed.expr) == "2*w_2*x"  # call 1 is not counted again
    words = " ".join(text(x).split())  # unwrapped
    assert "after backward call 1, w.grad was zeroed outside backward (line 7), before w" in words
    changed = [s for s in report(x)["gradients"][1]["steps"] if s["kind"] == "grad_changed"]
    assert [(s["leaf"], s["call"], s["now"], s["replaced"]) for s in changed] == [
        ("w", 1, [0.0, 0.0], True)
    ]
    one_call = TRAINING["zeroed between backward and the update"].split("L2 =")[0]
    nothing_after = program(PRELUDE + one_call)
    assert [g.leaf for g in nothing_after.gradients] == ["x", "w"]  # w_2 holds only the reset
    assert "w_2" not in {n.leaf for n in nothing_after.no_gradient}  # its .grad is not None


# a .grad the program changed outside backward, and backward then added to
HELD = {
    "set before the first call": "x.grad = torch.ones(2)\nL = (x * w).sum()\nL.backward()\n",
    "set, then two calls": "x.grad = torch.ones(2)\nL = (x * w).sum()\nL.backward()\n"
    "M = (x * x).sum()\nM.backward()\n",
    "scaled between calls": "L = (x * w).sum()\nL.backward()\nx.grad.mul_(0.5)\n"
    "M = (x * x * w).sum()\nM.backward()\n",
    "scaled through .data": "L = (x * w).sum()\nL.backward()\nx.grad.data.mul_(2)\n"
    "M = (x * x).sum()\nM.backward()\n",
    "set while another call ran": "L = (x * w).sum()\nL.backward()\nx.grad = torch.ones(2)\n"
    "M = (w * w).sum()\nM.backward()\nN = (x * x).sum()\nN.backward()\n",
    "set, then a training step": "w.grad = torch.ones(2)\nL = (x * w).sum()\nL.backward()\n"
    + STEP
    + "M = (x * w).sum()\nM.backward()\n",
}


def test_a_clamp_in_place_in_the_graph_is_differentiated_through():
    x = program(
        PRELUDE + "h = x * 0.5\nh.clamp_(min=0, max=0.75)\nL = (h * w).sum()\nL.backward()\n"
    )
    row = by_leaf(x)["x"]
    assert row.check.engine == [0.25, 0.0]  # x = [1, 2]: 0.5*w where 0.5*x < 0.75, else 0
    assert row.check.agrees and row.check.agrees_numerical


@pytest.mark.parametrize("body", HELD.values(), ids=HELD)
def test_backward_adding_to_a_grad_the_program_set_agrees_with_pytorch(torch, body):
    """PyTorch adds a gradient to whatever .grad holds: the check expects those numbers plus
    the gradient, and says so, instead of calling the engine wrong."""
    x = program(PRELUDE + body)
    pytorch: dict = {}
    exec(PRELUDE + body, pytorch)  # noqa: S102 - the test's own program, run on real PyTorch
    for g in x.gradients:
        assert g.check.agrees and g.check.agrees_numerical, (g.leaf, g.check)
    for name in ("x", "w"):
        engine = by_leaf(x)[_latest(x, name)].check.engine
        assert engine == pytest.approx(pytorch[name].grad.tolist(), rel=1e-6), name


def test_numbers_set_in_a_grad_are_said_and_added_to():
    x = program(PRELUDE + HELD["set before the first call"])
    row = by_leaf(x)["x"]
    assert row.check.engine == [1.5, 0.0] and row.check.value == [0.5, -1.0]
    words = text(x)
    assert "before backward call 1, x.grad already held [1, 1], put there outside" in words
    assert "compares x.grad with [1, 1] + [0.5, -1] = [1.5, 0]" in words
    held = [s for s in report(x)["gradients"][0]["steps"] if s["kind"] == "grad_held"]
    assert [(s["leaf"], s["call"], s["held"], s["total"]) for s in held] == [
        ("x", 1, [1.0, 1.0], [1.5, 0.0])
    ]
    calls = report(x)["graph"]["backward_calls"]
    assert calls[0]["grads_before"] == {"x": [1.0, 1.0]}
    scaled = by_leaf(program(PRELUDE + HELD["scaled between calls"]))["x"]
    assert str(scaled.closed.expr) == "2*w*x" and scaled.calls == (1,)  # call 2 alone
    assert scaled.check.engine == [1.25, -4.5]  # call 1's [0.5, -1], halved, plus [1, -4]
    assert "before backward call 2, x.grad already held [0.25, -0.5]" in text(
        program(PRELUDE + HELD["scaled between calls"])
    )


def test_every_summary_compares_the_engine_with_what_grad_held_plus_the_closed_form():
    """A row whose .grad (1.5, 0) is not its closed form's value (0.5, -1) says what it is
    compared with, so "agrees" never stands between two different numbers unexplained."""
    x = program(PRELUDE + HELD["set before the first call"])
    assert by_leaf(x)["x"].check.held == [1.0, 1.0] and by_leaf(x)["w"].check.held is None
    assert [(g["leaf"], g["held"]) for g in report(x)["gradients"]] == [
        ("x", [1.0, 1.0]),
        ("w", None),
    ]
    words = text(x)
    assert "x    | [1.5, 0]     | w           | held 1 + [0.5, -1] | agrees" in words
    assert "engine .grad = [1.5, 0], what it held + closed form = [1, 1] + [0.5, -1]:" in words
    assert "engine .grad = [1, 2], closed form = [1, 2]:" in words  # w held nothing


def test_a_grad_set_where_no_backward_call_reaches_is_no_gradient():
    x = program(PRELUDE + "w.grad = torch.ones(2)\nL = (x * 3).sum()\nL.backward()\n")
    assert [g.leaf for g in x.gradients] == ["x"]
    assert [n.leaf for n in x.no_gradient] == ["w"]


BIG_STEP = (  # w has more numbers than a graph keeps: its numbers are kept aside for the checks
    "import torch\n"
    "x = torch.linspace(-1, 1, 320).reshape(8, 40)\n"
    "w = torch.full((40, 30), 0.1, requires_grad=True)\n"
    "L = (x @ w).tanh().sum()\n"
    "L.backward()\n"
    "with torch.no_grad():\n"
    "    w -= 0.1 * w.grad\n"
    "    w.grad.zero_()\n"
    "L = (x @ w).tanh().sum()\n"
    "L.backward()\n"
    "w.grad = None\n"
)


def test_a_clipped_grad_is_said_changed_not_set_with_its_line():
    words = text(program(PRELUDE + TRAINING["clipped before the update"]))
    assert "after backward call 1, w.grad was changed to [-1, -1] outside backward (line 6)," in (
        words
    )


def test_each_change_of_a_grad_outside_backward_is_placed_at_its_statement():
    """The lines where the program set, scaled (also through .data), clipped or zeroed a
    .grad, with how many backward calls had run: what the steps cite."""
    changes = {
        name: {n.id: n.grad_changes for n in program(PRELUDE + body).graph.nodes if n.grad_changes}
        for name, body in (
            ("set", HELD["set before the first call"]),
            ("scaled", HELD["scaled through .data"]),
            ("clipped, updated, zeroed", TRAINING["clipped before the update"]),
        )
    }
    assert changes == {
        "set": {"x": ((4, 0),)},  # before any backward call
        "scaled": {"x": ((6, 1),)},
        # the update makes w_2 (line 8, under no_grad); the zeroing is w_2's
        "clipped, updated, zeroed": {"w": ((6, 1),), "w_2": ((9, 1),)},
    }
    words = text(program(PRELUDE + HELD["scaled between calls"])).replace("\n      ", " ")
    assert "x.grad already held [0.25, -0.5], put there outside backward (line 6); backward" in (
        words
    )


def test_a_tensor_too_large_to_record_is_checked_across_its_versions_and_resets():
    x = program(BIG_STEP)
    assert [g.leaf for g in x.gradients] == ["w", "w_2"]
    for g in x.gradients:
        assert g.numeric is None  # too many numbers to show, every one compared
        assert g.check.agrees and g.check.agrees_numerical, (g.leaf, g.check)
        assert g.matrix is not None
    assert not any("no numeric check" in note for note in x.notes)
    words = text(x)
    assert "after backward call 2, w_2.grad was set to None outside backward" in words


def test_past_the_kept_budget_a_large_tensor_goes_unchecked_not_wrong():
    from tutor.explain import explain_graph
    from tutor.lang import parse_program
    from tutor.limits import Limits
    from tutor.run import numeric

    run = numeric.run(parse_program(BIG_STEP), Limits(kept_elements=2_000))
    assert not run.unrecorded.grads_after  # w's .grad after each call was not kept
    x = explain_graph(run.graph, unrecorded=run.unrecorded)
    assert all(g.check.agrees is not False for g in x.gradients)
    assert any("no numeric check" in note for note in x.notes)


MLP_STEP = """\
import torch
import torch.nn.functional as F
torch.manual_seed(0)
X = torch.randn(64, 100)
y = torch.randint(0, 10, (64,))
W1 = (torch.randn(100, 32) * 0.1).requires_grad_()
b1 = torch.zeros(32, requires_grad=True)
W2 = (torch.randn(32, 10) * 0.1).requires_grad_()
b2 = torch.zeros(10, requires_grad=True)
loss = F.cross_entropy(torch.relu(X @ W1 + b1) @ W2 + b2, y)
loss.backward()
with torch.no_grad():
    W1 -= 0.1 * W1.grad
    b1 -= 0.1 * b1.grad
    W2 -= 0.1 * W2.grad
    b2 -= 0.1 * b2.grad
    W1.grad.zero_()
    b1.grad.zero_()
    W2.grad.zero_()
    b2.grad.zero_()
loss = F.cross_entropy(torch.relu(X @ W1 + b1) @ W2 + b2, y)
loss.backward()
"""


def test_a_two_layer_mlp_training_step_is_checked_row_by_row():
    """Unnamed tensors too large to record (``torch.randn(100, 32) * 0.1``) are kept aside, so
    each parameter's rows, before and after the update, get their verdicts and matrix forms."""
    x = program(MLP_STEP)
    assert [g.leaf for g in x.gradients] == [
        "W1", "b1", "W2", "b2", "W1_2", "b1_2", "W2_2", "b2_2"
    ]  # fmt: skip
    for g in x.gradients:
        assert g.check.agrees and g.check.agrees_numerical and g.matrix is not None, g.leaf
    assert not any("no numeric check" in note for note in x.notes)


def test_a_large_gradient_recorded_by_create_graph_is_checked_not_refused():
    x = program(
        "import torch\n"
        "x = torch.linspace(-1, 1, 1200).requires_grad_()\n"
        "y = (x ** 3).sum()\n"
        "y.backward(create_graph=True)\n"
    )
    (g,) = x.gradients
    assert g.check.agrees and g.check.agrees_numerical
