"""max and min: over all elements, or along a dim with the indices.

Their recorded backward (``create_graph``) is PyTorch's formula, op for op: over all
elements ``zeros.masked_fill_(mask, grad / mask.sum())``, along a dim
``zeros.scatter_(dim, indices, grad)``.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .arith import Div
from .common import normalize_dim, zeros_in_dtype_of
from .scatter import MaskedFillTensor, Scatter
from .shape import Unsqueeze


def _check_not_empty(a: np.ndarray, name: str) -> None:
    if a.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )


class _FullExtremum(Op):
    """max()/min() over all elements; tied elements share the gradient evenly."""

    pick = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a):
        _check_not_empty(a, cls.pick.__name__)
        out = np.asarray(cls.pick(a))
        ctx.saved = (a, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        a, out = ctx.saved
        mask = np.isnan(a) if np.isnan(out) else a == out  # a NaN result came from the NaNs
        # evenly_distribute_backward: where(mask, grad / mask.sum(), 0), so the rest is +0.
        share = grad / mask.sum(dtype=grad.dtype)
        return (np.where(mask, share, np.zeros((), dtype=grad.dtype)),)

    @staticmethod
    def recorded_backward(ctx, grad):
        a, out = ctx.saved
        mask = np.isnan(a) if np.isnan(out) else a == out
        count = Tensor._make(np.asarray(np.count_nonzero(mask), dtype=np.int64))
        zeros = zeros_in_dtype_of(grad, a.shape)
        return (MaskedFillTensor.apply(zeros, Div.apply(grad, count), mask),)


class Max(_FullExtremum, node="MaxBackward1"):
    pick = staticmethod(np.max)


class Min(_FullExtremum, node="MinBackward1"):
    pick = staticmethod(np.min)


class _DimExtremum(Op):
    """max(dim)/min(dim): (values, indices); the gradient goes to the returned index."""

    inputs = 1
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        dim = normalize_dim(dim, a.ndim)
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        if a.ndim == 0:
            return a.copy(), np.zeros((), dtype=np.int64)
        indices = np.expand_dims(cls.arg(a, axis=dim), dim)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.saved = (indices,)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices.astype(np.int64)

    @staticmethod
    def backward(ctx, grad, _grad_indices=None):
        if not ctx.shape:
            return (grad,)
        (indices,) = ctx.saved
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        np.put_along_axis(out, indices, grad.reshape(indices.shape), axis=ctx.dim)
        return (out,)

    @staticmethod
    def recorded_backward(ctx, grad, _grad_indices=None):
        if not ctx.shape:
            return (grad,)
        (indices,) = ctx.saved
        if not ctx.keepdim:
            grad = Unsqueeze.apply(grad, ctx.dim)
        zeros = zeros_in_dtype_of(grad, ctx.shape)
        return (Scatter.apply(zeros, grad, ctx.dim, indices),)


class MaxDim(_DimExtremum, node="MaxBackward0"):
    arg = staticmethod(np.argmax)


class MinDim(_DimExtremum, node="MinBackward0"):
    arg = staticmethod(np.argmin)
