"""Arithmetic ops: + - * / **, negation, maximum and minimum, each with PyTorch's node name."""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import operands, promote, sum_to_inputs, unbroadcast, zeros_like
from .scalar import DivScalar, MulScalar, SubScalar
from .unary import Log, MaskedFill, Where


def _alpha_times(grad, alpha):
    """``alpha * grad`` in a backward formula: a recorded gradient as PyTorch's C++ records
    ``mul(Tensor, Scalar)`` (``MulBackward1``)."""
    return MulScalar.apply(grad, alpha) if type(grad) is Tensor else grad * alpha


def _scaled(b, alpha):
    """``alpha * b`` in ``b``'s own dtype (alpha never changes the result dtype)."""
    if type(b) is not np.ndarray:
        return b * alpha
    if b.dtype.kind in "biu" and isinstance(alpha, float):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    return np.multiply(b, alpha, dtype=b.dtype)


class Add(Op, node="AddBackward0"):
    """``a + alpha * b`` (``alpha`` is an attribute: PyTorch records no extra node for it;
    ``out``, an array to write the result into, serves in-place adds that record nothing)."""

    inputs = 2
    writes_out = True

    @staticmethod
    def forward(ctx, a, b, alpha=1, out=None):
        a, b, ctx.shapes = operands(a, b)
        ctx.alpha = alpha
        return np.add(a, b if alpha == 1 else _scaled(b, alpha), out)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        # other's formula (grad * alpha) first, then the sums in input order (sum_to_inputs)
        grad_b = (grad if ctx.alpha == 1 else _alpha_times(grad, ctx.alpha)) if need_b else None
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad_b, ctx.shapes[1]) if need_b else None,
        )

    recorded_backward = backward  # operators and sums only: the same code records


def _is_bool(x) -> bool:
    return type(x) is bool or (type(x) is np.ndarray and x.dtype.kind == "b")


def _check_bool_subtraction(a, b) -> None:
    """PyTorch refuses ``-`` on bool tensors (and Python bools), pointing to the mask ops."""
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    raise RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. "
        "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
    )


class Sub(Op, node="SubBackward0"):
    """``a - alpha * b`` (``out`` as for ``Add``)."""

    inputs = 2
    writes_out = True

    @staticmethod
    def forward(ctx, a, b, alpha=1, out=None):
        if a.dtype.kind == "b" or _is_bool(b):
            _check_bool_subtraction(a, b)
        a, b, ctx.shapes = operands(a, b)
        ctx.alpha = alpha
        return np.subtract(a, b if alpha == 1 else _scaled(b, alpha), out)

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        # other's formula (-grad * alpha) first, then the sums in input order (sum_to_inputs)
        grad_b = (-grad if ctx.alpha == 1 else _alpha_times(-grad, ctx.alpha)) if need_b else None
        return (
            unbroadcast(grad, ctx.shapes[0]) if need_a else None,
            unbroadcast(grad_b, ctx.shapes[1]) if need_b else None,
        )

    recorded_backward = backward


class Rsub(Op, node="RsubBackward1"):
    """``scalar - a``: PyTorch records one input slot, the tensor."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, scalar):
        if a.dtype.kind == "b" or _is_bool(scalar):
            _check_bool_subtraction(scalar, a)
        a, scalar = promote(a, scalar)
        return np.subtract(scalar, a)

    @staticmethod
    def backward(ctx, grad):
        return (-grad,)

    recorded_backward = backward


class Mul(Op, node="MulBackward0"):
    fresh_grads = True

    @staticmethod
    def forward(ctx, a, b):
        a, b, ctx.shapes = operands(a, b)
        need_a, need_b = ctx.needs_input_grad
        ctx.saved = (b if need_a else None, a if need_b else None)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        if a is b and ctx.next_functions[0] == ctx.next_functions[1]:
            # x * x: both gradients are grad * x and are summed into one buffer, so one
            # product serves both (the sum is the same bits as of two equal products)
            both = grad * a
            return both, both
        return (
            None if b is None else unbroadcast(grad * b, ctx.shapes[0]),
            None if a is None else unbroadcast(grad * a, ctx.shapes[1]),
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_b = ctx.needs_input_grad
        grad_b = grad * a if need_b else None  # other before self (sum_to_inputs)
        grad_a = grad * b if need_a else None
        return sum_to_inputs((grad_a, grad_b), ctx.shapes)


class Div(Op, node="DivBackward0"):
    fresh_grads = True

    @staticmethod
    def forward(ctx, a, b):
        a, b, ctx.shapes = operands(a, b, floating=True)
        ctx.saved = (a if ctx.needs_input_grad[1] else None, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        # derivatives.yaml div.Tensor: self: grad / other; other: -grad * ((self / other) / other)
        return (
            unbroadcast(grad / b, ctx.shapes[0]) if need_a else None,
            unbroadcast(-grad * ((a / b) / b), ctx.shapes[1]) if need_b else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_b = ctx.needs_input_grad
        grad_b = -grad * ((a / b) / b) if need_b else None  # other before self
        grad_a = grad / b if need_a else None
        return sum_to_inputs((grad_a, grad_b), ctx.shapes)


class Reciprocal(Op, node="ReciprocalBackward0"):
    """``1 / a``; ``scalar / a`` is recorded by PyTorch as ``reciprocal(a) * scalar``."""

    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a):
        out = np.reciprocal(a if a.dtype.kind == "f" else a.astype(np.float32))
        ctx.saved = (out,)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved
        return (-grad * (out * out),)  # derivatives.yaml reciprocal: -grad * (result * result)

    @staticmethod
    def recorded_backward(ctx, grad):
        out = ctx.saved_result()
        return (-grad * (out * out),)


class Neg(Op, node="NegBackward0"):
    fresh_grads = True

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

    recorded_backward = backward


def _check_int_power(base, exponent) -> None:
    if (
        type(base) is np.ndarray
        and base.dtype.kind in "biu"
        and isinstance(exponent, (int, np.integer))
        and exponent < 0
    ):
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def _power(base, exponent):
    """``base ** exponent``; an integer power with a negative tensor exponent is 0, except
    for bases 1 and -1 (numpy refuses these, PyTorch computes them)."""
    if np.result_type(base, exponent).kind not in "biu" or np.all(np.asarray(exponent) >= 0):
        return np.power(base, exponent)
    out = np.power(base, np.maximum(exponent, 0))
    unit = np.where(np.asarray(exponent) % 2 == 0, 1, base)  # (+-1) ** n keeps the parity sign
    return np.where(exponent >= 0, out, np.where(np.abs(base) == 1, unit, 0)).astype(out.dtype)


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
        # derivatives.yaml pow.Tensor_Scalar: grad * (exponent * self.pow(exponent - 1))
        return (grad * (exponent * np.power(a, exponent - 1)),)

    @staticmethod
    def recorded_backward(ctx, grad):
        exponent = ctx.saved[1]
        if exponent == 0:
            return (zeros_like(grad),)
        # pow_backward: grad * (exponent * self.pow(exponent - 1)), a mul by a Scalar
        return (grad * MulScalar.apply(Pow.apply(ctx.saved_input(0), exponent - 1), exponent),)


class PowTensor(Op, node="PowBackward1"):
    """``a ** b`` with a tensor exponent."""

    saves_output = True

    @staticmethod
    def forward(ctx, a, b):
        a, b, ctx.shapes = operands(a, b)
        out = np.power(a, b)
        ctx.saved = (a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            # pow_backward_self: where(exponent == 0, 0, grad * (exponent * self.pow(exponent - 1)))
            full = np.where(b == 0, 0.0, grad * (b * np.power(a, b - 1)))
            grad_a = unbroadcast(np.asarray(full, dtype=out.dtype), ctx.shapes[0])
        if need_b:
            # pow_backward_exponent:
            #   grad * where((self == 0) & (exponent >= 0), 0, result * self.log())
            # (grad outside the where: -1 * 0 is -0., inf * 0 is nan, as in PyTorch)
            with np.errstate(divide="ignore", invalid="ignore"):
                full = grad * np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
            grad_b = unbroadcast(np.asarray(full, dtype=out.dtype), ctx.shapes[1])
        return grad_a, grad_b

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        a_values, b_values = ctx.saved[0], ctx.saved[1]
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_b:  # exponent before self (sum_to_inputs)
            with np.errstate(divide="ignore", invalid="ignore"):
                local = ctx.saved_result() * Log.apply(a)
            zero_base = (a_values == 0) & (b_values >= 0)
            grad_b = grad * Where.apply(0.0, local, zero_base)
        if need_a:
            local = grad * (b * PowTensor.apply(a, SubScalar.apply(b, 1)))
            grad_a = Where.apply(0.0, local, b_values == 0)
        return sum_to_inputs((grad_a, grad_b), ctx.shapes)


class RPow(Op, node="PowBackward2"):
    """``scalar ** a``: PyTorch records one input slot, the exponent tensor."""

    inputs = 1
    saves_output = True
    keeps_inputs = False

    @staticmethod
    def forward(ctx, a, base):
        a, base = promote(a, base)
        out = np.asarray(_power(base, a))
        ctx.saved = (base, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, out = ctx.saved
        if base == 0:
            return (np.zeros_like(grad),)
        # pow_backward_exponent: grad * (result * log(base)), a mul by a Scalar
        return (grad * (out * np.log(base)),)

    @staticmethod
    def recorded_backward(ctx, grad):
        base = ctx.saved[0]
        if base == 0:
            return (zeros_like(grad),)
        return (grad * MulScalar.apply(ctx.saved_result(), float(np.log(base))),)


class _Extremum(Op):
    """Elementwise max/min of two tensors; ties share the gradient half and half."""

    pick = staticmethod(np.maximum)
    loses = staticmethod(np.less)  # where the first operand is not the result

    @classmethod
    def forward(cls, ctx, a, b):
        a, b, ctx.shapes = operands(a, b)
        out = cls.pick(b, a)  # a tie of -0. and +0. gives the first operand, as in PyTorch
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

    @classmethod
    def recorded_backward(cls, ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad

        def formula(loses):  # each input's on its own, other's first (sum_to_inputs)
            return MaskedFill.apply(Where.apply(DivScalar.apply(grad, 2), grad, a == b), loses, 0)

        grad_b = formula(cls.loses(b, a)) if need_b else None
        grad_a = formula(cls.loses(a, b)) if need_a else None
        return sum_to_inputs((grad_a, grad_b), ctx.shapes)


class Maximum(_Extremum, node="MaximumBackward0"):
    pick = staticmethod(np.maximum)
    loses = staticmethod(np.less)


class Minimum(_Extremum, node="MinimumBackward0"):
    pick = staticmethod(np.minimum)
    loses = staticmethod(np.greater)
