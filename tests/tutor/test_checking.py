"""Answer checking: equivalent forms pass, classic mistakes are named, hostile text is refused."""

from __future__ import annotations

import time
from functools import cache

import pytest

from tests.conftest import seed_source
from tutor import checking, lang
from tutor.errors import LimitError, ParseError, TutorError
from tutor.explain import Explanation, explain_program

PROBLEMS = {  # name: (formula, values, constants)
    "chain": ("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, ["Y"]),
    "chain_all": ("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, []),
    "square": ("(x*w + b)**2 / 2 + x", {"x": 2, "w": 3, "b": -1}, []),
    "tanh": ("tanh(w*x)", {"x": 0.5, "w": 2}, []),
    "sigmoid": ("sigmoid(w*x + b)", {"w": 2, "x": 1, "b": -1}, []),
    "mean": ("mean((x + 2)**2*3)", {"x": [[1, 1], [1, 1]]}, []),
    "product": ("sin(x)*x", {"x": 1}, []),
    "ratio": ("x/(x + w)", {"x": 1, "w": 3}, []),
    "power": ("x**3*w", {"x": 2, "w": 3}, []),
    "log": ("log(x*x + 1)*w", {"x": 1, "w": 2}, []),
    "exp": ("exp(-w*x)", {"x": 1, "w": 2}, []),
    "cos": ("cos(w*x + b)", {"x": 1, "w": 2, "b": 0.5}, []),
    "sqrt": ("sqrt(x*w)", {"x": 2, "w": 3}, []),
}


@cache
def explained(name: str) -> Explanation:
    formula, values, constants = PROBLEMS[name]
    return explain_program(lang.parse_expression(formula, values, constants=constants))


EQUIVALENT = [
    ("chain", "x1", "-w1*w2"),
    ("chain", "x1", "-w2*w1"),
    ("chain", "x1", "w1*w2*(-1)"),
    ("chain", "x1", "-(w1*w2)"),
    ("chain", "x1", "0 - w1*w2"),
    ("chain", "x1", "(-w1)*w2"),
    ("chain", "x1", "-w1*w2 + 0*x1"),
    ("chain", "x1", "-2*w1*w2/2"),
    ("chain", "x1", "-w1*w2**1"),
    ("chain", "x1", "torch.neg(w1*w2)"),
    ("square", "x", "w*(b + w*x) + 1"),
    ("square", "x", "w**2*x + b*w + 1"),
    ("square", "x", "1 + w*b + x*w*w"),
    ("square", "x", "(b + w*x)*w + 1"),
    ("square", "x", "w*(w*x + b) + 1.0"),
    ("square", "x", "2*w*(b + w*x)/2 + 1"),
    ("tanh", "w", "x*(1 - tanh(w*x)**2)"),
    ("tanh", "w", "x - x*tanh(x*w)**2"),
    ("tanh", "w", "x*(1 - tanh(w*x))*(1 + tanh(w*x))"),
    ("sigmoid", "w", "x*sigmoid(w*x + b)*(1 - sigmoid(w*x + b))"),
    ("sigmoid", "w", "x*exp(-(w*x + b))/(1 + exp(-(w*x + b)))**2"),
    ("sigmoid", "w", "x*sigmoid(w*x + b) - x*sigmoid(w*x + b)**2"),
    ("mean", "x", "3*(x + 2)/2"),
    ("mean", "x", "1.5*x + 3"),
    ("mean", "x", "3*x/2 + 3"),
    ("mean", "x", "(6*x + 12)/4"),
    ("mean", "x", "0.75*(2*x + 4)"),
    ("product", "x", "x*cos(x) + sin(x)"),
    ("product", "x", "sin(x) + cos(x)*x"),
    ("ratio", "w", "-x/(w + x)**2"),
    ("ratio", "w", "-x*(x + w)**-2"),
    ("ratio", "w", "-x/(x**2 + 2*x*w + w**2)"),
    ("ratio", "x", "w/(w + x)**2"),
    ("ratio", "x", "1/(x + w) - x/(x + w)**2"),
    ("ratio", "x", "w*(x + w)**-2"),
    ("power", "x", "3*x**2*w"),
    ("power", "x", "3*w*x*x"),
    ("log", "x", "2*w*x/(x**2 + 1)"),
    ("log", "x", "2*x*w*(x**2 + 1)**-1"),
    ("log", "x", "w*2*x/(1 + x*x)"),
    ("exp", "x", "-w*exp(-w*x)"),
    ("exp", "x", "-w/exp(w*x)"),
    ("cos", "x", "-w*sin(w*x + b)"),
    ("cos", "x", "-sin(b + x*w)*w"),
    ("sqrt", "x", "w/(2*sqrt(w*x))"),
    ("sqrt", "x", "sqrt(w)/(2*sqrt(x))"),
    ("sqrt", "x", "0.5*w*(w*x)**-0.5"),
]


@pytest.mark.parametrize(("name", "wrt", "answer"), EQUIVALENT)
def test_equivalent_forms_are_accepted(name, wrt, answer):
    result = checking.check(explained(name), wrt, answer)
    assert result.correct, result.feedback
    assert result.diagnosis == "correct" and result.feedback.startswith("Correct")


def test_some_forms_need_the_numeric_witness():
    # 1 - tanh**2 written through sigmoid-free exp forms is beyond the cheap canonical forms
    result = checking.check(explained("sqrt"), "x", "sqrt(w)/(2*sqrt(x))")
    assert result.correct and result.method == "numeric"
    assert checking.check(explained("chain"), "x1", "-w2*w1").method == "symbolic"


MISTAKES = [
    ("chain", "x1", "w1*w2", "sign_error"),
    ("chain", "x1", "-x1*w2", "other_leaf"),
    ("chain", "x1", "-x1*w1", "other_leaf"),
    ("chain", "x1", "-w1", "wrong_local"),
    ("chain", "x1", "-w2", "wrong_local"),
    ("square", "x", "w*(b + w*x)", "missing_path"),
    ("square", "x", "(b + w*x) + 1", "wrong_local"),
    ("square", "x", "2*w*(b + w*x) + 1", "wrong_local"),
    ("square", "x", "-w*(b + w*x) - 1", "sign_error"),
    ("square", "x", "x*(b + w*x)", "other_leaf"),
    ("tanh", "w", "x*(1 - tanh(w*x))", "wrong_local"),
    ("tanh", "w", "1 - tanh(w*x)**2", "wrong_local"),
    ("tanh", "w", "x*tanh(w*x)**2", "wrong_local"),
    ("tanh", "w", "w*(1 - tanh(w*x)**2)", "other_leaf"),
    ("tanh", "w", "-x*(1 - tanh(w*x)**2)", "sign_error"),
    ("sigmoid", "w", "x*sigmoid(w*x + b)", "wrong_local"),
    ("sigmoid", "w", "sigmoid(w*x + b)*(1 - sigmoid(w*x + b))", "other_leaf"),
    ("mean", "x", "6*(x + 2)", "missing_mean"),
    ("mean", "x", "-3*(x + 2)/2", "sign_error"),
    ("mean", "x", "3*(x + 2)/4", "wrong_local"),
    ("mean", "x", "3*(x + 2)**2/2", "wrong_local"),
    ("product", "x", "x*cos(x)", "missing_path"),
    ("product", "x", "sin(x)", "missing_path"),
    ("product", "x", "-x*cos(x) + sin(x)", "wrong_local"),
    ("ratio", "w", "x/(w + x)**2", "sign_error"),
    ("ratio", "w", "1/(x + w)", "wrong_local"),
    ("ratio", "x", "1/(x + w)", "missing_path"),
    ("power", "x", "3*x**3*w", "wrong_local"),
    ("power", "x", "x**2*w", "wrong_local"),
    ("power", "x", "x**3", "other_leaf"),
    ("log", "x", "w*x/(x**2 + 1)", "missing_path"),
    ("log", "x", "2*w*x*log(x**2 + 1)", "wrong_local"),
    ("exp", "x", "-x*exp(-w*x)", "other_leaf"),
    ("exp", "x", "w*exp(-w*x)", "sign_error"),
    ("exp", "x", "exp(-w*x)", "wrong_local"),
    ("cos", "x", "w*sin(w*x + b)", "sign_error"),
    ("cos", "x", "-sin(w*x + b)", "other_leaf"),  # ∂L/∂b: the local w left out, too
    ("tanh", "x", "1 - tanh(w*x)**2", "wrong_local"),
    ("cos", "x", "-x*sin(w*x + b)", "other_leaf"),
    ("sqrt", "x", "w/sqrt(w*x)", "wrong_local"),
]


@pytest.mark.parametrize(("name", "wrt", "answer", "diagnosis"), MISTAKES)
def test_classic_mistakes_are_named(name, wrt, answer, diagnosis):
    result = checking.check(explained(name), wrt, answer)
    assert not result.correct
    assert result.diagnosis == diagnosis, result.feedback
    assert result.feedback.startswith("Not quite: ")


def test_messages_say_what_went_wrong():
    def feedback(name, wrt, answer):
        return checking.check(explained(name), wrt, answer).feedback

    assert "misses the 1/N of the mean" in feedback("mean", "x", "6*(x + 2)")
    assert "N = 4 elements" in feedback("mean", "x", "6*(x + 2)")
    assert "x is used 2 times" in feedback("product", "x", "x*cos(x)")
    assert "the gradient of another leaf" in feedback("chain", "x1", "-x1*w2")
    assert "d sin(u)/du = cos(u)" in feedback("product", "x", "-x*cos(x) + sin(x)")
    assert "leaves out the local derivative ∂t2/∂t1 = w2" in feedback("chain", "x1", "-w1")


def test_anything_else_is_not_equivalent_with_a_counter_example():
    result = checking.check(explained("product"), "x", "cos(x)")
    assert (result.correct, result.diagnosis) == (False, "not_equivalent")
    assert result.counterexample == {"x": 1.0}  # the problem's own values come first
    assert result.feedback.startswith("Not equivalent: at x = 1 your answer is 0.540302")


def test_a_number_for_a_closed_form_question_is_recognised_as_the_value():
    result = checking.check(explained("chain"), "x1", "-30")
    assert (result.correct, result.diagnosis) == (False, "value_not_closed_form")
    assert "a formula in w1, w2" in result.feedback
    constant = checking.check(explained("chain_all"), "Y", "1")  # ∂L/∂Y is a number: right
    assert constant.correct


VALUES = [
    ("mean", "x", "4.5", "correct"),
    ("mean", "x", "9/2", "correct"),
    ("mean", "x", "[[4.5, 4.5], [4.5, 4.5]]", "correct"),
    ("mean", "x", "18", "missing_mean"),
    ("mean", "x", "-4.5", "sign_error"),
    ("mean", "x", "4.6", "wrong_value"),
    ("mean", "x", "[4.5, 4.5]", "wrong_shape"),
    ("tanh", "w", "0.21", "correct"),  # two decimals are enough
    ("tanh", "w", "0.2", "wrong_value"),
    ("chain", "x1", "-30", "correct"),
    ("chain", "x1", "30", "sign_error"),
    ("chain", "x1", "-12", "other_leaf"),
    ("product", "x", "0.540302", "missing_path"),
]


@pytest.mark.parametrize(("name", "wrt", "answer", "diagnosis"), VALUES)
def test_value_answers_within_the_stated_tolerance(name, wrt, answer, diagnosis):
    result = checking.check(explained(name), wrt, answer, kind="value")
    assert result.diagnosis == diagnosis, result.feedback
    assert result.correct == (diagnosis == "correct")
    assert result.method == "tolerance"


def test_numbers_and_printed_output():
    assert checking.check_number(-2.0, "-2.001", "t1").correct
    assert checking.check_number(-2.0, "2", "t1").diagnosis == "sign_error"
    printed = "tensor([ 36., -24.])\nTrue False\n"
    assert checking.check_output(printed, "tensor([36., -24.])\n\nTrue  False").correct
    wrong = checking.check_output(printed, "tensor([36, -24])\nTrue False")
    assert not wrong.correct and "the numbers are right" in wrong.feedback
    assert (
        "prints 2 lines; your answer has 1."
        in checking.check_output(printed, "tensor([36., -24.])").feedback
    )


HOSTILE = [
    ("__import__('os').system('touch /tmp/gradtutor-pwned')", ParseError, 400),
    ("open('/tmp/gradtutor-pwned', 'w')", ParseError, 400),
    ("w1.__class__", ParseError, 400),
    ("(lambda: 1)()", ParseError, 400),
    ("[w1 for w1 in w2]", ParseError, 400),
    ("w1 if w2 else x1", ParseError, 400),
    ("1e309 * w1", ParseError, 400),
    ("softmax(w1)", ParseError, 400),
    ("w1**99999999", LimitError, 422),
    ("9**9**9", LimitError, 422),
    ("(10**60)**60", LimitError, 422),
    ("2**" + "9" * 500, LimitError, 422),
    ("w1" * 50_000, LimitError, 413),
    ("(" * 500 + "w1" + ")" * 500, LimitError, 422),
    ("", ParseError, 400),
]


@pytest.mark.parametrize(("answer", "error", "status"), HOSTILE, ids=lambda v: str(v)[:30])
def test_hostile_answers_are_refused_quickly_and_nothing_runs(answer, error, status, tmp_path):
    start = time.perf_counter()
    with pytest.raises(error) as caught:
        checking.check(explained("chain"), "x1", answer)
    assert caught.value.status == status
    assert time.perf_counter() - start < 1.0
    assert not (tmp_path.parent / "gradtutor-pwned").exists()


def test_deep_but_legal_answers_stay_bounded():
    start = time.perf_counter()
    result = checking.check(explained("chain"), "x1", "exp(exp(exp(exp(exp(w1)))))*" * 10 + "1")
    assert not result.correct
    assert time.perf_counter() - start < 2.0


def test_questions_the_problem_cannot_answer_are_422():
    with pytest.raises(TutorError) as caught:
        checking.check(explained("chain"), "Q", "1")
    assert (caught.value.status, caught.value.code) == (422, "no_gradient")


ACCUMULATE = """import torch
x = torch.tensor(3.0, requires_grad=True)
y = x * x
y.backward()
z = 2 * x
z.backward()
print(x.grad)
"""


@pytest.mark.parametrize(
    ("answer", "kind", "diagnosis"),
    [
        ("2*(x + 1)", "closed_form", "correct"),
        ("2*x", "closed_form", "missing_accumulation"),
        ("8", "value", "correct"),
        ("6", "value", "missing_accumulation"),
        ("2", "value", "missing_accumulation"),
    ],
)
def test_gradients_accumulate_over_backward_calls(answer, kind, diagnosis):
    x = explain_program(lang.parse_program(ACCUMULATE))
    result = checking.check(x, "x", answer, kind)
    assert result.diagnosis == diagnosis, result.feedback
    if diagnosis == "missing_accumulation":
        assert "alone contributes; .grad adds up" in result.feedback


@pytest.mark.parametrize("answer", ["1", "[[1, 2], [3, 4]]"])
def test_a_matrix_form_that_is_no_tensor_is_told_so(answer):
    x = explain_program(lang.parse_program(seed_source("c")))
    result = checking.check(x, "x1", answer, "matrix_form")
    assert (result.correct, result.diagnosis) == (False, "not_equivalent")
    assert result.feedback.startswith("Not quite: your answer is not a tensor;")
