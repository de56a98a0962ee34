"""Elementwise functions of one tensor, and ``where``, ``maximum`` and ``minimum``.

Integer inputs compute in float32.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import as_float, promote, result_dtype, shape_of, unbroadcast


class Exp(Op, node="ExpBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.exp(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.saved[0],)  # derivatives.yaml exp: grad * result


class Log(Op, node="LogBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.saved[0],)  # derivatives.yaml log: grad.div(self)


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
        local = np.multiply(out, out)
        local += 1
        local *= grad
        return (local,)


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
        # derivatives.yaml tanh: tanh_backward(grad, result) = grad * (1 - result * result)
        local = np.multiply(out, out, out=np.empty_like(out))  # an array even when 0-d
        np.subtract(1, local, out=local)
        local *= grad
        return (local,)


class Sinh(Op, node="SinhBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.sinh(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.cosh(ctx.saved[0]),)  # derivatives.yaml: grad * self.cosh()


class Cosh(Op, node="CoshBackward0"):
    @staticmethod
    def forward(ctx, a):
        a = as_float(a)
        ctx.saved = (a,)
        return np.cosh(a)

    @staticmethod
    def backward(ctx, grad):
        return (grad * np.sinh(ctx.saved[0]),)  # derivatives.yaml: grad * self.sinh()


class Sign(Op, node="SignBackward0"):
    """-1, 0 or 1 in the input's dtype; sign(NaN) is 0 and the gradient is 0, as in PyTorch."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            return a.copy()
        return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (np.zeros_like(grad),)  # derivatives.yaml: zeros_like(grad)


class Sigmoid(Op, node="SigmoidBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        # 1 / (1 + e**-a), PyTorch's formula, in one buffer: exp overflows to inf for very
        # negative a and the reciprocal of inf is exactly 0
        x = as_float(a)
        out = np.negative(x, out=np.empty_like(x))  # an array even when 0-d
        np.exp(out, out=out)
        out += 1
        np.reciprocal(out, out=out)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.saved[0]
        # derivatives.yaml sigmoid: sigmoid_backward(grad, result) = grad * (1 - result) * result
        local = np.subtract(1, out, out=np.empty_like(out))  # an array even when 0-d
        np.multiply(grad, local, out=local)
        local *= out
        return (local,)


class Relu(Op, node="ReluBackward0"):
    """max(a, 0); the gradient is 0 where the output is <= 0 (so at 0), as in PyTorch."""

    saves_output = True

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        out = np.maximum(a, 0).astype(a.dtype, copy=False)
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        # derivatives.yaml relu: threshold_backward(grad, result, 0) = where(result <= 0, 0, grad)
        return (np.where(ctx.saved[0] <= 0, 0, grad).astype(grad.dtype, copy=False),)


class Sqrt(Op, node="SqrtBackward0"):
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(as_float(a))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        return (grad / (2 * ctx.saved[0]),)  # derivatives.yaml sqrt: grad / (2 * result)


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
        return (grad * np.where(np.isnan(a), 0, np.sign(a)),)


class Clamp(Op, node="ClampBackward1"):
    """Clamp to [min, max] (either may be None); the bounds themselves pass the gradient."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, low, high):
        if low is None and high is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(low, np.ndarray) or isinstance(high, np.ndarray):
            raise TypeError(
                "clamp() with tensor min/max is not supported by this engine; use "
                "torch.maximum(x, min) and torch.minimum(x, max) instead"
            )
        bounds = [x for x in (low, high) if x is not None]
        ctx.saved = (a, low, high)
        return np.asarray(np.clip(a, low, high)).astype(result_dtype(a, *bounds).np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, low, high = ctx.saved
        inside = np.ones(a.shape, dtype=bool)
        if low is not None:
            inside &= a >= low
        if high is not None:
            inside &= a <= high
        # derivatives.yaml clamp: where((self >= min).logical_and(self <= max), grad, 0)
        return (np.where(inside, grad, np.zeros((), dtype=grad.dtype)),)


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


class _Extremum(Op):
    """Elementwise max/min of two tensors; ties share the gradient half and half."""

    pick = staticmethod(np.maximum)
    loses = staticmethod(np.less)  # where the first operand is not the result

    @classmethod
    def forward(cls, ctx, a, b):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        out = cls.pick(a, b)
        ctx.saved = (a, b)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        # derivatives.yaml maximum:
        #   self: where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        #   other: where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        shared = np.where(a == b, grad / 2, grad)
        zero = np.zeros((), dtype=grad.dtype)  # masked_fill writes +0., never grad * 0
        return (
            unbroadcast(np.where(cls.loses(a, b), zero, shared), ctx.shapes[0]) if need_a else None,
            unbroadcast(np.where(cls.loses(b, a), zero, shared), ctx.shapes[1]) if need_b else None,
        )


class Maximum(_Extremum, node="MaximumBackward0"):
    pick = staticmethod(np.maximum)
    loses = staticmethod(np.less)


class Minimum(_Extremum, node="MinimumBackward0"):
    pick = staticmethod(np.minimum)
    loses = staticmethod(np.greater)
