"""Whole-tensor expressions: ``Xᵀ @ G``, ``G ⊙ σ(u) ⊙ (1 − σ(u))``, ``1ᵀ G``, as data.

A ``Form`` stands for a whole tensor of a known shape, so its size does not grow with the
number of elements: the matrix product, the transpose, elementwise products (``⊙``), sums
and functions with numpy's broadcasting, and ``sum_to`` — a broadcast value's gradient
summed back over its copies (``1ᵀ G`` for a bias added to every row). The constructors
keep forms small as they build them (numbers are gathered in front, a product with the
all-ones tensor drops it, like terms add up, a double transpose cancels); ``evaluate``
gives the numbers with numpy, in float64; ``from_sympy`` reads an elementwise sympy
expression over node symbols.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from engine.ops.common import unbroadcast

from ..i18n import gettext
from .evaluate import Unevaluable
from .nodes import TOTALS, Unsupported, broadcast_shape

Shape = tuple[int, ...]


class Form:
    """A tensor-valued expression; Python's operators build forms as numpy reads them."""

    shape: Shape

    def __add__(self, other) -> Form:
        return add(self, as_form(other))

    __radd__ = __add__

    def __sub__(self, other) -> Form:
        return add(self, product(MINUS_ONE, as_form(other)))

    def __rsub__(self, other) -> Form:
        return add(as_form(other), product(MINUS_ONE, self))

    def __neg__(self) -> Form:
        return product(MINUS_ONE, self)

    def __mul__(self, other) -> Form:
        return product(self, as_form(other))

    __rmul__ = __mul__

    def __matmul__(self, other) -> Form:
        return matmul(self, other)

    @property
    def T(self) -> Form:  # noqa: N802 (PyTorch's spelling)
        return transpose(self)

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        """The names it uses, as sympy's expressions give theirs."""
        return {sympy.Symbol(n, real=True) for n in names_in(self)}


@dataclass(frozen=True, eq=True)
class Name(Form):
    """A tensor the program named (a leaf, a constant, an intermediate the graph shows)."""

    name: str
    shape: Shape


@dataclass(frozen=True, eq=True)
class Number(Form):
    """A number: a literal of the program or a coefficient of the rules."""

    value: sympy.Number
    shape: Shape = ()


@dataclass(frozen=True, eq=True)
class Ones(Form):
    """The all-ones tensor: what a sum's gradient spreads back over its operand."""

    shape: Shape


@dataclass(frozen=True, eq=True)
class Sum(Form):
    """Elementwise sum of terms (broadcast), a negative term as a product with -1."""

    terms: tuple[Form, ...]
    shape: Shape


@dataclass(frozen=True, eq=True)
class Product(Form):
    """Elementwise (Hadamard) product, broadcast; a number coefficient comes first."""

    factors: tuple[Form, ...]
    shape: Shape


@dataclass(frozen=True, eq=True)
class MatMul(Form):
    """``left @ right``."""

    left: Form
    right: Form
    shape: Shape


@dataclass(frozen=True, eq=True)
class Transpose(Form):
    """``argᵀ`` (a vector's transpose is the row ``1×n``)."""

    arg: Form
    shape: Shape


@dataclass(frozen=True, eq=True)
class Power(Form):
    """Elementwise power by a number."""

    base: Form
    exponent: sympy.Number
    shape: Shape


@dataclass(frozen=True, eq=True)
class Apply(Form):
    """An elementwise function (``sigmoid``, ``step`` for the indicator [u > 0] …) or a
    row-wise one (``softmax``, ``onehot``)."""

    function: str
    arg: Form
    shape: Shape


@dataclass(frozen=True, eq=True)
class SumTo(Form):
    """``arg`` summed over the axes that broadcasting adds or stretches to reach ``shape``."""

    arg: Form
    shape: Shape


MINUS_ONE = Number(sympy.Integer(-1))


def as_form(x) -> Form:
    """A form, or a Python or sympy number as one."""
    if isinstance(x, Form):
        return x
    if isinstance(x, sympy.Number):
        return Number(x)
    if isinstance(x, int):
        return Number(sympy.Integer(x))
    if isinstance(x, float):
        return Number(
            sympy.Rational(x).limit_denominator(10**6) if x.is_integer() else sympy.Float(x)
        )
    raise TypeError(f"not a tensor form: {x!r}")


def _split(form: Form) -> tuple[sympy.Number, Form | None]:
    """(number coefficient, the rest) of a form; the rest is None for a plain number."""
    if isinstance(form, Number):
        return form.value, None
    if isinstance(form, Product) and isinstance(form.factors[0], Number):
        rest = form.factors[1:]
        body = rest[0] if len(rest) == 1 else Product(rest, form.shape)
        return form.factors[0].value, body
    return sympy.Integer(1), form


def _scaled(coefficient: sympy.Number, body: Form | None, shape: Shape) -> Form:
    if body is None or coefficient == 0:
        number = Number(coefficient)
        return number if shape == () else Product((number, Ones(shape)), shape)
    if coefficient == 1:
        return body
    factors = body.factors if isinstance(body, Product) else (body,)
    return Product((Number(coefficient), *factors), broadcast_shape(shape, body.shape))


def is_zero(form: Form) -> bool:
    return _split(form)[0] == 0


def add(*terms: Form) -> Form:
    """The elementwise sum, with like terms added (``G + G`` is ``2 G``) and zeros dropped."""
    shape = broadcast_shape(*(t.shape for t in terms))
    flat = [u for t in terms for u in (t.terms if isinstance(t, Sum) else (t,))]
    coefficients: dict[Form | None, sympy.Number] = {}
    for term in flat:
        coefficient, body = _split(term)
        coefficients[body] = coefficients.get(body, 0) + coefficient
    kept = [(c, b) for b, c in coefficients.items() if c != 0]
    if not kept:
        return _scaled(sympy.Integer(0), None, shape)
    parts = tuple(_scaled(c, b, () if b is None else b.shape) for c, b in kept)
    if len(parts) == 1:
        return parts[0] if parts[0].shape == shape else product(parts[0], Ones(shape))
    return Sum(parts, shape)


def product(*factors: Form) -> Form:
    """The elementwise product: numbers gathered in front, all-ones factors dropped."""
    shape = broadcast_shape(*(f.shape for f in factors))
    coefficient, rest = sympy.Integer(1), []
    for factor in factors:
        for f in factor.factors if isinstance(factor, Product) else (factor,):
            if isinstance(f, Number):
                coefficient *= f.value
            elif not isinstance(f, Ones):
                rest.append(f)
    if coefficient == 0 or not rest:
        return _scaled(coefficient, None, shape)
    if broadcast_shape(*(f.shape for f in rest)) != shape:
        rest.append(Ones(shape))  # the ones carry the broadcast the other factors lack
    body = rest[0] if len(rest) == 1 else Product(tuple(rest), shape)
    return _scaled(coefficient, body, shape)


def matmul(left: Form, right: Form) -> Form:
    """``left @ right`` for matrices and vectors (a vector times a row is their outer
    product); number coefficients move in front."""
    a, b = left.shape, right.shape
    if len(a) == 2 and len(b) in (1, 2) and a[1] == b[0]:
        shape = (a[0],) + b[1:]
    elif len(a) == 1 and len(b) == 2 and b[0] == 1:
        shape = (a[0], b[1])
    else:
        raise Unsupported(
            gettext("a matrix product of shapes {a} and {b} in matrix form", a=a, b=b)
        )
    (ca, ra), (cb, rb) = _split(left), _split(right)
    if ca * cb == 0:
        return _scaled(sympy.Integer(0), None, shape)
    return _scaled(ca * cb, MatMul(ra, rb, shape), shape)


def transpose(form: Form) -> Form:
    """``formᵀ``; ``(Aᵀ)ᵀ`` is ``A``, a number or a scalar stays as it is."""
    if form.shape == () or isinstance(form, Number):
        return form
    if isinstance(form, Transpose):
        return form.arg
    if isinstance(form, Ones):
        return Ones(_transposed(form.shape))
    coefficient, body = _split(form)
    if coefficient != 1:
        return _scaled(coefficient, transpose(body), _transposed(form.shape))
    return Transpose(form, _transposed(form.shape))


def _transposed(shape: Shape) -> Shape:
    if len(shape) == 1:
        return (1, shape[0])
    if len(shape) == 2:
        return shape[::-1]
    raise Unsupported(gettext("a transpose of a {n}-d tensor in matrix form", n=len(shape)))


def power(base: Form, exponent) -> Form:
    """``base`` to an elementwise number power."""
    exponent = exponent if isinstance(exponent, sympy.Number) else sympy.Integer(exponent)
    if exponent == 1:
        return base
    if exponent == 0:
        return product(Number(sympy.Integer(1)), Ones(base.shape))
    if isinstance(base, Number):
        return Number(base.value**exponent)
    if isinstance(base, Power):
        return power(base.base, base.exponent * exponent)
    return Power(base, exponent, base.shape)


def apply(function: str, arg: Form, shape: Shape | None = None) -> Form:
    """``function`` applied to every element (or every row) of ``arg``."""
    return Apply(function, arg, arg.shape if shape is None else shape)


def sum_to(form: Form, shape: Shape) -> Form:
    """``form`` summed back to ``shape`` over the axes broadcasting made (numbers move out;
    a value spread by the all-ones tensor is counted instead of summed)."""
    if form.shape == shape:
        return form
    copies = int(np.prod(form.shape)) // max(int(np.prod(shape)), 1)
    coefficient, body = _split(form)
    if body is None or isinstance(body, Ones):
        return _scaled(coefficient * copies, None, shape)
    if isinstance(body, Product) and isinstance(body.factors[-1], Ones):
        inner = product(*body.factors[:-1])
        if inner.shape in ((), shape):
            return product(Number(coefficient * copies), inner, ones_like(shape))
    return _scaled(coefficient, SumTo(body, shape), shape)


def ones_like(shape: Shape) -> Form:
    return Ones(shape) if shape else Number(sympy.Integer(1))


# --- numbers ---------------------------------------------------------------------------


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-u))


def _softmax(u: np.ndarray) -> np.ndarray:
    e = np.exp(u - u.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "sigmoid": _sigmoid,
    "relu": lambda u: np.maximum(u, 0.0),
    "step": lambda u: (u > 0).astype(np.float64),
    "softmax": _softmax,
}


def evaluate(form: Form, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The numbers of ``form`` at ``values`` (name -> array), in float64."""
    memo: dict[int, np.ndarray] = {}

    def walk(f: Form) -> np.ndarray:
        key = id(f)
        if key not in memo:
            memo[key] = np.asarray(_evaluate(f, walk, values), dtype=np.float64)
        return memo[key]

    return np.broadcast_to(walk(form), form.shape)


def _evaluate(f: Form, walk, values: Mapping[str, np.ndarray]) -> np.ndarray:
    if isinstance(f, Name):
        if f.name not in values:
            raise Unevaluable(gettext("no value was recorded for {name}", name=f.name))
        return np.asarray(values[f.name], dtype=np.float64).reshape(f.shape)
    if isinstance(f, Number):
        return np.float64(f.value)
    if isinstance(f, Ones):
        return np.ones(f.shape)
    if isinstance(f, Sum):
        return sum((walk(t) for t in f.terms[1:]), walk(f.terms[0]))
    if isinstance(f, Product):
        out = walk(f.factors[0])
        for factor in f.factors[1:]:
            out = out * walk(factor)
        return out
    if isinstance(f, MatMul):
        left, right = walk(f.left), walk(f.right)
        return np.outer(left, right[0]) if left.ndim == 1 else left @ right
    if isinstance(f, Transpose):
        arg = walk(f.arg)
        return arg.reshape(f.shape) if arg.ndim == 1 else arg.T
    if isinstance(f, Power):
        return np.power(walk(f.base), float(f.exponent))
    if isinstance(f, SumTo):
        return unbroadcast(walk(f.arg), f.shape)
    if isinstance(f, Apply) and f.function == "onehot":
        classes = walk(f.arg).astype(np.int64)
        return np.eye(f.shape[-1])[classes]
    if isinstance(f, Apply):
        return FUNCTIONS[f.function](walk(f.arg))
    raise TypeError(f"not a tensor form: {f!r}")


# --- from sympy ------------------------------------------------------------------------

_SYMPY_FUNCTIONS = {
    sympy.exp: "exp",
    sympy.log: "log",
    sympy.sin: "sin",
    sympy.cos: "cos",
    sympy.tan: "tan",
    sympy.tanh: "tanh",
    sympy.sinh: "sinh",
    sympy.cosh: "cosh",
    sympy.Abs: "abs",
    sympy.sign: "sign",
}


def from_sympy(expr: sympy.Basic, names: Mapping[sympy.Basic, Form]) -> Form:
    """The form of an elementwise sympy expression whose symbols stand for ``names``.

    Raises ``Unsupported`` for what has no whole-tensor form here.
    """

    def go(e: sympy.Basic) -> Form:
        if e in names:
            return names[e]
        if e.is_Number and e.is_extended_real and e.is_finite:
            return Number(e)
        if isinstance(e, sympy.Add):
            return add(*(go(a) for a in e.args))
        if isinstance(e, sympy.Mul):
            return product(*(go(a) for a in e.args))
        if isinstance(e, sympy.Pow) and e.exp.is_Number:
            if e.exp == sympy.Rational(1, 2):
                return apply("sqrt", go(e.base))
            return power(go(e.base), e.exp)
        if isinstance(e, sympy.Heaviside) and e.args[1:] == (0,):
            return apply("step", go(e.args[0]))
        if isinstance(e, sympy.Max) and len(e.args) == 2 and 0 in e.args:
            return apply("relu", go(next(a for a in e.args if a != 0)))
        if e.func in _SYMPY_FUNCTIONS:
            return apply(_SYMPY_FUNCTIONS[e.func], go(e.args[0]))
        if e.func == TOTALS["sum"]:
            return sum_to(go(e.args[0]), ())
        if e.func == TOTALS["mean"]:
            arg = go(e.args[0])
            return product(
                Number(sympy.Rational(1, max(int(np.prod(arg.shape)), 1))), sum_to(arg, ())
            )
        raise Unsupported(gettext("no whole-tensor form for {kind}", kind=type(e).__name__))

    return go(expr)


def names_in(form: Form) -> set[str]:
    """The names a form uses."""
    if isinstance(form, Name):
        return {form.name}
    return set().union(*(names_in(c) for c in children(form)))


def children(form: Form) -> tuple[Form, ...]:
    if isinstance(form, Sum):
        return form.terms
    if isinstance(form, Product):
        return form.factors
    if isinstance(form, MatMul):
        return (form.left, form.right)
    if isinstance(form, (Transpose, Apply, SumTo)):
        return (form.arg,)
    if isinstance(form, Power):
        return (form.base,)
    return ()


def substitute(form: Form, rule: Mapping[str, Form]) -> Form:
    """``form`` with each name in ``rule`` replaced by its form (rebuilt, so kept small)."""
    memo: dict[int, Form] = {}

    def go(f: Form) -> Form:
        key = id(f)
        if key in memo:
            return memo[key]
        if isinstance(f, Name):
            out = rule.get(f.name, f)
        elif isinstance(f, Sum):
            out = add(*(go(t) for t in f.terms))
        elif isinstance(f, Product):
            out = product(*(go(t) for t in f.factors))
        elif isinstance(f, MatMul):
            out = matmul(go(f.left), go(f.right))
        elif isinstance(f, Transpose):
            out = transpose(go(f.arg))
        elif isinstance(f, Power):
            out = power(go(f.base), f.exponent)
        elif isinstance(f, Apply):
            out = Apply(f.function, go(f.arg), f.shape)
        elif isinstance(f, SumTo):
            out = sum_to(go(f.arg), f.shape)
        else:
            out = f
        memo[key] = out
        return out

    return go(form)


def size(form: Form) -> int:
    """How many operations and names a form has (what choosing between forms compares)."""
    return 1 + sum(size(c) for c in children(form))
