"""Property: whatever text comes in, only a TutorError ever comes out of parse_* and run."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor import lang
from tutor.errors import TutorError
from tutor.lang import vocabulary as vocab
from tutor.run import numeric

PRELUDE = (
    "import torch\nimport numpy as np\nimport torch.nn.functional as F\n"
    "x = torch.ones(2, 3, requires_grad=True)\ny = torch.tensor([1., 2.])\nw = x * 2\n"
    "z = torch.tensor(3.)\n"
)
TOKENS = [
    *("torch", "np", "F", "x", "y", "w", "z", "print", "exp", "sum", "backward", "grad"),
    *("grad_fn", "requires_grad", "detach", "item", "shape", "T", "data", "zero_", "ones"),
    *("__class__", "__dict__", "__globals__", "open", "eval", "import", "from", "as", "with"),
    *("no_grad", "def", "lambda", "for", "if", "not", "and", "is", "None", "True", "os"),
    *("+", "-", "*", "/", "**", "@", "=", "==", "<", "(", ")", "[", "]", "{", "}", ",", "."),
    *(":", ";", "\n", "    ", "0", "1", "2.5", "-1", "10**10", "1e308", "'a'", 'f"{x}"'),
    *("...", "+=", "-=", "tensor", "reshape", "expand", "max", "dim", "cat", "where", "F.relu"),
]
ATOMS = [
    *("x", "y", "w", "z", "0", "2", "2.5", "-1", "None", "True", "'a'", "(2, 3)", "[1, 2]"),
    *("...", "torch.float64", "np.float32", "x.grad", "w.grad_fn", "1e308", "10**3", "x > 0"),
    "[[1., 2.], [3., 4.]]",
]
FUNCTIONS = [
    *(
        f"torch.{n}"
        for n, m in vocab.NAMESPACES["torch"].items()
        if m.kind not in ("value", "module")
    ),
    *(f"F.{n}" for n in vocab.NAMESPACES["torch.nn.functional"]),
    *(f"np.{n}" for n in vocab.NAMESPACES["numpy"]),
    *vocab.BUILTINS,
]
KEYWORDS = ["dim", "keepdim", "requires_grad", "dtype", "retain_graph", "gradient", "min", "sep"]
OPERATORS = ["+", "-", "*", "/", "**", "@", "==", "<", "is"]


def _grow(inner):
    """Calls, methods, attributes, operators, indexing and f-strings of smaller expressions."""
    arguments = st.tuples(
        st.lists(inner, max_size=3).map(", ".join),
        st.lists(st.tuples(st.sampled_from(KEYWORDS), inner).map("=".join), max_size=2).map(
            ", ".join
        ),
    ).map(lambda parts: ", ".join(p for p in parts if p))
    return st.one_of(
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(FUNCTIONS), arguments).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, st.sampled_from(sorted(vocab.METHOD_SIGNATURES)), arguments).map(
            lambda t: f"({t[0]}).{t[1]}({t[2]})"
        ),
        st.tuples(inner, st.sampled_from(sorted(vocab.ATTRIBUTES))).map(
            lambda t: f"({t[0]}).{t[1]}"
        ),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
        inner.map(lambda e: f'f"{{{e}}}"'),
    )


EXPRESSIONS = st.recursive(st.sampled_from(ATOMS), _grow, max_leaves=8)
STATEMENTS = st.one_of(
    st.tuples(st.sampled_from(["x", "y", "w", "a"]), EXPRESSIONS).map(" = ".join),
    EXPRESSIONS.map(lambda e: f"print({e})"),
    st.tuples(
        st.sampled_from(["x", "y", "z"]), st.sampled_from(["+=", "-=", "*=", "**="]), EXPRESSIONS
    ).map(" ".join),
    EXPRESSIONS.map(lambda e: f"with torch.no_grad():\n    a = {e}"),
    st.sampled_from(
        ["x.requires_grad = True", "w.requires_grad_(False)", "x.grad = None", "w.sum().backward()"]
    ),
)
PROGRAMS = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(lambda ts: PRELUDE + " ".join(ts)),
    st.lists(STATEMENTS, min_size=1, max_size=4).map(lambda ss: PRELUDE + "\n".join(ss)),
)
# random programs compute NaN (a mean of nothing); numpy warns where PyTorch is silent
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
FUZZ = settings(
    max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@FUZZ
@given(PROGRAMS)
def test_programs_only_raise_tutor_errors(source):
    try:
        program = lang.parse_program(source)
    except TutorError:
        return
    try:
        run = numeric.run(program)
    except TutorError as error:
        assert error.code and error.message
    else:
        assert isinstance(run.output, str)


@FUZZ
@given(st.one_of(st.text(max_size=40), EXPRESSIONS))
def test_formulas_only_raise_tutor_errors(text):
    try:
        formula = lang.parse_formula(text)
    except TutorError:
        return
    assert all(name in text for name in formula.names)


VALUES = st.recursive(
    st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=3), st.none()),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)


@FUZZ
@given(
    st.sampled_from(["x * y", "sigmoid(x) + y", "L = mean(x * y)", "x ** y", "x / y", "relu(x)"]),
    st.dictionaries(st.sampled_from(["x", "y", "exp", "z", "1a"]), VALUES, max_size=3),
)
def test_expressions_only_raise_tutor_errors(formula, values):
    try:
        numeric.run(lang.parse_expression(formula, values))
    except TutorError as error:
        assert error.code
