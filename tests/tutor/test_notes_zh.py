"""What an explanation says besides its steps, in Chinese: notes, value warnings, verdict and
witness reasons, limits and every refusal, with the engine's PyTorch message word for word and
its meaning beside it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import seed_source
from tests.web.english import words
from tutor import i18n
from tutor.errors import ProgramError, TutorError
from tutor.explain import explain, make_input
from tutor.symbolic.budget import Budget

# identifiers and values a Chinese sentence still writes as code
CODE_WORDS = {"nan", "inf", "import", "os", "np", "foo", "input"}
PLACE = re.compile(r"（第 (\d+) 行，第 (\d+) 列）")


def _english(text: str) -> list[str]:
    return [w for w in words(text) if w not in CODE_WORDS]


def _zh(**asked):
    """The explanation of ``asked`` made in Chinese (as the service makes it)."""
    with i18n.using("zh"):
        return explain(make_input(lang="zh", **asked))


def _refusal(**asked) -> TutorError:
    with i18n.using("zh"), pytest.raises(TutorError) as caught:
        explain(make_input(lang="zh", **asked))
    return caught.value


def _program(*lines: str) -> str:
    return "\n".join(["import torch", *lines]) + "\n"


def test_notes_and_a_leafs_note_are_chinese_when_the_budget_runs_out():
    with i18n.using("zh"):
        x = explain(make_input(program=seed_source("c"), lang="zh"), Budget(seconds=0.0))
    assert x.notes and all(_english(n) == [] for n in x.notes)
    assert any("预算" in n for n in x.notes)
    for g in x.gradients:
        assert g.note.startswith("没有闭式") and _english(g.note) == []


def test_without_any_value_the_no_verdict_reason_is_chinese():
    with i18n.using("zh"):
        budget = Budget(seconds=0.0, chain_numbers=0)
        x = explain(make_input(program=seed_source("c"), lang="zh"), budget)
    reasons = [g.check.reason for g in x.gradients]
    assert reasons and all("不作判定" in r and _english(r) == [] for r in reasons)
    assert x.notes == (
        "未给出链式法则各步的数值：1 次反向调用、每次 32 个数，共需保存 32 个数，超出了 0 的预算",
        "闭式无法给出：符号计算的时间预算已用完",
    )


@pytest.mark.parametrize(
    "lines, said",
    [
        (("x = torch.tensor(-1.0, requires_grad=True)", "y = torch.log(x)"), "自然对数"),
        (("x = torch.tensor(0.0, requires_grad=True)", "y = 1 / x"), "除法"),
        (("x = torch.tensor(0.0, requires_grad=True)", "y = torch.sqrt(x)"), "局部导数"),
    ],
    ids=["log-of-a-negative", "division-by-zero", "sqrt-slope-at-zero"],
)
def test_value_warnings_are_chinese(lines, said):
    x = _zh(program=_program(*lines, "y.backward()"))
    (warning,) = x.warnings
    assert said in warning and _english(warning) == [], warning


def test_a_kink_is_no_witness_in_chinese():
    x = _zh(
        program=_program("x = torch.tensor(0.0, requires_grad=True)", "torch.relu(x).backward()")
    )
    (g,) = x.gradients
    assert g.check.numerical_reason.startswith("差分跨过了一个折点")
    assert "折点上" in g.check.numerical_reason


def test_a_tensor_too_large_to_show_is_noted_in_chinese():
    x = _zh(
        program=_program("x = torch.ones(2000, requires_grad=True)", "(x * x).sum().backward()")
    )
    (g,) = x.gradients
    assert g.note == "引擎的 .grad 有 2,000 个数，太多而无法显示；判定逐一比较了其中每一个数"


def test_work_over_the_element_budget_is_noted_in_chinese():
    program = _program(
        "x = torch.ones(20, 20, requires_grad=True)",
        "w = torch.ones(20, 20, requires_grad=True)",
        "(x @ w).sum().backward()",
    )
    assert _zh(program=program).notes == (
        "未给出逐元素的闭式：需要处理 1201 个元素，超出了 512 的预算",
    )


@pytest.mark.parametrize(
    "asked, code, place, said",
    [
        ({"program": "import os\n"}, "import_not_allowed", (1, 1), "不能使用 `import os`"),
        ({"program": _program("y = foo + 1")}, "undefined_name", (2, 5), "`foo` 未定义"),
        ({"program": _program("for i in x:", "    pass")}, "not_allowed", (2, 1), "不能使用循环"),
        ({"program": "y = " + "(" * 60 + "1" + ")" * 60}, "too_deep", (1, 55), "嵌套超过了"),
        ({"program": _program("y = torch.exp()")}, "bad_arguments", (2, 5), "缺少必需的参数"),
        ({"expression": "x ^ 2", "values": {"x": 1}}, "not_allowed", (1, 3), "乘方请用 **"),
    ],
    ids=["forbidden-import", "undefined-name", "loop", "too-deep", "missing-argument", "xor"],
)
def test_refusals_are_chinese_with_their_line_and_column(asked, code, place, said):
    error = _refusal(**asked)
    assert error.code == code and (error.line, error.col) == place
    assert said in error.message and _english(error.message) == [], error.message
    assert PLACE.search(error.message).groups() == tuple(map(str, place))
    what, sep, instead = error.message.partition("；")  # the place between the two halves
    assert PLACE.search(what) and sep and instead


def test_a_bad_value_is_refused_in_chinese():
    error = _refusal(expression="x * y", values={"x": "a", "y": 1})
    assert error.code == "invalid_value"
    assert error.message == "values['x'] 必须是一个数，或由数组成的（嵌套）列表"


def test_a_limit_of_the_run_is_chinese():
    error = _refusal(program=_program("x = torch.ones(10000000)"))
    assert error.code == "tensor_too_large" and error.line == 2
    assert error.message.startswith(
        "这会产生一个有 10000000 个元素的张量，超过了允许的 1,000,000 个"
    )


ENGINE = _program("x = torch.tensor(1.0)", "y = x * 2", "y.backward()")
PYTORCH = "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"


def test_the_engines_message_stays_pytorchs_with_its_meaning_in_chinese():
    error = _refusal(program=ENGINE)
    assert isinstance(error, ProgramError) and error.message == PYTORCH
    assert (error.code, error.line, error.col) == ("runtime_error", 4, 1)
    with i18n.using("zh"):
        body = error.to_json()
        assert body["explanation"] == error.explanation
    assert body["message"] == PYTORCH and "requires_grad=True" in body["explanation"]
    assert "没有梯度可算" in body["explanation"] and _english(body["explanation"]) == []


@pytest.mark.parametrize(
    "lines",
    [
        ("w = torch.tensor([1.0, 2.0], requires_grad=True)", "b = torch.zeros(3)", "b[:2].mul_(w)"),
        ("x = torch.tensor([1.0, 2.0], requires_grad=True)", "y = x * 2", "y[0].mul_(3)"),
    ],
    ids=["grad into a view", "view of a non-leaf"],
)
def test_a_limit_of_the_engine_is_not_called_pytorchs_in_chinese(lines):
    """The engine refuses these writes into views; PyTorch does them (it rewrites the base's
    history), so the meaning must not say "as PyTorch does"."""
    error = _refusal(program=_program(*lines))
    assert "not supported by this engine" in error.message
    with i18n.using("zh"):
        assert error.explanation.startswith("PyTorch 允许对视图做这个原地写入，但本引擎不支持")


def test_in_english_the_engines_message_speaks_for_itself():
    with pytest.raises(ProgramError) as caught:
        explain(make_input(program=ENGINE))
    assert caught.value.explanation is None
    assert caught.value.to_json() == {
        "code": "runtime_error",
        "message": PYTORCH,
        "line": 4,
        "col": 1,
    }


def test_an_engine_message_without_its_own_meaning_is_explained_by_its_kind():
    error = _refusal(program=_program("x = torch.ones(2, 3)", "y = x.view(4)"))
    assert error.message.startswith("RuntimeError: shape '[4]' is invalid")
    with i18n.using("zh"):
        assert error.explanation == "新形状的元素个数必须与张量的元素个数相同"
    error = _refusal(program=_program("x = torch.ones(2)", "y = x.view(-1, -1)"))
    assert error.message == "RuntimeError: only one dimension can be inferred"
    with i18n.using("zh"):
        assert error.explanation == "引擎拒绝了这个运算，PyTorch 也会这样"


def test_the_tutors_own_run_time_refusal_is_chinese_after_pythons_name():
    error = _refusal(program=_program("y = 1", "y.grad = None"))
    assert error.message == (
        "AttributeError: 计算图程序中 int 类型的值 不支持 设置 `.grad`；它只适用于张量"
    )


@pytest.mark.parametrize(
    "asked, code, said",
    [
        ({"program": "import torch\n"}, "invalid_order", '"order": 2 只适用于公式'),
        (
            {"expression": "a*b*c*d*e*f*g", "values": dict.fromkeys("abcdefg", 1)},
            "too_many_leaves",
            "最多对 6 个叶子节点求两次导（共 21 个不同的二阶导数）",
        ),
        ({"expression": "x*y", "values": {"x": [1, 2], "y": 1}}, "order_2_tensor", "x 是一个列表"),
    ],
    ids=["a-program", "too-many-leaves", "a-tensor"],
)
def test_second_order_refusals_are_chinese(asked, code, said):
    error = _refusal(order=2, **asked)
    assert error.code == code and said in error.message


def test_the_tolerance_a_verdict_allows_is_written_in_chinese():
    x = _zh(expression="exp(x)*sin(y)", values={"x": 1, "y": 2}, order=2)
    allowed = "|差值| <= 1e-05 + 0.0001·|参考值|"
    assert x.gradients[0].check.tolerance == x.hessian.entries[0].check.tolerance == allowed


@pytest.mark.parametrize(
    ("line", "python", "meaning"),
    [
        ("x = torch.tensor（1.0）", "invalid character '（' (U+FF08)", "全角符号"),
        ("x = [1 2]", "Perhaps you forgot a comma?", "缺少一个逗号"),
        ("x = (1 +", "'(' was never closed", "括号一直没有闭合"),
        ("  x = 1", "unexpected indent", "有缩进"),
        ("x = 1 +* 2", "invalid syntax", "Python 读不懂这一行"),
    ],
)
def test_pythons_syntax_message_stays_with_its_meaning_in_chinese(line, python, meaning):
    error = _refusal(program=_program(line))
    assert error.code == "syntax_error" and python in error.message
    with i18n.using("zh"):
        assert meaning in error.explanation and _english(error.explanation) == []
        assert error.to_json()["explanation"] == error.explanation
    assert error.explanation is None  # English: Python's words say it
