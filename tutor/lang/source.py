"""User text to a syntax tree, behind the checks that keep ``ast.parse`` from failing badly.

Before ``ast.parse`` sees the text, its size, NUL characters, bracket nesting and names are
checked, because the parser itself fails badly (``RecursionError``, ``MemoryError``) on some
hostile input; anything it still cannot read becomes a located ``TutorError`` too. The tree
is then measured (statements, depth) without recursion.
"""

from __future__ import annotations

import ast
import io
import re
import threading
import tokenize

from .. import i18n
from ..errors import LimitError, ParseError, SourceTooLarge
from ..i18n import gettext
from ..limits import Limits

_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread:
# two threads parsing at once can fail with "SystemError: AST constructor recursion depth
# mismatch" (python/cpython#106905). Parsing takes milliseconds, so one parse at a time.
_PARSING = threading.Lock()


def _parse(text: str, mode: str = "exec") -> ast.AST:
    with _PARSING:
        return ast.parse(text, mode=mode)


def read(source: str, mode: str, limits: Limits) -> ast.AST:
    """``ast.parse`` behind the checks that keep it from failing badly."""
    if not isinstance(source, str):
        raise ParseError(
            "not_text",
            gettext("expected program text, not {kind}", kind=type(source).__name__),
        )
    if len(source) > limits.source_chars:
        raise SourceTooLarge(
            "source_too_large",
            gettext(
                "the text has {count} characters, more than the {limit} allowed; shorten it",
                count=i18n.number(len(source)),
                limit=i18n.number(limits.source_chars),
            ),
        )
    surrogate = _SURROGATE.search(source)
    if surrogate:  # JSON can carry a lone surrogate; no text encoding can
        line, col = _position(source, surrogate.start())
        what = gettext("the text contains a lone surrogate character; remove it")
        raise ParseError("invalid_character", what, line, col)
    if "\0" in source:
        line, col = _position(source, source.index("\0"))
        what = gettext("the text contains a NUL character; remove it")
        raise ParseError("nul_character", what, line, col)
    _scan(source, limits)
    try:
        tree = _parse(source, mode)
    except SyntaxError as error:
        raise ParseError(
            "syntax_error",
            gettext("{error}; this is not valid Python", error=error.msg),
            error.lineno or 1,
            max(error.offset or 1, 1),
        ) from None
    except (RecursionError, MemoryError):
        raise _too_deep(limits, _deep_line(source)) from None
    _measure(tree, limits)
    return tree


def _position(source: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = source.count("\n", 0, index) + 1
    return line, index - (source.rfind("\n", 0, index) + 1) + 1


def _scan(source: str, limits: Limits) -> None:
    """Refuse deep bracket nesting and non-ASCII names before the parser sees them."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.OP and token.string in _OPENING:
                depth += 1
                if depth > limits.brackets:
                    raise _too_deep(limits, token.start[0], token.start[1] + 1)
            elif token.type == tokenize.OP and token.string in _CLOSING:
                depth -= 1
            elif token.type == tokenize.NAME and not token.string.isascii():
                raise ParseError(
                    "non_ascii_name",
                    gettext(
                        "{name} is not an ASCII name; "
                        "names in graph programs use the letters a-z and A-Z, digits and _",
                        name=f"`{token.string}`",
                    ),
                    token.start[0],
                    token.start[1] + 1,
                )
    except (tokenize.TokenError, SyntaxError):
        pass  # the text is malformed: ast.parse says how, with its own words


def _too_deep(limits: Limits, line: int | None = None, col: int = 1) -> LimitError:
    return LimitError(
        "too_deep",
        gettext(
            "the text nests more than {brackets} brackets or {depth} levels deep; "
            "split long expressions into several assignments",
            brackets=limits.brackets,
            depth=limits.depth,
        ),
        line,
        col,
    )


def _deep_line(source: str) -> int | None:
    """The first line the parser cannot read for depth alone (to name it in the error)."""
    for number, line in enumerate(source.splitlines(), 1):
        try:
            _parse(line.strip())
        except (RecursionError, MemoryError):
            return number
        except SyntaxError:
            continue
    return None


def _measure(tree: ast.AST, limits: Limits) -> None:
    """Refuse too many statements or too deep a tree, without recursion."""
    statements = 0
    stack = [(tree, 0, None)]
    while stack:
        node, depth, place = stack.pop()
        if isinstance(node, (ast.stmt, ast.expr)):
            place = node  # operators, contexts and the like have no position of their own
        if isinstance(node, ast.stmt):
            statements += 1
            if statements > limits.statements:
                raise LimitError(
                    "too_many_statements",
                    gettext(
                        "the program has more than {limit} statements; "
                        "split it into smaller programs",
                        limit=i18n.number(limits.statements),
                    ),
                    node.lineno,
                    node.col_offset + 1,
                )
        if depth > limits.depth:
            raise _too_deep(limits, place.lineno, place.col_offset + 1)
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, place) for child in reversed(children))  # in text order
