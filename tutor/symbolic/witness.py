"""The numeric witnesses: the graph replayed in float64, central differences, the tolerance.

A closed form is checked twice, never assumed: against the engine's ``.grad`` (within the
tolerance of the gradient's dtype, ``TOLERANCE``) and against central differences of the
replayed graph in float64 (``DIFFERENCES``). The replay runs each node's table row on the
engine from the recorded leaves and constants; a value cut by ``detach()`` or made under
``no_grad()`` keeps its recorded value, exactly as the gradient treats it as a constant; a
gradient ``torch.autograd.grad`` took is taken again by the engine, in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import engine

from ..graph import GRADIENT, LEAF, LITERAL, BackwardCall, taken_wrt
from ..i18n import gettext
from .nodes import SymbolicGraph


@dataclass(frozen=True)
class Tolerance:
    """``|a - b| <= atol + rtol * |b|`` elementwise."""

    rtol: float
    atol: float

    def describe(self) -> str:
        """The rule in words."""
        return gettext(
            "|difference| <= {atol} + {rtol}·|reference value|",
            atol=f"{self.atol:g}",
            rtol=f"{self.rtol:g}",
        )


TOLERANCE = {
    "float64": Tolerance(rtol=1e-7, atol=1e-9),
    "float32": Tolerance(rtol=1e-4, atol=1e-5),
    "float16": Tolerance(rtol=1e-2, atol=1e-3),
    "bfloat16": Tolerance(rtol=1e-2, atol=1e-2),
}
DIFFERENCES = Tolerance(rtol=1e-5, atol=1e-6)  # closed form vs central differences (float64)
STEP = 1e-6  # relative step of the central differences
DIRECTIONS = 3  # random directions per leaf when there are too many elements to step one by one


class ReplayError(ValueError):
    """The graph cannot be replayed: a value was not recorded, or the engine refused."""


def tolerance(dtype: str) -> Tolerance:
    """The tolerance for gradients of this dtype (float32's for unknown ones)."""
    return TOLERANCE.get(dtype, TOLERANCE["float32"])


def compare(value, reference, tol: Tolerance) -> tuple[bool, float]:
    """(whether ``value`` matches ``reference`` elementwise, the largest absolute difference).

    Finite numbers match within the tolerance; NaN matches only NaN and an infinity only the
    same infinity (both sides hit the same singularity), never a finite number.

    >>> compare([1.0, 2.0], [1.0, 2.00001], TOLERANCE["float32"])
    (True, 1.0...e-05)
    >>> compare(2.7e43, float("inf"), TOLERANCE["float32"])
    (False, inf)
    """
    a, b = np.broadcast_arrays(np.asarray(value, np.float64), np.asarray(reference, np.float64))
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    finite = np.isfinite(a) & np.isfinite(b)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(same, 0.0, np.where(finite, np.abs(a - b), np.inf))
        ok = same | (finite & (diff <= tol.atol + tol.rtol * np.abs(b)))
    worst = float(np.max(diff)) if diff.size else 0.0
    return bool(np.all(ok)), worst


AGREES, DIFFERS, OVERFLOW, NOT_CHECKED = "agrees", "differs", "overflow", "not_checked"
LARGEST = {  # the largest finite number of each dtype: beyond it, the engine holds ±inf
    "float64": float(np.finfo(np.float64).max),
    "float32": float(np.finfo(np.float32).max),
    "float16": float(np.finfo(np.float16).max),
    "bfloat16": 3.3895313892515355e38,
}


@dataclass(frozen=True)
class Verdict:
    """A closed form's value beside the engine's gradient; ``agrees`` is None without one."""

    agrees: bool | None
    kind: str  # AGREES | DIFFERS | OVERFLOW | NOT_CHECKED
    max_difference: float | None
    reason: str | None = None


def judge(value, reference, dtype: str) -> Verdict:
    """The verdict on a closed form's ``value`` against the engine's ``reference`` (``.grad``).

    An infinity in the engine where the closed form is finite but beyond the dtype's
    largest number is an overflow, named as such; a closed form that is NaN where the engine
    has a number is undefined there, so no verdict is taken.

    >>> judge(2.6881171418161356e43, float("inf"), "float32").kind
    'overflow'
    >>> judge(1.0, 1.5, "float32").kind, judge(1.0, 1.0, "float32").agrees
    ('differs', True)
    """
    if value is None or reference is None:
        why = gettext("a value it needs was not recorded (too large)")
        return Verdict(None, NOT_CHECKED, None, why)
    ok, worst = compare(value, reference, tolerance(dtype))
    if ok:
        return Verdict(True, AGREES, worst)
    c, e = np.broadcast_arrays(np.asarray(value, np.float64), np.asarray(reference, np.float64))
    if np.any(np.isnan(c) & ~np.isnan(e)):
        why = gettext("the closed form is undefined (NaN) at these values")
        return Verdict(None, NOT_CHECKED, None, why)
    largest = LARGEST.get(dtype, LARGEST["float32"])
    with np.errstate(invalid="ignore"):
        overflow = np.isinf(e) & np.isfinite(c) & (np.abs(c) > largest) & (np.sign(c) == np.sign(e))
    if np.any(overflow) and compare(np.where(overflow, e, c), e, tolerance(dtype))[0]:
        big = float(c[overflow].flat[0])
        return Verdict(
            None,
            OVERFLOW,
            None,
            gettext(
                "{dtype} overflows here: the closed form is {value}, beyond {dtype}'s largest "
                "number {largest}, so the engine's .grad holds {infinity}",
                dtype=dtype,
                value=f"{big:.3g}",
                largest=f"{largest:.3g}",
                infinity="inf" if big > 0 else "-inf",
            ),
        )
    return Verdict(False, DIFFERS, worst)


def _operand(tensors: dict, node) -> object:
    """A literal as the Python number the program wrote, any other value as its tensor."""
    return float(node.value) if node.kind == LITERAL else tensors[node.id]


def replay(sg: SymbolicGraph, overrides: dict[str, np.ndarray] | None = None) -> dict:
    """Every node's value in float64, recomputed from the recorded sources (and ``overrides``).

    A graph with gradients (``torch.autograd.grad``) is replayed with autograd on, the
    leaves requiring grad, and each gradient taken again by the engine from the replayed
    graph; otherwise nothing is recorded.
    """
    overrides = overrides or {}
    tensors: dict[str, engine.Tensor] = {}
    differentiates = any(n.op == GRADIENT for n in sg.graph.nodes)
    with engine.enable_grad() if differentiates else engine.no_grad():
        for n in sg.graph.nodes:
            if n.kind == LITERAL:
                tensors[n.id] = engine.from_numpy(_source(sg, n))
            elif n.id in overrides or sg.spec(n.id) is None:
                value = overrides[n.id] if n.id in overrides else _source(sg, n)
                tensors[n.id] = _leaf(value, differentiates and n.kind == LEAF)
            elif n.op == GRADIENT:
                tensors[n.id] = _gradient(sg, n, tensors)
            else:
                tensors[n.id] = _run(sg, n.id, tensors)
    return {i: np.asarray(t.detach().numpy()) for i, t in tensors.items()}


def _leaf(value: np.ndarray, requires_grad: bool) -> engine.Tensor:
    tensor = engine.from_numpy(np.array(value))
    return tensor.requires_grad_() if requires_grad and tensor.dtype.is_floating_point else tensor


def _gradient(sg: SymbolicGraph, node, tensors: dict) -> engine.Tensor:
    """A gradient node taken again: ``autograd.grad`` of the replayed output."""
    output, wrt = tensors[node.inputs[0]], tensors[taken_wrt(node.inputs, node.attrs)]
    given = node.attrs.get("grad_outputs")
    try:
        if given is not None:
            given = np.broadcast_to(np.asarray(given, np.float64), output.shape)
            given = engine.from_numpy(np.array(given))
        (result,) = engine.autograd.grad(output, wrt, given, create_graph=True, allow_unused=True)
    except Exception as error:  # whatever numpy or the engine raises, the replay just stops
        raise ReplayError(_unreplayable(node.label, error)) from error
    return engine.zeros_like(wrt) if result is None else result


def _unreplayable(label: str, error: Exception) -> str:
    """Why ``label`` could not be replayed: the engine's (or numpy's) words."""
    return gettext("{node} could not be replayed: {error}", node=label, error=error)


def _source(sg: SymbolicGraph, n) -> np.ndarray:
    """A leaf's, constant's or literal's value: recorded, or kept aside when too large."""
    if n.value is None and n.id in sg.numbers:
        return sg.numbers[n.id]
    if n.value is None:
        raise ReplayError(gettext("the value of {node} was not recorded (too large)", node=n.label))
    raw = np.asarray(n.value)
    return raw.astype(np.float64) if raw.dtype.kind in "fb" else raw


def _run(sg: SymbolicGraph, node_id: str, tensors: dict) -> engine.Tensor:
    """One operation on the engine, from its operands' replayed tensors."""
    args = [_operand(tensors, sg.nodes[i]) for i in sg.operands(node_id)]
    try:
        out = sg.spec(node_id).engine(*args, **sg.params(node_id))
    except Exception as error:  # whatever the engine raises, the replay just stops
        raise ReplayError(_unreplayable(sg.nodes[node_id].label, error)) from error
    return out[sg.output(node_id)] if isinstance(out, tuple) else out


def objective(calls: list[BackwardCall], values: dict[str, np.ndarray]) -> float:
    """What backward ``calls`` differentiate, together: the sum of ``gradient·root``."""
    total = 0.0
    for call in calls:
        given = 1.0 if call.gradient is None else np.asarray(call.gradient, np.float64)
        total += float(np.sum(given * values[call.root]))
    return total


@dataclass(frozen=True)
class Differences:
    """Central differences of the objective along ``directions`` (one per row)."""

    directions: np.ndarray  # (k, *leaf shape)
    slopes: np.ndarray  # (k,)
    elementwise: bool  # the directions are the elements one by one (slopes is the gradient)

    def project(self, gradient) -> np.ndarray:
        """A gradient's slopes along the same directions."""
        g = np.broadcast_to(np.asarray(gradient, np.float64), self.directions.shape[1:])
        return np.tensordot(self.directions, g, axes=g.ndim)

    def gradient(self) -> np.ndarray | None:
        """The gradient itself, when every element was stepped."""
        shape = self.directions.shape[1:]
        return self.slopes.reshape(shape) if self.elementwise else None


def differences(
    sg: SymbolicGraph, values: dict, leaves: list[str], calls: list[BackwardCall], elementwise: bool
) -> Differences:
    """Central differences of ``calls``' objective for one tensor: each element, or 3
    directions. ``leaves`` are its versions (of one shape), stepped together: the slope is
    the sum of the gradients they received, as their one ``.grad`` holds it."""
    bases = {leaf: values[leaf] for leaf in leaves}
    shape = bases[leaves[0]].shape
    if elementwise:
        directions = np.eye(math.prod(shape)).reshape((math.prod(shape), *shape))
    else:
        rng = np.random.default_rng(math.prod(shape))
        directions = rng.standard_normal((DIRECTIONS, *shape))
        directions /= np.sqrt(np.sum(directions**2, axis=tuple(range(1, directions.ndim))))[
            (...,) + (None,) * len(shape)
        ]
    largest = max((float(np.max(np.abs(b))) for b in bases.values() if b.size), default=1.0)
    h = STEP * max(1.0, largest)
    slopes = np.empty(len(directions))
    with np.errstate(all="ignore"):
        for k, v in enumerate(directions):
            up = objective(calls, replay(sg, {i: b + h * v for i, b in bases.items()}))
            down = objective(calls, replay(sg, {i: b - h * v for i, b in bases.items()}))
            slopes[k] = (up - down) / (2 * h)
    return Differences(directions, slopes, elementwise)
