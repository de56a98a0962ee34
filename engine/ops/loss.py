"""Loss functions with their own PyTorch nodes.

mse_loss, nll_loss (cross_entropy's second half) and binary_cross_entropy_with_logits.
"""

from __future__ import annotations

import numpy as np

from ..function import Op
from ..tensor import Tensor
from .common import legacy_type, promote, sum_to_inputs, unbroadcast, zeros_like
from .scalar import DivScalar, MulScalar
from .unary import Sigmoid, sigmoid

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
        ctx.saved = (a, b)
        diff = a - b
        ctx.shapes, ctx.reduction = (a.shape, np.shape(b)), reduction
        ctx.count = diff.size if reduction == "mean" else None
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        # derivatives.yaml mse_loss: self: mse_loss_backward(grad, self, target);
        #   target: mse_loss_backward(grad, target, self) (so an exact 0 stays +0.)
        return (
            unbroadcast(mse_backward(grad, a, b, ctx.count), ctx.shapes[0]) if need_a else None,
            unbroadcast(mse_backward(grad, b, a, ctx.count), ctx.shapes[1]) if need_b else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        a, b = ctx.saved_input(0), ctx.saved_input(1)
        need_a, need_b = ctx.needs_input_grad
        mse = MseLossBackward.apply
        return sum_to_inputs(
            (
                mse(grad, a, b, ctx.count) if need_a else None,
                mse(grad, b, a, ctx.count) if need_b else None,
            ),
            ctx.shapes,
        )


def mse_backward(grad, a, b, count: int | None):
    """``mse_loss_backward``: norm * (a - b) * grad, with norm = 2 / count for a mean
    (``count`` None for a sum or no reduction, where norm is 2)."""
    return (2 if count is None else 2 / count) * (a - b) * grad


class MseLossBackward(Op, node="MseLossBackwardBackward0"):
    """mse_loss's backward as an op of (grad, a, b), so it can be differentiated again."""

    inputs = 3

    @staticmethod
    def forward(ctx, grad, a, b, count):
        ctx.saved, ctx.count = (grad, a, b), count
        ctx.shapes = (np.shape(grad), np.shape(a), np.shape(b))
        return mse_backward(grad, a, b, count)

    @staticmethod
    def backward(ctx, gg):
        grad, a, b = ctx.saved
        return MseLossBackward._derivatives(ctx, gg, grad, a, b, mse_backward)

    @staticmethod
    def recorded_backward(ctx, gg):
        grad, a, b = (ctx.saved_input(i) for i in range(3))
        return MseLossBackward._derivatives(ctx, gg, grad, a, b, MseLossBackward.apply)

    @staticmethod
    def _derivatives(ctx, gg, grad, a, b, mse) -> tuple:
        # derivatives.yaml mse_loss_backward:
        #   grad_output: mse_loss_double_backward_grad_output(grad, grad_output, self, target)
        #   self: mse_loss_double_backward(grad * grad_output, self) = 2 * (.) (/ numel)
        #   target: -mse_loss_double_backward(grad * grad_output, target)
        need_grad, need_a, need_b = ctx.needs_input_grad
        d_grad = d_a = d_b = None
        if need_grad:
            if ctx.shapes[0] == ctx.shapes[1]:  # no reduction: grad has the inputs' shape
                d_grad = mse(gg, a, b, ctx.count)
            else:
                d_grad = (mse(zeros_like(grad) + 1, a, b, ctx.count) * gg).sum()
        if need_a:
            d_a = _mse_double_backward(gg * grad, ctx.count)
        if need_b:
            d_b = -_mse_double_backward(gg * grad, ctx.count)
        return sum_to_inputs((d_grad, d_a, d_b), (None, *ctx.shapes[1:]))


def _mse_double_backward(product, count: int | None):
    """``mse_loss_double_backward``: ``2 * product``, then ``/= numel`` for a mean (the
    Scalar overloads, ``MulBackward1`` and ``DivBackward1``, when recorded)."""
    return _mean_of(MulScalar.apply(product, 2) if type(product) is Tensor else product * 2, count)


class NllLoss(Op, node="NllLossBackward0"):
    """Negative log-likelihood of log-probabilities (N, C) or (C,) at integer targets."""

    inputs = 1

    @staticmethod
    def forward(ctx, logp, target, reduction):
        ctx.shape, ctx.reduction, ctx.target = logp.shape, reduction, target
        ctx.saved = (np.atleast_1d(target),)  # the targets; PyTorch saves them too
        return nll(logp, target, reduction)

    @staticmethod
    def backward(ctx, grad):
        return (nll_backward(grad, ctx.saved[0], ctx.shape, ctx.reduction),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (NllLossBackward.apply(grad, ctx.saved_input(0), ctx.target, ctx.reduction),)


def nll(logp, target, reduction: str):
    """-logp at each row's target, reduced."""
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
    outside = rows.astype(np.uint64) >= classes  # a negative target wraps past any count
    if np.count_nonzero(outside):
        raise IndexError(f"Target {rows[outside.argmax()]} is out of bounds.")
    out = _reduce(-batch[np.arange(rows.shape[0]), rows], reduction)
    return out if logp.ndim == 2 or reduction != "none" else out.reshape(())


def nll_backward(grad, rows, shape: tuple, reduction: str):
    """``nll_loss_backward``: -grad (/ N for a mean) at each row's target, +0. elsewhere."""
    n = rows.shape[0]
    out = np.zeros((n, shape[-1]), dtype=grad.dtype)
    scale = grad / n if reduction == "mean" else grad
    out[np.arange(n), rows] = -scale  # a 0-d scale (mean, sum) broadcasts over the rows
    return out.reshape(shape)


class NllLossBackward(Op, node="NllLossBackwardBackward0"):
    """nll_loss's backward as an op of (grad, log-probabilities): linear in grad, flat in
    the log-probabilities (derivatives.yaml: grad_output: nll_loss(grad, target);
    self: zeros_like(grad))."""

    inputs = 2

    @staticmethod
    def forward(ctx, grad, logp, target, reduction):
        ctx.target, ctx.reduction = target, reduction
        return nll_backward(grad, np.atleast_1d(target), logp.shape, reduction)

    @staticmethod
    def backward(ctx, gg):
        need_grad, need_logp = ctx.needs_input_grad
        return (
            nll(gg, ctx.target, ctx.reduction) if need_grad else None,
            zeros_like(gg) if need_logp else None,
        )

    @staticmethod
    def recorded_backward(ctx, gg):
        need_grad, need_logp = ctx.needs_input_grad
        return (
            NllLoss.apply(gg, ctx.target, ctx.reduction) if need_grad else None,
            zeros_like(gg) if need_logp else None,
        )


class BinaryCrossEntropyWithLogits(Op, node="BinaryCrossEntropyWithLogitsBackward0"):
    """``(1 - target) * input - log_sigmoid(input)``, reduced: the binary cross-entropy of
    the probabilities ``sigmoid(input)``, without computing them (stable for any logit)."""

    inputs = 2

    @staticmethod
    def forward(ctx, x, target, reduction):
        if np.shape(target) != np.shape(x):
            raise ValueError(
                f"Target size ({_size(target)}) must be the same as input size ({_size(x)})"
            )
        if target.dtype.kind not in "fc":
            raise RuntimeError(
                f"result type Float can't be cast to the desired output type {legacy_type(target)}"
            )
        x, target = promote(x, target)
        ctx.saved, ctx.reduction = (x, target), reduction
        ctx.count = x.size if reduction == "mean" else None
        one = np.ones((), x.dtype)
        log_sigmoid = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        return _reduce((one - target) * x - log_sigmoid, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved
        need_x, need_t = ctx.needs_input_grad
        # derivatives.yaml binary_cross_entropy_with_logits: self: (sigmoid(self) - target)
        #   * grad; target: -self * grad; each / numel for a mean
        return (
            _mean_of((sigmoid(x) - target) * grad, ctx.count) if need_x else None,
            _mean_of(-x * grad, ctx.count) if need_t else None,
        )

    @staticmethod
    def recorded_backward(ctx, grad):
        x, target = ctx.saved_input(0), ctx.saved_input(1)
        need_x, need_t = ctx.needs_input_grad
        return (
            _mean_of((Sigmoid.apply(x) - target) * grad, ctx.count) if need_x else None,
            _mean_of(-x * grad, ctx.count) if need_t else None,
        )


def _mean_of(grad, count: int | None):
    """A gradient divided by the elements a mean took (``count`` None: no mean); a recorded
    one (a tensor) as PyTorch records it, ``DivBackward1``."""
    if count is None:
        return grad
    return DivScalar.apply(grad, count) if type(grad) is Tensor else grad / count


def _size(a) -> str:
    return f"torch.Size([{', '.join(map(str, np.shape(a)))}])"
