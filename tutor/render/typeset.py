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
from sympy.printing.mathml import mathml as sympy_mathml

KEPT = 4096  # printed expressions remembered: a page prints each closed form several times


class _Latex(LatexPrinter):
    """sympy's LaTeX printer, with products split into a fraction by their syntax."""

    def _print_Mul(self, expr: sympy.Expr) -> str:
        if expr.could_extract_minus_sign():
            inner = self._print_Mul(-expr) if (-expr).is_Mul else self._print(-expr)
            return "- " + (rf"\left({inner}\right)" if (-expr).is_Add else inner)
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
        top = self._product([f for f in numer if f != 1]) or "1"
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


@lru_cache(maxsize=KEPT)
def text(expr: sympy.Basic) -> str:
    """sympy's ``str`` form (what the API's ``symbolic`` fields hold)."""
    try:
        return str(expr)
    except Exception:  # a printer must never cost the answer
        return repr(expr)


@lru_cache(maxsize=KEPT)
def latex(expr: sympy.Basic) -> str:
    """LaTeX of ``expr`` (its plain text in ``\\text{}`` if sympy cannot typeset it)."""
    try:
        return _LATEX.doprint(expr)
    except Exception:  # a printer must never cost the answer
        return r"\text{" + text(expr).replace("\\", "/") + "}"


@lru_cache(maxsize=KEPT)
def mathml(expr: sympy.Basic) -> str:
    """Presentation MathML of ``expr`` (its plain text in ``<mtext>`` if sympy refuses)."""
    try:
        return sympy_mathml(expr, printer="presentation")
    except Exception:  # a printer must never cost the answer
        return f"<mtext>{html.escape(text(expr))}</mtext>"
