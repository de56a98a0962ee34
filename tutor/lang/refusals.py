"""What graph programs and formulas may not contain, and what to write instead.

One table of refused syntax with a hint per construct, and the shared sentences of the
checker's messages (marked with ``N_``, translated where a refusal is made); ``refuse``
builds the located ``ParseError`` they all become.
"""

from __future__ import annotations

import ast

from ..errors import ParseError
from ..i18n import N_, gettext
from . import program as ir
from . import vocabulary as vocab

STEPS = N_("write the steps out as assignments, one statement each")
ONE_BY_ONE = N_("errors are reported with their line anyway")
LISTS = N_("write the list out, or use a tensor operation")
NUMBERS = N_("use lists of numbers or tensors")
WHERE = N_("use torch.where(condition, a, b)")
GLOBAL = N_("all names are global already")
# syntax -> (what is not allowed in {where}, what to do instead)
REFUSED = {
    ast.FunctionDef: (N_("function definitions (`def`) are not available in {where}"), STEPS),
    ast.AsyncFunctionDef: (N_("function definitions (`def`) are not available in {where}"), STEPS),
    ast.Lambda: (N_("`lambda` functions are not available in {where}"), STEPS),
    ast.ClassDef: (N_("classes are not available in {where}"), STEPS),
    ast.For: (N_("loops are not available in {where}"), STEPS),
    ast.AsyncFor: (N_("loops are not available in {where}"), STEPS),
    ast.While: (N_("loops are not available in {where}"), STEPS),
    ast.If: (
        N_("`if` statements are not available in {where}"),
        N_("use torch.where(condition, a, b) for a choice per element"),
    ),
    ast.IfExp: (N_("conditional expressions are not available in {where}"), WHERE),
    ast.Try: (N_("`try` statements are not available in {where}"), ONE_BY_ONE),
    ast.Raise: (N_("`raise` is not available in {where}"), ONE_BY_ONE),
    ast.Assert: (N_("`assert` is not available in {where}"), N_("print the value to check it")),
    ast.Delete: (N_("`del` is not available in {where}"), N_("assign a new value instead")),
    ast.Return: (N_("`return` is not available in {where}"), STEPS),
    ast.Global: (N_("`global` is not available in {where}"), GLOBAL),
    ast.Nonlocal: (N_("`nonlocal` is not available in {where}"), GLOBAL),
    ast.AnnAssign: (
        N_("annotated assignments are not available in {where}"),
        N_("write `name = value`"),
    ),
    ast.ListComp: (N_("comprehensions are not available in {where}"), LISTS),
    ast.SetComp: (N_("comprehensions are not available in {where}"), LISTS),
    ast.DictComp: (N_("comprehensions are not available in {where}"), LISTS),
    ast.GeneratorExp: (N_("comprehensions are not available in {where}"), LISTS),
    ast.Dict: (N_("dictionaries are not available in {where}"), NUMBERS),
    ast.Set: (N_("sets are not available in {where}"), NUMBERS),
    ast.BoolOp: (
        N_("`and`/`or` are not available in {where}"),
        N_("compare tensors with < > == and combine them with torch.where"),
    ),
    ast.NamedExpr: (
        N_("`:=` is not available in {where}"),
        N_("assign with `=` in a statement of its own"),
    ),
    ast.Starred: (
        N_("`*` unpacking is not available in {where}"),
        N_("pass the arguments one by one"),
    ),
    ast.Await: (N_("`await` is not available in {where}"), STEPS),
    ast.Yield: (N_("`yield` is not available in {where}"), STEPS),
    ast.YieldFrom: (N_("`yield` is not available in {where}"), STEPS),
    ast.Match: (N_("`match` statements are not available in {where}"), WHERE),
}
UNKNOWN_SYNTAX = N_("{code} is not available in {where}")  # what REFUSED does not name
# where a refusal applies: the two languages of the tutor
PROGRAMS, FORMULA_LANGUAGE = N_("graph programs"), N_("formulas")
STATEMENTS_ALLOWED = N_(
    "graph programs consist of imports of torch and numpy, assignments, "
    "`with torch.no_grad():` blocks and calls such as print(...) and y.backward()"
)
FORMULAS = N_("formulas use names, numbers, + - * / **, unary minus and functions such as exp(x)")
IMPORTABLE = N_("you can import torch, numpy (as np) and torch.nn.functional (as F)")
CALLABLE = N_(
    "the functions of torch, numpy and torch.nn.functional, the built-in functions "
    "{builtins} and tensor methods can be called, e.g. torch.exp(x), x.sum()"
)


def callable_names() -> str:
    """What can be called, in the current language."""
    return gettext(CALLABLE, builtins=", ".join(vocab.BUILTINS))


def refuse(code: str, what: str, instead: str, at: ir.Span) -> ParseError:
    """A located refusal: what is not allowed here, and what is (both in the current
    language already)."""
    return ParseError(code, halves(what, instead), at.line, at.col)


def halves(what: str, instead: str) -> str:
    """``what is wrong; what to do instead`` as the current language joins them."""
    return gettext("{what}; {instead}", what=what, instead=instead)


def listing(names) -> str:
    return ", ".join(sorted(names))


def internal(name: str) -> bool:
    """Whether a name belongs to Python's internals (``__class__``): never a program's."""
    return name.startswith("__")


INTERNAL = N_("names starting with `__` belong to Python's internals; choose another name")
