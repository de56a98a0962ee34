"""Writes in the graph: ``zero_``, ``fill_``, ``copy_``, ``t[key] = value``, and written views.

The old values are gone, so they get a zero gradient; a tensor fill value or copy source
receives the gradient summed over the positions it was copied to. A view whose storage was
written gets its history from its base's (``AsStrided``).
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import check_broadcast, check_output_shape, sum_to_inputs, unbroadcast, zeros_like
from .shape import Clone, Index, IndexAccumulate, SqueezeDim, cast_to


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


class CopySlices(Op, node="CopySlices"):
    """``t[key] = value`` on a tensor in the graph: the old values there get no gradient."""

    inputs = 2

    def name(self) -> str:
        """PyTorch's C++ name for this node."""
        return "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, a, value, key):
        out = a.copy()
        out[key] = value
        ctx.key, ctx.value_shape = key, np.shape(value)
        ctx.saved = (key,)  # as in PyTorch, a second backward needs retain_graph
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_value = ctx.needs_input_grad
        grad_a = grad_value = None
        if need_a:
            grad_a = grad.copy()
            grad_a[ctx.key] = 0
        if need_value:
            grad_value = unbroadcast(np.ascontiguousarray(grad[ctx.key]), ctx.value_shape)
        return grad_a, grad_value

    @staticmethod
    def recorded_backward(ctx, grad):
        # PyTorch's CopySlices::apply: the gradient copied into a new tensor (CopyBackwards);
        # the value's gradient a clone of that tensor's view at the key (AsStridedBackward0,
        # CloneBackward0); the base's gradient the tensor with zeros copied into that view
        # (a CopySlices of its own)
        need_a, need_value = ctx.needs_input_grad
        result = Copy.apply(Tensor._make(np.empty_like(grad._data)), grad)
        region = Clone.apply(AsStrided.apply(result, ctx.key))
        zeros = np.zeros(region._data.shape, dtype=grad._data.dtype)
        grad_a = CopySlices.apply(result, zeros, ctx.key) if need_a else None
        return sum_to_inputs((grad_a, region if need_value else None), (None, ctx.value_shape))


class IndexPut(CopySlices, node="IndexPutBackward0"):
    """``t[indices] = value`` where the key is only index arrays, masks and full slices."""

    name = Op.name  # a generated node: named by its class

    @staticmethod
    def recorded_backward(ctx, grad):
        # derivatives.yaml index_put: self: grad.index_put(indices, zeros_like(values));
        #   values: grad.index(indices)
        need_a, need_value = ctx.needs_input_grad
        zeros = np.zeros(ctx.value_shape, dtype=grad._data.dtype)
        grad_a = IndexPut.apply(grad, zeros, ctx.key) if need_a else None
        grad_value = Index.apply(grad, ctx.key) if need_value else None
        return sum_to_inputs((grad_a, grad_value), (None, ctx.value_shape))


class AsStrided(Op, node="AsStridedBackward0"):
    """Elements of ``base`` at ``region`` (a view of its memory, or an index): a view's
    history rebuilt after its storage was written in place (PyTorch regenerates the view's
    ``grad_fn`` from its base's current one, so gradients flow through the write;
    ``inplace.note_write``), or the view a recorded ``CopySlices`` backward takes. The
    region's elements are kept as indices into the base."""

    inputs = 1

    @staticmethod
    def forward(ctx, base, region):
        if type(region) is np.ndarray:  # a view: its elements found by address
            positions = element_positions(base, region)
        else:
            positions = np.arange(base.size).reshape(base.shape)[region]
            region = base.reshape(-1)[positions]
        ctx.shape, ctx.key = base.shape, np.unravel_index(positions, base.shape)
        return region

    @staticmethod
    def backward(ctx, grad):  # elements the view repeats (expand) accumulate
        return (IndexAccumulate.forward(ctx, None, grad, ctx.key, ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        positions = np.ravel_multi_index(ctx.key, ctx.shape)
        if np.unique(positions).size < positions.size:  # an expanded view: PyTorch sums its
            # stride-0 dims and index_add_s, which is not reproduced
            return (IndexAccumulate.apply(None, grad, ctx.key, ctx.shape),)
        # as_strided_backward: the gradient's size-1 dims squeezed (the last first), copied
        # into zeros through the view's geometry (a CopySlices), viewed as the base again
        for dim in reversed(range(grad.ndim)):
            if grad.shape[dim] == 1:
                grad = SqueezeDim.apply(grad, dim)
        key = tuple(np.reshape(k, grad.shape) for k in ctx.key)
        zeros = Tensor._make(np.zeros(ctx.shape, dtype=grad._data.dtype))
        written = CopySlices.apply(zeros, grad, key)
        return (AsStrided.apply(written, written._data),)


def element_positions(base: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of ``view`` (memory inside ``base``'s), its flat C-order index in
    ``base``, found by address."""
    addresses = _addresses(base).ravel()
    order = np.argsort(addresses, kind="stable")
    return order[np.searchsorted(addresses, _addresses(view), sorter=order)]


def _addresses(a: np.ndarray) -> np.ndarray:
    """The byte address of each element of ``a``."""
    addresses = np.full(a.shape, a.__array_interface__["data"][0], dtype=np.int64)
    for axis, (size, stride) in enumerate(zip(a.shape, a.strides, strict=True)):
        steps = np.arange(size, dtype=np.int64) * stride
        addresses += steps.reshape((1,) * axis + (size,) + (1,) * (a.ndim - axis - 1))
    return addresses
