"""Loss functions with their own PyTorch nodes: mse_loss and nll_loss."""

from __future__ import annotations

import numpy as np

from ..function import Op
from .common import legacy_type, promote, unbroadcast
from .unary import Where

REDUCTIONS = ("mean", "sum", "none")


def _reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(values.mean(), dtype=values.dtype)
    if reduction == "sum":
        return np.asarray(values.sum(), dtype=values.dtype)
    return values


class MseLoss(Op, node="MseLossBackward0"):
    inputs = 2

    @staticmethod
    def forward(ctx, a, b, reduction):
        a, b = promote(a, b)
        diff = a - b
        ctx.saved = (diff,)
        ctx.shapes, ctx.reduction = (a.shape, np.shape(b)), reduction
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved
        return MseLoss._split(ctx, grad * MseLoss._scale(ctx, diff.size) * diff)

    @staticmethod
    def recorded_backward(ctx, grad):
        diff = ctx.saved_input(0) - ctx.saved_input(1)
        return MseLoss._split(ctx, grad * MseLoss._scale(ctx, ctx.saved[0].size) * diff)

    @staticmethod
    def _scale(ctx, size: int) -> float:
        # derivatives.yaml mse_loss_backward: 2 * (self - target) * grad, / numel for mean
        return 2 / size if ctx.reduction == "mean" else 2

    @staticmethod
    def _split(ctx, local) -> tuple:
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(local, ctx.shapes[0]) if need_a else None,
            unbroadcast(-local, ctx.shapes[1]) if need_b else None,
        )


class NllLoss(Op, node="NllLossBackward0"):
    """Negative log-likelihood of log-probabilities (N, C) or (C,) at integer targets."""

    inputs = 1

    @staticmethod
    def forward(ctx, logp, target, reduction):
        if target.dtype not in (np.int64, np.uint8):
            raise RuntimeError(
                f"expected target dtype to be Long or Byte, but got {legacy_type(target)}"
            )
        batch = logp if logp.ndim == 2 else logp[None, :]
        rows = np.atleast_1d(target)
        if batch.shape[0] != rows.shape[0]:
            raise ValueError(
                f"Expected input batch_size ({batch.shape[0]}) to match target batch_size "
                f"({rows.shape[0]})."
            )
        classes = batch.shape[1]
        for t in rows:
            if not 0 <= t < classes:
                raise IndexError(f"Target {t} is out of bounds.")
        picked = -batch[np.arange(rows.shape[0]), rows]
        ctx.shape, ctx.reduction = logp.shape, reduction
        ctx.saved = (rows,)  # the targets; PyTorch saves them too
        out = _reduce(picked, reduction)
        return out if logp.ndim == 2 or reduction != "none" else out.reshape(())

    @staticmethod
    def backward(ctx, grad):
        (rows,) = ctx.saved
        n = rows.shape[0]
        out = np.zeros((n, ctx.shape[-1]), dtype=grad.dtype)
        scale = grad / n if ctx.reduction == "mean" else grad
        out[np.arange(n), rows] = (
            -np.broadcast_to(scale, (n,)) if np.ndim(scale) == 0 else -scale.reshape(n)
        )
        return (out.reshape(ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        (rows,) = ctx.saved
        n = rows.shape[0]
        picked = np.zeros((n, ctx.shape[-1]), dtype=bool)
        picked[np.arange(n), rows] = True
        scale = grad / n if ctx.reduction == "mean" else grad
        if scale.ndim:
            scale = scale.reshape(n, 1)
        return (Where.apply(-scale, 0.0, picked).reshape(ctx.shape),)
