"""Ops that overwrite every value: ``zero_``, ``fill_`` and ``copy_`` on a tensor in the graph.

The old values are gone, so they get a zero gradient; a tensor fill value or copy source
receives the gradient summed over the positions it was copied to.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import check_broadcast, check_output_shape, unbroadcast, zeros_like
from .shape import cast_to


class Zero(Op, node="ZeroBackward0"):
    @staticmethod
    def forward(ctx, a):
        return np.zeros_like(a)

    @staticmethod
    def backward(ctx, grad):
        return (zeros_like(grad),)

    recorded_backward = backward


class Fill(Op, node="FillBackward2"):
    """``fill_(number)``: one input slot."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, value):
        return np.full_like(a, value)

    @staticmethod
    def backward(ctx, grad):
        return (zeros_like(grad),)

    recorded_backward = backward


class FillTensor(Op, node="FillBackward3"):
    """``fill_(tensor)`` with a one-element tensor: the value is a graph input too."""

    @staticmethod
    def forward(ctx, a, value):
        if value.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        ctx.value_dtype = value.dtype
        return np.full_like(a, value)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_value = ctx.needs_input_grad
        return (
            np.zeros_like(grad) if need_a else None,
            np.asarray(grad.sum(), dtype=ctx.value_dtype) if need_value else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        need_a, need_value = ctx.needs_input_grad
        return (
            zeros_like(grad) if need_a else None,
            cast_to(grad.sum(), ctx.value_dtype) if need_value else None,
        )


class Copy(Op, node="CopyBackwards"):
    """``a.copy_(src)``: src broadcast to a's shape and cast to a's dtype."""

    def name(self) -> str:
        """PyTorch's C++ name for this node."""
        return "torch::autograd::CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        check_broadcast(a.shape, src.shape)
        check_output_shape(a.shape, np.broadcast_shapes(a.shape, src.shape))
        ctx.src_shape, ctx.src_dtype = src.shape, src.dtype
        return np.broadcast_to(src, a.shape).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_src = ctx.needs_input_grad
        return (
            np.zeros_like(grad) if need_a else None,
            unbroadcast(grad, ctx.src_shape).astype(ctx.src_dtype) if need_src else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        need_a, need_src = ctx.needs_input_grad
        return (
            zeros_like(grad) if need_a else None,
            cast_to(unbroadcast(grad, ctx.src_shape), ctx.src_dtype) if need_src else None,
        )
