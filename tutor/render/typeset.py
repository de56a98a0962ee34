"""sympy expressions as text, LaTeX and MathML: in bounded time, and never an exception.

sympy's LaTeX printer splits a product into numerator and denominator with ``fraction``,
which asks of every ``exp(-u)`` whether ``-u`` is a constant; that question runs sympy's
simplifier, and a chain of eight sigmoids took 8 s to print (ten took minutes). Here a
product is split by its syntax alone, as sympy's ``str`` printer does: a factor with a
negative number as exponent goes below the line. A printer that still refuses an
expression (a NaN inside a ``Max``) falls back to the expression's plain text.
"""

from __future__ import annotations

import html
from functools import lru_cache

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from ..symbolic.matrix import Form
from . import matrices

KEPT = 4096  # printed expressions remembered: a page prints each closed form several times


def _split(expr: sympy.Expr) -> tuple[list, list]:
    """A product's factors above and below the line, by syntax alone (nothing is multiplied
    out: ``3*(x + 2)/2`` keeps its ``x + 2``)."""
    numer, denom = [], []
    for factor in sympy.Mul.make_args(expr):
        if factor.is_Pow and factor.exp.is_Number and factor.exp < 0:
            power = -factor.exp
            denom.append(factor.base if power == 1 else sympy.Pow(factor.base, power))
        elif factor.is_Rational and not factor.is_Integer:
            numer.append(sympy.Integer(factor.p))
            denom.append(sympy.Integer(factor.q))
        else:
            numer.append(factor)
    return [f for f in numer if f != 1], denom


class _Latex(LatexPrinter):
    """sympy's LaTeX printer, with products split into a fraction by their syntax."""

    def _print_Mul(self, expr: sympy.Expr) -> str:
        if expr.could_extract_minus_sign():
            inner = self._print_Mul(-expr) if (-expr).is_Mul else self._print(-expr)
            return "- " + (rf"\left({inner}\right)" if (-expr).is_Add else inner)
        numer, denom = _split(expr)
        top = self._product(numer) or "1"
        return top if not denom else rf"\frac{{{top}}}{{{self._product(denom)}}}"

    def _product(self, factors: list) -> str:
        ordered = sorted(factors, key=lambda f: f.sort_key())
        tex = ""
        for i, factor in enumerate(ordered):
            term = self._print(factor)
            last = i == len(ordered) - 1
            if len(ordered) > 1 and self._needs_mul_brackets(factor, first=i == 0, last=last):
                term = rf"\left({term}\right)"
            numbers = tex and tex[-1].isdigit() and term[:1].isdigit()
            tex += (r" \cdot " if numbers else " ") + term if tex else term
        return tex


_LATEX = _Latex()


class _MathML(MathMLPresentationPrinter):
    """sympy's presentation MathML printer, with products split by their syntax as above
    (sympy's own ``fraction`` multiplied ``3*(x + 2)/2`` out to ``(3x + 6)/2``, so the page
    disagreed with the API and the CLI, and it is slow on chains of ``exp(-u)``)."""

    def _print_Mul(self, expr: sympy.Expr):
        mrow = self.dom.createElement("mrow")
        if expr.could_extract_minus_sign():
            minus = self.dom.createElement("mo")
            minus.appendChild(self.dom.createTextNode("-"))
            mrow.appendChild(minus)
            rest = -expr
            mrow.appendChild(
                self._product_fraction(rest) if rest.is_Mul else self.parenthesize(rest, 50)
            )
            return mrow
        mrow.appendChild(self._product_fraction(expr))
        return mrow

    def _product_fraction(self, expr: sympy.Expr):
        numer, denom = _split(expr)
        if not denom:
            return self._product(numer)
        frac = self.dom.createElement("mfrac")
        frac.appendChild(self._product(numer))
        frac.appendChild(self._product(denom))
        return frac

    def _product(self, factors: list):
        if not factors:
            return self._print(sympy.S.One)
        if len(factors) == 1:
            return self._print(factors[0])
        mrow = self.dom.createElement("mrow")
        for i, factor in enumerate(sorted(factors, key=lambda f: f.sort_key())):
            if i:
                times = self.dom.createElement("mo")
                times.appendChild(self.dom.createTextNode("&InvisibleTimes;"))
                mrow.appendChild(times)
            mrow.appendChild(self.parenthesize(factor, PRECEDENCE["Mul"]))
        return mrow


_MATHML = _MathML()


class _Str(StrPrinter):
    """sympy's ``str`` printer, with matrix products written as Python writes them: ``@``
    (sympy's ``*`` reads as an elementwise product in PyTorch and numpy)."""

    def _print_MatMul(self, expr: sympy.Expr) -> str:
        scalars = [a for a in expr.args if not a.is_Matrix]
        matrices = [self.parenthesize(a, precedence(expr)) for a in expr.args if a.is_Matrix]
        product = " @ ".join(matrices)
        coefficient = sympy.Mul(*scalars)
        if coefficient == 1:
            return product
        if coefficient == -1:
            return "-" + product
        return "*".join([self.parenthesize(coefficient, precedence(expr)), product])


_STR = _Str()


@lru_cache(maxsize=KEPT)
def text(expr: sympy.Basic | Form) -> str:
    """sympy's ``str`` form (what the API's ``symbolic`` fields hold)."""
    if isinstance(expr, Form):
        return matrices.text(expr)
    try:
        return _STR.doprint(expr)
    except Exception:  # a printer must never cost the answer
        return repr(expr)


@lru_cache(maxsize=KEPT)
def latex(expr: sympy.Basic | Form) -> str:
    """LaTeX of ``expr`` (its plain text in ``\\text{}`` if sympy cannot typeset it)."""
    if isinstance(expr, Form):
        return matrices.latex(expr)
    try:
        return _LATEX.doprint(expr)
    except Exception:  # a printer must never cost the answer
        return r"\text{" + text(expr).replace("\\", "/") + "}"


@lru_cache(maxsize=KEPT)
def mathml(expr: sympy.Basic | Form) -> str:
    """Presentation MathML of ``expr`` (its plain text in ``<mtext>`` if sympy refuses)."""
    if isinstance(expr, Form):
        return matrices.mathml(expr)
    try:
        return _MATHML.doprint(expr)
    except Exception:  # a printer must never cost the answer
        return f"<mtext>{html.escape(text(expr))}</mtext>"
