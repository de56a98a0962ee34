"""Elementwise functions of one tensor, and ``where`` and ``masked_fill``.

Integer inputs compute in float32.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import (
    as_float,
    check_broadcast,
    promote,
    result_dtype,
    scalar_array,
    shape_of,
    sum_to_inputs,
    unbroadcast,
    zeros_like,
)
from .scalar import AddScalar, MulScalar

_SMALL = 4096


class Exp(Op, node="ExpBackward0"):
    fresh_grads = True
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = np.exp(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.saved[0],)  # derivatives.yaml exp: grad * result

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * ctx.saved_result(),)


class Log(Op, node="LogBackward0"):
    fresh_grads = True

    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.saved[0],)  # derivatives.yaml log: grad.div(self)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad / ctx.saved_input(0),)


class Sin(Op, node="SinBackward0"):
    fresh_grads = True

    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.sin(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.cos(ctx.saved[0]),)  # derivatives.yaml sin: grad * self.cos()

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * Cos.apply(ctx.saved_input(0)),)


class Cos(Op, node="CosBackward0"):
    fresh_grads = True

    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.cos(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * -np.sin(ctx.saved[0]),)  # derivatives.yaml cos: grad * -self.sin()

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * -Sin.apply(ctx.saved_input(0)),)


class Tan(Op, node="TanBackward0"):
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = np.tan(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved[0]
        local = np.multiply(out, out)  # derivatives.yaml tan: grad * (1 + result.pow(2))
        local += 1
        local *= grad
        return (local,)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * AddScalar.apply(ctx.saved_result() ** 2, 1),)


class Tanh(Op, node="TanhBackward0"):
    fresh_grads = True
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (tanh_backward(grad, ctx.saved[0]),)  # derivatives.yaml tanh

    @staticmethod
    def recorded_backward(ctx, grad):
        return (TanhBackward.apply(grad, ctx.saved_result()),)


def tanh_backward(grad, out):
    """``grad * (1 - out * out)``, in one buffer; float16 in float32 arithmetic, rounded
    once, as PyTorch computes it. PyTorch's vectorised float32 and float64 kernels compute
    ``1 - out * out`` as one fused multiply-add, rounded once: the two roundings here differ
    from it in the last bit for about half the elements. Reproducing the single rounding
    (through float64 for float32 data) costs 2.7x on large arrays, so it is not done."""
    if out.dtype == np.float16 and grad.dtype == np.float16:
        return tanh_backward(grad.astype(np.float32), out.astype(np.float32)).astype(out.dtype)
    if out.size <= _SMALL:  # out= and in-place ufuncs cost ~0.4 us more per call
        return np.asarray(grad * (scalar_array(1, out.dtype) - out * out))
    local = np.multiply(out, out, out=np.empty_like(out))  # an array even when 0-d
    np.subtract(1, local, out=local)
    local *= grad
    return local


class TanhBackward(Op, node="TanhBackwardBackward0"):
    """tanh's backward as an op of (grad, result), so it can be differentiated again."""

    @staticmethod
    def forward(ctx, grad, out):
        ctx.saved = (grad, out)
        return tanh_backward(grad, out)

    @staticmethod
    def backward(ctx, gg):
        grad, out = ctx.saved
        # derivatives.yaml tanh_backward: grad_output: tanh_backward(grad, output);
        #   output: grad * (-2 * output * grad_output)
        return (tanh_backward(gg, out), gg * (-2 * out * grad))

    @staticmethod
    def recorded_backward(ctx, gg):
        grad, out = ctx.saved_input(0), ctx.saved_input(1)
        return (TanhBackward.apply(gg, out), gg * (MulScalar.apply(out, -2) * grad))


class Sinh(Op, node="SinhBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.sinh(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.cosh(ctx.saved[0]),)  # derivatives.yaml: grad * self.cosh()

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * Cosh.apply(ctx.saved_input(0)),)


class Cosh(Op, node="CoshBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.cosh(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.sinh(ctx.saved[0]),)  # derivatives.yaml: grad * self.sinh()

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * Sinh.apply(ctx.saved_input(0)),)


class Sign(Op, node="SignBackward0"):
    """-1, 0 or 1 in the input's dtype; sign(NaN) is 0 and the gradient is 0, as in PyTorch."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            return a.copy()
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (zeros_like(grad),)  # derivatives.yaml: zeros_like(grad)

    recorded_backward = backward


class Sgn(Sign, node="SgnBackward0"):
    """sign for real tensors under PyTorch's complex-aware name: abs's backward records it
    (``grad * self.sgn()``). PyTorch's gradient of it is a zero tensor without storage; the
    engine's is plain zeros."""


class Sigmoid(Op, node="SigmoidBackward0"):
    fresh_grads = True
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = sigmoid(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (sigmoid_backward(grad, ctx.saved[0]),)  # derivatives.yaml sigmoid

    @staticmethod
    def recorded_backward(ctx, grad):
        return (SigmoidBackward.apply(grad, ctx.saved_result()),)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-x), PyTorch's formula, in one buffer: exp overflows to inf for very
    negative x and the reciprocal of inf is exactly 0."""
    if x.size <= _SMALL:  # out= and in-place ufuncs cost ~0.4 us more per call
        return np.asarray(np.reciprocal(scalar_array(1, x.dtype) + np.exp(np.negative(x))))
    out = np.negative(x, out=np.empty_like(x))  # an array even when 0-d
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def sigmoid_backward(grad, out):
    """``grad * (1 - out) * out``, in one buffer."""
    if out.size <= _SMALL:
        return np.asarray(grad * (scalar_array(1, out.dtype) - out) * out)
    local = np.subtract(1, out, out=np.empty_like(out))  # an array even when 0-d
    np.multiply(grad, local, out=local)
    local *= out
    return local


class SigmoidBackward(Op, node="SigmoidBackwardBackward0"):
    """sigmoid's backward as an op of (grad, result), so it can be differentiated again."""

    @staticmethod
    def forward(ctx, grad, out):
        ctx.saved = (grad, out)
        return sigmoid_backward(grad, out)

    @staticmethod
    def backward(ctx, gg):
        grad, out = ctx.saved
        # derivatives.yaml sigmoid_backward: grad_output: sigmoid_backward(grad, output);
        #   output: grad * grad_output * (-2 * output + 1)
        return (sigmoid_backward(gg, out), gg * grad * (-2 * out + 1))

    @staticmethod
    def recorded_backward(ctx, gg):
        grad, out = ctx.saved_input(0), ctx.saved_input(1)
        return (
            SigmoidBackward.apply(gg, out),
            gg * grad * AddScalar.apply(MulScalar.apply(out, -2), 1),
        )


class Relu(Op, node="ReluBackward0"):
    """max(a, 0); the gradient is 0 where the output is <= 0 (so at 0), as in PyTorch."""

    fresh_grads = True

    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        out = np.maximum(0, a).astype(a.dtype, copy=False)  # relu(-0.) is -0. in PyTorch
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml relu: threshold_backward(grad, result, 0) = where(result <= 0, 0, grad)
        return (threshold_backward(grad, ctx.saved[0]),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (ThresholdBackward.apply(grad, ctx.saved_result()),)


def threshold_backward(grad, out):
    """``where(out <= 0, 0, grad)``: grad's exact bits (-0. and NaN too), +0. where out <= 0."""
    if out.size <= _SMALL:
        return np.where(out <= 0, 0, grad).astype(grad.dtype, copy=False)
    # on large arrays np.where mispredicts its branches: an and with a mask of all-ones (keep)
    # or all-zeros (drop) integers is ~2.5x faster and gives the same bits
    keep = (out <= 0).astype(f"i{grad.itemsize}")
    keep -= 1
    np.bitwise_and(grad.view(keep.dtype), keep, out=keep)
    return keep.view(grad.dtype)


class ThresholdBackward(Op, node="ThresholdBackwardBackward0"):
    """relu's backward as an op of (grad, result): linear in grad, flat in the result."""

    @staticmethod
    def forward(ctx, grad, out):
        ctx.saved = (out,)
        return threshold_backward(grad, out)

    @staticmethod
    def backward(ctx, gg):
        # derivatives.yaml threshold_backward: grad_output: threshold_backward(grad, self, 0);
        #   self: zeros_like(grad)
        out = ctx.saved[0]
        need_grad, need_out = ctx.needs_input_grad
        return (
            threshold_backward(gg, out) if need_grad else None,
            np.zeros_like(gg) if need_out else None,
        )

    @staticmethod
    def recorded_backward(ctx, gg):
        need_grad, need_out = ctx.needs_input_grad
        return (
            ThresholdBackward.apply(gg, ctx.saved_input(1)) if need_grad else None,
            zeros_like(gg) if need_out else None,
        )


class Sqrt(Op, node="SqrtBackward0"):
    fresh_grads = True
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad / (2 * ctx.saved[0]),)  # derivatives.yaml sqrt: grad / (2 * result)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad / MulScalar.apply(ctx.saved_result(), 2),)


class Abs(Op, node="AbsBackward0"):
    """|a|; the gradient is sign(a), so 0 at 0 (and at NaN), as in PyTorch."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
        ctx.saved = (a,)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        a = ctx.saved[0]
        return (grad * np.where(np.isnan(a), 0, np.sign(a)),)  # derivatives.yaml: grad * sgn

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad * Sgn.apply(ctx.saved_input(0)),)  # flat, but recorded, as in PyTorch


class Clamp(Op, node="ClampBackward1"):
    """Clamp to [min, max] (either may be None); the bounds themselves pass the gradient."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, low, high):
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        bounds = [x for x in (low, high) if x is not None]
        ctx.saved = (a, low, high)
        return clamped(a, low, high).astype(result_dtype(a, *bounds).np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, low, high = ctx.saved
        inside = np.ones(a.shape, dtype=bool)
        if low is not None:
            inside &= a >= low
        if high is not None:
            inside &= a <= high
        # derivatives.yaml clamp: where((self >= min).logical_and(self <= max), grad, 0)
        if type(grad) is Tensor:
            return (Where.apply(grad, 0.0, inside),)
        return (np.where(inside, grad, np.zeros((), dtype=grad.dtype)),)

    recorded_backward = backward


def clamped(a, low, high) -> np.ndarray:
    """PyTorch's clamp kernel: ``a`` itself (its -0. or NaN) unless below ``low`` or above
    ``high`` (None: no bound); a NaN bound gives NaN."""
    out = np.asarray(a)
    if low is not None:
        out = np.where((out < low) | (low != low), low, out)
    if high is not None:
        out = np.where((out > high) | (high != high), high, out)
    return out


class ClampTensor(Op, node="ClampBackward0"):
    """Clamp to tensor bounds (either may be None), broadcast and promoted with ``a``; the
    bounds are graph inputs and get the gradient where they bind."""

    @staticmethod
    def forward(ctx, a, low, high):  # clamp_op sends no bounds to Clamp, which refuses them
        bounds = [x for x in (low, high) if x is not None]
        shape = a.shape
        for bound in bounds:  # PyTorch's error names the first operands that clash
            check_broadcast(shape, bound.shape)
            shape = np.broadcast_shapes(shape, bound.shape)
        dtype = result_dtype(a, *bounds).np
        ctx.saved, ctx.shapes = (a, low, high), tuple(map(shape_of, (a, low, high)))
        cast = [None if x is None else x.astype(dtype, copy=False) for x in (a, low, high)]
        return clamped(*cast)

    @staticmethod
    def backward(ctx, grad):
        return ClampTensor._backward(ctx, grad, _masked)

    @staticmethod
    def recorded_backward(ctx, grad):
        return ClampTensor._backward(ctx, grad, lambda keep, g: Where.apply(g, 0.0, keep))

    @staticmethod
    def _backward(ctx, grad, masked):
        # derivatives.yaml clamp.Tensor: self: clamp_backward(grad, self, min, max): grad
        #   where min <= self <= max; min, max: clamp_backward_min_max: min's where
        #   self < min (and min < max), max's where self > max (or max < min)
        a, low, high = ctx.saved
        need_a, need_low, need_high = ctx.needs_input_grad
        keep_a = np.ones(np.shape(a), dtype=bool)
        if low is not None:
            keep_a = keep_a & (a >= low)
            keep_low = (a < low) & (low < high) if high is not None else a < low
        if high is not None:
            keep_a = keep_a & (a <= high)
            keep_high = (a > high) | (high < low) if low is not None else a > high
        # clamp_backward_min_max (min, then max) before clamp_backward (self)
        grad_low = masked(keep_low, grad) if need_low else None
        grad_high = masked(keep_high, grad) if need_high else None
        grad_a = masked(keep_a, grad) if need_a else None
        return sum_to_inputs((grad_a, grad_low, grad_high), ctx.shapes)


def _masked(keep: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """``grad`` where ``keep``, +0. elsewhere (broadcast to both)."""
    return np.where(keep, grad, np.zeros((), dtype=grad.dtype))


def clamp_op(low, high) -> type[Op]:
    """The clamp for these bounds: numbers (``Clamp``) or tensors (``ClampTensor``); PyTorch's
    error for a tensor beside a number."""
    tensors = [isinstance(x, Tensor) for x in (low, high) if x is not None]
    if not any(tensors):
        return Clamp
    if all(tensors):
        return ClampTensor
    if all(x.ndim == 0 for x in (low, high) if isinstance(x, Tensor)):
        return Clamp  # a 0-d tensor beside a number passes as a number
    # as PyTorch words it for keyword bounds (in positional calls it lists bare types)
    got = ", ".join(f"{k}={type(x).__name__}" for k, x in (("max", high), ("min", low)))
    raise TypeError(
        f"clamp() received an invalid combination of arguments - got (Tensor, {got}), but "
        "expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, "
        "Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, "
        "Tensor out = None)\n"
    )


class Where(Op, node="WhereBackward0"):
    """``where(condition, a, b)``: the condition is an attribute, not a graph input."""

    inputs = 2

    @staticmethod
    def forward(ctx, a, b, condition):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.saved = (condition,)
        return np.where(condition, a, b).astype(result_dtype(a, b).np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        zero = np.zeros((), dtype=grad.dtype)
        return (
            unbroadcast(np.where(condition, grad, zero), ctx.shapes[0]) if need_a else None,
            unbroadcast(np.where(condition, zero, grad), ctx.shapes[1]) if need_b else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        (condition,) = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        grad_b = Where.apply(0.0, grad, condition) if need_b else None  # other before self
        grad_a = Where.apply(grad, 0.0, condition) if need_a else None
        return sum_to_inputs((grad_a, grad_b), ctx.shapes)


class MaskedFill(Op, node="MaskedFillBackward0"):
    """``a`` with ``value`` where ``mask`` is True (``masked_fill`` by a Scalar, as PyTorch's
    backward formulas use it): the gradient passes where the mask is False."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask, ctx.shape = mask, a.shape  # out of place, a mask may broadcast a
        return np.where(mask, np.asarray(value, dtype=a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml masked_fill.Scalar: self: grad.masked_fill(mask, 0)
        return (unbroadcast(np.where(ctx.mask, np.zeros((), dtype=grad.dtype), grad), ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (unbroadcast(MaskedFill.apply(grad, ctx.mask, 0), ctx.shape),)
