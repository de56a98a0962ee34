"""The step tree: how one leaf's gradient comes about, as frozen data.

Each step knows its result. The tree for a leaf reads top-down like a teacher's board:
where ``backward`` starts (``Start``: 1, or the given gradient of a vector-Jacobian
product), then node by node from the root towards the leaf the multivariable chain rule
(``NodeGradient``: the sum over the value's uses, each ``Use`` the consumer's gradient times
the local derivative along one edge — an ``EdgeDerivative``, which names its rule — summed
over broadcast copies; its ``factors`` are the path product so far, unsimplified,
``(-1)·w2·w1``), ``PassThrough`` for a run of nodes that hand the gradient on unchanged
(their steps nested inside it), ``Cut`` for uses
that ``detach()``/``no_grad()`` cut, ``Accumulation`` over several backward calls, then
``Substitution`` of the intermediates, ``Simplification`` to the closed form,
``Evaluation`` at the leaf values and the ``Check`` against the engine.

Renderers (``tutor.render``) dispatch on the class name and make the JSON report of a step.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import sympy

from . import i18n
from .i18n import N_

Value = float | list | None  # a number, or nested lists of numbers (a tensor's elements)


def plain(value) -> Value:
    """Numbers for a step: one number when every element is the same, else nested lists.

    >>> plain(np.full((2, 2), -6.0)), plain(np.array([1.0, 2.0])), plain(None)
    (-6.0, [1.0, 2.0], None)
    """
    if value is None:
        return None
    a = np.asarray(value, dtype=np.float64)
    if a.size and (a.ndim == 0 or np.all((a == a.flat[0]) | (np.isnan(a) & np.isnan(a.flat[0])))):
        return float(a.flat[0])
    return a.tolist()


@dataclass(frozen=True)
class Quantity:
    """An expression in the program's names (None when only its numbers are known) and its value."""

    expr: sympy.Expr | None
    value: Value


@dataclass(frozen=True)
class Start:
    """Where ``root.backward(gradient)`` starts: ∂root/∂root = 1, or the given gradient."""

    root: str
    shape: tuple[int, ...]
    upstream: Quantity
    given: bool  # a ``gradient`` argument: the result is a vector-Jacobian product


@dataclass(frozen=True)
class EdgeDerivative:
    """∂target/∂source along one edge: the table's rule at the operands' values."""

    source: str
    target: str
    position: int
    phrase: str  # the operation, as explanations name it
    definition: sympy.Expr | None  # the target in its operands' names
    derivative: Quantity  # per element, in the intermediate names (None: no elementwise form)
    reduction: str | None  # "sum"/"mean" when the target reduces a whole tensor
    count: int  # elements reduced (the N of 1/N)
    matrix: tuple[sympy.Expr, sympy.Expr] | None  # (∂root/∂source, with its shapes) for matmul
    kink: str | None  # the subgradient convention, when the rule has a kink
    textbook: sympy.Expr | None = None  # the derivative in the result's name: y*(1 - y) for σ
    # the operation as the program wrote it: (operator or function name, operands in order)
    written: tuple[str, tuple[sympy.Expr, ...]] | None = None
    rule: str | None = None  # the rule the local derivative comes from: one of RULES


# the rules a local derivative comes from (``EdgeDerivative.rule``), translated where shown
RULES = (
    N_("sum rule"),
    N_("product rule"),
    N_("quotient rule"),
    N_("power rule"),
    N_("exponential rule"),
    N_("constant factor rule"),
    N_("identity rule"),
    N_("chain rule"),
    N_("mean rule"),
    N_("matmul rule"),
)


@dataclass(frozen=True)
class Use:
    """One use of a value: the consumer's gradient times the local derivative (copies summed)."""

    edge: EdgeDerivative
    root: str  # the value backward starts from
    upstream: Quantity  # ∂root/∂target
    factors: tuple[sympy.Expr, ...] | None  # the path product so far, unsimplified
    path: tuple[str, ...]  # the nodes the factors were taken along (from root or a fork)
    copies: int  # broadcast copies of the source summed (1: none)
    result: Quantity  # what this use adds to ∂root/∂source
    terms: int = 1  # the uses the node's gradient sums (1: this use is the whole gradient)


@dataclass(frozen=True)
class Cut:
    """A use that passes no gradient: ``detach()`` or ``no_grad()`` made a constant of it."""

    source: str
    target: str
    reason: str  # "detach" | "no_grad"
    in_place: bool = False  # target is source changed in place (``w -= …`` under no_grad)


@dataclass(frozen=True)
class NodeGradient:
    """∂root/∂node: the sum over the node's uses (a single use is one chain-rule step)."""

    node: str
    root: str
    uses: tuple[Use, ...]
    result: Quantity


def path_sum(uses: tuple[Use, ...]) -> sympy.Expr | None:
    """The node's gradient as the sum of its uses' path products, each factor as the steps
    write it (``x*(1 - h**2)``, not ``x*(1 - tanh(u)**2)``); None when a factor is unknown.

    >>> x, h = sympy.symbols("x h")
    >>> edge = EdgeDerivative("u", "h", 0, "", None, Quantity(None, None), None, 1, None, None)
    >>> use = Use(edge, "L", Quantity(None, None), (x, 1 - h**2), (), 1, Quantity(None, None))
    >>> path_sum((use, use))
    2*x*(1 - h**2)
    """
    if any(u.factors is None for u in uses):
        return None
    return sympy.Add(*(sympy.Mul(*u.factors) for u in uses))


@dataclass(frozen=True)
class PassThrough:
    """Consecutive nodes, each of whose one use hands the gradient on unchanged (an addition,
    a subtraction's first operand, a conversion): one line for all of them, their steps kept."""

    root: str
    steps: tuple[NodeGradient, ...]  # from the node nearest the root down the chain
    result: Quantity  # the gradient every one of them receives


@dataclass(frozen=True)
class Derivation:
    """One backward call, from its root to the leaf."""

    call: int  # 1-based number of the backward call
    line: int
    start: Start
    chain: tuple[NodeGradient | PassThrough, ...]
    cuts: tuple[Cut, ...]


@dataclass(frozen=True)
class Accumulation:
    """Several backward calls reached the leaf, or reached its tensor as an earlier version
    (before an in-place change): ``.grad`` is the sum of their contributions."""

    leaf: str
    contributions: tuple[Quantity, ...]
    total: Quantity
    reached: tuple[str, ...] = ()  # the version each contribution reached


@dataclass(frozen=True)
class GradChanged:
    """The leaf's ``.grad`` changed outside backward after the last backward call counted in
    it (``x.grad.zero_()``, ``x.grad = None``): the check takes it as that call left it."""

    NONE, ZERO, OTHER = "none", "zero", "other"

    leaf: str
    call: int  # that backward call, from 1
    to: str  # what .grad became: None, zeros, or other numbers
    now: Value  # those numbers when recorded
    replaced: bool  # afterwards: when an in-place change replaced the leaf (else: the end)
    lines: tuple[int, ...] = ()  # the statements that changed it


@dataclass(frozen=True)
class GradHeld:
    """The leaf's ``.grad`` held numbers the program put there (``x.grad = torch.ones(2)``,
    ``x.grad.mul_(0.5)``) before the backward calls counted in it: they add to them, and the
    check compares ``.grad`` with those numbers plus the gradient."""

    leaf: str
    call: int  # the first backward call that added to them, from 1
    held: Value  # the numbers, when recorded
    gradient: Value  # what the counted calls add, as the closed form gives it
    total: Value  # held + gradient: what the check expects .grad to hold
    lines: tuple[int, ...] = ()  # the statements that put the numbers there


@dataclass(frozen=True)
class Definitions:
    """The intermediate names the steps after it use, defined first (``where t3 = x1 - 3/w1``)."""

    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]


@dataclass(frozen=True)
class Substitution:
    """The intermediates replaced by their definitions in the leaves' and constants' names."""

    before: sympy.Expr
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    after: sympy.Expr


@dataclass(frozen=True)
class Simplification:
    """The closed form in a short canonical form."""

    before: sympy.Expr
    after: sympy.Expr


@dataclass(frozen=True)
class Evaluation:
    """The closed form at the values of the leaves and constants."""

    expr: sympy.Expr
    at: tuple[tuple[sympy.Symbol, Value], ...]
    value: Value


@dataclass(frozen=True)
class Check:
    """The verdict: the closed form's value beside the engine's ``.grad`` and a third witness."""

    engine: Value
    value: Value
    agrees: bool | None  # None: no verdict could be taken (``reason`` says why)
    verdict: str  # "agrees" | "differs" | "overflow" | "not_checked"
    reason: str | None
    max_difference: float | None
    tolerance: str
    numerical: Value  # central differences, element by element (None: along directions)
    agrees_numerical: bool | None  # None when central differences are no witness here
    max_difference_numerical: float | None
    numerical_reason: str | None = None  # why they are no witness (a kink, a NaN)
    against_engine: bool = False  # no closed form: central differences check the engine's .grad
    # numbers the program put in .grad before the counted calls (GradHeld): backward adds to
    # them, so the engine's .grad is compared with held + value
    held: Value = None


@dataclass(frozen=True)
class Differentiation:
    """A first derivative differentiated again: ∂L/∂first, then ∂/∂second of it."""

    root: str
    first: str  # the leaf of the first derivative
    second: str  # the leaf it is differentiated by now
    derivative: Quantity  # ∂root/∂first, the gradient being differentiated
    result: sympy.Expr  # ∂²root/∂first∂second, as sympy.diff gives it


@dataclass(frozen=True)
class HessianCheck(Check):
    """The verdict on a second derivative: its closed form's value beside the engine's
    ``create_graph=True`` result, and central differences of the engine's first derivative."""


@dataclass(frozen=True)
class Returned:
    """A gradient ``torch.autograd.grad`` returned (it never fills ``.grad``): ∂output/∂leaf
    in closed form, its value beside the engine's (``expr`` None: no closed form)."""

    name: str  # the result's node, ``g``
    output: str  # what it differentiates, ``y``
    leaf: str
    expr: object  # a sympy expression, or an Array of its elements
    check: Check
    weights: Value = None  # grad_outputs other than ones: ∂(Σ weights·output)/∂leaf


@dataclass(frozen=True)
class NoGradient:
    """Why a leaf's ``.grad`` is None: no path to a root, or only paths that are cut; and
    the gradients ``torch.autograd.grad`` returned for it instead, each checked."""

    leaf: str
    cuts: tuple[Cut, ...]
    returned: tuple[Returned, ...] = ()


def kind(step: object) -> str:
    """A step class's name in snake case (``NodeGradient`` → ``node_gradient``).

    >>> kind(Cut("x", "d", "detach"))
    'cut'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(step).__name__).lower()


# each kind of step as a page labels it (``omitted``: the note that ends the steps shown)
KIND_LABELS = {
    "start": N_("start"),
    "edge_derivative": N_("edge derivative"),
    "use": N_("use"),
    "node_gradient": N_("node gradient"),
    "pass_through": N_("pass through"),
    "cut": N_("cut"),
    "derivation": N_("derivation"),
    "accumulation": N_("accumulation"),
    "grad_changed": N_("grad changed"),
    "grad_held": N_("grad held"),
    "definitions": N_("definitions"),
    "substitution": N_("substitution"),
    "simplification": N_("simplification"),
    "evaluation": N_("evaluation"),
    "check": N_("check"),
    "differentiation": N_("differentiation"),
    "hessian_check": N_("hessian check"),
    "no_gradient": N_("no gradient"),
    "returned": N_("returned"),
    "omitted": N_("omitted"),
}


def kind_label(kind: str) -> str:
    """A step's kind as a page labels it, in the current language.

    >>> kind_label("node_gradient")
    'node gradient'
    """
    return i18n.translate(KIND_LABELS[kind]) if kind in KIND_LABELS else kind.replace("_", " ")


def is_step(obj: object) -> bool:
    """Whether ``obj`` is a step of this tree (a dataclass defined here)."""
    return dataclasses.is_dataclass(obj) and type(obj).__module__ == __name__


_NESTED = {
    Derivation: ("start", "chain", "cuts"),
    NodeGradient: ("uses",),
    PassThrough: ("steps",),
}


def nested_fields(step: object) -> tuple[str, ...]:
    """The fields of ``step`` that hold nested steps."""
    return _NESTED.get(type(step), ())


def children(step: object) -> tuple:
    """The steps nested in ``step`` (a derivation's start, chain and cuts; a node's uses; the
    nodes a pass-through run folds)."""
    return tuple(c for f in nested_fields(step) for c in _as_tuple(getattr(step, f)))


def _as_tuple(x: object) -> tuple:
    return x if isinstance(x, tuple) else (x,)
