"""The one error family of graph programs: what is wrong, where, and what to do instead.

Every refusal of ``tutor.lang`` and ``tutor.run`` is a ``TutorError`` with a short
``code``, a human ``message`` and the 1-based ``line``/``col`` it applies to (``None`` when
no single place is to blame). ``status`` is the HTTP status the error maps to.

Messages are written as ``what is wrong; what is allowed instead``; ``locate`` puts the
place between the two halves, so every located message reads like
"`open` is not available in graph programs (line 3, col 1); available functions: …".
"""

from __future__ import annotations


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
        what, sep, instead = message.partition("; ")
        return f"{what} (line {line}, col {col}){sep}{instead}"

    def to_json(self) -> dict:
        """``{"code", "message", "line"?, "col"?}`` as the API reports it."""
        body: dict = {"code": self.code, "message": self.message}
        if self.line is not None:
            body.update(line=self.line, col=self.col)
        return body


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
        return f"{self.message} (line {self.line}, col {self.col})"

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


def _code(exception_name: str) -> str:
    """``ZeroDivisionError`` → ``zero_division_error``: a stable code per exception type.

    >>> _code("RuntimeError")
    'runtime_error'
    """
    chars = [f"_{c.lower()}" if c.isupper() else c for c in exception_name]
    return "".join(chars).lstrip("_")
