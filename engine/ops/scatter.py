"""Moving values by index along a dim or by mask, as max's and min's backward formulas do.

The ops are gather, scatter, scatter_add, masked_select, masked_scatter, and masked_fill by
a tensor value; a recorded backward of max or min (``create_graph``) shows their nodes.
Each op's backward is one of the other ops' forwards, so the gradients can be taken again to
any order. The tensor being written into is always a fresh tensor that does not require
grad (the zeros these formulas start from), so each op has a gradient for its source only;
masked_fill by a tensor also serves ``Tensor.masked_fill``, where it has one for self too.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import c_type_name, check_broadcast, zeros_in_dtype_of
from .reduce import Sum
from .unary import MaskedFill


def _along(index: np.ndarray, dim: int) -> tuple:
    """The full numpy key of ``index`` taken along ``dim`` (``take_along_axis``'s key)."""
    key = list(np.ix_(*(range(n) for n in index.shape)))
    key[dim] = index
    return tuple(key)


class Gather(Op, node="GatherBackward0"):
    """``a.gather(dim, index)``: ``out[i][j] = a[index[i][j]][j]`` for dim 0."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim, ctx.index = a.shape, dim, index
        return np.take_along_axis(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml gather: self: gather_backward = zeros.scatter_add_(dim, index, grad)
        return (_scatter_add(ctx.shape, ctx.dim, ctx.index, grad),)

    @staticmethod
    def recorded_backward(ctx, grad):
        zeros = zeros_in_dtype_of(grad, ctx.shape)
        return (ScatterAdd.apply(zeros, grad, ctx.dim, ctx.index),)


def _scatter_add(shape: tuple, dim: int, index: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = np.zeros(shape, dtype=src.dtype)
    np.add.at(out, _along(index, dim), src)
    return out


class Scatter(Op, node="ScatterBackward0"):
    """``zeros.scatter_(dim, index, src)``: ``src`` written at ``index`` along ``dim``."""

    inputs = 2

    @staticmethod
    def forward(ctx, zeros, src, dim, index):
        ctx.dim, ctx.index = dim, index
        out = zeros.copy()
        np.put_along_axis(out, index, src, axis=dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml scatter.src: src: grad.gather(dim, index)
        return (None, np.take_along_axis(grad, ctx.index, axis=ctx.dim))

    @staticmethod
    def recorded_backward(ctx, grad):
        return (None, Gather.apply(grad, ctx.dim, ctx.index))


class ScatterAdd(Scatter, node="ScatterAddBackward0"):
    """``zeros.scatter_add_(dim, index, src)``: ``src`` added at ``index`` along ``dim``, with
    scatter's backward (derivatives.yaml scatter_add: src: grad.gather(dim, index))."""

    @staticmethod
    def forward(ctx, zeros, src, dim, index):
        ctx.dim, ctx.index = dim, index
        return _scatter_add(zeros.shape, dim, index, src)


def _into_mask(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Zeros shaped like ``mask`` with ``values``, in order, where it is True."""
    out = np.zeros(mask.shape, dtype=values.dtype)
    out[mask] = values.reshape(-1)
    return out


class MaskedSelect(Op, node="MaskedSelectBackward0"):
    """``a.masked_select(mask)``: the elements where ``mask`` is True, in order, as 1-d."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, mask):
        ctx.mask = mask
        return a[mask]

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml masked_select: self: zeros_like(self).masked_scatter_(mask, grad)
        return (_into_mask(ctx.mask, grad),)

    @staticmethod
    def recorded_backward(ctx, grad):
        zeros = zeros_in_dtype_of(grad, ctx.mask.shape)
        return (MaskedScatter.apply(zeros, grad, ctx.mask),)


class MaskedScatter(Op, node="MaskedScatterBackward0"):
    """``zeros.masked_scatter(mask, source)``: ``source``'s elements, in order, where
    ``mask`` is True. ``source`` has one element per True (masked_select's gradient)."""

    inputs = 2

    @staticmethod
    def forward(ctx, zeros, source, mask):
        ctx.mask, ctx.source_shape = mask, source.shape
        return _into_mask(mask, source)

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml masked_scatter: source: masked_scatter_backward(grad, mask, sizes)
        return (None, grad[ctx.mask].reshape(ctx.source_shape))

    @staticmethod
    def recorded_backward(ctx, grad):
        return (None, MaskedScatterBackward.apply(grad, ctx.mask, ctx.source_shape))


class MaskedScatterBackward(MaskedSelect, node="MaskedScatterBackwardBackward0"):
    """masked_scatter's gradient for its source as an op of the gradient: masked_select
    shaped as the source, with masked_select's backward (derivatives.yaml
    masked_scatter_backward: grad_output: zeros_like(grad_output).masked_scatter(mask, grad))."""

    @staticmethod
    def forward(ctx, grad, mask, sizes):
        ctx.mask = mask
        return grad[mask].reshape(sizes)


class MaskedFillTensor(Op, node="MaskedFillBackward1"):
    """``a.masked_fill(mask, value)`` with a 0-d tensor ``value``."""

    inputs = 2

    @staticmethod
    def forward(ctx, a, value, mask):
        ctx.mask, ctx.shape = mask, a.shape  # out of place, a mask may broadcast a
        return np.where(mask, value.astype(a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml masked_fill.Tensor: self: grad.masked_fill(mask, 0);
        #   value: grad.masked_select(mask).sum()
        need_a, need_value = ctx.needs_input_grad
        return (
            MaskedFill.backward(ctx, grad)[0] if need_a else None,  # ctx: its mask and shape
            np.asarray(grad[np.broadcast_to(ctx.mask, grad.shape)].sum()) if need_value else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        need_a, need_value = ctx.needs_input_grad
        mask = np.broadcast_to(ctx.mask, tuple(grad.shape))
        return (
            MaskedFill.recorded_backward(ctx, grad)[0] if need_a else None,
            Sum.apply(MaskedSelect.apply(grad, mask)) if need_value else None,
        )


def masked_fill(t: Tensor, mask: Tensor, value) -> tuple:
    """The op and its arguments for ``t.masked_fill(mask, value)`` (a number or a 0-d
    tensor), or PyTorch's error for a mask or value it refuses."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{c_type_name(mask._data)}"
        )
    check_broadcast(mask._data.shape, t._data.shape)  # PyTorch names the mask a
    if type(value) is Tensor:
        if value.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        return MaskedFillTensor, (value, mask._data)
    return MaskedFill, (mask._data, value)
