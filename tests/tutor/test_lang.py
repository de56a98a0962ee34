"""tutor.lang: what graph programs, expressions and formulas may say, and where refusals point."""

from __future__ import annotations

import doctest

import pytest

import engine
from tests.conftest import SEED_NAMES, seed_source
from tutor import errors, lang, limits
from tutor.errors import LimitError, ParseError, SourceTooLarge, TutorError
from tutor.lang import program as ir
from tutor.run import arithmetic, recorder


def refusal(source: str) -> TutorError:
    with pytest.raises(TutorError) as caught:
        lang.parse_program(source)
    return caught.value


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_snippets_are_programs(name):
    program = lang.parse_program(seed_source(name))
    assert program.source == seed_source(name)
    assert all(not isinstance(s, ir.Const) for s in program.statements)  # imports are gone


@pytest.mark.parametrize(
    "source",
    [
        "import torch.nn.functional as F\nimport torch\nx = F.relu(torch.ones(2))",
        "from torch.nn import functional as F\nimport torch\ny = F.sigmoid(torch.zeros(1))",
        "import torch\nimport torch\nx = torch.nn.functional.tanh(torch.ones(1))",
        "import numpy\nimport torch\nx = torch.from_numpy(numpy.ones(2))",
        "import torch\nwith torch.no_grad():\n    with torch.enable_grad():\n        x = 1",
        "import torch\nwith torch.set_grad_enabled(False):\n    pass",
        "import torch\ntorch.set_grad_enabled(False)",
        '"""A docstring."""\nimport torch\nx = torch.ones(2, 2)\na, b = x.max(dim=1)',
        "import torch\nx = torch.ones(2)\nx += 1\nx.requires_grad = True\nx.grad = None",
        "import torch\nx = torch.ones(3)\nprint(f'{x.sum():.2f}', x[0], x[1:], x[..., None])",
        "import torch\nx = torch.ones(2)\nprint(x.grad is None, x.shape == (2,), x.T, -x, +x)",
        "x = 2\ny = x ** 3 / 4 - 1\nprint(y, len([1, 2]), round(2.5), abs(-1), float(1), int(2.0))",
        "import torch\nx = torch.zeros(2, dtype=torch.float64)\ny = torch.zeros(2, dtype=float)",
    ],
)
def test_accepted_programs(source):
    assert lang.parse_program(source).statements


def test_calls_are_resolved_while_reading():
    (assign,) = lang.parse_program("import torch\nx = torch.exp(torch.ones(2))").statements
    call = assign.value
    assert (call.kind, call.name) == ("op", "exp")
    assert (call.args[0].kind, call.args[0].name) == ("factory", "torch.ones")
    (stmt,) = lang.parse_program("import torch\nprint(torch.float32)").statements
    assert stmt.value.kind == "builtin" and stmt.value.args[0].value is engine.float32


def test_positions_are_one_based_characters():
    source = "import torch\nprint('λλ', torch.ones(2) + 1)"
    (stmt,) = lang.parse_program(source).statements
    plus = stmt.value.args[1]
    assert (plus.at.line, plus.at.col, plus.at.text) == (2, 13, "torch.ones(2) + 1")


@pytest.mark.parametrize(
    ("source", "code", "line", "col"),
    [
        ("import torch\nx = 1\nopen('f')", "not_allowed", 3, 1),
        ("x = = 1", "syntax_error", 1, 5),
        ("print(", "syntax_error", 1, 6),
        ("x = 'λ' + = 1", "syntax_error", 1, 11),
        ("import torch\n\nx = torch.load('f')", "not_allowed", 3, 5),
        ("import torch\nx = torch.ones(1)\ny = x.__class__", "not_allowed", 3, 5),
        ("import torch\nx = torch.ones(1)\ny = x.register_hook(x)", "not_allowed", 3, 5),
        ("import torch\nx = torch.exp(1, 2, 3)", "bad_arguments", 2, 5),
        ("import torch\nx = torch.ones(2, device='cpu')", "bad_arguments", 2, 5),
        ("y = x + 1", "undefined_name", 1, 5),
        ("import torch\ntorch = 1", "name_taken", 2, 1),
        ("print = 1", "name_taken", 1, 1),
        ("import torch\nx = torch.ones(2)\nx[0] = 1.", "not_allowed", 3, 1),
        ("import torch\nx = torch.ones(2)\nx.data = x", "not_allowed", 3, 1),
        ("x = 1\nx //= 2", "not_allowed", 2, 1),
        ("x = 1 < 2 < 3", "not_allowed", 1, 5),
        ("x = 7 // 2", "not_allowed", 1, 7),  # at the operator itself
        ("x = 'a'", "not_allowed", 1, 5),
        ("import torch\nwith torch.no_grad() as g:\n    pass", "not_allowed", 2, 6),
        ("import torch\nx = torch.nn", "not_allowed", 2, 5),
        ("import torch\nx = torch.exp", "not_allowed", 2, 5),
        ("import torch\nx = torch.ones(2)\ny = x.exp", "not_allowed", 3, 5),
        ("import torch.utils", "import_not_allowed", 1, 1),
        ("from torch import ones", "import_not_allowed", 1, 1),
        ("x = 1\nx()", "not_callable", 2, 1),
        ("é = 1", "non_ascii_name", 1, 1),
        ("x = 1\x00", "nul_character", 1, 6),
    ],
)
def test_refusals_are_located(source, code, line, col):
    error = refusal(source)
    assert (error.code, error.line, error.col) == (code, line, col)
    assert f"(line {line}, col {col})" in error.message
    assert isinstance(error, ParseError) and error.status == 400


@pytest.mark.parametrize(
    ("source", "instead"),
    [
        ("x = torch.ones(3)", "start the program with `import torch`"),
        ("x = np.ones(3).sum()", "start the program with `import numpy as np`"),
        ("y = F.relu", "start the program with `import torch.nn.functional as F`"),
    ],
)
def test_a_module_used_without_its_import_says_which_import(source, instead):
    error = refusal(source)
    assert error.code == "undefined_name" and error.message.endswith(instead)


def test_refusal_says_what_is_wrong_where_and_what_instead():
    message = refusal("import torch\nx = 1\nopen('f')").message
    assert message.startswith(
        "`open` is not available in graph programs (line 3, col 1); available functions: print,"
    )
    assert "torch" in message.split(";")[1]
    message = refusal("import os").message
    assert message.endswith("you can import torch, numpy (as np) and torch.nn.functional (as F)")
    message = refusal("import torch\nx = torch.ones(1)\ny = x.__dict__").message
    assert (
        "names starting with `_`" in message and "available attributes: T, data, device" in message
    )


def test_limits_before_the_parser():
    big = "x = 1\n" * 20_000
    error = refusal(big)
    assert isinstance(error, SourceTooLarge) and error.status == 413
    deep = refusal("x = " + "(" * 5000 + "1" + ")" * 5000)
    assert isinstance(deep, LimitError) and (deep.code, deep.line, deep.col) == ("too_deep", 1, 55)
    chain = refusal("x = 1\ny = x" + " + x" * 10_000)
    assert (chain.code, chain.line, chain.status) == ("too_deep", 2, 422)
    many = refusal("x = 1\n" * 1_001)
    assert (many.code, many.line) == ("too_many_statements", 1_001)
    assert refusal("x = " + "9" * 4_000).code == "number_too_large"


def test_limits_are_configurable():
    small = limits.Limits(statements=2)
    with pytest.raises(LimitError, match="more than 2 statements"):
        lang.parse_program("x = 1\ny = 2\nz = 3", small)


def test_not_text():
    with pytest.raises(ParseError) as caught:
        lang.parse_program(b"x = 1")
    assert caught.value.code == "not_text"


# ----- formulas ---------------------------------------------------------------------------
def test_formula_tree_and_names_in_first_use_order():
    formula = lang.parse_formula("-w1*w2 + torch.exp(x1) / sigmoid(w1)", {"w1", "w2", "x1"})
    assert formula.names == ("w1", "w2", "x1")
    assert formula.expr.symbol == "+"
    call = formula.expr.operands[1].operands[0]
    assert (call.kind, call.name) == ("op", "exp")


@pytest.mark.parametrize(
    ("text", "names", "code", "phrase"),
    [
        ("x.exp()", None, "not_allowed", "write exp(x), not x.exp()"),
        ("open(x)", None, "not_allowed", "`open` is not a formula function"),
        ("x > 1", None, "not_allowed", "not available in formulas"),
        ("x @ y", None, "not_allowed", "available operators: + - * / **"),
        ("x[0]", None, "not_allowed", "not available in formulas"),
        ("torch.ones(2)", None, "not_allowed", "`torch.ones` is not available in formulas"),
        ("z * 2", {"x"}, "undefined_name", "`z` has no value (line 1, col 1); known names: x"),
        ("exp", None, "not_allowed", "`exp` is a function"),
        ("'a' + x", None, "not_allowed", "strings are only available as arguments in formulas"),
        ("x +", None, "syntax_error", "invalid syntax"),
        ("True * x", None, "not_allowed", "is not a number"),
    ],
)
def test_formula_refusals(text, names, code, phrase):
    with pytest.raises(ParseError) as caught:
        lang.parse_formula(text, names)
    assert caught.value.code == code
    assert phrase in caught.value.message
    assert caught.value.line == 1


# ----- the expression form ----------------------------------------------------------------
def test_expression_becomes_the_equivalent_program():
    program = lang.parse_expression(
        "Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, requires_grad=["x1", "w1", "w2"]
    )
    assert (program.form, program.backward_root, program.source) == (
        "expression",
        "L",
        "Y - x1*w1*w2",
    )
    leaves = {}
    for statement in program.statements[:-1]:
        call = statement.value
        assert (call.kind, call.name) == ("factory", "torch.tensor")
        leaves[statement.targets[0].id] = (call.args[0].value, dict(call.kwargs)["requires_grad"])
    assert {n: (v, rg.value) for n, (v, rg) in leaves.items()} == {
        "x1": (2.0, True),
        "w1": (5.0, True),
        "w2": (6.0, True),
        "Y": (10.0, False),
    }
    assert all(isinstance(v, float) for v, _ in leaves.values())  # ints become float leaves
    assert program.statements[0].at.col == 5  # x1 is first used at column 5
    assert program.statements[-1].targets[0].id == "L"


def test_expression_names_and_defaults():
    assert lang.parse_expression("out = x * 2", {"x": 1}).backward_root == "out"
    assert lang.parse_expression("x * L", {"x": 1, "L": 2}).backward_root == "out"
    program = lang.parse_expression("x * Y", {"x": [[1, 2]], "Y": [[3, 4]]}, constants=["Y"])
    flags = {
        s.targets[0].id: dict(s.value.kwargs)["requires_grad"].value
        for s in program.statements[:-1]
    }
    assert flags == {"x": True, "Y": False}
    assert program.statements[0].value.args[0].value == [[1.0, 2.0]]


@pytest.mark.parametrize(
    ("values", "kwargs", "code"),
    [
        ({"x": float("nan")}, {}, "invalid_value"),
        ({"x": [[1, 2], [3]]}, {}, "invalid_value"),
        ({"x": [[1, 2], 3]}, {}, "invalid_value"),
        ({"x": "a"}, {}, "invalid_value"),
        ({"x": True}, {}, "invalid_value"),
        ({"x": 10**400}, {}, "invalid_value"),
        ({"__class__": 1}, {}, "invalid_name"),
        ({"torch": 1}, {}, "invalid_name"),
        ({"x y": 1}, {}, "invalid_name"),
        ({"for": 1}, {}, "invalid_name"),
        ([("x", 1)], {}, "invalid_values"),
        ({"x": 1}, {"requires_grad": ["x"], "constants": ["x"]}, "invalid_values"),
        ({"x": 1}, {"requires_grad": ["y"]}, "invalid_values"),
        ({"x": 1}, {"constants": ["y"]}, "invalid_values"),
    ],
)
def test_expression_values_are_checked(values, kwargs, code):
    with pytest.raises(ParseError) as caught:
        lang.parse_expression("x", values, **kwargs)
    assert caught.value.code == code


def test_a_value_may_be_named_like_a_function_it_does_not_call():
    program = lang.parse_expression("(y - t)**2", {"y": 1, "t": 2})  # t: the usual target
    assert [s.targets[0].id for s in program.statements] == ["y", "t", "L"]
    with pytest.raises(ParseError) as caught:
        lang.parse_expression("exp(x)", {"exp": 1, "x": 2})
    assert caught.value.code == "not_callable" and (caught.value.line, caught.value.col) == (1, 1)


def test_expression_text_errors():
    with pytest.raises(ParseError, match="an expression is one formula"):
        lang.parse_expression("x\ny", {"x": 1, "y": 2})
    with pytest.raises(ParseError, match="has a value already"):
        lang.parse_expression("x = x * 2", {"x": 1})
    with pytest.raises(ParseError, match="`z` has no value"):
        lang.parse_expression("x * z", {"x": 1})
    with pytest.raises(LimitError):
        lang.parse_expression("x", {"x": [0.0] * 11}, limits=limits.Limits(tensor_elements=10))


def test_error_json_and_statuses():
    error = refusal("import os")
    assert error.to_json() == {
        "code": "import_not_allowed",
        "message": error.message,
        "line": 1,
        "col": 1,
    }
    assert (ParseError.status, LimitError.status, SourceTooLarge.status) == (400, 422, 413)
    assert errors.ProgramError.status == 422


@pytest.mark.parametrize("module", [errors, limits, recorder, arithmetic])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
