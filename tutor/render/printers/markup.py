"""HTML with presentation MathML: words as escaped text, math in ``<math>`` elements.

The math comes from sympy's presentation printer; the page needs no script and no CDN.
"""

from __future__ import annotations

import html

import sympy

from .. import numbers, typeset
from .sentences import Printer


class MathMLPrinter(Printer):
    """HTML with presentation MathML: escaped words, math in ``<math>`` elements."""

    times, plus, equals = "<mo>·</mo>", "<mo>+</mo>", "<mo>=</mo>"

    def words(self, s: str) -> str:
        return html.escape(s)

    def expr(self, e: sympy.Basic) -> str:
        if isinstance(e, sympy.NDimArray) and e.rank() <= 2:
            e = sympy.ImmutableMatrix(e.tolist() if e.rank() == 2 else [e.tolist()])
        return typeset.mathml(e)

    def math(self, content: str) -> str:
        return f'<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow>{content}</mrow></math>'

    def math_words(self, s: str) -> str:
        return f"<mtext>&#xA0;{html.escape(s)}&#xA0;</mtext>"  # MathML drops plain spaces

    def code(self, s: str) -> str:
        return f"<code>{html.escape(s)}</code>"

    def partial(self, top: str, bottom: str) -> str:
        return f"<mfrac><mrow><mo>∂</mo>{top}</mrow><mrow><mo>∂</mo>{bottom}</mrow></mfrac>"

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        below = f"<msup><mrow>{a}</mrow><mn>2</mn></msup>" if b is None else f"{a}<mo>∂</mo>{b}"
        head = "<msup><mo>∂</mo><mn>2</mn></msup>"
        return f"<mfrac><mrow>{head}{top}</mrow><mrow><mo>∂</mo>{below}</mrow></mfrac>"

    def binary(self, op: str, a: str, b: str) -> str:
        if op == "**":
            return f"<msup><mrow>{a}</mrow><mrow>{b}</mrow></msup>"
        glyph = {"*": "·", "-": "−"}.get(op, op)
        return f"<mrow>{a}<mo>{html.escape(glyph)}</mo>{b}</mrow>"

    def call(self, name: str, a: str) -> str:
        return f"<mrow><mi>{html.escape(name)}</mi><mo>(</mo>{a}<mo>)</mo></mrow>"

    def num(self, v) -> str:
        return f"<mn>{html.escape(numbers.summary(v, numbers.value)).replace('-', '&#x2212;')}</mn>"

    def paren(self, content: str) -> str:
        return f"<mrow><mo>(</mo>{content}<mo>)</mo></mrow>"
