"""Answer checking in Chinese: the verdict, the diagnosis of a classic mistake, the hints and a
refused answer's place are written in the language current when the answer is checked."""

from __future__ import annotations

import re

import pytest

from tests.conftest import seed_source
from tests.web.english import words
from tutor import checking, i18n, lang
from tutor.errors import ParseError
from tutor.explain import Explanation, explain_program

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

PROBLEMS = {  # name: (formula, values, constants)
    "chain": ("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, ["Y"]),
    "sine": ("sin(w*x)*3", {"x": 0.5, "w": 2}, []),
    "square": ("x*x", {"x": 3}, []),
    "tanh": ("3 - tanh(w*x)", {"x": 0.5, "w": 2}, []),
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _explained(name: str) -> Explanation:
    formula, values, constants = PROBLEMS[name]
    return explain_program(lang.parse_expression(formula, values, constants=constants))


def _check(name: str, wrt: str, answer: str, language: str = "zh") -> checking.Feedback:
    with i18n.using(language):
        return checking.check(_explained(name), wrt, answer)


def _chinese(text: str) -> None:
    assert CHINESE.search(text), text
    assert words(text) == [], text


def test_a_right_answer_is_told_in_chinese():
    result = _check("chain", "x1", "-w2*w1")
    assert result.correct and result.diagnosis == "correct"
    assert result.feedback == "正确：你的答案等于 ∂L/∂x1（两者之差化简为 0）。"


@pytest.mark.parametrize(
    ("name", "wrt", "answer", "diagnosis"),
    [
        ("sine", "w", "3*cos(w*x)", "wrong_local"),  # the chain rule's factor x left out
        ("chain", "x1", "w1*w2", "sign_error"),
        ("square", "x", "2*abs(x)", "not_equivalent"),  # right only where x > 0
        ("chain", "x1", "-w1*x1", "other_leaf"),
    ],
)
def test_a_classic_mistake_is_diagnosed_in_chinese(name, wrt, answer, diagnosis):
    result = _check(name, wrt, answer)
    assert not result.correct and result.diagnosis == diagnosis
    _chinese(result.feedback)
    english = _check(name, wrt, answer, "en")
    assert (english.diagnosis, english.expected) == (diagnosis, result.expected)
    assert CHINESE.search(english.feedback) is None


def test_a_number_for_a_closed_form_is_told_in_chinese():
    result = _check("chain", "x1", "-30")
    assert result.diagnosis == "value_not_closed_form"
    assert result.feedback == (
        "还不对：这是 ∂L/∂x1 在给定的值处的数值；题目要求的是闭式，即关于 w1, w2 的公式。"
    )


@pytest.mark.parametrize(
    ("name", "wrt", "diagnosis"),
    [("sine", "w", "wrong_local"), ("tanh", "w", "sign_error"), ("square", "x", "not_equivalent")],
)
def test_the_hints_climb_in_chinese(name, wrt, diagnosis):
    with i18n.using("zh"):
        hints = checking.ladder(_explained(name), wrt, diagnosis)
    assert len(hints) == 3
    for hint in hints:
        _chinese(hint)
    assert "链式法则" in hints[0] or "路径" in hints[0]
    assert hints[1].startswith("沿 ") and hints[2].startswith("从 ")


def test_the_diagnosis_without_the_answer_is_in_the_current_language():
    from tutor.checking.hints import WITHOUT_ANSWER

    with i18n.using("zh"):
        assert WITHOUT_ANSWER["sign_error"] == "还不对：某处的符号错了。"
        assert WITHOUT_ANSWER.get("wrong_local") == "还不对：某个局部导数漏掉了或者错了。"
    assert WITHOUT_ANSWER["sign_error"] == "Not quite: a sign is off somewhere."


def test_an_answer_that_cannot_be_read_says_where_in_chinese():
    with i18n.using("zh"), pytest.raises(ParseError) as refused:
        checking.check(_explained("chain"), "x1", "-w1 + [1, 2]")
    error = refused.value
    assert (error.code, error.line, error.col) == ("not_allowed", 1, 7)
    assert "第 1 行" in error.message and "第 7 列" in error.message
    _chinese(error.message)


@pytest.mark.parametrize(
    ("answer", "diagnosis"),
    [
        ("-w1*w2", "correct"),
        ("w1*w2", "sign_error"),
        ("w1", "not_equivalent"),
        ("1", "not_equivalent"),
    ],
)
def test_a_matrix_form_is_checked_in_chinese(answer, diagnosis):
    program = explain_program(lang.parse_program(seed_source("c")))
    with i18n.using("zh"):
        result = checking.check(program, "x1", answer, "matrix_form")
    assert result.diagnosis == diagnosis
    _chinese(result.feedback)
