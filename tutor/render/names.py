"""How a name typesets in LaTeX and MathML.

``x1`` is x₁, and a version's name ``W1_2`` (W1 after its first in-place change) is W₁,₂:
sympy's own printers write W₁ ₂, two indices run together.
"""

from __future__ import annotations

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter


class IndexedNames:
    """A printer mixin: several subscripts of a name are joined by commas."""

    def _split_super_sub(self, text: str) -> tuple[str, list[str], list[str]]:
        name, supers, subs = super()._split_super_sub(text)
        return name, supers, [",".join(subs)] if len(subs) > 1 else subs


class _NameLatex(IndexedNames, LatexPrinter):
    pass


class _NameMathML(IndexedNames, MathMLPresentationPrinter):
    pass


_LATEX, _MATHML = _NameLatex(), _NameMathML()


def latex(name: str) -> str:
    """The name in LaTeX: ``W_{1,2}``."""
    return _LATEX.doprint(sympy.Symbol(name))


def mathml(name: str) -> str:
    """The name in presentation MathML."""
    return _MATHML.doprint(sympy.Symbol(name))
