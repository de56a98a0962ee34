"""LaTeX: words as text, math inline in ``\\( … \\)``."""

from __future__ import annotations

import sympy

from .. import numbers, typeset
from .sentences import Printer

_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\~{}", "^": r"\^{}", "\\": r"\\"}


class LatexPrinter(Printer):
    """LaTeX: words as text, math inline in ``\\( … \\)``."""

    times, plus, equals = r" \cdot ", " + ", " = "

    def words(self, s: str) -> str:
        return "".join(_LATEX_SPECIAL.get(c, c) for c in s)

    def expr(self, e: sympy.Basic) -> str:
        return typeset.latex(e)

    def math(self, content: str) -> str:
        return rf"\({content}\)"

    def math_words(self, s: str) -> str:
        return rf"\text{{{self.words(s)}}}"

    def code(self, s: str) -> str:
        return rf"\texttt{{{self.words(s)}}}"

    def partial(self, top: str, bottom: str) -> str:
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        below = rf"\partial {a}^{{2}}" if b is None else rf"\partial {a} \, \partial {b}"
        return rf"\frac{{\partial^{{2}} {top}}}{{{below}}}"

    def binary(self, op: str, a: str, b: str) -> str:
        if op == "**":
            return f"{{{a}}}^{{{b}}}"
        glyph = {"*": r"\cdot", "@": r"\mathbin{@}"}.get(op, op)
        return f"{glyph} {b}" if not a else f"{a} {glyph} {b}"

    def call(self, name: str, a: str) -> str:
        return rf"\operatorname{{{name}}}\left({a}\right)"

    def num(self, v) -> str:
        return numbers.summary(v, numbers.value)

    def paren(self, content: str) -> str:
        return rf"\left({content}\right)"
