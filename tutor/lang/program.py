"""A checked graph program as plain data: what ``tutor.lang`` makes and the interpreters walk.

The checker resolves every name while it reads the text, so nothing here is ambiguous:
a call says which kind of callee it is (``op``: a row of ``tutor.functions.FUNCTIONS``,
named by its key; ``factory``, ``builtin``, ``helper``, ``grad_mode``: entries of
``tutor.lang.vocabulary``; ``method``: a method of the runtime value of ``receiver``), module
attributes such as ``torch.float32`` are already constants, and imports are gone.
Every node carries the ``Span`` it was read from (1-based line and column).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where a piece of the program starts, and its text when short (for labels)."""

    line: int
    col: int
    text: str = ""


# ----- expressions ---------------------------------------------------------------------
@dataclass(frozen=True)
class Const:
    """A number, bool, None, string, ``...`` or a module constant such as ``torch.float32``."""

    value: object
    at: Span


@dataclass(frozen=True)
class Name:
    """A variable of the program."""

    id: str
    at: Span


@dataclass(frozen=True)
class Seq:
    """A list or tuple display; as a target, the names to unpack into."""

    kind: str  # "list" | "tuple"
    items: tuple
    at: Span


@dataclass(frozen=True)
class Slice:
    """``lower:upper:step`` inside a subscript (missing parts are None)."""

    lower: object
    upper: object
    step: object
    at: Span


@dataclass(frozen=True)
class Formatted:
    """One ``{value!conversion:spec}`` field of an f-string."""

    value: object
    conversion: str  # "", "r", "s" or "a"
    spec: str
    at: Span


@dataclass(frozen=True)
class FString:
    """An f-string: literal text and formatted fields."""

    parts: tuple  # str | Formatted
    at: Span


@dataclass(frozen=True)
class Operator:
    """``a + b``, ``-a``, ``a > b``, ``a is None``: ``key`` names the table row, if any."""

    symbol: str  # "+", "-", "*", "/", "**", "@", "-u", "+u", ">", "<", ">=", "<=", "==", ...
    key: str | None  # FUNCTIONS key; None for "+u", "is" and "is not" (never a tensor op)
    operands: tuple
    at: Span


@dataclass(frozen=True)
class Call:
    """A call of a resolved callee with positional and keyword arguments."""

    kind: str  # "op" | "factory" | "builtin" | "helper" | "grad_mode" | "method" | "function"
    name: str  # FUNCTIONS key, vocabulary name (e.g. "torch.ones") or method name
    args: tuple
    kwargs: tuple  # ((name, expression), ...)
    at: Span
    receiver: object = None  # the expression whose method is called (kind "method")


@dataclass(frozen=True)
class Attr:
    """``value.name`` for a whitelisted attribute name (checked again on the runtime type)."""

    obj: object
    name: str
    at: Span


@dataclass(frozen=True)
class Subscript:
    """``value[key]``."""

    obj: object
    key: object
    at: Span


# ----- statements ----------------------------------------------------------------------
@dataclass(frozen=True)
class Assign:
    """``a = b = value``: targets are Name, Seq of targets, or Attr (requires_grad, grad)."""

    targets: tuple
    value: object
    at: Span


@dataclass(frozen=True)
class AugAssign:
    """``name op= value`` (in place for tensors, as in Python)."""

    target: Name
    symbol: str  # the operator without "=": "+", "-", ...
    key: str
    value: object
    at: Span


@dataclass(frozen=True)
class ExprStmt:
    """An expression evaluated for its effect: ``print(...)``, ``y.backward()``."""

    value: object
    at: Span


@dataclass(frozen=True)
class With:
    """``with torch.no_grad():`` and friends; ``items`` are grad-mode calls."""

    items: tuple
    body: tuple
    at: Span


@dataclass(frozen=True)
class Program:
    """A checked graph program.

    ``source`` is the text that positions refer to (for the expression form: the formula).
    ``backward_root`` (expression form) names the value to call backward on after the
    statements: with no gradient when it has one element, else ``torch.ones_like`` of it.
    """

    source: str
    statements: tuple
    form: str = "program"  # "program" | "expression"
    backward_root: str | None = None


@dataclass(frozen=True)
class Formula:
    """A checked formula: its tree and the names it uses, in order of first use."""

    text: str
    expr: object
    names: tuple[str, ...]
