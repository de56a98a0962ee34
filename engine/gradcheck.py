"""Central-difference gradient checks in float64: the engine's backward against the math.

``numerical_grad`` works on any function of numpy arrays; ``gradcheck`` compares what the
engine's autograd computes with it. Both only use numpy and the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import autograd
from .grad_mode import no_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """The analytic gradient of some input disagrees with central differences."""


def numerical_grad(
    fn: Callable[..., object], inputs: Sequence, eps: float = 1e-6
) -> list[np.ndarray]:
    """Gradients of the scalar ``fn(*arrays)`` by central differences, one per input."""
    arrays = [np.array(a, dtype=np.float64) for a in inputs]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + eps
            hi = float(fn(*arrays))
            a[i] = old - eps
            lo = float(fn(*arrays))
            a[i] = old
            g[i] = (hi - lo) / (2 * eps)
        grads.append(g)
    return grads


def _cotangent(shape: tuple) -> np.ndarray:
    # Distinct weights per output element, so a gradient sent to the wrong place shows.
    n = int(np.prod(shape, dtype=np.int64))
    return np.linspace(0.5, 1.5, n).reshape(shape) if n > 1 else np.ones(shape)


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    eps: float = 1e-6,
) -> bool:
    """Check ``fn``'s engine gradients against central differences; raise GradcheckError if off.

    ``fn`` takes one float64 tensor per input and returns a tensor. Both sides compute the
    vector-Jacobian product with the same fixed cotangent ``v``: ``d sum(v * fn(x)) / dx``.
    """
    arrays = [np.array(a._data if isinstance(a, Tensor) else a, dtype=np.float64) for a in inputs]
    leaves = [Tensor._make(a.copy()).requires_grad_() for a in arrays]
    out = fn(*leaves)
    v = _cotangent(out.shape)
    analytic = autograd.grad(out, leaves, grad_outputs=Tensor._make(v), allow_unused=True)

    def projected(*values: np.ndarray) -> float:
        with no_grad():
            return float(np.sum(v * fn(*(Tensor._make(x) for x in values))._data))

    numeric = numerical_grad(projected, arrays, eps)
    for index, (got, want) in enumerate(zip(analytic, numeric, strict=True)):
        got = np.zeros_like(want) if got is None else got._data
        if not np.allclose(got, want, atol=atol, rtol=rtol, equal_nan=True):
            worst = float(np.max(np.abs(got - want)))
            raise GradcheckError(
                f"gradient of input {index} disagrees with central differences "
                f"(max abs error {worst:.3g}, atol={atol}, rtol={rtol}):\n"
                f"autograd:  {got.tolist()}\nnumerical: {want.tolist()}"
            )
    return True
