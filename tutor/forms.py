"""How operations act on sympy: kink-aware local derivatives, kinks and element-array forms.

The table's ``derivative``, ``at_kink`` and ``elements`` columns point here. A derivative
rule returns one partial derivative per operand, chosen so that the value at a kink is the
one the engine (and PyTorch) uses. An element form takes numpy object arrays of sympy
expressions (one per tensor element), the operands' numbers (``values``, which the selections of
``max``/``min`` and the class targets of ``cross_entropy`` need) and the row's parameters,
and returns the result as an object array: every element of the result as an expression
of the operands' elements.
"""

from __future__ import annotations

import numpy as np
import sympy

HALF = sympy.Rational(1, 2)


def relu_derivative(u):
    """relu'(u): 1 for u > 0, and 0 at the kink u = 0."""
    return (sympy.Heaviside(u, 0),)


def abs_derivative(u):
    """|u|' = sign(u), which is 0 at the kink."""
    return (sympy.sign(u),)


def sign_derivative(u):
    """sign is flat on each side of 0, and PyTorch takes 0 at the jump as well."""
    return (sympy.Integer(0),)


def clamp_derivative(u, min=None, max=None):
    """1 inside the (inclusive) bounds, 0 outside."""
    inside = sympy.Integer(1)
    if min is not None:
        inside *= sympy.Heaviside(u - min, 1)
    if max is not None:
        inside *= sympy.Heaviside(max - u, 1)
    return (inside,)


def maximum_derivative(a, b):
    """The larger operand takes the gradient; a tie shares it half and half."""
    return (sympy.Heaviside(a - b, HALF), sympy.Heaviside(b - a, HALF))


def minimum_derivative(a, b):
    """The smaller operand takes the gradient; a tie shares it half and half."""
    return (sympy.Heaviside(b - a, HALF), sympy.Heaviside(a - b, HALF))


def at_zero(u) -> bool:
    """Whether some element of ``u`` sits on the kink at 0 (relu, abs).

    >>> at_zero([1.0, 0.0]), at_zero(2.0)
    (True, False)
    """
    return bool(np.any(np.asarray(u) == 0))


def at_bound(u, min=None, max=None) -> bool:
    """Whether some element of ``u`` equals a bound of the clamp."""
    u = np.asarray(u)
    return bool(any(b is not None and np.any(u == b) for b in (min, max)))


def at_tie(a, b) -> bool:
    """Whether the two operands tie somewhere (the elementwise maximum and minimum)."""
    return bool(np.any(np.asarray(a) == np.asarray(b)))


def extreme_tied(u, dim, largest: bool) -> bool:
    """Whether the extreme max/min picks is tied: over all elements, or along ``dim``.

    >>> extreme_tied([3.0, 1.0, 3.0], None, True), extreme_tied([[3.0, 1.0]], 1, True)
    (True, False)
    """
    u = np.asarray(u, dtype=np.float64)
    if u.size == 0:
        return False
    extreme = (np.max if largest else np.min)(u, axis=dim, keepdims=True)
    return bool(np.any(np.sum(u == extreme, axis=dim) > 1))


def as_objects(x) -> np.ndarray:
    """An element form's result as an object array (a lone element becomes 0-d)."""
    return x if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)


def _map(fn, a: np.ndarray) -> np.ndarray:
    return as_objects(np.frompyfunc(fn, 1, 1)(a))


def axes(dim, ndim: int) -> tuple[int, ...]:
    """Normalised axes for ``dim`` (an int, a sequence of ints, or None for all).

    >>> axes(None, 2), axes(-1, 3), axes([0, -1], 3)
    ((0, 1), (2,), (0, 2))
    """
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(sorted({d % ndim if ndim else 0 for d in dims}))


def total(a: np.ndarray, dim=None, keepdim=False) -> np.ndarray:
    """Sum over ``dim``."""
    a = as_objects(a)  # arithmetic on 0-d object arrays gives lone elements
    return as_objects(np.sum(a, axis=axes(dim, a.ndim), keepdims=keepdim))


def average(a: np.ndarray, dim=None, keepdim=False) -> np.ndarray:
    """Mean over ``dim``: the sum times 1/N."""
    a = as_objects(a)
    count = int(np.prod([a.shape[i] for i in axes(dim, a.ndim)]))
    return as_objects(total(a, dim, keepdim) * sympy.Rational(1, max(count, 1)))


def select(a: np.ndarray, value: np.ndarray, dim, keepdim, largest: bool) -> np.ndarray:
    """max/min as the engine differentiates them: the chosen element itself.

    Over all elements, tied extremes share evenly (their average); along ``dim`` the first
    extreme, the index ``argmax``/``argmin`` returns.
    """
    value = np.asarray(value)
    if dim is None:
        mask = value == (value.max() if largest else value.min())
        return as_objects(sympy.Add(*a[mask]) / int(mask.sum()))
    if a.ndim == 0:
        return a
    dim = dim % a.ndim
    index = np.expand_dims((np.argmax if largest else np.argmin)(value, axis=dim), dim)
    picked = np.take_along_axis(a, index, axis=dim)
    return picked if keepdim else np.squeeze(picked, axis=dim)


def softmax(a: np.ndarray, dim) -> np.ndarray:
    """exp(a_i) / sum_j exp(a_j) along ``dim``."""
    e = _map(sympy.exp, a)
    return e / total(e, dim, keepdim=True)


def log_softmax(a: np.ndarray, dim) -> np.ndarray:
    """a_i - log(sum_j exp(a_j)) along ``dim``."""
    return a - _map(sympy.log, total(_map(sympy.exp, a), dim, keepdim=True))


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The matrix product (vectors, matrices and batches, as ``np.matmul``)."""
    return as_objects(np.matmul(a, b))


def reduce_loss(a: np.ndarray, reduction: str) -> np.ndarray:
    """A loss's reduction: 'mean', 'sum' or 'none'."""
    if reduction == "none":
        return a
    return average(a) if reduction == "mean" else total(a)


def squared_error(a: np.ndarray, b: np.ndarray, reduction="mean") -> np.ndarray:
    """mse_loss: the reduced (a - b)**2."""
    diff = as_objects(a - b)
    return reduce_loss(diff * diff, reduction)


def bce_with_logits_of(x: sympy.Expr, t: sympy.Expr) -> sympy.Expr:
    """binary_cross_entropy_with_logits of one element: (1 - t)·x + log(1 + e^-x), which is
    -t·log σ(x) - (1 - t)·log(1 - σ(x))."""
    return (1 - t) * x + sympy.log(1 + sympy.exp(-x))


def bce_with_logits_derivative(x: sympy.Expr, t: sympy.Expr, reduction="mean") -> tuple:
    """Its partial derivatives as textbooks write them: σ(x) − t for the logit, −x for the
    target (sympy's own is 1 − t − e^-x/(1 + e^-x), the same function)."""
    return 1 / (1 + sympy.exp(-x)) - t, -x


def bce_with_logits(x: np.ndarray, t: np.ndarray, reduction="mean") -> np.ndarray:
    """binary_cross_entropy_with_logits, element by element, reduced."""
    return reduce_loss(as_objects(np.frompyfunc(bce_with_logits_of, 2, 1)(x, t)), reduction)


def cross_entropy(a: np.ndarray, target: np.ndarray, reduction="mean") -> np.ndarray:
    """-log_softmax(a)[target] per row, reduced."""
    logp = log_softmax(a, 1 if a.ndim >= 2 else 0)
    rows = np.atleast_2d(logp)
    picked = -rows[np.arange(rows.shape[0]), np.atleast_1d(np.asarray(target, dtype=int))]
    return reduce_loss(as_objects(picked if a.ndim >= 2 else picked[0]), reduction)


def flatten(a: np.ndarray, start_dim=0, end_dim=-1) -> np.ndarray:
    """Merge the axes start_dim..end_dim."""
    if a.ndim == 0:
        return a.reshape(1)
    start, end = start_dim % a.ndim, end_dim % a.ndim
    return a.reshape(a.shape[:start] + (-1,) + a.shape[end + 1 :])


def squeeze(a: np.ndarray, dim=None) -> np.ndarray:
    """Drop size-1 axes (only ``dim``'s, when it has size 1)."""
    if dim is None:
        return np.squeeze(a)
    dim = dim % max(a.ndim, 1)
    return np.squeeze(a, axis=dim) if a.ndim and a.shape[dim] == 1 else a


def expand(a: np.ndarray, sizes) -> np.ndarray:
    """Broadcast to ``sizes`` (-1 keeps an axis)."""
    sizes = tuple(sizes)
    lead = len(sizes) - a.ndim
    shape = tuple(a.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return np.broadcast_to(a, shape)


def transpose_2d(a: np.ndarray) -> np.ndarray:
    """``t()``: swap the two axes of a matrix (vectors and scalars stay)."""
    return a.T if a.ndim == 2 else a
