"""Whole-tensor forms as text, LaTeX and MathML: ``(2/3)·Xᵀ @ (X @ W + b − Y)``.

One walk over the form decides the layout (what is grouped, what goes below a line, where
a sign goes); a ``Notation`` writes each piece in its language. Text spells products as
PyTorch does — ``@`` for the matrix product, ``⊙`` for the elementwise one — and LaTeX and
MathML as textbooks do: ``Xᵀ(XW + b − Y)``, ``G ⊙ σ(u)``, ``𝟏ᵀG``, ``[u > 0]``.
"""

from __future__ import annotations

import html
from functools import lru_cache

import sympy
from sympy.printing.mathml import mathml as sympy_mathml

from ..symbolic import matrix as mx
from . import names

SUM, PRODUCT, POWER, ATOM = 1, 2, 3, 4
KEPT = 4096  # printed forms remembered: a page prints each closed form several times
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class Notation:
    """Plain text."""

    grouping = POWER  # how tightly a sum's operand is held: ``1ᵀ @ (X @ W)``, ``(u**2).sum(0)``

    ops = {"+": " + ", "-": " − ", "neg": "−", "@": " @ ", "⊙": " ⊙ ", "·": "·", "⊘": " ⊘ "}
    functions = {"sigmoid": "σ", "abs": "abs"}

    def name(self, name: str) -> str:
        return name

    def number(self, value: sympy.Number) -> str:
        return str(value)

    def row(self, *parts: str) -> str:
        return "".join(parts)

    def op(self, key: str) -> str:
        return self.ops[key]

    def group(self, inner: str) -> str:
        return f"({inner})"

    def fraction(self, top: str, bottom: str) -> str:
        return f"({top}/{bottom})"

    def power(self, base: str, exponent: sympy.Number, elementwise: bool) -> str:
        if exponent.is_Integer and exponent > 0 and not elementwise:
            return base + str(exponent).translate(_SUPERSCRIPTS)
        return f"{base}**{exponent}"

    def transpose(self, base: str) -> str:
        return base + "ᵀ"

    def call(self, function: str, arg: str) -> str:
        if function == "step":
            return f"[{arg} > 0]"
        return f"{self.functions.get(function, function)}({arg})"

    def ones(self, shape: tuple[int, ...]) -> str:
        return f"ones({', '.join(map(str, shape))})"

    def sum_rows(self, arg: str, keep: bool) -> str:
        return f"1ᵀ @ {arg}"

    def sum_columns(self, arg: str, keep: bool) -> str:
        return f"{arg} @ 1"

    def total(self, arg: str, axes: tuple[int, ...] | None) -> str:
        return f"sum({arg})" if axes is None else f"sum({arg}, dim={axes})"


class Latex(Notation):
    ops = {
        "+": " + ",
        "-": " - ",
        "neg": "-",
        "@": " ",
        "⊙": " \\odot ",
        "·": " ",
        "⊘": " \\oslash ",
    }
    functions = {
        "sigmoid": r"\sigma",
        "exp": r"\exp",
        "log": r"\log",
        "sin": r"\sin",
        "cos": r"\cos",
        "tan": r"\tan",
        "tanh": r"\tanh",
        "sinh": r"\sinh",
        "cosh": r"\cosh",
    }

    def name(self, name: str) -> str:
        return names.latex(name)

    def number(self, value: sympy.Number) -> str:
        return sympy.latex(value)

    def group(self, inner: str) -> str:
        return rf"\left({inner}\right)"

    def fraction(self, top: str, bottom: str) -> str:
        return rf"\frac{{{top}}}{{{bottom}}}"

    def power(self, base: str, exponent: sympy.Number, elementwise: bool) -> str:
        odot = r"\odot " if elementwise else ""
        return f"{{{base}}}^{{{odot}{sympy.latex(exponent)}}}"

    def transpose(self, base: str) -> str:
        return f"{{{base}}}^{{\\top}}"

    def call(self, function: str, arg: str) -> str:
        if function == "step":
            return rf"\left[{arg} > 0\right]"
        if function == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if function == "abs":
            return rf"\left|{arg}\right|"
        name = self.functions.get(function, rf"\operatorname{{{function}}}")
        return rf"{name}\left({arg}\right)"

    def ones(self, shape: tuple[int, ...]) -> str:
        size = r" \times ".join(map(str, shape))
        return rf"\mathbf{{1}}_{{{size}}}"

    def sum_rows(self, arg: str, keep: bool) -> str:
        return rf"\mathbf{{1}}^{{\top}} {arg}"

    def sum_columns(self, arg: str, keep: bool) -> str:
        return rf"{arg} \mathbf{{1}}"

    def total(self, arg: str, axes: tuple[int, ...] | None) -> str:
        below = "" if axes is None else f"_{{{','.join(map(str, axes))}}}"
        return rf"\textstyle\sum{below} {arg}"


def _mo(symbol: str) -> str:
    return f"<mo>{symbol}</mo>"


class MathML(Notation):
    ops = {
        "+": _mo("+"),
        "-": _mo("&minus;"),
        "neg": _mo("&minus;"),
        "@": _mo("&InvisibleTimes;"),
        "⊙": _mo("&#x2299;"),
        "·": _mo("&InvisibleTimes;"),
        "⊘": _mo("&#x2298;"),
    }
    functions = {"sigmoid": "&#x3C3;"}

    def name(self, name: str) -> str:
        return names.mathml(name)

    def number(self, value: sympy.Number) -> str:
        return sympy_mathml(value, printer="presentation")

    def row(self, *parts: str) -> str:
        return f"<mrow>{''.join(parts)}</mrow>"

    def group(self, inner: str) -> str:
        return self.row(_mo("("), inner, _mo(")"))

    def fraction(self, top: str, bottom: str) -> str:
        return f"<mfrac>{top}{bottom}</mfrac>"

    def power(self, base: str, exponent: sympy.Number, elementwise: bool) -> str:
        exp = self.number(exponent)
        return f"<msup>{base}{self.row(_mo('&#x2299;'), exp) if elementwise else exp}</msup>"

    def transpose(self, base: str) -> str:
        return f"<msup>{base}<mi>&#x22A4;</mi></msup>"

    def call(self, function: str, arg: str) -> str:
        if function == "step":
            return self.row(_mo("["), arg, _mo("&gt;"), "<mn>0</mn>", _mo("]"))
        if function == "sqrt":
            return f"<msqrt>{arg}</msqrt>"
        if function == "abs":
            return self.row(_mo("|"), arg, _mo("|"))
        name = self.functions.get(function, html.escape(function))
        return self.row(f"<mi>{name}</mi>", _mo("&ApplyFunction;"), self.group(arg))

    def ones(self, shape: tuple[int, ...]) -> str:
        size = "&#xD7;".join(f"<mn>{n}</mn>" for n in shape)
        return f"<msub><mn mathvariant='bold'>1</mn><mrow>{size}</mrow></msub>"

    def sum_rows(self, arg: str, keep: bool) -> str:
        one = "<msup><mn mathvariant='bold'>1</mn><mi>&#x22A4;</mi></msup>"
        return self.row(one, self.ops["@"], arg)

    def sum_columns(self, arg: str, keep: bool) -> str:
        return self.row(arg, self.ops["@"], "<mn mathvariant='bold'>1</mn>")

    def total(self, arg: str, axes: tuple[int, ...] | None) -> str:
        sigma = _mo("&#x2211;")
        if axes is not None:
            sigma = f"<munder>{sigma}<mn>{','.join(map(str, axes))}</mn></munder>"
        return self.row(sigma, arg)


class NoSpelling(Exception):
    """A form PyTorch has no short spelling for (onehot of class indices)."""


class Code(Notation):
    """PyTorch's spelling: what a student types, what the tutor runs to check it."""

    ops = {"+": " + ", "-": " - ", "neg": "-", "@": " @ ", "⊙": " * ", "·": " * ", "⊘": " / "}
    grouping = ATOM  # ``(u**2).sum(0)``: a method binds tighter than any operator

    def power(self, base: str, exponent: sympy.Number, elementwise: bool) -> str:
        return f"{base}**{exponent}"

    def transpose(self, base: str) -> str:
        return f"{base}.T"

    def call(self, function: str, arg: str) -> str:
        if function == "step":
            return f"({arg} > 0).float()"
        if function == "softmax":
            return f"torch.softmax({arg}, dim=1)"
        if function == "onehot":
            raise NoSpelling(function)
        return f"torch.{function}({arg})"

    def ones(self, shape: tuple[int, ...]) -> str:
        return f"torch.ones({', '.join(map(str, shape))})"

    def sum_rows(self, arg: str, keep: bool) -> str:
        return f"{arg}.sum(0, keepdim=True)" if keep else f"{arg}.sum(0)"

    def sum_columns(self, arg: str, keep: bool) -> str:
        return f"{arg}.sum(1, keepdim=True)" if keep else f"{arg}.sum(1)"

    def total(self, arg: str, axes: tuple[int, ...] | None) -> str:
        return f"{arg}.sum()" if axes is None else f"{arg}.sum({axes})"


TEXT, LATEX, MATHML, CODE = Notation(), Latex(), MathML(), Code()


class _Writer:
    """One walk over a form in one notation; each piece returns (written, precedence)."""

    def __init__(self, notation: Notation):
        self.n = notation

    def write(self, f: mx.Form) -> str:
        return self.form(f)[0]

    def form(self, f: mx.Form) -> tuple[str, int]:
        return getattr(self, type(f).__name__.lower())(f)

    def inner(self, f: mx.Form, below: int) -> str:
        """``f`` grouped when it binds more loosely than ``below``."""
        written, precedence = self.form(f)
        return self.n.group(written) if precedence < below else written

    def name(self, f: mx.Name) -> tuple[str, int]:
        return self.n.name(f.name), ATOM

    def number(self, f: mx.Number) -> tuple[str, int]:
        value = f.value
        if value.is_Rational and not value.is_Integer:
            top = self.n.fraction(self.n.number(abs(value.p)), self.n.number(value.q))
            return (self.n.row(self.n.op("neg"), top) if value < 0 else top), PRODUCT
        return self.n.number(value), ATOM if value >= 0 else SUM

    def ones(self, f: mx.Ones) -> tuple[str, int]:
        return self.n.ones(f.shape), ATOM

    def sum(self, f: mx.Sum) -> tuple[str, int]:
        parts = []
        for k, term in enumerate(f.terms):
            coefficient, body = mx._split(term)
            if coefficient < 0:
                positive = mx.product(mx.as_form(-coefficient), body) if body else None
                parts += [self.n.op("-"), self.inner(positive or mx.as_form(-coefficient), SUM + 1)]
            else:
                parts += ([self.n.op("+")] if k else []) + [self.inner(term, SUM + 1)]
        if parts[0] == self.n.op("-"):
            parts[0] = self.n.op("neg")
        return self.n.row(*parts), SUM

    def product(self, f: mx.Product) -> tuple[str, int]:
        factors = list(f.factors)
        coefficient = factors.pop(0).value if isinstance(factors[0], mx.Number) else 1
        top = [x for x in factors if not _below(x)]
        bottom = [mx.power(x.base, -x.exponent) for x in factors if _below(x)]
        tensor = any(x.shape != () for x in factors)
        body = self._factors(top, tensor) if top else self.n.number(sympy.Integer(1))
        if bottom:
            under = self._factors(bottom, tensor)
            body = (
                self.n.row(body, self.n.op("⊘"), self.n.group(under) if len(bottom) > 1 else under)
                if tensor
                else self.n.fraction(body, under)
            )
        if coefficient == 1:
            return body, PRODUCT
        sign = self.n.op("neg") if coefficient < 0 else ""
        if abs(coefficient) == 1:
            return self.n.row(sign, body), SUM
        written, _ = self.number(mx.Number(abs(coefficient)))
        return self.n.row(sign, written, self.n.op("·"), body), SUM if sign else PRODUCT

    def _factors(self, factors: list, tensor: bool) -> str:
        joint = self.n.op("⊙" if tensor else "·")
        parts = []
        for k, x in enumerate(factors):
            tight = len(factors) > 1 and x.shape != ()  # (X @ W) ⊙ G, but (2/3)·X @ W
            parts += ([joint] if k else []) + [self.inner(x, PRODUCT + tight)]
        return self.n.row(*parts)

    def matmul(self, f: mx.MatMul) -> tuple[str, int]:
        left = self.inner(f.left, PRODUCT if isinstance(f.left, mx.MatMul) else POWER)
        right = self.inner(f.right, POWER)
        return self.n.row(left, self.n.op("@"), right), PRODUCT

    def transpose(self, f: mx.Transpose) -> tuple[str, int]:
        return self.n.transpose(self.inner(f.arg, ATOM)), POWER

    def power(self, f: mx.Power) -> tuple[str, int]:
        return self.n.power(self.inner(f.base, ATOM), f.exponent, f.shape != ()), POWER

    def apply(self, f: mx.Apply) -> tuple[str, int]:
        return self.n.call(f.function, self.write(f.arg)), ATOM

    def sumto(self, f: mx.SumTo) -> tuple[str, int]:
        source = f.arg.shape
        arg = self.inner(f.arg, self.n.grouping)
        if len(source) == 2 and f.shape in ((source[1],), (1, source[1])):
            return self.n.sum_rows(arg, len(f.shape) == 2), PRODUCT
        if len(source) == 2 and f.shape in ((source[0],), (source[0], 1)):
            return self.n.sum_columns(arg, len(f.shape) == 2), PRODUCT
        if f.shape == ():
            return self.n.total(self.inner(f.arg, ATOM), None), PRODUCT
        lead = len(source) - len(f.shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(f.shape) if n == 1 and source[lead + i] != 1
        )
        return self.n.total(self.inner(f.arg, ATOM), axes), PRODUCT


def _below(f: mx.Form) -> bool:
    return isinstance(f, mx.Power) and f.exponent < 0


@lru_cache(maxsize=KEPT)
def text(form: mx.Form) -> str:
    """The form in plain text, products spelled as PyTorch spells them."""
    return _Writer(TEXT).write(form)


@lru_cache(maxsize=KEPT)
def latex(form: mx.Form) -> str:
    """The form in LaTeX."""
    return _Writer(LATEX).write(form)


@lru_cache(maxsize=KEPT)
def code(form: mx.Form) -> str | None:
    """The form as PyTorch code over the program's tensors (None where PyTorch has no short
    spelling): ``2/3 * X.T @ (X @ W + b - Y)``."""
    try:
        return _Writer(CODE).write(form)
    except NoSpelling:
        return None


@lru_cache(maxsize=KEPT)
def mathml(form: mx.Form) -> str:
    """The form in presentation MathML (without the ``<math>`` element)."""
    return _Writer(MATHML).write(form)
