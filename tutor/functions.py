"""THE table of supported functions: one row per operation a graph program may use.

A row ties together everything the tutor knows about an operation: how programs spell
it (``torch.exp(x)``, ``x.exp()``, ``F.relu(x)``, an operator), how many tensor operands
it takes and which other parameters (with defaults), the engine call, the elementwise sympy
constructor, the phrase explanations use, and the subgradient convention at a kink. The
reader's words (phrases, kinks, domains) are marked for translation here and translated
where they are shown (``i18n.translate``).
Adding ``tanh`` touches one op class in ``engine/ops``, one Tensor method, one row here
and one test entry.
"""

from __future__ import annotations

import operator as _operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

import engine
import engine.nn.functional as F

from . import forms, i18n
from .i18n import N_

ELEMENTWISE, REDUCTION, MATRIX, SHAPE, LOSS = "elementwise", "reduction", "matrix", "shape", "loss"


@dataclass(frozen=True)
class FunctionSpec:
    """Everything about one operation, from spelling to derivative."""

    key: str
    kind: str  # ELEMENTWISE | REDUCTION | MATRIX | SHAPE | LOSS
    operands: int  # leading tensor (or number) arguments
    engine: Callable  # engine(*operands, **params) -> Tensor
    phrase: str  # how explanations name it
    params: tuple[tuple[str, object], ...] = ()  # further parameters and their defaults
    sympy: Callable | None = None  # elementwise: sympy(*operand_exprs, **params)
    # a sympy function of its own (exp, not 1/(1 + exp(-u))): the numpy function closed forms
    # are evaluated with, independently of the engine's kernel (tutor.symbolic.evaluate)
    numpy: Callable | None = None
    torch_names: tuple[str, ...] = ()  # torch.NAME(...)
    methods: tuple[str, ...] = ()  # tensor.NAME(...)
    functional: tuple[str, ...] = ()  # F.NAME(...) / torch.nn.functional.NAME(...)
    operator: str | None = None  # Python operator spelling, e.g. "+"
    kink: str | None = None  # the subgradient convention where the derivative jumps
    # at_kink(*operand numbers, **params): whether some element sits on that kink (tutor.forms)
    at_kink: Callable | None = None
    domain: str | None = None  # what the operands must be for a finite result
    # elementwise: partial derivatives, one per operand, where sympy.diff would not follow
    # the kink convention above (tutor.forms)
    derivative: Callable | None = None
    # reductions and losses with a sympy summand: reducer(**params) is "sum" or "mean" when
    # the whole tensor is reduced, "none" when the result stays elementwise, None otherwise
    reducer: Callable | None = None
    # non-elementwise: elements(operand element arrays, operand numbers, **params) -> the
    # result as a numpy object array of sympy expressions (tutor.forms)
    elements: Callable | None = None
    # matrix products: matrix(A, B, G) -> (dL/dA, dL/dB) as sympy matrix expressions
    matrix: Callable | None = None
    # elementwise, one operand: the derivative in terms of the result y, as textbooks (and
    # PyTorch's own derivative formulas) write it — σ' = y(1 − y), tanh' = 1 − y² — for steps
    textbook: Callable | None = None
    # how calls spell the arguments (tutor.lang.vocabulary): keyword names of the operands
    # followed by the params, in positional order, when not ("input", "other")[:operands] + params
    arguments: tuple[str, ...] = ()
    varargs: bool = False  # x.reshape(2, 3): extra positionals are collected into the last param
    sequence: bool = False  # torch.cat([a, b]): one list argument holds all the operands
    properties: tuple[str, ...] = ()  # tensor.NAME without a call (x.T)
    # counted(n): the operation's noun for n of them ("additions"), where a folded run of
    # steps that hand the gradient on unchanged counts them (local derivative 1)
    counted: Callable[[int], str] | None = None


def _nouns():
    """The catalog of the language spoken now, where a count's noun is looked up."""
    return i18n.translations(i18n.current())


def _sigmoid(u):
    return 1 / (1 + sympy.exp(-u))


def _relu(u):
    return sympy.Max(u, 0)


def _clamp(u, min=None, max=None):
    if min is not None:
        u = sympy.Max(u, min)
    if max is not None:
        u = sympy.Min(u, max)
    return u


# One row per operation reads best as a table, so the formatter leaves it be.
# fmt: off
_ROWS = (
    # arithmetic (operators first: they are how most programs spell them)
    FunctionSpec("add", ELEMENTWISE, 2, lambda a, b: engine.add(a, b), N_("addition"),
        sympy=lambda a, b: a + b, torch_names=("add",), methods=("add",), operator="+",
        counted=lambda n: _nouns().npgettext("operations", "addition", "additions", n)),
    FunctionSpec("sub", ELEMENTWISE, 2, lambda a, b: engine.sub(a, b), N_("subtraction"),
        sympy=lambda a, b: a - b, torch_names=("sub",), methods=("sub",), operator="-",
        counted=lambda n: _nouns().npgettext("operations", "subtraction", "subtractions", n)),
    FunctionSpec("mul", ELEMENTWISE, 2, lambda a, b: engine.mul(a, b), N_("multiplication"),
        sympy=lambda a, b: a * b, torch_names=("mul",), methods=("mul",), operator="*",
        counted=lambda n: _nouns().npgettext(
            "operations", "multiplication", "multiplications", n)),
    FunctionSpec("div", ELEMENTWISE, 2, lambda a, b: engine.div(a, b), N_("division"),
        sympy=lambda a, b: a / b, torch_names=("div",), methods=("div",), operator="/",
        domain=N_("a nonzero divisor"),
        counted=lambda n: _nouns().npgettext("operations", "division", "divisions", n)),
    FunctionSpec("pow", ELEMENTWISE, 2, lambda a, b: engine.pow(a, b), N_("power"),
        sympy=lambda a, b: a**b, torch_names=("pow",), methods=("pow",), operator="**",
        domain=N_("a base of at least 0 when the exponent is not whole"),
        counted=lambda n: _nouns().npgettext("operations", "power", "powers", n)),
    FunctionSpec("neg", ELEMENTWISE, 1, lambda a: -a, N_("negation"), sympy=lambda a: -a,
        torch_names=("neg",), methods=("neg",), operator="-u"),
    FunctionSpec("square", ELEMENTWISE, 1, engine.square, N_("square"), sympy=lambda a: a**2,
        torch_names=("square",), methods=("square",)),
    FunctionSpec("reciprocal", ELEMENTWISE, 1, engine.reciprocal, N_("reciprocal"),
        sympy=lambda a: 1 / a, torch_names=("reciprocal",), methods=("reciprocal",),
        domain=N_("nonzero inputs")),
    # elementwise functions
    FunctionSpec("exp", ELEMENTWISE, 1, engine.exp, N_("the exponential"), sympy=sympy.exp,
        numpy=np.exp, torch_names=("exp",), methods=("exp",), textbook=lambda y: y),
    FunctionSpec("log", ELEMENTWISE, 1, engine.log, N_("the natural logarithm"), sympy=sympy.log,
        numpy=np.log, torch_names=("log",), methods=("log",),
        domain=N_("positive inputs")),
    FunctionSpec("sin", ELEMENTWISE, 1, engine.sin, N_("sine"), sympy=sympy.sin, numpy=np.sin,
        torch_names=("sin",), methods=("sin",)),
    FunctionSpec("cos", ELEMENTWISE, 1, engine.cos, N_("cosine"), sympy=sympy.cos, numpy=np.cos,
        torch_names=("cos",), methods=("cos",)),
    FunctionSpec("tan", ELEMENTWISE, 1, engine.tan, N_("tangent"), sympy=sympy.tan, numpy=np.tan,
        torch_names=("tan",), methods=("tan",)),
    FunctionSpec("tanh", ELEMENTWISE, 1, engine.tanh, N_("hyperbolic tangent"), sympy=sympy.tanh,
        numpy=np.tanh, torch_names=("tanh",), methods=("tanh",), functional=("tanh",),
        textbook=lambda y: 1 - y**2),
    FunctionSpec("sinh", ELEMENTWISE, 1, engine.sinh, N_("hyperbolic sine"), sympy=sympy.sinh,
        numpy=np.sinh, torch_names=("sinh",), methods=("sinh",)),
    FunctionSpec("cosh", ELEMENTWISE, 1, engine.cosh, N_("hyperbolic cosine"), sympy=sympy.cosh,
        numpy=np.cosh, torch_names=("cosh",), methods=("cosh",)),
    FunctionSpec("sigmoid", ELEMENTWISE, 1, engine.sigmoid, N_("the logistic sigmoid"),
        sympy=_sigmoid, torch_names=("sigmoid",), methods=("sigmoid",), functional=("sigmoid",),
        textbook=lambda y: y * (1 - y)),
    FunctionSpec("relu", ELEMENTWISE, 1, engine.relu, N_("ReLU"), sympy=_relu,
        torch_names=("relu",), methods=("relu",), functional=("relu",),
        kink=N_("relu'(0) is taken as 0, as PyTorch does: relu'(u) = [u > 0] (Heaviside(u, 0)), "
             "1 where u > 0, else 0"),
        at_kink=forms.at_zero,
        derivative=forms.relu_derivative),
    FunctionSpec("sqrt", ELEMENTWISE, 1, engine.sqrt, N_("the square root"), sympy=sympy.sqrt,
        torch_names=("sqrt",), methods=("sqrt",),
        domain=N_("inputs of at least 0"), textbook=lambda y: 1 / (2 * y)),
    FunctionSpec("abs", ELEMENTWISE, 1, engine.abs, N_("the absolute value"), sympy=sympy.Abs,
        numpy=np.abs, torch_names=("abs",), methods=("abs",),
        kink=N_("|u|'(0) is taken as 0 (sign(0) = 0), as PyTorch does"), at_kink=forms.at_zero,
        derivative=forms.abs_derivative),
    FunctionSpec("sign", ELEMENTWISE, 1, engine.sign, N_("the sign"), sympy=sympy.sign,
        numpy=np.sign, torch_names=("sign",), methods=("sign",),
        kink=N_("sign'(0) is taken as 0 (flat on both sides of the jump), as PyTorch does"),
        at_kink=forms.at_zero, derivative=forms.sign_derivative),
    FunctionSpec("clamp", ELEMENTWISE, 1, engine.clamp, N_("clamping"),
        params=(("min", None), ("max", None)), sympy=_clamp, torch_names=("clamp", "clip"),
        methods=("clamp", "clip"),
        kink=N_("at a bound itself the gradient passes (bounds are inclusive), as in PyTorch"),
        at_kink=forms.at_bound,
        derivative=forms.clamp_derivative,
        counted=lambda n: _nouns().npgettext("operations", "clamping", "clampings", n)),
    FunctionSpec("maximum", ELEMENTWISE, 2, engine.maximum, N_("the elementwise maximum"),
        sympy=sympy.Max, torch_names=("maximum",), methods=("maximum",),
        kink=N_("on a tie each side gets half of the gradient, as PyTorch does"),
        at_kink=forms.at_tie,
        derivative=forms.maximum_derivative),
    FunctionSpec("minimum", ELEMENTWISE, 2, engine.minimum, N_("the elementwise minimum"),
        sympy=sympy.Min, torch_names=("minimum",), methods=("minimum",),
        kink=N_("on a tie each side gets half of the gradient, as PyTorch does"),
        at_kink=forms.at_tie,
        derivative=forms.minimum_derivative),
    # reductions
    FunctionSpec("sum", REDUCTION, 1, engine.sum, N_("the sum"),
        params=(("dim", None), ("keepdim", False)), torch_names=("sum",), methods=("sum",),
        sympy=lambda a, dim=None, keepdim=False: a,
        reducer=lambda dim=None, keepdim=False: "sum" if dim is None else None,
        elements=lambda xs, vs, dim=None, keepdim=False: forms.total(xs[0], dim, keepdim)),
    FunctionSpec("mean", REDUCTION, 1, engine.mean, N_("the mean"),
        params=(("dim", None), ("keepdim", False)), torch_names=("mean",), methods=("mean",),
        sympy=lambda a, dim=None, keepdim=False: a,
        reducer=lambda dim=None, keepdim=False: "mean" if dim is None else None,
        elements=lambda xs, vs, dim=None, keepdim=False: forms.average(xs[0], dim, keepdim)),
    FunctionSpec("max", REDUCTION, 1, engine.max, N_("the maximum"),
        params=(("dim", None), ("keepdim", False)), torch_names=("max",), methods=("max",),
        kink=N_("max() over all elements splits the gradient evenly among ties; "
             "max(dim) gives it all to the returned index, as PyTorch does"),
        at_kink=lambda u, dim=None, keepdim=False: forms.extreme_tied(u, dim, True),
        elements=lambda xs, vs, dim=None, keepdim=False:
            forms.select(xs[0], vs[0], dim, keepdim, True)),
    FunctionSpec("min", REDUCTION, 1, engine.min, N_("the minimum"),
        params=(("dim", None), ("keepdim", False)), torch_names=("min",), methods=("min",),
        kink=N_("min() over all elements splits the gradient evenly among ties; "
             "min(dim) gives it all to the returned index, as PyTorch does"),
        at_kink=lambda u, dim=None, keepdim=False: forms.extreme_tied(u, dim, False),
        elements=lambda xs, vs, dim=None, keepdim=False:
            forms.select(xs[0], vs[0], dim, keepdim, False)),
    FunctionSpec("softmax", REDUCTION, 1, engine.softmax, N_("the softmax"),
        params=(("dim", None),), torch_names=("softmax",), methods=("softmax",),
        functional=("softmax",),
        elements=lambda xs, vs, dim=None: forms.softmax(xs[0], dim)),
    FunctionSpec("log_softmax", REDUCTION, 1, engine.log_softmax, N_("the log-softmax"),
        params=(("dim", None),), torch_names=("log_softmax",), methods=("log_softmax",),
        functional=("log_softmax",),
        elements=lambda xs, vs, dim=None: forms.log_softmax(xs[0], dim)),
    # positions of extremes: integer tensors without a gradient
    FunctionSpec("argmax", REDUCTION, 1, engine.argmax, N_("the position of the maximum"),
        params=(("dim", None), ("keepdim", False)), torch_names=("argmax",), methods=("argmax",)),
    FunctionSpec("argmin", REDUCTION, 1, engine.argmin, N_("the position of the minimum"),
        params=(("dim", None), ("keepdim", False)), torch_names=("argmin",), methods=("argmin",)),
    # matrix products
    FunctionSpec("matmul", MATRIX, 2, engine.matmul, N_("the matrix product"),
        torch_names=("matmul",), methods=("matmul",), operator="@",
        elements=lambda xs, vs: forms.matmul(*xs),
        matrix=lambda a, b, g: (g * b.T, a.T * g)),
    FunctionSpec("mm", MATRIX, 2, engine.mm, N_("the matrix product"), torch_names=("mm",),
        methods=("mm",), elements=lambda xs, vs: forms.matmul(*xs),
        matrix=lambda a, b, g: (g * b.T, a.T * g)),
    FunctionSpec("mv", MATRIX, 2, engine.mv, N_("the matrix-vector product"), torch_names=("mv",),
        methods=("mv",), elements=lambda xs, vs: forms.matmul(*xs),
        matrix=lambda a, v, g: (g * v.T, a.T * g)),
    FunctionSpec("dot", MATRIX, 2, engine.dot, N_("the dot product"), torch_names=("dot",),
        methods=("dot",), elements=lambda xs, vs: forms.matmul(*xs),
        matrix=lambda u, v, g: (g * v, g * u)),
    # losses
    FunctionSpec("mse_loss", LOSS, 2, F.mse_loss, N_("the mean squared error"),
        params=(("reduction", "mean"),), functional=("mse_loss",),
        sympy=lambda a, b, reduction="mean": (a - b) ** 2,
        reducer=lambda reduction="mean": reduction,
        elements=lambda xs, vs, reduction="mean": forms.squared_error(*xs, reduction)),
    FunctionSpec("binary_cross_entropy_with_logits", LOSS, 2, F.binary_cross_entropy_with_logits,
        N_("the binary cross-entropy of the logits"), params=(("reduction", "mean"),),
        functional=("binary_cross_entropy_with_logits",),
        sympy=lambda x, t, reduction="mean": forms.bce_with_logits_of(x, t),
        reducer=lambda reduction="mean": reduction, derivative=forms.bce_with_logits_derivative,
        elements=lambda xs, vs, reduction="mean": forms.bce_with_logits(*xs, reduction)),
    FunctionSpec("cross_entropy", LOSS, 2, F.cross_entropy, N_("the cross-entropy"),
        params=(("reduction", "mean"),), functional=("cross_entropy",),
        elements=lambda xs, vs, reduction="mean": forms.cross_entropy(xs[0], vs[1], reduction)),
    # shape
    FunctionSpec("reshape", SHAPE, 1, lambda a, shape: a.reshape(shape), N_("a reshape"),
        params=(("shape", None),), torch_names=("reshape",), methods=("reshape",), varargs=True,
        elements=lambda xs, vs, shape=None: xs[0].reshape(shape)),
    FunctionSpec("view", SHAPE, 1, lambda a, shape: a.view(shape), N_("a view"),
        params=(("shape", None),), methods=("view",), varargs=True,
        elements=lambda xs, vs, shape=None: xs[0].reshape(shape)),
    FunctionSpec("flatten", SHAPE, 1, engine.flatten, N_("flattening"), torch_names=("flatten",),
        methods=("flatten",),
        elements=lambda xs, vs, start_dim=0, end_dim=-1: forms.flatten(xs[0], start_dim, end_dim)),
    FunctionSpec("t", SHAPE, 1, engine.t, N_("the transpose"), torch_names=("t",), methods=("t",),
        elements=lambda xs, vs: forms.transpose_2d(xs[0])),
    FunctionSpec("transpose", SHAPE, 1, engine.transpose, N_("a transpose"),
        params=(("dim0", None), ("dim1", None)), torch_names=("transpose",), methods=("transpose",),
        elements=lambda xs, vs, dim0=None, dim1=None: np.swapaxes(xs[0], dim0, dim1)),
    FunctionSpec("permute", SHAPE, 1, lambda a, dims: a.permute(dims), N_("a permutation"),
        params=(("dims", None),), torch_names=("permute",), methods=("permute",), varargs=True,
        elements=lambda xs, vs, dims=None: np.transpose(xs[0], dims)),
    FunctionSpec("unsqueeze", SHAPE, 1, engine.unsqueeze, N_("a new axis"), params=(("dim", None),),
        torch_names=("unsqueeze",), methods=("unsqueeze",),
        elements=lambda xs, vs, dim=None: np.expand_dims(xs[0], dim)),
    FunctionSpec("squeeze", SHAPE, 1, engine.squeeze, N_("removing size-1 axes"),
        params=(("dim", None),), torch_names=("squeeze",), methods=("squeeze",),
        elements=lambda xs, vs, dim=None: forms.squeeze(xs[0], dim)),
    FunctionSpec("expand", SHAPE, 1, lambda a, sizes: a.expand(sizes), N_("broadcasting"),
        params=(("sizes", None),), methods=("expand",), varargs=True,
        elements=lambda xs, vs, sizes=None: forms.expand(xs[0], sizes)),
    FunctionSpec("getitem", SHAPE, 1, lambda a, key: a[key], N_("indexing"),
        params=(("key", None),), elements=lambda xs, vs, key=None: xs[0][key]),
    FunctionSpec("cat", SHAPE, 2, lambda *ts, dim=0: engine.cat(ts, dim), N_("concatenation"),
        params=(("dim", 0),), torch_names=("cat", "concat"), arguments=("tensors", "dim"),
        sequence=True, elements=lambda xs, vs, dim=0: np.concatenate(xs, axis=dim)),
    FunctionSpec("stack", SHAPE, 2, lambda *ts, dim=0: engine.stack(ts, dim), N_("stacking"),
        params=(("dim", 0),), torch_names=("stack",), arguments=("tensors", "dim"), sequence=True,
        elements=lambda xs, vs, dim=0: np.stack(xs, axis=dim)),
    FunctionSpec("clone", SHAPE, 1, engine.clone, N_("a copy"), torch_names=("clone",),
        methods=("clone",), elements=lambda xs, vs: xs[0].copy()),
    FunctionSpec("where", ELEMENTWISE, 2, lambda a, b, condition: engine.where(condition, a, b),
        N_("a selection"), params=(("condition", None),),
        elements=lambda xs, vs, condition=None: np.where(np.asarray(condition, dtype=bool), *xs),
        torch_names=("where",), arguments=("condition", "input", "other")),
    FunctionSpec("T", SHAPE, 1, lambda a: a.T, N_("the transpose"), elements=lambda xs, vs: xs[0].T,
        properties=("T",)),
    # conversions keep the value (and the graph) as they are
    FunctionSpec("float", ELEMENTWISE, 1, lambda a: a.float(), N_("a conversion to float32"),
        sympy=lambda a: a, methods=("float",),
        counted=lambda n: _nouns().npgettext(
            "operations", "conversion to float32", "conversions to float32", n)),
    FunctionSpec("double", ELEMENTWISE, 1, lambda a: a.double(), N_("a conversion to float64"),
        sympy=lambda a: a, methods=("double",),
        counted=lambda n: _nouns().npgettext(
            "operations", "conversion to float64", "conversions to float64", n)),
    # comparisons: boolean tensors without a gradient (conditions for torch.where)
    FunctionSpec("gt", ELEMENTWISE, 2, _operator.gt, N_("the comparison >"), sympy=sympy.Gt,
        operator=">"),
    FunctionSpec("lt", ELEMENTWISE, 2, _operator.lt, N_("the comparison <"), sympy=sympy.Lt,
        operator="<"),
    FunctionSpec("ge", ELEMENTWISE, 2, _operator.ge, N_("the comparison >="), sympy=sympy.Ge,
        operator=">="),
    FunctionSpec("le", ELEMENTWISE, 2, _operator.le, N_("the comparison <="), sympy=sympy.Le,
        operator="<="),
    FunctionSpec("eq", ELEMENTWISE, 2, _operator.eq, N_("the comparison =="), sympy=sympy.Eq,
        operator="=="),
    FunctionSpec("ne", ELEMENTWISE, 2, _operator.ne, N_("the comparison !="), sympy=sympy.Ne,
        operator="!="),
)
# fmt: on

FUNCTIONS: dict[str, FunctionSpec] = {row.key: row for row in _ROWS}
