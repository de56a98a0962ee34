"""What graph programs and formulas may not contain, and what to write instead.

One table of refused syntax with a hint per construct, and the shared sentences of the
checker's messages; ``refuse`` builds the located ``ParseError`` they all become.
"""

from __future__ import annotations

import ast

from ..errors import ParseError
from . import program as ir
from . import vocabulary as vocab

STEPS = "write the steps out as assignments, one statement each"
REFUSED = {  # syntax -> (what is not allowed, what to do instead)
    ast.FunctionDef: ("function definitions (`def`) are", STEPS),
    ast.AsyncFunctionDef: ("function definitions (`def`) are", STEPS),
    ast.Lambda: ("`lambda` functions are", STEPS),
    ast.ClassDef: ("classes are", STEPS),
    ast.For: ("loops are", STEPS),
    ast.AsyncFor: ("loops are", STEPS),
    ast.While: ("loops are", STEPS),
    ast.If: ("`if` statements are", "use torch.where(condition, a, b) for a choice per element"),
    ast.IfExp: ("conditional expressions are", "use torch.where(condition, a, b)"),
    ast.Try: ("`try` statements are", "errors are reported with their line anyway"),
    ast.Raise: ("`raise` is", "errors are reported with their line anyway"),
    ast.Assert: ("`assert` is", "print the value to check it"),
    ast.Delete: ("`del` is", "assign a new value instead"),
    ast.Return: ("`return` is", STEPS),
    ast.Global: ("`global` is", "all names are global already"),
    ast.Nonlocal: ("`nonlocal` is", "all names are global already"),
    ast.AnnAssign: ("annotated assignments are", "write `name = value`"),
    ast.ListComp: ("comprehensions are", "write the list out, or use a tensor operation"),
    ast.SetComp: ("comprehensions are", "write the list out, or use a tensor operation"),
    ast.DictComp: ("comprehensions are", "write the list out, or use a tensor operation"),
    ast.GeneratorExp: ("comprehensions are", "write the list out, or use a tensor operation"),
    ast.Dict: ("dictionaries are", "use lists of numbers or tensors"),
    ast.Set: ("sets are", "use lists of numbers or tensors"),
    ast.BoolOp: ("`and`/`or` are", "compare tensors with < > == and combine them with torch.where"),
    ast.NamedExpr: ("`:=` is", "assign with `=` in a statement of its own"),
    ast.Starred: ("`*` unpacking is", "pass the arguments one by one"),
    ast.Await: ("`await` is", STEPS),
    ast.Yield: ("`yield` is", STEPS),
    ast.YieldFrom: ("`yield` is", STEPS),
    ast.Match: ("`match` statements are", "use torch.where(condition, a, b)"),
}
STATEMENTS_ALLOWED = (
    "graph programs consist of imports of torch and numpy, assignments, "
    "`with torch.no_grad():` blocks and calls such as print(...) and y.backward()"
)
FORMULAS = "formulas use names, numbers, + - * / **, unary minus and functions such as exp(x)"
IMPORTABLE = "you can import torch, numpy (as np) and torch.nn.functional (as F)"
CALLABLE = (
    "the functions of torch, numpy and torch.nn.functional, the built-in functions "
    f"{', '.join(vocab.BUILTINS)} and tensor methods can be called, e.g. torch.exp(x), x.sum()"
)


def refuse(code: str, what: str, instead: str, at: ir.Span) -> ParseError:
    """A located refusal: what is not allowed here, and what is."""
    return ParseError(code, f"{what}; {instead}", at.line, at.col)


def listing(names) -> str:
    return ", ".join(sorted(names))


def internal(name: str) -> bool:
    """Whether a name belongs to Python's internals (``__class__``): never a program's."""
    return name.startswith("__")


INTERNAL = "names starting with `__` belong to Python's internals; choose another name"
