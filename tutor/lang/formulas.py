"""Formulas: one formula (a student's answer), or the expression form (a formula and values).

- ``parse_formula(text, names)``: one formula, e.g. a student's answer ``-w1*w2``.
- ``parse_expression(formula, values, requires_grad, constants)``: a formula plus values,
  as the equivalent program: one ``torch.tensor(value, requires_grad=...)`` per value,
  then ``L = <formula>``, then ``L.backward()`` (``L.backward(torch.ones_like(L))`` when
  ``L`` has more than one element).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import keyword
import math
from collections.abc import Mapping

import engine

from .. import i18n
from ..errors import LimitError, ParseError
from ..i18n import gettext
from ..limits import LIMITS, Limits
from . import program as ir
from .expressions import ExpressionReader
from .refusals import INTERNAL, halves, internal
from .source import read

RESULT_NAMES = ("L", "out", "result")  # the expression form's result, first one not taken


def parse_formula(
    text: str,
    names: set[str] | None = None,
    limits: Limits = LIMITS,
    functions: Mapping[str, inspect.Signature] | None = None,
) -> ir.Formula:
    """Check one formula (names, numbers, + - * / **, unary minus, table functions).

    With ``names``, every name in the formula must be one of them; ``functions`` are more
    callables it may use (``Call(kind="function")``), e.g. ``sign`` in a student's answer.
    """
    tree = read(text, "eval", limits)
    checker = ExpressionReader(text, limits, formula=True, formula_names=names, functions=functions)
    expr = checker.expr(tree.body)
    return ir.Formula(text, expr, tuple(checker.first_use))


def parse_expression(
    expression: str,
    values: dict,
    requires_grad: list[str] | None = None,
    constants: list[str] | None = None,
    limits: Limits = LIMITS,
) -> ir.Program:
    """The program equivalent to a formula with values for its names.

    ``expression`` is a formula such as ``Y - x1*w1*w2``, or ``L = <formula>`` to name the
    result. ``values`` maps names to numbers or nested lists (made float tensors);
    ``requires_grad`` names the leaves (default: all names except ``constants``).
    """
    data = {name: _value(name, value, limits) for name, value in _items(values)}
    leaves = _leaves(data, requires_grad, constants)
    tree = read(expression, "exec", limits)
    result, body = _formula_statement(tree, data)
    checker = ExpressionReader(expression, limits, formula=True, formula_names=set(data))
    formula = checker.expr(body)
    start = ir.Span(1, 1)
    statements = []
    for name, value in data.items():
        at = checker.first_use.get(name, start)  # a leaf is placed where the formula uses it
        statements.append(
            ir.Assign((ir.Name(name, at),), _tensor_call(value, name in leaves, at), at)
        )
    statements.append(ir.Assign((ir.Name(result, start),), formula, start))
    return ir.Program(expression, tuple(statements), form="expression", backward_root=result)


def _items(values) -> list:
    if not isinstance(values, dict):
        raise ParseError("invalid_values", gettext("values must map names to numbers or lists"))
    return list(values.items())


def _value(name, value, limits: Limits):
    """A value as float or nested lists of floats (leaves are float tensors)."""
    _check_name(name)
    shape: list = []
    converted = _floats(value, name, limits, shape, 0)
    if math.prod(n for n in shape if n is not None) > limits.tensor_elements:
        raise LimitError(
            "tensor_too_large",
            gettext(
                "{value} has more than {limit} elements; use smaller values",
                value=_entry(name),
                limit=i18n.number(limits.tensor_elements),
            ),
        )
    return converted


def _check_name(name) -> None:
    """A value's name: an identifier, not a keyword, a module or Python's own (a name such as
    ``t`` or ``exp`` is fine: in this formula it is a value, not the function)."""
    if not (isinstance(name, str) and name.isidentifier() and name.isascii()):
        raise ParseError(
            "invalid_name",
            gettext("{name} is not a name; use letters, digits and _ (e.g. x1)", name=repr(name)),
        )
    if internal(name):
        what = gettext("{name} cannot be a name", name=f"`{name}`")
        raise ParseError("invalid_name", halves(what, gettext(INTERNAL)))
    if keyword.iskeyword(name) or name in {"torch", "F", "np", "numpy"}:
        raise ParseError(
            "invalid_name",
            gettext("{name} names a module or keyword; rename it", name=f"`{name}`"),
        )


def _floats(value, name: str, limits: Limits, shape: list, depth: int):
    """Convert one (nested) value, checking that its lists are rectangular."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ParseError(
                "invalid_value", gettext("{value} must hold finite numbers", value=_entry(name))
            )
        _fits(shape, depth, None, name)
        return number
    if isinstance(value, (list, tuple)) and depth < limits.brackets:
        _fits(shape, depth, len(value), name)
        return [_floats(v, name, limits, shape, depth + 1) for v in value]
    raise ParseError(
        "invalid_value",
        gettext("{value} must be a number or a (nested) list of numbers", value=_entry(name)),
    )


def _entry(name: str) -> str:
    """How messages name a value: ``values['x']``."""
    return f"values[{name!r}]"


def _fits(shape: list, depth: int, length: int | None, name: str) -> None:
    """Record or compare the length at this depth (None: a number ends the nesting)."""
    if depth == len(shape):
        shape.append(length)
    if shape[depth] != length:
        raise ParseError(
            "invalid_value",
            gettext(
                "{value} is not rectangular; every row needs the same length", value=_entry(name)
            ),
        )


def _leaves(data: dict, requires_grad, constants) -> set[str]:
    for label, names in (("requires_grad", requires_grad), ("constants", constants)):
        unknown = [n for n in names or () if n not in data]
        if unknown:
            raise ParseError(
                "invalid_values",
                gettext("{key} names {name}, which has no value", key=label, name=repr(unknown[0])),
            )
    if requires_grad is not None and set(requires_grad) & set(constants or ()):
        raise ParseError(
            "invalid_values", gettext("a name cannot both require grad and be a constant")
        )
    if requires_grad is not None:
        return set(requires_grad)
    return set(data) - set(constants or ())


def _formula_statement(tree: ast.Module, data: dict) -> tuple[str, ast.expr]:
    """The result's name and the formula of ``<formula>`` or ``NAME = <formula>``."""
    match tree.body:
        case [ast.Expr(value=formula)]:
            return _result_name(data), formula
        case [ast.Assign(targets=[ast.Name(id=name)], value=formula)]:
            _check_name(name)
            if name in data:
                raise ParseError(
                    "name_taken",
                    gettext(
                        "{name} has a value already; name the result differently",
                        name=f"`{name}`",
                    ),
                    1,
                    1,
                )
            return name, formula
    raise ParseError(
        "syntax_error",
        gettext("an expression is one formula; write e.g. Y - x1*w1*w2 or L = Y - x1*w1*w2"),
        1,
        1,
    )


def _result_name(data: dict) -> str:
    """``L``, unless a value has that name already."""
    numbered = (f"L{i}" for i in range(1, len(data) + 2))
    return next(n for n in (*RESULT_NAMES, *numbered) if n not in data)


def _tensor_call(value, requires_grad: bool, at: ir.Span, dtype=None) -> ir.Call:
    """``torch.tensor(value, requires_grad=..., dtype=...)`` as a checked call."""
    keywords = (("requires_grad", ir.Const(requires_grad, at)),)
    if dtype is not None:
        keywords += (("dtype", ir.Const(dtype, at)),)
    return ir.Call("factory", "torch.tensor", (ir.Const(value, at),), keywords, at)


_FILLED = ("torch.ones", "torch.zeros", "torch.full")


def _in_float64(node):
    """The formula as it runs, in float64: ``.float()`` read as ``.double()`` (``(u > 0).float()``
    is how PyTorch code turns a mask into numbers) and ``torch.ones(2, 2)`` made in float64."""
    if isinstance(node, tuple):
        return tuple(_in_float64(n) for n in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes = {f.name: _in_float64(getattr(node, f.name)) for f in dataclasses.fields(node)}
    if isinstance(node, ir.Call) and node.kind == "method" and node.name == "float":
        changes["name"] = "double"
    if isinstance(node, ir.Call) and node.kind == "factory" and node.name in _FILLED:
        if not any(name == "dtype" for name, _ in node.kwargs):
            changes["kwargs"] = (*changes["kwargs"], ("dtype", ir.Const(engine.float64, node.at)))
    return dataclasses.replace(node, **changes)


def parse_tensor_formula(text: str, values: dict, limits: Limits = LIMITS) -> ir.Program:
    """A formula over whole tensors — ``X.T @ G``, ``G.sum(0)`` — as the program that
    computes it: each value a float64 constant, then ``L = <formula>``, read with the
    vocabulary of graph programs (methods, ``@``, ``.T``, ``torch.*`` without an import)."""
    data = {name: _value(name, value, limits) for name, value in _items(values)}
    tree = read(text, "eval", limits)
    reader = ExpressionReader(text, limits)
    reader.modules.update({"torch": "torch", "F": "torch.nn.functional"})
    reader.defined.update(data)
    formula = _in_float64(reader.expr(tree.body))
    start = ir.Span(1, 1)
    statements = [
        ir.Assign((ir.Name(name, start),), _tensor_call(value, False, start, engine.float64), start)
        for name, value in data.items()
    ]
    statements.append(ir.Assign((ir.Name(_result_name(data), start),), formula, start))
    return ir.Program(text, tuple(statements))
