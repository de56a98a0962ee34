"""Elementwise functions of one tensor: exp log sin cos tan tanh sigmoid relu sqrt abs
clamp, and ``where``/``maximum``/``minimum``. Integer inputs compute in float32."""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import as_float, promote, shape_of, unbroadcast


class Exp(Op, node="ExpBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.exp(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.saved[0],)


class Log(Op, node="LogBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.saved[0],)


class Sin(Op, node="SinBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.sin(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.cos(ctx.saved[0]),)


class Cos(Op, node="CosBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.cos(a)

    @staticmethod
    def backward(ctx, grad):
        return (-grad * np.sin(ctx.saved[0]),)


class Tan(Op, node="TanBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.tan(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved[0]
        return (grad * (1 + out * out),)


class Tanh(Op, node="TanhBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved[0]
        return (grad * (1 - out * out),)


class Sigmoid(Op, node="SigmoidBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        # exp of a negative argument only: no overflow for large |a|
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved[0]
        return (grad * out * (1 - out),)


class Relu(Op, node="ReluBackward0"):
    """max(a, 0); the gradient at 0 is 0, as in PyTorch."""

    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.maximum(a, 0).astype(a.dtype, copy=False)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad * (ctx.saved[0] > 0),)


class Sqrt(Op, node="SqrtBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad / (2 * ctx.saved[0]),)


class Abs(Op, node="AbsBackward0"):
    """|a|; the gradient is sign(a), so 0 at 0, as in PyTorch."""

    @staticmethod
    def forward(ctx, a):
        ctx.saved = (a,)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.sign(ctx.saved[0]),)


class Clamp(Op, node="ClampBackward1"):
    """Clamp to [min, max] (either may be None); the bounds themselves pass the gradient."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, low, high):
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        ctx.saved = (a, low, high)
        out = a
        if low is not None:
            out, low = promote(out, low)
            out = np.maximum(out, low)
        if high is not None:
            out, high = promote(out, high)
            out = np.minimum(out, high)
        return out if out is not a else out.copy()

    @staticmethod
    def backward(ctx, grad):
        a, low, high = ctx.saved
        inside = np.ones(a.shape, dtype=bool)
        if low is not None:
            inside &= a >= low
        if high is not None:
            inside &= a <= high
        return (grad * inside,)


class Where(Op, node="WhereBackward0"):
    """``where(condition, a, b)``: the condition is an attribute, not a graph input."""

    inputs = 2

    @staticmethod
    def forward(ctx, a, b, condition):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.saved = (condition,)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        zero = np.zeros((), dtype=grad.dtype)
        return (
            unbroadcast(np.where(condition, grad, zero), ctx.shapes[0]) if need_a else None,
            unbroadcast(np.where(condition, zero, grad), ctx.shapes[1]) if need_b else None,
        )


class _Extremum(Op):
    """Elementwise max/min of two tensors; ties share the gradient half and half."""

    pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, a, b):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        out = cls.pick(a, b)
        ctx.saved = (a, b)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        wins = (cls.pick(a, b) == a).astype(grad.dtype)
        share = np.where(a == b, 0.5, wins).astype(grad.dtype)
        return (
            unbroadcast(grad * share, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad * (1 - share), ctx.shapes[1]) if need_b else None,
        )


class Maximum(_Extremum, node="MaximumBackward0"):
    pick = staticmethod(np.maximum)


class Minimum(_Extremum, node="MinimumBackward0"):
    pick = staticmethod(np.minimum)
