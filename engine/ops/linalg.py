"""Matrix products with PyTorch's node names: mm, mv, dot, and batched matmul."""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import promote, unbroadcast


def _dims(shape) -> str:
    return "x".join(map(str, shape))


class Mm(Op, node="MmBackward0"):
    """(n, k) @ (k, m): dL/dA = G @ B^T, dL/dB = A^T @ G."""

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if b.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        if a.shape[1] != b.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({_dims(a.shape)} and {_dims(b.shape)})"
            )
        a, b = promote(a, b)
        need_a, need_b = ctx.needs_input_grad
        ctx.saved = (b if need_a else None, a if need_b else None)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        b, a = ctx.saved
        return (None if b is None else grad @ b.T, None if a is None else a.T @ grad)


class Mv(Op, node="MvBackward0"):
    """(n, k) @ (k,): dL/dA = outer(g, v), dL/dv = A^T @ g."""

    @staticmethod
    def forward(ctx, a, v):
        if a.shape[1] != v.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a.shape[0]}), mat ({_dims(a.shape)}), "
                f"vec ({v.shape[0]})"
            )
        a, v = promote(a, v)
        ctx.saved = (a, v)
        return a @ v

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved
        need_a, need_v = ctx.needs_input_grad
        return (np.outer(grad, v) if need_a else None, a.T @ grad if need_v else None)


class Dot(Op, node="DotBackward0"):
    """(k,) @ (k,): dL/du = g * v, dL/dv = g * u."""

    @staticmethod
    def forward(ctx, u, v):
        if u.shape != v.shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src "
                f"[{v.shape[0]}] to have the same number of elements, but got {u.shape[0]} "
                f"and {v.shape[0]} elements respectively"
            )
        u, v = promote(u, v)
        ctx.saved = (u, v)
        return np.asarray(u @ v)

    @staticmethod
    def backward(ctx, grad):
        u, v = ctx.saved
        return (grad * v, grad * u)


class BatchedMatmul(Op, node="UnsafeViewBackward0"):
    """Matmul with a batch (>2-d operand): batch dims broadcast, the last two multiply."""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote(a, b)
        ctx.saved = (a, b)
        try:
            return np.matmul(a, b)
        except ValueError:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: "
                f"{list(a.shape[:-2]) + [a.shape[-1]]} but got: {list(b.shape[:-1])}."
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        a2 = a if a.ndim > 1 else a[None, :]
        b2 = b if b.ndim > 1 else b[:, None]
        g = grad.reshape(
            np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1])
        )
        grad_a = (
            unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if need_a else None
        )
        grad_b = (
            unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape) if need_b else None
        )
        return grad_a, grad_b
