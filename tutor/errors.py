"""The one error family of graph programs: what is wrong, where, and what to do instead.

Every refusal of ``tutor.lang`` and ``tutor.run`` is a ``TutorError`` with a short
``code``, a human ``message`` and the 1-based ``line``/``col`` it applies to (``None`` when
no single place is to blame). ``status`` is the HTTP status the error maps to.

Messages are written as ``what is wrong; what is allowed instead``; ``locate`` puts the
place between the two halves, so every located message reads like
"`open` is not available in graph programs (line 3, col 1); available functions: …".
Messages are written in the current language (``tutor.i18n``) when they are made: a
translation separates its halves with "; " or the full-width "；".

The engine's own words (``ProgramError``) stay as PyTorch prints them, in English; beside
them, ``explanation`` says what they mean in the reader's language (none in English).
"""

from __future__ import annotations

import re

from . import i18n
from .i18n import N_


class TutorError(Exception):
    """Input the tutor cannot use, explained for a human (400: it cannot be read)."""

    status = 400

    def __init__(
        self, code: str, message: str, line: int | None = None, col: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line: int | None = None
        self.col: int | None = None
        if line is not None:
            self.locate(line, col or 1)

    def __str__(self) -> str:
        return self.message

    def locate(self, line: int, col: int) -> TutorError:
        """Attach the place the error applies to, unless a more precise one is known."""
        if self.line is None:
            self.line, self.col = line, col
            self.message = self._placed(self.message, line, col)
            self.args = (self.message,)
        return self

    @staticmethod
    def _placed(message: str, line: int, col: int) -> str:
        what, sep, instead = _HALVES.match(message).groups()
        placed = i18n.gettext("{what} (line {line}, col {col})", what=what, line=line, col=col)
        return f"{placed}{sep}{instead}"

    def to_json(self) -> dict:
        """``{"code", "message", "line"?, "col"?, "explanation"?}`` as the API reports it."""
        body: dict = {"code": self.code, "message": self.message}
        if self.line is not None:
            body.update(line=self.line, col=self.col)
        if self.explanation is not None:
            body["explanation"] = self.explanation
        return body

    @property
    def explanation(self) -> str | None:
        """What the engine's or Python's own words in the message mean, in the current
        language; None in English and for the tutor's own messages."""
        return explanation(self.code, self.message)


# what is wrong, the separator ("; " or a translation's "；"), what to do instead
_HALVES = re.compile(r"(.*?)(; |；|\Z)(.*)", re.DOTALL)


class ParseError(TutorError):
    """The text is not a graph program (or formula) the tutor accepts."""

    status = 400


class LimitError(TutorError):
    """The program asks for more than one run may use (``tutor.limits``)."""

    status = 422


class SourceTooLarge(LimitError):
    """The text itself is longer than a graph program may be."""

    status = 413


class ProgramError(TutorError):
    """The engine (or Python) refused an operation of the program, with its own words.

    ``message`` is exactly what PyTorch would print as the last line of the traceback,
    e.g. ``RuntimeError: grad can be implicitly created only for scalar outputs``; the
    statement that raised it is in ``line``/``col`` and ``str()`` names it.
    """

    status = 422

    def __init__(self, code: str, message: str, line: int | None = None, col: int | None = None):
        super().__init__(code, message)
        self.line, self.col = line, col

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return i18n.gettext(
            "{what} (line {line}, col {col})", what=self.message, line=self.line, col=self.col
        )

    def locate(self, line: int, col: int) -> TutorError:
        """Attach the statement's place; the engine's message stays word for word."""
        if self.line is None:
            self.line, self.col = line, col
        return self

    @classmethod
    def from_exception(cls, error: BaseException) -> ProgramError:
        """The error as Python would name it: ``RuntimeError: <the engine's message>``."""
        name = type(error).__name__
        text = str(error)
        return cls(_code(name), f"{name}: {text}" if text else name)


# What the engine's most frequent refusals mean: (a phrase of PyTorch's message, its meaning)
MEANINGS = (
    (  # the engine's own limit (both of its messages about writes into views say so)
        "PyTorch rewrites the base tensor's history",
        N_(
            "PyTorch allows this in-place write into a view, but this engine does not (it "
            "does not rewrite the base tensor's history): write to the base tensor instead, "
            "or clone() the view first"
        ),
    ),
    (
        "does not require grad and does not have a grad_fn",
        N_(
            "backward() was called on a tensor that no tensor with requires_grad=True "
            "leads to, so there is no gradient to compute: set requires_grad=True on a leaf "
            "it depends on, or call backward() outside torch.no_grad()"
        ),
    ),
    (
        "grad can be implicitly created only for scalar outputs",
        N_(
            "backward() without an argument works on a single number only: reduce the tensor "
            "first (e.g. .sum() or .mean()), or pass backward(gradient) of its shape"
        ),
    ),
    (
        "Trying to backward through the graph a second time",
        N_(
            "the computation graph was freed by the first backward call: pass "
            "retain_graph=True to the first call to call backward() through it again"
        ),
    ),
    (
        "a leaf Variable that requires grad is being used in an in-place operation",
        N_(
            "a leaf tensor that requires grad cannot be changed in place where gradients are "
            "recorded: change it inside torch.no_grad()"
        ),
    ),
    (
        "must match the size of tensor",
        N_(
            "the shapes of the two tensors cannot be broadcast together: each dimension "
            "must be equal, or 1 in one of them"
        ),
    ),
    (
        "cannot be multiplied",
        N_(
            "the matrix product needs the last dimension of the first tensor to equal the "
            "first dimension of the second"
        ),
    ),
    (
        "is invalid for input of size",
        N_("the new shape must have as many elements as the tensor has"),
    ),
    (
        "Dimension out of range",
        N_(
            "the dimension given is not one of the tensor's: a tensor with n dimensions has "
            "dimensions 0 to n-1 (or -n to -1)"
        ),
    ),
    (
        "out of bounds",
        N_("an index is outside the tensor's dimension: indexes start at 0"),
    ),
)
# otherwise, what an exception of each type says in general
KINDS = {
    "RuntimeError": N_("the engine refused this operation, as PyTorch does"),
    "TypeError": N_("an argument has a type this operation does not take"),
    "ValueError": N_("an argument has a value this operation does not take"),
    "IndexError": N_("an index does not fit the tensor's shape"),
    "AttributeError": N_("this value has no such attribute or method"),
    "ZeroDivisionError": N_("a division by zero of Python numbers (tensors give inf instead)"),
    "OverflowError": N_("a Python number grew too large"),
    "NotImplementedError": N_("the engine does not implement this operation"),
}


# What Python's most frequent syntax messages mean, most specific first: (a phrase, its meaning)
SYNTAX = (
    (
        "invalid character",
        N_(
            "a character Python does not read in code, often a full-width mark typed with a "
            "Chinese input method: write ( ) , : = with the half-width keys"
        ),
    ),
    ("forgot a comma", N_("two values stand side by side: a comma is missing between them")),
    ("was never closed", N_("a bracket opened here is never closed")),
    ("unmatched", N_("this closing bracket has no opening bracket before it")),
    ("unterminated string", N_("a string is opened with a quote but not closed on its line")),
    ("unexpected indent", N_("this line is indented, but no statement before it opens a block")),
    ("does not match any outer", N_("this line's indentation matches no line above it")),
    ("expected an indented block", N_("the lines after a statement ending in : are indented")),
    ("expected ':'", N_("a statement that opens a block ends with a colon")),
    ("cannot assign to", N_("the left side of = must be a name: compare with ==")),
    ("invalid syntax", N_("Python cannot read this line: a sign, bracket or name is missing")),
)


def explanation(code: str, message: str) -> str | None:
    """What the engine's or Python's ``message`` means, in the current language: None in
    English (the message speaks for itself), and None for a message that is neither (the
    tutor's own messages are translated themselves)."""
    if i18n.current() == i18n.DEFAULT:
        return None
    if code == "syntax_error":
        meant = next((m for phrase, m in SYNTAX if phrase in message), None)
        return None if meant is None else i18n.translate(meant)
    name = message.partition(":")[0]
    if _code(name) != code:
        return None
    meant = next((m for phrase, m in MEANINGS if phrase in message), None)
    return i18n.translate(meant or KINDS.get(name, N_("Python refused this operation")))


def _code(exception_name: str) -> str:
    """``ZeroDivisionError`` → ``zero_division_error``: a stable code per exception type.

    >>> _code("RuntimeError")
    'runtime_error'
    """
    chars = [f"_{c.lower()}" if c.isupper() else c for c in exception_name]
    return "".join(chars).lstrip("_")
