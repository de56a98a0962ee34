"""Reading expressions (and formulas) of a syntax tree into ``tutor.lang.program`` data.

Every name is resolved while reading: module attributes against ``tutor.lang.vocabulary``,
variables against those assigned so far, calls to the kind of callee they are. Anything
not explicitly accepted is refused with a located message. Formulas use a smaller
language: names, numbers, ``+ - * / **``, unary minus and calls of table functions
written bare (``exp(x)``) or as ``torch.exp(x)``.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from collections.abc import Mapping

from ..errors import LimitError, ParseError
from ..i18n import N_, gettext, number, translate
from ..limits import LIMITS, Limits
from . import program as ir
from . import vocabulary as vocab
from .refusals import (
    FORMULA_LANGUAGE,
    FORMULAS,
    PROGRAMS,
    REFUSED,
    STATEMENTS_ALLOWED,
    UNKNOWN_SYNTAX,
    callable_names,
    listing,
    refuse,
)

BINARY = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
}
_COMPARE = {
    ast.Gt: ">",
    ast.Lt: "<",
    ast.GtE: ">=",
    ast.LtE: "<=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_FORMULA_OPERATORS = ("+", "-", "*", "/", "**")
_CONVERSIONS = {-1: "", ord("s"): "s", ord("r"): "r", ord("a"): "a"}
_BUILTIN_NAMES = frozenset(dir(builtins))
# the names programs usually give the modules, and the import that binds each
_IMPORTS = {
    "torch": "import torch",
    "numpy": "import numpy",
    "np": "import numpy as np",
    "F": "import torch.nn.functional as F",
}
_DIGIT_RUN = re.compile(r"\d{4}")


class ExpressionReader:
    """Reads the expressions of one program (or a formula) of ``source``."""

    def __init__(
        self,
        source: str,
        limits: Limits = LIMITS,
        formula: bool = False,
        formula_names: set[str] | None = None,
        functions: Mapping[str, inspect.Signature] | None = None,
    ) -> None:
        self.limits = limits
        self.functions = dict(functions or {})  # formula: callables beyond the table's
        self._lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.formula = formula
        self._where = FORMULA_LANGUAGE if formula else PROGRAMS  # for messages
        self._known = formula_names  # formula: the names it may use (None: any)
        self.modules: dict[str, str] = (
            {"torch": "torch", "F": "torch.nn.functional"} if formula else {}
        )
        self.defined: set[str] = set()
        self.first_use: dict[str, ir.Span] = {}  # formula: where each name appears first

    # ----- positions ---------------------------------------------------------------------
    def span(self, node: ast.AST) -> ir.Span:
        """Line, 1-based character column, and the source text when it is short."""
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        col = self._column(line, node.col_offset)
        text = ""
        if node.end_lineno == node.lineno and node.end_col_offset is not None:
            piece = line.encode()[node.col_offset : node.end_col_offset]
            if len(piece) <= 40:
                text = piece.decode(errors="replace")
        return ir.Span(node.lineno, col, text)

    @staticmethod
    def _column(line: str, byte_offset: int) -> int:
        if line.isascii():
            return byte_offset + 1
        return len(line.encode()[:byte_offset].decode(errors="ignore")) + 1

    @property
    def where(self) -> str:
        """ "graph programs" or "formulas", in the current language (for messages)."""
        return translate(self._where)

    def _refused(self, node: ast.AST, at: ir.Span) -> ParseError:
        what, instead = REFUSED.get(type(node), (UNKNOWN_SYNTAX, STATEMENTS_ALLOWED))
        instead = FORMULAS if self.formula else instead
        code = f"`{at.text or type(node).__name__}`"
        return refuse(
            "not_allowed", gettext(what, code=code, where=self.where), gettext(instead), at
        )

    # ----- expressions -------------------------------------------------------------------
    def expr(self, node: ast.expr, argument=False, index=False):
        """A checked expression; strings only as call arguments, slices only in indexes."""
        at = self.span(node)
        match node:
            case ast.Constant(value=value):
                return self._constant(value, at, argument, index)
            case ast.Name(id=name):
                return self._name(name, at)
            case ast.Attribute():
                return self._attribute(node, at)
            case ast.Call():
                return self._call(node)
            case ast.BinOp(op=op, left=left, right=right):
                symbol = BINARY.get(type(op), "?")
                key = vocab.OPERATORS.get(symbol)
                if key is None or (self.formula and symbol not in _FORMULA_OPERATORS):
                    raise self._bad_operator(symbol, self._operator_span(left, right, at))
                return ir.Operator(symbol, key, (self.expr(left), self.expr(right)), at)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return ir.Operator("-u", vocab.OPERATORS["-u"], (self.expr(operand),), at)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return ir.Operator("+u", None, (self.expr(operand),), at)
            case ast.UnaryOp(op=op):
                symbol = {ast.Not: "not", ast.Invert: "~"}[type(op)]
                raise self._bad_operator(symbol, at)
            case ast.Compare() if not self.formula:
                return self._compare(node, at)
            case ast.Subscript(value=value, slice=key) if not self.formula:
                return ir.Subscript(self.expr(value), self.expr(key, index=True), at)
            case ast.Slice() if index:
                parts = (node.lower, node.upper, node.step)
                return ir.Slice(*(None if p is None else self.expr(p) for p in parts), at)
            case ast.Tuple(elts=items) | ast.List(elts=items):
                kind = "tuple" if isinstance(node, ast.Tuple) else "list"
                inner = index and kind == "tuple"
                return ir.Seq(kind, tuple(self.expr(i, index=inner) for i in items), at)
            case ast.JoinedStr() if argument and not self.formula:
                return self._fstring(node, at)
            case ast.JoinedStr():
                raise self._string_refused(at)
        raise self._refused(node, at)

    def _constant(self, value, at: ir.Span, argument: bool, index: bool) -> ir.Const:
        if isinstance(value, bool) or value is None:
            if self.formula and not argument:
                raise refuse(
                    "not_allowed",
                    gettext("{value} is not a number", value=f"`{value}`"),
                    gettext("use numbers"),
                    at,
                )
            return ir.Const(value, at)
        if isinstance(value, int):
            if value.bit_length() > self.limits.int_bits:
                raise LimitError(
                    "number_too_large",
                    gettext(
                        "this integer has more than {limit} bits; "
                        "use floats (e.g. 1e30) for large numbers",
                        limit=number(self.limits.int_bits),
                    ),
                    at.line,
                    at.col,
                )
            return ir.Const(value, at)
        if isinstance(value, float):
            return ir.Const(value, at)
        if isinstance(value, str) and argument:
            return ir.Const(value, at)
        if isinstance(value, str):
            raise self._string_refused(at)
        if value is Ellipsis and index:
            return ir.Const(value, at)
        raise refuse(
            "not_allowed",
            gettext(
                "{literal} literals are not available in {where}",
                literal=f"`{at.text or type(value).__name__}`",
                where=self.where,
            ),
            gettext("use int and float numbers"),
            at,
        )

    def _string_refused(self, at: ir.Span) -> ParseError:
        return refuse(
            "not_allowed",
            gettext("strings are only available as arguments in {where}", where=self.where),
            gettext('write them directly in the call, e.g. print("loss =", loss)'),
            at,
        )

    def _operator_span(self, left: ast.expr, right: ast.expr, at: ir.Span) -> ir.Span:
        """Where a binary operator itself stands: past the left operand and its brackets."""
        if left.end_lineno != right.lineno or left.end_col_offset is None:
            return at
        line = self._lines[left.end_lineno - 1].encode()
        gap = line[left.end_col_offset : right.col_offset]
        offset = left.end_col_offset + len(gap) - len(gap.lstrip(b" )\t"))
        return ir.Span(left.end_lineno, self._column(line.decode(errors="replace"), offset))

    def _bad_operator(self, symbol: str, at: ir.Span) -> ParseError:
        available = _FORMULA_OPERATORS if self.formula else [*vocab.OPERATORS, "is", "is not"]
        operators = " ".join(o.removesuffix("u") for o in available)
        instead = gettext("available operators: {operators}", operators=operators)
        if symbol == "^":  # Python's ^ is exclusive or; formulas on paper use it for powers
            instead = gettext(
                "use ** for powers, e.g. x**2 (available operators: {operators})",
                operators=operators,
            )
        return refuse(
            "not_allowed",
            gettext(
                "the operator {operator} is not available in {where}",
                operator=f"`{symbol.removesuffix('u')}`",
                where=self.where,
            ),
            instead,
            at,
        )

    def _name(self, name: str, at: ir.Span):
        if self.formula:
            return self._formula_name(name, at)
        if name in self.modules:
            raise refuse(
                "not_allowed",
                gettext("{name} is a module", name=f"`{name}`"),
                gettext("use its functions and values, e.g. {example}", example=f"{name}.exp(x)"),
                at,
            )
        if name in self.defined:
            return ir.Name(name, at)
        if name in vocab.BUILTIN_VALUES:
            return ir.Const(vocab.BUILTIN_VALUES[name], at)
        if name in vocab.BUILTINS:
            raise self._not_a_value(name, at)
        raise self._unknown_name(name, at)

    @staticmethod
    def _not_a_value(name: str, at: ir.Span) -> ParseError:
        return refuse(
            "not_allowed",
            gettext("{name} is a function", name=f"`{name}`"),
            gettext("call it: {call}", call=f"{name}(...)"),
            at,
        )

    def _unknown_name(self, name: str, at: ir.Span) -> ParseError:
        if name in _BUILTIN_NAMES or name.startswith("_"):
            return refuse(
                "not_allowed",
                gettext("{name} is not available in graph programs", name=f"`{name}`"),
                gettext(
                    "available functions: {builtins}, and the functions of "
                    "torch, numpy (np) and torch.nn.functional (F)",
                    builtins=", ".join(vocab.BUILTINS),
                ),
                at,
            )
        instead = gettext("assign a value to it before using it")
        if name in _IMPORTS:
            instead = gettext("start the program with {line}", line=f"`{_IMPORTS[name]}`")
        return refuse(
            "undefined_name", gettext("{name} is not defined", name=f"`{name}`"), instead, at
        )

    def _formula_name(self, name: str, at: ir.Span) -> ir.Name:
        if self._known is not None and name not in self._known:
            known = listing(self._known) or gettext("none")
            raise refuse(
                "undefined_name",
                gettext("{name} has no value", name=f"`{name}`"),
                gettext("known names: {names}", names=known),
                at,
            )
        functions = (*vocab.BARE_OPS, *self.modules, *self.functions)
        if name in functions and (self._known is None or name not in self._known):
            raise self._not_a_value(name, at)
        self.first_use.setdefault(name, at)
        return ir.Name(name, at)

    def _module_path(self, node: ast.expr) -> str | None:
        """The module a Name/Attribute chain denotes (torch.nn.functional), if any."""
        if isinstance(node, ast.Name):
            return self.modules.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._module_path(node.value)
            member = vocab.NAMESPACES[base].get(node.attr) if base else None
            if member is not None and member.kind == "module":
                return member.name
        return None

    def _member(self, node: ast.Attribute, path: str, at: ir.Span) -> vocab.Member:
        member = vocab.NAMESPACES[path].get(node.attr)
        alias = self._dotted(node.value)
        if member is None or (self.formula and member.kind != "op"):
            names = [
                n for n, m in vocab.NAMESPACES[path].items() if not self.formula or m.kind == "op"
            ]
            raise refuse(
                "not_allowed",
                gettext(
                    "{name} is not available in {where}",
                    name=f"`{alias}.{node.attr}`",
                    where=self.where,
                ),
                gettext("available in {module}: {names}", module=alias, names=listing(names)),
                at,
            )
        return member

    @staticmethod
    def _dotted(node: ast.expr) -> str:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        parts.append(node.id if isinstance(node, ast.Name) else "...")
        return ".".join(reversed(parts))

    def _attribute(self, node: ast.Attribute, at: ir.Span):
        path = self._module_path(node.value)
        if path is not None:
            member = self._member(node, path, at)
            if member.kind == "value":
                return ir.Const(member.value, at)
            name = f"`{self._dotted(node)}`"
            if member.kind == "module":
                what = gettext("{name} is a module", name=name)
                instead = gettext("call a function, e.g. torch.exp(x)")
            else:
                what, instead = gettext("{name} is a function", name=name), gettext("call it")
            raise refuse("not_allowed", what, instead, at)
        if self.formula:
            raise refuse(
                "not_allowed",
                gettext("attributes are not available in formulas"),
                gettext("write exp(x), not x.exp()"),
                at,
            )
        obj = self.expr(node.value)  # first: an undefined `torch` says so, not "no such attribute"
        self._check_attribute(node.attr, at)
        if node.attr in vocab.PROPERTY_OPS:
            return ir.Call("op", vocab.PROPERTY_OPS[node.attr], (obj,), (), at)
        if node.attr in vocab.METHOD_SIGNATURES:
            raise refuse(
                "not_allowed",
                gettext("{name} is a method", name=f"`.{node.attr}`"),
                gettext("call it: {call}", call=f".{node.attr}(...)"),
                at,
            )
        return ir.Attr(obj, node.attr, at)

    @staticmethod
    def _check_attribute(attr: str, at: ir.Span, method=False) -> None:
        known = (
            vocab.METHOD_SIGNATURES if method else vocab.ATTRIBUTES | set(vocab.METHOD_SIGNATURES)
        )
        if attr in known:
            return
        name = f"`.{attr}{'()' if method else ''}`"
        what = gettext("{name} is not available in graph programs", name=name)
        if attr.startswith("_"):
            what = gettext(
                "{name}: names starting with `_` are not available in graph programs",
                name=f"`.{attr}`",
            )
        if method:
            instead = gettext("available methods: {names}", names=listing(known))
        else:
            instead = gettext(
                "available attributes: {names}, and tensor methods",
                names=listing(vocab.ATTRIBUTES),
            )
        raise refuse("not_allowed", what, instead, at)

    def _compare(self, node: ast.Compare, at: ir.Span) -> ir.Operator:
        if len(node.ops) != 1:
            raise refuse(
                "not_allowed",
                gettext("chained comparisons are not available in graph programs"),
                gettext("compare two values at a time"),
                at,
            )
        symbol = _COMPARE.get(type(node.ops[0]), "in")
        if symbol not in vocab.OPERATORS and symbol not in vocab.PYTHON_OPERATORS:
            raise self._bad_operator(symbol, at)
        operands = (self.expr(node.left), self.expr(node.comparators[0]))
        return ir.Operator(symbol, vocab.OPERATORS.get(symbol), operands, at)

    def _fstring(self, node: ast.JoinedStr, at: ir.Span) -> ir.FString:
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(part.value)
                continue
            spec = ""
            if part.format_spec is not None:
                pieces = part.format_spec.values
                if not all(isinstance(p, ast.Constant) for p in pieces):
                    raise refuse(
                        "not_allowed",
                        gettext("nested fields in format specifications are not available"),
                        gettext("write the format out, e.g. {example}", example='f"{loss:.4f}"'),
                        self.span(part),
                    )
                spec = "".join(p.value for p in pieces)
                if len(spec) > 20 or _DIGIT_RUN.search(spec):
                    raise refuse(
                        "not_allowed",
                        gettext(
                            "the format specification {spec} is too large",
                            spec=f"`{spec[:20]}`",
                        ),
                        gettext("widths and precisions up to 999 are available"),
                        self.span(part),
                    )
            value = self.expr(part.value)
            parts.append(ir.Formatted(value, _CONVERSIONS[part.conversion], spec, self.span(part)))
        return ir.FString(tuple(parts), at)

    # ----- calls -------------------------------------------------------------------------
    def _call(self, node: ast.Call, grad_mode: str | None = None) -> ir.Call:
        """A call of a table function, factory, builtin, grad mode or method."""
        at = self.span(node)
        kind, name, receiver, spelled = self._callee(node.func, at)
        if kind == "grad_mode" and grad_mode not in ("any", name):
            raise refuse(
                "not_allowed",
                gettext("{call} only works as a block", call=f"`{spelled}()`"),
                gettext(
                    "write {block} and indent the statements it applies to",
                    block=f"`with {spelled}():`",
                ),
                at,
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self._refused(arg, self.span(arg))
        for keyword in node.keywords:
            if keyword.arg is None:
                raise refuse(
                    "not_allowed",
                    gettext("`**` unpacking is not available"),
                    gettext("pass keywords one by one"),
                    at,
                )
        args = tuple(self.expr(a, argument=True) for a in node.args)
        kwargs = tuple((k.arg, self.expr(k.value, argument=True)) for k in node.keywords)
        self._check_arguments(kind, name, spelled, len(args), [k for k, _ in kwargs], at)
        return ir.Call(kind, name, args, kwargs, at, receiver)

    def _callee(self, func: ast.expr, at: ir.Span) -> tuple[str, str, object, str]:
        """(kind, name, receiver expression, how the program spells it)."""
        if isinstance(func, ast.Name):
            name = func.id
            if self.formula and self._known and name in self._known:  # a value named like one
                raise self._not_callable(name, at)
            if self.formula and name in self.functions:
                return "function", name, None, name
            if self.formula and name in vocab.BARE_OPS:
                return "op", vocab.BARE_OPS[name], None, name
            if not self.formula and name in vocab.BUILTINS:
                return "builtin", name, None, name
            if name in self.defined or (self.formula and self._known and name in self._known):
                raise self._not_callable(name, at)
            if self.formula:
                raise refuse(
                    "not_allowed",
                    gettext("{name} is not a formula function", name=f"`{name}`"),
                    gettext(
                        "available functions: {names}",
                        names=listing([*vocab.BARE_OPS, *self.functions]),
                    ),
                    at,
                )
            raise self._unknown_name(name, at)
        if isinstance(func, ast.Attribute):
            path = self._module_path(func.value)
            spelled = self._dotted(func)
            if path is not None:
                member = self._member(func, path, at)
                if member.kind in ("value", "module"):
                    raise refuse(
                        "not_callable",
                        gettext("{name} is not a function", name=f"`{spelled}`"),
                        callable_names(),
                        at,
                    )
                return member.kind, member.name, None, spelled
            if self.formula:
                raise refuse(
                    "not_allowed",
                    gettext("methods are not available in formulas"),
                    gettext("write exp(x), not x.exp()"),
                    at,
                )
            obj = self.expr(func.value)
            self._check_attribute(func.attr, at, method=True)
            return "method", func.attr, obj, f".{func.attr}"
        raise refuse("not_callable", gettext("this cannot be called"), callable_names(), at)

    @staticmethod
    def _not_callable(name: str, at: ir.Span) -> ParseError:
        return refuse(
            "not_callable",
            gettext("{name} is a value, not a function", name=f"`{name}`"),
            callable_names(),
            at,
        )

    def _check_arguments(self, kind, name, spelled, n_args, keywords, at) -> None:
        signature = {
            "op": vocab.OP_SIGNATURES,
            "method": vocab.METHOD_SIGNATURES,
            "builtin": vocab.BUILTIN_SIGNATURES,
            "function": self.functions,
        }.get(kind, vocab.CALLABLE_SIGNATURES)[name]
        try:
            signature.bind(*range(n_args), **dict.fromkeys(keywords))
        except TypeError as error:
            raise refuse(
                "bad_arguments",
                f"`{spelled}(...)`: {_binding_problem(error)}",
                gettext("it takes {parameters}", parameters=_parameters(signature)),
                at,
            ) from None


# what inspect.Signature.bind says (Python's words), and how the current language says it
_BINDING = (
    (r"missing a required argument: (?P<name>'\w+')", N_("missing a required argument: {name}")),
    (
        r"got an unexpected keyword argument (?P<name>'\w+')",
        N_("got an unexpected keyword argument {name}"),
    ),
    (r"multiple values for argument (?P<name>'\w+')", N_("multiple values for argument {name}")),
    (r"too many positional arguments", N_("too many positional arguments")),
)


def _binding_problem(error: TypeError) -> str:
    """Why the arguments do not fit, in the current language.

    >>> _binding_problem(TypeError("missing a required argument: 'input'"))
    "missing a required argument: 'input'"
    """
    text = str(error)
    for pattern, message in _BINDING:
        found = re.fullmatch(pattern, text)
        if found:
            return gettext(message, **found.groupdict())
    return text


def _parameters(signature: inspect.Signature) -> str:
    """``(input, dim=None)`` without return annotations."""
    return str(signature.replace(return_annotation=inspect.Signature.empty))
