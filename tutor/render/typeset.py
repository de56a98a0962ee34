"""sympy expressions as text, LaTeX and MathML: in bounded time, and never an exception.

sympy's LaTeX printer splits a product into numerator and denominator with ``fraction``,
which asks of every ``exp(-u)`` whether ``-u`` is a constant; that question runs sympy's
simplifier, and a chain of eight sigmoids took 8 s to print (ten took minutes). Here a
product is split by its syntax alone, as sympy's ``str`` printer does: a factor with a
negative number as exponent goes below the line. A printer that still refuses an
expression (a NaN inside a ``Max``) falls back to the expression's plain text.

LaTeX and MathML write the textbook's notation where the text keeps sympy's (parseable)
spelling: ``1/(1 + exp(-u))`` is σ(u), ``Max(0, u)`` is relu(u), and ``Heaviside(u, 0)``
(relu's derivative, 0 at the kink) is the indicator [u > 0] (``Heaviside(u, 1)``: [u ≥ 0]).
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
from ..symbolic.textbook import sigmoid_of
from . import matrices
from .names import IndexedNames

KEPT = 4096  # printed expressions remembered: a page prints each closed form several times


def _split(expr: sympy.Expr) -> tuple[list, list]:
    """A product's factors above and below the line, by syntax alone (nothing is multiplied
    out: ``3*(x + 2)/2`` keeps its ``x + 2``)."""
    numer, denom = [], []
    for factor in sympy.Mul.make_args(expr):
        if sigmoid_of(factor) is not None:
            numer.append(factor)  # σ(u), above the line
        elif factor.is_Pow and factor.exp.is_Number and factor.exp < 0:
            power = -factor.exp
            denom.append(factor.base if power == 1 else sympy.Pow(factor.base, power))
        elif factor.is_Rational and not factor.is_Integer:
            numer.append(sympy.Integer(factor.p))
            denom.append(sympy.Integer(factor.q))
        else:
            numer.append(factor)
    return [f for f in numer if f != 1], denom


def relu_of(expr: sympy.Basic) -> sympy.Expr | None:
    """``u`` when ``expr`` is ``Max(0, u)``, i.e. relu(u); else None."""
    if isinstance(expr, sympy.Max) and len(expr.args) == 2 and sympy.S.Zero in expr.args:
        return expr.args[1] if expr.args[0] == 0 else expr.args[0]
    return None


# Heaviside(u, value at 0) as an indicator: the relation it is 1 for (MathML, LaTeX)
_INDICATORS = {sympy.S.Zero: ("&gt;", ">"), sympy.S.One: ("≥", r"\geq")}


def indicator_of(expr: sympy.Basic) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(u, at_0)`` when ``expr`` is ``Heaviside(u, 0)`` ([u > 0]) or ``Heaviside(u, 1)``
    ([u ≥ 0]); else None (a tie's ``Heaviside(u, 1/2)`` stays θ)."""
    if isinstance(expr, sympy.Heaviside) and len(expr.args) == 2 and expr.args[1] in _INDICATORS:
        return expr.args[0], expr.args[1]
    return None


class _Latex(IndexedNames, LatexPrinter):
    """sympy's LaTeX printer, with products split into a fraction by their syntax."""

    def _print_Pow(self, expr: sympy.Expr) -> str:
        found = sigmoid_of(expr)
        if found is None:
            return super()._print_Pow(expr)
        u, n = found
        tex = rf"\sigma\left({self._print(u)}\right)"
        return tex if n == 1 else rf"{tex}^{{{n}}}"

    def _print_Max(self, expr: sympy.Expr, exp=None) -> str:
        u = relu_of(expr)
        if u is None:
            return super()._print_Max(expr, exp)
        tex = rf"\operatorname{{relu}}\left({self._print(u)}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Heaviside(self, expr: sympy.Expr, exp=None) -> str:
        found = indicator_of(expr)
        if found is None:
            return super()._print_Heaviside(expr, exp)
        u, at = found
        tex = rf"\left[{self._print(u)} {_INDICATORS[at][1]} 0\right]"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

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


class _MathML(IndexedNames, MathMLPresentationPrinter):
    """sympy's presentation MathML printer, with products split by their syntax as above
    (sympy's own ``fraction`` multiplied ``3*(x + 2)/2`` out to ``(3x + 6)/2``, so the page
    disagreed with the API and the CLI, and it is slow on chains of ``exp(-u)``)."""

    def _element(self, tag: str, text: str):
        element = self.dom.createElement(tag)
        element.appendChild(self.dom.createTextNode(text))
        return element

    def _applied(self, name: str, u: sympy.Expr):
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(self._element("mi", name))
        mrow.appendChild(self._paren_comma_separated(u))
        return mrow

    def _print_Pow(self, e: sympy.Expr):
        found = sigmoid_of(e)
        if found is None:
            return super()._print_Pow(e)
        u, n = found
        applied = self._applied("σ", u)
        if n == 1:
            return applied
        power = self.dom.createElement("msup")
        power.appendChild(applied)
        power.appendChild(self._print(n))
        return power

    def _print_Max(self, e: sympy.Expr):
        u = relu_of(e)
        return super()._print_Max(e) if u is None else self._applied("relu", u)

    def _print_Heaviside(self, e: sympy.Expr):
        found = indicator_of(e)
        if found is None:
            return self._print_Function(e)
        u, at = found
        mrow = self.dom.createElement("mrow")
        mrow.appendChild(self._element("mo", "["))
        mrow.appendChild(self._print(u))
        mrow.appendChild(self._element("mo", _INDICATORS[at][0]))
        mrow.appendChild(self._print(sympy.S.Zero))
        mrow.appendChild(self._element("mo", "]"))
        return mrow

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


def _typographic(markup: str) -> str:
    """A real minus sign (sympy writes a hyphen) and an italic e, as textbooks print them
    (sympy's double-struck ⅇ reads as an unknown symbol)."""
    for hyphen, minus in (("<mo>-</mo>", "<mo>&#x2212;</mo>"), ("<mn>-", "<mn>&#x2212;")):
        markup = markup.replace(hyphen, minus)
    return markup.replace("<mi>&ExponentialE;</mi>", "<mi>e</mi>")


@lru_cache(maxsize=KEPT)
def mathml(expr: sympy.Basic | Form) -> str:
    """Presentation MathML of ``expr`` (its plain text in ``<mtext>`` if sympy refuses)."""
    if isinstance(expr, Form):
        return matrices.mathml(expr)
    try:
        return _typographic(_MATHML.doprint(expr))
    except Exception:  # a printer must never cost the answer
        return f"<mtext>{html.escape(text(expr))}</mtext>"
