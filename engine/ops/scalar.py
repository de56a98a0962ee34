"""A tensor and a number, as PyTorch's C++ backward formulas record them.

Inside ``derivatives.yaml`` a product such as ``2 * result`` or ``1 + result.pow(2)`` calls
the ``Tensor, Scalar`` overload of the op, whose node has its own name (``MulBackward1``,
``AddBackward1``, ...) and one input slot; Python's ``t * 2`` records ``MulBackward0``
with two. The recorded backward formulas use these ops, so a gradient taken with
``create_graph=True`` shows PyTorch's nodes.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import promote


class MulScalar(Op, node="MulBackward1"):
    """``a * scalar`` (``mul(Tensor, Scalar)``, e.g. ``alpha`` in add's backward)."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, scalar):
        a, ctx.scalar = promote(a, scalar)
        return np.multiply(a, ctx.scalar)

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.scalar,)  # derivatives.yaml mul.Scalar: self: grad * other

    @staticmethod
    def recorded_backward(ctx, grad):
        return (MulScalar.apply(grad, ctx.scalar),)


class DivScalar(Op, node="DivBackward1"):
    """``a / scalar`` (``div(Tensor, Scalar)``, e.g. a mean's division in its backward)."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, scalar):
        a, ctx.scalar = promote(a, scalar, floating=True)
        return np.true_divide(a, ctx.scalar)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.scalar,)  # derivatives.yaml div.Scalar: self: grad / other

    @staticmethod
    def recorded_backward(ctx, grad):
        return (DivScalar.apply(grad, ctx.scalar),)


class _Shift(Op):
    """``a + scalar`` or ``a - scalar``: the gradient passes through unchanged
    (derivatives.yaml add.Scalar, sub.Scalar: self: grad)."""

    inputs = 1
    ufunc = staticmethod(np.add)

    @classmethod
    def forward(cls, ctx, a, scalar):
        return cls.ufunc(*promote(a, scalar))

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    recorded_backward = backward


class AddScalar(_Shift, node="AddBackward1"):
    """``a + scalar`` (``add(Tensor, Scalar)``, e.g. ``1 + result.pow(2)`` in tan's)."""


class SubScalar(_Shift, node="SubBackward1"):
    """``a - scalar`` (``sub(Tensor, Scalar)``, e.g. ``exponent - 1`` in pow's)."""

    ufunc = staticmethod(np.subtract)
