"""``torch.nn.functional``: activations, softmax and the losses with their own nodes."""

from __future__ import annotations

from .. import ops
from ..functional import log_softmax, relu, sigmoid, softmax, tanh

__all__ = [
    "cross_entropy",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


def _check_reduction(reduction: str) -> None:
    if reduction not in ops.REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def mse_loss(input, target, reduction: str = "mean"):
    """Mean (or sum, or none) of the squared differences."""
    _check_reduction(reduction)
    return ops.MseLoss.apply(input, target, reduction)


def nll_loss(input, target, reduction: str = "mean"):
    """Negative log-likelihood of log-probabilities at integer class targets."""
    _check_reduction(reduction)
    return ops.NllLoss.apply(input, target._data, reduction)


def cross_entropy(input, target, reduction: str = "mean"):
    """``nll_loss(log_softmax(input, class dim), target)``, as PyTorch records it."""
    return nll_loss(log_softmax(input, 1 if input.ndim >= 2 else 0), target, reduction)
