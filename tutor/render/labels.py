"""The graph's label text: math spelt in unicode (``1 − tanh²(t2)``), wrapped and measured.

The graph JSON carries each local derivative in sympy's ``str`` form (Python syntax). An SVG
``<text>`` cannot hold MathML, so the drawing spells the same expression the way the page's
typeset forms do: ``·`` for a product, a real minus sign, superscript powers, ``ᵀ`` for a
transpose, matrix products side by side (``G W1ᵀ``), relu's derivative as the indicator
``[u > 0]``. This only re-spells tokens; it never evaluates or parses the text as code.
"""

from __future__ import annotations

import re
import unicodedata

TEXT_PX = 12.0  # static/style.css: the graph's text is 12px monospace
EM = 0.62  # a monospace glyph's advance in em (0.6), with room for a fallback font's glyph
_TOKEN = re.compile(r"\s*(\*\*|\.T\b|\d+(?:\.\d*)?(?:e[-+]?\d+)?|[A-Za-z_]\w*|\S)")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_NAMES = {"pi": "π", "E": "e", "oo": "∞", "sigmoid": "σ", "log": "ln"}
_BINARY = {"+": " + ", "-": " − ", "*": "·", "/": "/", "@": " ", ",": ", ", "=": " = "}
_INDICATOR = {"0": ">", "1": "≥"}  # Heaviside(u, value at 0) is 1 where u > 0 (or u ≥ 0)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _close(tokens: list[str], start: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``start`` (the end when unbalanced)."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[i], 0)
        if depth == 0:
            return i
    return len(tokens) - 1


def _arguments(tokens: list[str]) -> list[list[str]]:
    """Split a call's argument tokens at its top-level commas."""
    args: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        depth += {"(": 1, ")": -1}.get(tok, 0)
        if tok == "," and depth == 0:
            args.append([])
        else:
            args[-1].append(tok)
    return args


def _power(tokens: list[str], i: int) -> tuple[str, int] | None:
    """A superscript for the exponent at ``tokens[i]`` (``2``, ``(-1)``), and where it ends."""
    if i < len(tokens) and tokens[i].isdigit():
        return tokens[i].translate(_SUPERSCRIPT), i + 1
    if tokens[i : i + 1] == ["("] and tokens[i + 1 : i + 2] == ["-"]:
        if i + 3 < len(tokens) and tokens[i + 2].isdigit() and tokens[i + 3] == ")":
            return ("-" + tokens[i + 2]).translate(_SUPERSCRIPT), i + 4
    return None


def _spell(tokens: list[str]) -> str:
    out: list[str] = []
    i = 0
    prev = None  # the last token that was not a space: decides unary against binary minus
    while i < len(tokens):
        tok = tokens[i]
        if (tok[0].isalpha() or tok[0] == "_") and tokens[i + 1 : i + 2] == ["("]:
            end = _close(tokens, i + 1)
            args = [_spell(a) for a in _arguments(tokens[i + 2 : end])]
            sup = ""
            if tokens[end + 1 : end + 2] == ["**"] and (found := _power(tokens, end + 2)):
                sup, end = found[0], found[1] - 1
            out.append(_call(tok, args, sup))
            i, prev = end + 1, ")"
            continue
        if tok == "**":
            found = _power(tokens, i + 1)
            if found:
                out.append(found[0])
                i, prev = found[1], ")"
                continue
            out.append("^")
        elif tok == ".T":
            out.append("ᵀ")
        elif tok == "-" and (prev is None or prev in "(,*/@+-=" or prev == "**"):
            out.append("−")
        elif tok in _BINARY:
            out.append(_BINARY[tok])
        else:
            out.append(_NAMES.get(tok, tok))
        prev = tok
        i += 1
    return "".join(out)


def _call(name: str, args: list[str], sup: str) -> str:
    if name == "Heaviside" and len(args) == 2 and args[1] in _INDICATOR:
        return f"[{args[0]} {_INDICATOR[args[1]]} 0]"
    if name == "Abs" and len(args) == 1:
        return f"|{args[0]}|{sup}"
    if name == "sqrt" and len(args) == 1:
        return f"√{args[0]}" if args[0].isidentifier() else f"√({args[0]})"
    return f"{_NAMES.get(name, name)}{sup}({', '.join(args)})"


def math(text: str) -> str:
    """sympy's ``str`` form of an expression, spelled as math in unicode text.

    >>> math("1 - tanh(t2)**2"), math("2*t4"), math("-1"), math("1/4")
    ('1 − tanh²(t2)', '2·t4', '−1', '1/4')
    >>> math("G @ W1.T"), math("X.T @ G"), math("Heaviside(t2, 0)")
    ('G W1ᵀ', 'Xᵀ G', '[t2 > 0]')
    >>> math("x**(-2)"), math("exp(-x)*y"), math("sigmoid(u)*(1 - sigmoid(u))")
    ('x⁻²', 'exp(−x)·y', 'σ(u)·(1 − σ(u))')
    >>> math("(out - Y) ** 2"), math("x**a"), math("sqrt(x)")
    ('(out − Y)²', 'x^a', '√x')
    """
    return _spell(_tokens(text))


def cells(text: str) -> int:
    """How many cells of a monospace font ``text`` takes: a wide glyph (Chinese) takes two.

    >>> cells("∂L/∂x"), cells("梯度 x")
    (5, 6)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fitting(text: str, width: int) -> int:
    """How many of ``text``'s characters fit in ``width`` cells (at least one)."""
    used = 0
    for k, c in enumerate(text):
        used += cells(c)
        if used > width:
            return max(k, 1)
    return len(text)


def width_of(text: str, px: float = TEXT_PX) -> float:
    """How wide ``text`` draws in the stylesheet's monospace font (wide glyphs count twice).

    >>> width_of("abcd") == 4 * 0.62 * 12
    True
    """
    return cells(text) * EM * px


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken after a comma or space.

    >>> wrap("[[1, 2], [3, 4]]", 9)
    ['[[1, 2],', '[3, 4]]']
    >>> wrap("abcdefgh", 3)
    ['abc', 'def', 'gh']
    >>> wrap("= [[1, 2], [0.5, -1], [3, 0]]", 22)  # a matrix breaks between its rows
    ['= [[1, 2], [0.5, -1],', '[3, 0]]']

    ``width`` counts cells: a Chinese character takes two, and Chinese breaks anywhere.

    >>> wrap("叶子节点，要求梯度", 10)
    ['叶子节点，', '要求梯度']
    """
    lines: list[str] = []
    rest = text
    while len(rest) > width or cells(rest) > width:  # a longer text needs no count: linear
        fit = _fitting(rest, width)
        cut = max(rest.rfind(", ", 0, fit) + 1, rest.rfind(" ", 0, fit + 1))
        row = rest.rfind("], ", 0, fit - 1) + 2
        if row > fit // 2:
            cut = row
        if cut <= 0:
            cut = fit
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*lines, rest] if rest or not lines else lines
