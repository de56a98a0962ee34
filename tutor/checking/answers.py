"""A student's answer, read by the safe parser and built into sympy through the table.

The text is read by ``tutor.lang.parse_formula`` (never evaluated); the checked tree becomes
sympy here, one table row at a time, never through ``sympify``. Bounds keep hostile answers
cheap: a short text, small exponents, numbers of bounded size, a bounded expression, and
only the table's elementwise functions plus whole-tensor ``sum``/``mean``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping

import numpy as np
import sympy

from .. import i18n, lang
from ..errors import LimitError, ParseError
from ..functions import ELEMENTWISE, FUNCTIONS, FunctionSpec
from ..i18n import N_
from ..lang import program as ir
from ..lang.vocabulary import BARE_OPS
from ..limits import Limits
from ..symbolic.canonical import atoms, literal, ops
from ..symbolic.evaluate import Unevaluable, evaluate
from ..symbolic.nodes import TOTALS

# An answer is a line of algebra: a few hundred characters at most, shallow, small numbers.
P = inspect.Parameter
ANSWER_LIMITS = Limits(source_chars=2_000, depth=60, brackets=30, int_bits=256)
MAX_EXPONENT = 64  # |n| in u**n for a number n; tutors write 2, 3, -1, 1/2
MAX_BITS = 4_096  # size of an exact number an answer may make (10**1233)
MAX_OPS = 400  # operations of the built expression


# What the tutor's closed forms write that is not a row of the table, in sympy's spelling:
# the step function of relu's and clamp's derivatives (Heaviside(u, value at 0)), relu as
# Max(0, u), |u| as Abs(u); and the constants.
WRITTEN = {
    "Heaviside": lambda u, at_zero=sympy.S.Half: sympy.Heaviside(u, at_zero),
    "Abs": sympy.Abs,
    "Max": sympy.Max,
    "Min": sympy.Min,
}
_ONE = inspect.Signature([P("u", P.POSITIONAL_OR_KEYWORD)])
_MANY = inspect.Signature([P("u", P.POSITIONAL_OR_KEYWORD), P("more", P.VAR_POSITIONAL)])
WRITTEN_SIGNATURES = {
    "Heaviside": inspect.Signature(
        [P("u", P.POSITIONAL_OR_KEYWORD), P("at_zero", P.POSITIONAL_OR_KEYWORD, default=None)]
    ),
    "Abs": _ONE,
    "Max": _MANY,
    "Min": _MANY,
}
CONSTANTS = {"E": sympy.E, "e": sympy.E, "pi": sympy.pi}  # unless the problem has such a name


def _answer_function(spec: FunctionSpec) -> bool:
    """Whether an answer may call this row: an elementwise function with no parameters."""
    return spec.kind == ELEMENTWISE and not spec.params and spec.sympy is not None


# the functions an answer may write, as the table names them (operators are written as such)
ANSWER_FUNCTIONS = tuple(
    name
    for name, key in BARE_OPS.items()
    if _answer_function(FUNCTIONS[key]) and FUNCTIONS[key].operator is None
)


def _refuse(code: str, message: str, at: ir.Span) -> ParseError:
    return ParseError(code, message, at.line, at.col)


def _too_large(message: str, at: ir.Span) -> LimitError:
    return LimitError("answer_too_large", message, at.line, at.col)


def _bits(number: sympy.Rational) -> int:
    return max(int(number.p).bit_length(), int(number.q).bit_length())


class _Builder:
    """Builds sympy from a checked formula tree; ``lists`` allows ``[1, 2]`` (value answers)."""

    def __init__(self, symbols: Mapping[str, sympy.Symbol], lists: bool) -> None:
        self.symbols, self.lists = symbols, lists

    def build(self, node):
        """The sympy form of one checked node (nested lists for a list display)."""
        match node:
            case ir.Const(value=value) if isinstance(value, (int, float)):
                return self._number(value, node.at)
            case ir.Name(id=name):
                return self.symbols[name]
            case ir.Operator(symbol="+u", operands=(operand,)):
                return self.build(operand)
            case ir.Operator(symbol="**", operands=(base, exponent)):
                return self._power(self.build(base), self.build(exponent), node.at)
            case ir.Operator(key=key, operands=operands):
                return self._row(key, [self.build(o) for o in operands], node.at)
            case ir.Call(kind="op", name=key, args=args, kwargs=()):
                return self._call(key, [self.build(a) for a in args], node.at)
            case ir.Call(kind="function", name=name, args=args, kwargs=()):
                return WRITTEN[name](*(self._expr(self.build(a), node.at) for a in args))
            case ir.Seq(items=items) if self.lists and items:
                return [self.build(i) for i in items]
        if self.lists:
            said = N_(
                "`{part}` cannot be part of an answer; write a formula such as -w1*w2 or "
                "2*x*exp(x**2), or a list of numbers such as [1, 2.5]"
            )
        else:
            said = N_(
                "`{part}` cannot be part of an answer; write a formula such as -w1*w2 or "
                "2*x*exp(x**2)"
            )
        part = node.at.text or i18n.gettext("this")
        raise _refuse("not_allowed", i18n.gettext(said, part=part), node.at)

    @staticmethod
    def _number(value: int | float, at: ir.Span) -> sympy.Expr:
        if isinstance(value, float) and not math.isfinite(value):
            raise _refuse("invalid_value", i18n.gettext("numbers in an answer must be finite"), at)
        return sympy.Integer(value) if isinstance(value, int) else literal(value)

    def _expr(self, value, at: ir.Span) -> sympy.Expr:
        if isinstance(value, list):
            said = i18n.gettext("lists cannot be combined with + - * / **")
            raise _refuse("not_allowed", said, at)
        return value

    def _row(self, key: str, operands: list, at: ir.Span) -> sympy.Expr:
        """An operator through its table row."""
        spec = FUNCTIONS[key]
        return spec.sympy(*(self._expr(o, at) for o in operands))

    def _power(self, base, exponent, at: ir.Span) -> sympy.Expr:
        base, exponent = self._expr(base, at), self._expr(exponent, at)
        if exponent.is_Number:
            if abs(exponent) > MAX_EXPONENT:
                said = i18n.gettext(
                    "the exponent {exponent} is larger than {most} in size; answers use small "
                    "powers such as x**2 or x**-1",
                    exponent=exponent,
                    most=MAX_EXPONENT,
                )
                raise _too_large(said, at)
            if base.is_Rational and exponent.is_Rational and _bits(base) * abs(exponent) > MAX_BITS:
                said = i18n.gettext(
                    "this power makes a number too large to work with; write smaller numbers"
                )
                raise _too_large(said, at)
        return self._row("pow", [base, exponent], at)

    def _call(self, key: str, args: list, at: ir.Span) -> sympy.Expr:
        """A table function: elementwise without parameters, or a whole-tensor sum/mean."""
        spec = FUNCTIONS[key]
        operands = [self._expr(a, at) for a in args]
        if spec.sympy is not None and len(operands) == spec.operands:
            if _answer_function(spec):
                result = spec.sympy(*operands)
                if isinstance(result, sympy.Expr):
                    return result
            if spec.reducer is not None and key in TOTALS:
                summand = spec.sympy(*operands, **dict(spec.params))
                return TOTALS[spec.reducer(**dict(spec.params))](summand)
        said = i18n.gettext(
            "`{part}` cannot be part of an answer; use elementwise functions ({functions}) and "
            "sum(...) or mean(...) of a whole tensor",
            part=at.text or key,
            functions=", ".join(ANSWER_FUNCTIONS),
        )
        raise _refuse("not_allowed", said, at)


def _checked(text: str, names: Mapping[str, sympy.Expr]) -> ir.Formula:
    if not isinstance(text, str) or not text.strip():
        said = i18n.gettext("the answer is empty; write a formula or a number")
        raise ParseError("empty_answer", said)
    functions = {k: v for k, v in WRITTEN_SIGNATURES.items() if k not in names}
    return lang.parse_formula(text.strip(), set(names), ANSWER_LIMITS, functions)


def _with_constants(symbols: Mapping[str, sympy.Expr]) -> dict[str, sympy.Expr]:
    return {**CONSTANTS, **symbols}  # the problem's own names win


def read_formula(text: str, symbols: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """A closed-form answer as sympy, over ``symbols``: the names the problem gives, each a
    symbol or (for an intermediate value) the expression it stands for; ``e`` and ``pi``."""
    symbols = _with_constants(symbols)
    formula = _checked(text, symbols)
    expr = _Builder(symbols, lists=False).build(formula.expr)
    if ops(expr) > MAX_OPS:
        said = i18n.gettext("the answer has more than {most} operations; simplify it", most=MAX_OPS)
        raise _too_large(said, ir.Span(1, 1))
    # sympy joins powers as it builds ((x**64)**64 is x**4096): check what was built
    if any(p.exp.is_Number and abs(p.exp) > MAX_EXPONENT for p in atoms(expr, sympy.Pow)):
        said = i18n.gettext(
            "the answer has a power larger than {most}; answers use small powers",
            most=MAX_EXPONENT,
        )
        raise _too_large(said, ir.Span(1, 1))
    return expr


def read_number(text: str) -> np.ndarray:
    """A value answer: a number, a constant expression (``-3/2``) or nested lists of them."""
    try:
        formula = _checked(text, CONSTANTS)
    except ParseError as error:
        if error.code != "undefined_name":
            raise
        raise ParseError(
            "not_a_number",
            i18n.gettext(
                "this box takes a number, not a formula; write its value, e.g. -30 or [1, 2.5]"
            ),
            error.line,
            error.col,
        ) from None
    built = _Builder(CONSTANTS, lists=True).build(formula.expr)
    try:
        value = np.asarray(_numbers(built), dtype=np.float64)
    except (Unevaluable, ValueError):
        said = i18n.gettext("write the value as a number or a list of numbers such as [1, 2.5]")
        raise ParseError("invalid_value", said) from None
    return value


def _numbers(built):
    if isinstance(built, list):
        return [_numbers(b) for b in built]
    return float(evaluate(built, {}))
