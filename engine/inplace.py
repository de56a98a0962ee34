"""In-place operations: compute out of place, then write into the tensor's own storage.

Views and ``detach()`` share that storage, so they see the write; the version counter
records it (see versions.py), and the tensor takes over the op's node as its history.
"""

from __future__ import annotations

import numpy as np

from . import versions
from .grad_mode import _state
from .tensor import Tensor

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
VIEW_OF_NON_LEAF = (
    "in-place modification of a view of a tensor that requires grad is not supported by this "
    "engine (PyTorch rewrites the base tensor's history; this engine does not). Write to the "
    "base tensor instead, or clone() the view first."
)
# Nodes whose output shares memory with their input, as PyTorch's views do.
VIEW_NODES = frozenset(
    {
        "AliasBackward0",
        "ExpandBackward0",
        "PermuteBackward0",
        "SelectBackward0",
        "SliceBackward0",
        "SqueezeBackward0",
        "SqueezeBackward1",
        "TBackward0",
        "TransposeBackward0",
        "UnsqueezeBackward0",
        "ViewBackward0",
    }
)


def apply(t: Tensor, op, *args) -> Tensor:
    """Apply ``op`` to ``t`` and write the result into ``t``'s storage; returns ``t``."""
    recording = _state.enabled
    if recording and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE)
    if op.writes_out and not (recording and _any_requires_grad(t, *args)):
        try:  # nothing records: compute straight into the storage, without a copy
            op.apply(t, *args, t._data)
        except (TypeError, ValueError):  # a dtype or shape numpy refuses: PyTorch's error below
            pass
        else:
            versions.bump(t._version_counter)
            return t
    source = t
    if recording and t._requires_grad:
        refuse_view_write(t)
        # backward must see the values before the write, not after it
        source = Tensor._make(t._data.copy(), True, t.grad_fn, t._output_nr)
    result = op.apply(source, *args)
    write(t, result)
    return t


def _any_requires_grad(*args) -> bool:
    return any(type(a) is Tensor and a._requires_grad for a in args)


def write(t: Tensor, result: Tensor) -> None:
    """Copy an op's result into ``t``'s storage and take over its history."""
    if not np.can_cast(result._data.dtype, t._data.dtype, "same_kind"):
        raise RuntimeError(
            f"result type {result.dtype.legacy_name[6:-6]} can't be cast to the desired "
            f"output type {t.dtype.legacy_name[6:-6]}"
        )
    if result._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
            f"{list(result._data.shape)}"
        )
    if not t._data.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation."
        )
    np.copyto(t._data, result._data, casting="unsafe")
    versions.bump(t._version_counter)
    if result.grad_fn is not None:
        t.grad_fn, t._output_nr, t._requires_grad = result.grad_fn, 0, True


def refuse_view_write(t: Tensor) -> None:
    """Refuse an in-place write, under grad mode, to a view of a tensor that requires grad:
    PyTorch's error for a view of a leaf; for other views, that the engine cannot do it."""
    node = t.grad_fn
    if node is None or type(node).__name__ not in VIEW_NODES:
        return
    while node is not None and type(node).__name__ in VIEW_NODES:
        node = node.next_functions[0][0]
    raise RuntimeError(
        VIEW_OF_LEAF if type(node).__name__ == "AccumulateGrad" else VIEW_OF_NON_LEAF
    )
