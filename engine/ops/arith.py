"""Arithmetic ops: + - * / ** and negation, each with PyTorch's node name."""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import promote, shape_of, unbroadcast


class Add(Op, node="AddBackward0"):
    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        return np.add(a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad, ctx.shapes[1]) if need_b else None,
        )


class Sub(Op, node="SubBackward0"):
    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(-grad, ctx.shapes[1]) if need_b else None,
        )


class Rsub(Op, node="RsubBackward1"):
    """``scalar - a``: PyTorch records one input slot, the tensor."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, scalar):
        a, scalar = promote(a, scalar)
        return np.subtract(scalar, a)

    @staticmethod
    def backward(ctx, grad):
        return (-grad,)


class Mul(Op, node="MulBackward0"):
    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b)
        need_a, need_b = ctx.needs_input_grad
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.saved = (b if need_a else None, a if need_b else None)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        return (
            None if b is None else unbroadcast(grad * b, ctx.shapes[0]),
            None if a is None else unbroadcast(grad * a, ctx.shapes[1]),
        )


class Div(Op, node="DivBackward0"):
    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b, floating=True)
        ctx.shapes = (shape_of(a), shape_of(b))
        ctx.saved = (a if ctx.needs_input_grad[1] else None, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, ctx.shapes[0]) if need_a else None,
            unbroadcast(-grad * a / (b * b), ctx.shapes[1]) if need_b else None,
        )


class Reciprocal(Op, node="ReciprocalBackward0"):
    """``1 / a``; ``scalar / a`` is recorded by PyTorch as ``reciprocal(a) * scalar``."""

    saves_output = True

    @staticmethod
    def forward(ctx, a):
        out = np.reciprocal(a if a.dtype.kind == "f" else a.astype(np.float32))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved
        return (-grad * out * out,)


class Neg(Op, node="NegBackward0"):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return np.negative(a)

    @staticmethod
    def backward(ctx, grad):
        return (-grad,)


def _check_int_power(base, exponent) -> None:
    if (
        type(base) is np.ndarray
        and base.dtype.kind in "iu"
        and isinstance(exponent, (int, np.integer))
        and exponent < 0
    ):
        raise RuntimeError("Integers to negative integer powers are not allowed.")


class Pow(Op, node="PowBackward0"):
    """``a ** exponent`` for a scalar exponent (one input slot)."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, exponent):
        _check_int_power(a, exponent)
        a, exponent = promote(a, exponent)
        ctx.saved = (a, exponent)
        return np.power(a, exponent)

    @staticmethod
    def backward(ctx, grad):
        a, exponent = ctx.saved
        if exponent == 0:
            return (np.zeros_like(grad),)
        return (grad * exponent * np.power(a, exponent - 1),)


class PowTensor(Op, node="PowBackward1"):
    """``a ** b`` with a tensor exponent."""

    saves_output = True

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b)
        ctx.shapes = (shape_of(a), shape_of(b))
        out = np.power(a, b)
        ctx.saved = (a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            local = np.where(b == 0, 0.0, b * np.power(a, b - 1))
            grad_a = unbroadcast(grad * local, ctx.shapes[0])
        if need_b:
            with np.errstate(divide="ignore", invalid="ignore"):
                local = np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
            grad_b = unbroadcast(grad * local, ctx.shapes[1])
        return grad_a, grad_b


class RPow(Op, node="PowBackward2"):
    """``scalar ** a``: PyTorch records one input slot, the exponent tensor."""

    inputs = 1
    saves_output = True

    @staticmethod
    def forward(ctx, a, base):
        a, base = promote(a, base)
        out = np.power(base, a)
        ctx.saved = (base, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, out = ctx.saved
        if base == 0:
            return (np.zeros_like(grad),)
        return (grad * out * np.log(base),)
