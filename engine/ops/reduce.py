"""Reductions (sum, mean) and the softmax family."""

from __future__ import annotations

import math

import numpy as np

from ..function import Op
from .common import check_float_kernel, legacy_type, normalize_dim
from .scalar import DivScalar
from .shape import Expand, Unsqueeze
from .unary import Exp


def reduced_axes(dim, ndim: int) -> tuple:
    """Normalised axes for ``dim`` (an int, a tuple/list of ints, or None for all)."""
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(sorted({normalize_dim(d, ndim) for d in dims}))
    return axes if ndim else ()  # a 0-d tensor accepts dim 0 or -1 and has nothing to reduce


_SMALL = 4096  # elements up to which a filled copy is cheaper than a broadcast view


def spread(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """A reduced gradient repeated over the elements it came from (``grad`` broadcasts to
    ``shape``): every element of a sum receives the sum's gradient. Small results are filled
    in (numpy's broadcast_to costs microseconds); large ones stay a stride-0 view."""
    if grad.shape == shape:
        return grad
    if math.prod(shape) <= _SMALL:
        out = np.empty(shape, dtype=grad.dtype)
        out[...] = grad
        return out
    return np.broadcast_to(grad, shape)


def restore_axes(grad: np.ndarray, axes: tuple, keepdim: bool, shape: tuple) -> np.ndarray:
    """Spread a reduced gradient back over the reduced axes of ``shape``."""
    if not keepdim and shape:
        grad = np.expand_dims(grad, axes)
    return spread(grad, shape)


def expand_back(grad, axes: tuple, keepdim: bool, shape: tuple):
    """``restore_axes`` with engine ops (derivatives.yaml sum_backward: unsqueeze the
    reduced dims, then expand), for a recorded backward."""
    if not keepdim and shape:
        for axis in axes:
            grad = Unsqueeze.apply(grad, axis)
    return Expand.apply(grad, shape)


def _sum_dtype(a: np.ndarray):
    return np.int64 if a.dtype.kind in "biu" else a.dtype


class Sum(Op, node="SumBackward0"):
    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        return np.asarray(np.add.reduce(a, axis=None, dtype=_sum_dtype(a)))

    @staticmethod
    def backward(ctx, grad):
        return (spread(grad, ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (Expand.apply(grad, ctx.shape),)  # derivatives.yaml sum: grad.expand(sizes)


class SumDim(Op, node="SumBackward1"):
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.shape, ctx.keepdim = a.shape, keepdim
        ctx.axes = reduced_axes(dim, a.ndim)
        return np.asarray(a.sum(axis=ctx.axes, keepdims=keepdim, dtype=_sum_dtype(a)))

    @staticmethod
    def backward(ctx, grad):
        return (restore_axes(grad, ctx.axes, ctx.keepdim, ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (expand_back(grad, ctx.axes, ctx.keepdim, ctx.shape),)


def _check_mean_dtype(a: np.ndarray) -> None:
    if a.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {legacy_type(a)}"
        )


class Mean(Op, node="MeanBackward0"):
    @staticmethod
    def forward(ctx, a):
        _check_mean_dtype(a)
        ctx.shape, ctx.count = a.shape, max(a.size, 1)
        return np.asarray(np.add.reduce(a, axis=None) / a.size, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return (spread(grad / ctx.count, ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        # derivatives.yaml mean_backward: grad.expand(shape) / numel, a div by a Scalar
        return (DivScalar.apply(Expand.apply(grad, ctx.shape), ctx.count),)


class MeanDim(Op, node="MeanBackward1"):
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        _check_mean_dtype(a)
        ctx.shape, ctx.keepdim = a.shape, keepdim
        ctx.axes = reduced_axes(dim, a.ndim)
        ctx.count = int(np.prod([a.shape[i] for i in ctx.axes])) if a.ndim else 1
        return np.asarray(a.mean(axis=ctx.axes, keepdims=keepdim), dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return (restore_axes(grad / ctx.count, ctx.axes, ctx.keepdim, ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (DivScalar.apply(expand_back(grad, ctx.axes, ctx.keepdim, ctx.shape), ctx.count),)


def _kernel(name: str, dim: int, ndim: int) -> str:
    """The CPU kernel PyTorch names in its dtype error: last-dim or general."""
    return f"{name}_lastdim_kernel_impl" if dim >= ndim - 1 else f"{name}_kernel_impl"


class Softmax(Op, node="SoftmaxBackward0"):
    inputs = 1
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = normalize_dim(dim, a.ndim)
        check_float_kernel(a, _kernel("softmax", ctx.dim, a.ndim))
        shifted = a - a.max(axis=ctx.dim, keepdims=True)
        e = np.exp(shifted)
        out = e / e.sum(axis=ctx.dim, keepdims=True)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (softmax_backward(grad, ctx.saved[0], ctx.dim),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (SoftmaxBackward.apply(grad, ctx.saved_result(), ctx.dim),)


def softmax_backward(grad, out, dim: int):
    """``_softmax_backward_data``: out * (grad - sum(grad * out))."""
    return out * (grad - (grad * out).sum(axis=dim, keepdims=True))


class SoftmaxBackward(Op, node="SoftmaxBackwardDataBackward0"):
    """softmax's backward as an op of (grad, result), so it can be differentiated again."""

    inputs = 2

    @staticmethod
    def forward(ctx, grad, out, dim):
        ctx.saved, ctx.dim = (grad, out), dim
        return softmax_backward(grad, out, dim)

    @staticmethod
    def backward(ctx, gg):
        grad, out = ctx.saved
        dim = ctx.dim
        # derivatives.yaml _softmax_backward_data: grad_output: _softmax_backward_data(...);
        #   output: softmax_double_backward = grad_output * grad
        #     - (output * grad_output).sum(dim) * grad - grad_output * (output * grad).sum(dim)
        return (
            softmax_backward(gg, out, dim),
            grad * gg
            - (out * grad).sum(axis=dim, keepdims=True) * gg
            - grad * (out * gg).sum(axis=dim, keepdims=True),
        )

    @staticmethod
    def recorded_backward(ctx, gg):
        grad, out = ctx.saved_input(0), ctx.saved_input(1)
        dim = ctx.dim
        return (
            SoftmaxBackward.apply(gg, out, dim),
            grad * gg
            - SumDim.apply(out * grad, dim, True) * gg
            - grad * SumDim.apply(out * gg, dim, True),
        )


class LogSoftmax(Op, node="LogSoftmaxBackward0"):
    inputs = 1
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = normalize_dim(dim, a.ndim)
        check_float_kernel(a, _kernel("log_softmax", ctx.dim, a.ndim))
        shifted = a - a.max(axis=ctx.dim, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=ctx.dim, keepdims=True))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (log_softmax_backward(grad, ctx.saved[0], ctx.dim),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (LogSoftmaxBackward.apply(grad, ctx.saved_result(), ctx.dim),)


def log_softmax_backward(grad, out, dim: int):
    """``_log_softmax_backward_data``: grad - exp(out) * sum(grad)."""
    return grad - np.exp(out) * grad.sum(axis=dim, keepdims=True)


class LogSoftmaxBackward(Op, node="LogSoftmaxBackwardDataBackward0"):
    """log_softmax's backward as an op of (grad, result), so it can be differentiated again."""

    inputs = 2

    @staticmethod
    def forward(ctx, grad, out, dim):
        ctx.saved, ctx.dim = (grad, out), dim
        return log_softmax_backward(grad, out, dim)

    @staticmethod
    def backward(ctx, gg):
        grad, out = ctx.saved
        dim = ctx.dim
        # derivatives.yaml _log_softmax_backward_data:
        #   grad_output: grad - (grad * output.exp()).sum(dim, true)
        #   output: -grad_output.sum(dim, true) * output.exp() * grad
        return (
            gg - (gg * np.exp(out)).sum(axis=dim, keepdims=True),
            -grad.sum(axis=dim, keepdims=True) * np.exp(out) * gg,
        )

    @staticmethod
    def recorded_backward(ctx, gg):
        grad, out = ctx.saved_input(0), ctx.saved_input(1)
        dim = ctx.dim
        return (
            gg - SumDim.apply(gg * Exp.apply(out), dim, True),
            -SumDim.apply(grad, dim, True) * Exp.apply(out) * gg,
        )
