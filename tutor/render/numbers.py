"""How numbers and tensors read on a page: short forms for the graph, full forms for tables.

Values arrive as Contract 3 JSON data — a number, a string for a non-finite number
(``"nan"``, ``"inf"``, ``"-inf"``) or a nested list — and leave as text. Nothing here
computes a derivative: it only formats what the engine and sympy produced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import i18n


def number(x: Any, digits: int = 6) -> str:
    """One number, short and exact enough to read (``digits`` significant digits).

    >>> number(-30.0), number(4.5), number(0.1 + 0.2), number(1e-9), number("inf"), number(True)
    ('-30', '4.5', '0.3', '1e-09', 'inf', 'True')
    >>> number(0.0123456789, 3)
    '0.0123'
    """
    if x is None:
        return "—"
    if x is GAP:
        return "…"
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, int):
        return str(x)
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text


class _Gap:
    """Where ``elided`` left items out."""

    def __repr__(self) -> str:
        return "…"


GAP = _Gap()


def elided(v: Any, edge: int = 3) -> Any:
    """A tensor with at most ``2 * edge + 1`` items along each dimension: a longer one keeps
    its first and last ``edge`` with ``GAP`` between, as PyTorch prints a large tensor.

    >>> value(elided([float(i) for i in range(10)]))
    '[0, 1, 2, …, 7, 8, 9]'
    >>> value(elided([1.0, 2.0])), value(elided(4.5))
    ('[1, 2]', '4.5')
    """
    if not isinstance(v, list):
        return v
    if len(v) > 2 * edge + 1:
        v = [*v[:edge], GAP, *v[-edge:]]
    return [x if x is GAP else elided(x, edge) for x in v]


def count(v: Any) -> int:
    """How many numbers a value holds.

    >>> count([[1.0, 2.0], [3.0, 4.0]]), count(4.5)
    (4, 1)
    """
    return len(_flat(v))


def value(v: Any, digits: int = 6) -> str:
    """A number or nested list written out in full.

    >>> value([[2.0, 2.0], [2.0, 2.0]])
    '[[2, 2], [2, 2]]'
    >>> value(None)
    '—'
    """
    if isinstance(v, list):
        return "[" + ", ".join(value(item, digits) for item in v) + "]"
    return number(v, digits)


def block(v: Any, digits: int = 6) -> str:
    """A tensor laid out as numpy prints it: one row per line.

    >>> print(block([[-30.0, -30.0], [-30.0, -30.0]]))
    [[-30, -30],
     [-30, -30]]
    >>> block(4.5), block([1.0, 2.0])
    ('4.5', '[1, 2]')
    """
    if not isinstance(v, list) or not any(isinstance(item, list) for item in v):
        return value(v, digits)
    rows = [block(item, digits).replace("\n", "\n ") for item in v]
    return "[" + ",\n ".join(rows) + "]"


def summary(v: Any, layout: Callable[[Any, int], str] = block) -> str:
    """A tensor as PyTorch prints a large one: ``elided``, in 4 significant digits, laid out
    by ``block`` (or ``value``); one short enough to show whole is shown whole.

    >>> summary([1.0, 2.0]), summary([i / 3 for i in range(9)])
    ('[1, 2]', '[0, 0.3333, 0.6667, …, 2, 2.333, 2.667]')
    """
    short = elided(v)
    return layout(v, 6) if short == v else layout(short, 4)


def _flat(v: Any) -> list:
    if isinstance(v, list):
        return [x for item in v for x in _flat(item)]
    return [v]


def short(v: Any, shape: list | tuple | None = None, limit: int = 22) -> str:
    """A value in at most ``limit`` characters: in full when it fits, else summarised.

    >>> short([[2.0, 2.0], [2.0, 2.0]], [2, 2])
    '[[2, 2], [2, 2]]'
    >>> short([[10.0] * 3] * 3, [3, 3])
    '10 (all 3×3)'
    >>> short([1.5, 2.25, 3.0, 4.0, 5.0, 6.0, 7.0], [7])
    '[1.5, 2.25, 3, … (7)]'
    >>> short([[0.0123456, -0.0234567], [0.5, 0.25]], [2, 2], 20)
    '[0.0123, … (2×2)]'
    """
    text = value(v)
    if len(text) <= limit:
        return text
    if not isinstance(v, list):
        return clip(text, limit)
    flat = _flat(v)
    dims = "×".join(str(d) for d in shape) if shape else str(len(flat))
    if all(x == flat[0] for x in flat):
        return clip(i18n.gettext("{value} (all {shape})", value=number(flat[0]), shape=dims), limit)
    tail = f", … ({dims})]"
    head = "[" + number(flat[0], 3)  # the first element always shows
    for x in flat[1:]:
        piece = ", " + number(x, 3)
        if len(head) + len(piece) + len(tail) > limit:
            break
        head += piece
    return clip(head + tail, limit)


def shape(dims: list | tuple | None) -> str:
    """A shape as a reader writes it.

    >>> shape([2, 2]), shape([]), shape(None)
    ('2×2', 'scalar', '')
    """
    if dims is None:
        return ""
    return "×".join(str(d) for d in dims) if dims else i18n.gettext("scalar")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> clip("abcdef", 4), clip("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"
