"""Matrix products with PyTorch's node names: mm, mv, dot and bmm.

The operands must share a dtype (PyTorch does not promote here); ``functional.matmul``
decomposes ``@`` into these nodes the way PyTorch does for each rank combination.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import c_type_name, check_broadcast, legacy_type, sum_to_inputs, unbroadcast
from .shape import T, Transpose


def _dims(shape) -> str:
    return "x".join(map(str, shape))


def _check_matrices(a, b) -> None:
    """PyTorch's errors for a matrix product of two matrices that do not fit."""
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_dims(a.shape)} and {_dims(b.shape)})"
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{c_type_name(a)} != {c_type_name(b)}"
        )


class Mm(Op, node="MmBackward0"):
    """(n, k) @ (k, m): dL/dA = G @ B^T, dL/dB = A^T @ G."""

    fresh_grads = True

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if b.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        _check_matrices(a, b)
        need_a, need_b = ctx.needs_input_grad
        ctx.saved = (b if need_a else None, a if need_b else None)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        return (None if b is None else grad @ b.T, None if a is None else a.T @ grad)

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_b = ctx.needs_input_grad
        # mat2 before self: PyTorch's generated backward runs the inputs by name
        grad_b = _mm_mat2_backward(grad, a, b) if need_b else None
        grad_a = _mm_mat1_backward(grad, a, b) if need_a else None
        return grad_a, grad_b


def _mm_mat1_backward(grad: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """``grad @ b.T`` recorded; a column-major ``a`` gets it computed transposed, so that
    it comes out column-major too (PyTorch's ``mm_mat1_backward``)."""
    if _column_major(a):
        return T.apply(Mm.apply(b, T.apply(grad)))
    return Mm.apply(grad, T.apply(b))


def _mm_mat2_backward(grad: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """``a.T @ grad`` recorded, transposed for a column-major ``b`` (``mm_mat2_backward``)."""
    if _column_major(b):
        return T.apply(Mm.apply(T.apply(grad), a))
    return Mm.apply(T.apply(a), grad)


def _column_major(t: Tensor) -> bool:
    """PyTorch's test for a column-major matrix: strides (1, rows)."""
    strides = t.stride()
    return strides[0] == 1 and strides[1] == t.shape[0]


class Addmm(Op, node="AddmmBackward0"):
    """``bias + a @ b`` in one node, as ``linear`` records a 2-D input with a bias."""

    fresh_grads = True

    @staticmethod
    def forward(ctx, bias, a, b):
        if a.ndim != 2:
            raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
        if b.ndim != 2:
            raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
        _check_matrices(a, b)
        check_broadcast((a.shape[0], b.shape[1]), bias.shape)
        ctx.bias_shape = bias.shape
        _, need_a, need_b = ctx.needs_input_grad
        ctx.saved = (b if need_a else None, a if need_b else None)
        return np.add(a @ b, bias)

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        need_bias = ctx.needs_input_grad[0]
        return (
            unbroadcast(grad, ctx.bias_shape) if need_bias else None,
            None if b is None else grad @ b.T,
            None if a is None else a.T @ grad,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(1), ctx.saved_input(2)
        need_bias, need_a, need_b = ctx.needs_input_grad
        # derivatives.yaml addmm, its inputs by name: mat1, mat2, self (grad, summed back)
        grad_a = _mm_mat1_backward(grad, a, b) if need_a else None
        grad_b = _mm_mat2_backward(grad, a, b) if need_b else None
        grad_bias = grad if need_bias else None
        return sum_to_inputs((grad_bias, grad_a, grad_b), (ctx.bias_shape, None, None))


class Mv(Op, node="MvBackward0"):
    """(n, k) @ (k,): dL/dA = outer(g, v), dL/dv = A^T @ g."""

    @staticmethod
    def forward(ctx, a, v):
        if a.shape[1] != v.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a.shape[0]}), mat ({_dims(a.shape)}), "
                f"vec ({v.shape[0]})"
            )
        if a.dtype != v.dtype:
            raise RuntimeError(
                "addmv input tensors must have the same dtype, but got "
                f"{legacy_type(v)}, {legacy_type(a)}, and {legacy_type(v)}"
            )
        ctx.saved = (a, v)
        return a @ v

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved
        need_a, need_v = ctx.needs_input_grad
        return (np.outer(grad, v) if need_a else None, a.T @ grad if need_v else None)

    @staticmethod
    def recorded_backward(ctx, grad):
        a, v = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_v = ctx.needs_input_grad
        return (
            grad.reshape(grad.shape[0], 1) * v if need_a else None,  # outer(grad, v)
            Mv.apply(T.apply(a), grad) if need_v else None,
        )


class Dot(Op, node="DotBackward0"):
    """(k,) @ (k,): dL/du = g * v, dL/dv = g * u."""

    @staticmethod
    def forward(ctx, u, v):
        if u.dtype != v.dtype:
            raise RuntimeError(
                "dot : expected both vectors to have same dtype, but found "
                f"{legacy_type(u)} and {legacy_type(v)}"
            )
        if u.shape != v.shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src "
                f"[{v.shape[0]}] to have the same number of elements, but got {u.shape[0]} "
                f"and {v.shape[0]} elements respectively"
            )
        ctx.saved = (u, v)
        return np.asarray(u @ v)

    @staticmethod
    def backward(ctx, grad):
        u, v = ctx.saved
        return (grad * v, grad * u)

    @staticmethod
    def recorded_backward(ctx, grad):
        u, v = ctx.saved_input(0), ctx.saved_input(1)
        need_u, need_v = ctx.needs_input_grad
        return (grad * v if need_u else None, grad * u if need_v else None)


class Bmm(Op, node="BmmBackward0"):
    """(b, n, k) @ (b, k, m), one matrix product per batch entry."""

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor")
        if b.ndim != 3:
            raise RuntimeError("batch2 must be a 3D tensor")
        if b.shape[:2] != (a.shape[0], a.shape[2]):
            raise RuntimeError(
                "Expected size for first two dimensions of batch2 tensor to be: "
                f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
            )
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected scalar type {legacy_type(a)} but found {legacy_type(b)}")
        need_a, need_b = ctx.needs_input_grad
        ctx.saved = (b if need_a else None, a if need_b else None)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        return (
            None if b is None else grad @ np.swapaxes(b, 1, 2),
            None if a is None else np.swapaxes(a, 1, 2) @ grad,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_b = ctx.needs_input_grad
        # mat2's gradient first: PyTorch's generated backward runs the inputs by name
        grad_b = Bmm.apply(Transpose.apply(a, 1, 2), grad) if need_b else None
        grad_a = Bmm.apply(grad, Transpose.apply(b, 1, 2)) if need_a else None
        return grad_a, grad_b
