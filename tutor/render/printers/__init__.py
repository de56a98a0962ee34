"""Steps and results as text, LaTeX and presentation MathML, one printer per format.

The three share their sentences (``sentences.Printer``) and differ in how they write words,
math and code.
"""

from __future__ import annotations

from .markup import MathMLPrinter
from .plain import TextPrinter, wrap
from .sentences import Printer, RenderLimit, local_form
from .tex import LatexPrinter

__all__ = [
    "LatexPrinter",
    "MathMLPrinter",
    "Printer",
    "RenderLimit",
    "TextPrinter",
    "latex",
    "local_form",
    "mathml",
    "text",
    "wrap",
]

_TEXT, _LATEX, _MATHML = TextPrinter(), LatexPrinter(), MathMLPrinter()


def text(obj: object) -> str:
    """``obj`` (a step, a leaf's gradient) as plain text."""
    return _TEXT.doprint(obj)


def latex(obj: object) -> str:
    """``obj`` as LaTeX (words, with math inline)."""
    return _LATEX.doprint(obj)


def mathml(obj: object) -> str:
    """``obj`` as HTML with presentation MathML."""
    return _MATHML.doprint(obj)
