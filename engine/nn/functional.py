"""``torch.nn.functional``: activations, softmax and the losses with their own nodes."""

from __future__ import annotations

import math

from .. import functional, ops
from ..functional import relu, sigmoid, tanh
from ..warn import warn

__all__ = [
    "binary_cross_entropy_with_logits",
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


def _implicit_dim(name: str, ndim: int) -> int:
    """The dim PyTorch picks (with a deprecation warning) when softmax is called without one."""
    warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None):
    """Softmax along ``dim``."""
    return functional.softmax(input, _implicit_dim("softmax", input.ndim) if dim is None else dim)


def log_softmax(input, dim=None):
    """Log-softmax along ``dim``."""
    if dim is None:
        dim = _implicit_dim("log_softmax", input.ndim)
    return functional.log_softmax(input, dim)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, recorded as PyTorch records it: one addmm for a 2-D or
    contiguous input (flattened to 2-D and viewed back), else a matmul and an add."""
    transposed = weight.t()
    if bias is None:
        return functional.matmul(input, transposed)
    if input.ndim == 2:
        return ops.Addmm.apply(bias, input, transposed)
    if input.is_contiguous():
        *lead, features = input.shape
        out = ops.Addmm.apply(bias, input.reshape(math.prod(lead), features), transposed)
        return out.view(*lead, out.shape[1])
    return functional.matmul(input, transposed).add_(bias)


def mse_loss(input, target, reduction: str = "mean"):
    """Mean (or sum, or none) of the squared differences."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            stacklevel=2,
        )
    input, target = functional.broadcast_tensors(input, target)  # as PyTorch's mse_loss
    return ops.MseLoss.apply(input, target, reduction)


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    """The binary cross-entropy of ``sigmoid(input)`` against ``target`` (probabilities of
    the same shape), computed from the logits ``input`` directly."""
    if any(a is not None for a in (weight, size_average, reduce, pos_weight)):
        raise NotImplementedError(
            "binary_cross_entropy_with_logits: weight, pos_weight, size_average and reduce are "
            "not supported by this engine"
        )
    _check_reduction(reduction)
    return ops.BinaryCrossEntropyWithLogits.apply(input, target, reduction)


def nll_loss(input, target, reduction: str = "mean"):
    """Negative log-likelihood of log-probabilities at integer class targets."""
    _check_reduction(reduction)
    return ops.NllLoss.apply(input, target._data, reduction)


def cross_entropy(input, target, reduction: str = "mean"):
    """``nll_loss(log_softmax(input, class dim), target)``, as PyTorch records it."""
    return nll_loss(log_softmax(input, 1 if input.ndim >= 2 else 0), target, reduction)
