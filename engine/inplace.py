"""In-place operations: compute out of place, then write into the tensor's own storage.

Views and ``detach()`` share that storage, so they see the write; the version counter
records it (see versions.py), and the tensor takes over the op's node as its history.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import byte_bounds

from . import ops, versions
from .function import edge, next_sequence_number
from .grad_mode import _state, enable_grad
from .ops.common import check_output_shape
from .tensor import Tensor

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
INTERNAL_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)
PARTIAL_OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor "
    "refer to a single memory location. Please clone() the tensor before performing the "
    "operation."
)
VIEW_OF_NON_LEAF = (
    "in-place modification of a view of a tensor that requires grad is not supported by this "
    "engine (PyTorch rewrites the base tensor's history; this engine does not). Write to the "
    "base tensor instead, or clone() the view first."
)
GRAD_INTO_VIEW = (
    "an in-place write of a value that requires grad into a view of a tensor that does not is "
    "not supported by this engine (PyTorch rewrites the base tensor's history; this engine "
    "does not). Write to the base tensor instead, or clone() the view first."
)
# Nodes whose output shares memory with their input, as PyTorch's views do.
VIEW_NODES = frozenset(
    {
        "AliasBackward0",
        "AsStridedBackward0",
        "ExpandBackward0",
        "PermuteBackward0",
        "ReshapeAliasBackward0",
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
    refuse_internal_overlap(t._data)
    refuse_partial_overlap(t._data, args)
    if not (recording and _any_requires_grad(t, *args)):  # nothing records
        if op.writes_out:
            try:  # compute straight into the storage, without a copy
                op.apply(t, *args, t._data)
            except (TypeError, ValueError):  # a dtype or shape numpy refuses: PyTorch's error
                pass
            else:
                note_write(t)
                return t
        write(t, op.apply(t, *args))
        return t
    refuse_view_write(t)
    # backward must see the values before the write, not after it (also when only
    # ``other`` requires grad: ``h.mul_(w)`` saves h for w's gradient): the op runs on a
    # clone, which PyTorch saves as ``original_self``, while its node's edge stays t's.
    # PyTorch makes the node first and then the clone, so the clone is the newer node.
    original = ops.Clone.apply(t)
    result = op.apply(original, *args)
    node = result.grad_fn
    node.next_functions = (edge(t), *node.next_functions[1:])
    if original.grad_fn is not None:
        original.grad_fn._seq = next_sequence_number()
    write(t, result)
    return t


def refuse_internal_overlap(written: np.ndarray) -> None:
    """PyTorch's refusal to write where elements share memory (an expanded tensor: a
    stride of 0 along an axis longer than 1); a read-only array is refused the same way."""
    shared = 0 in written.strides and any(s == 0 and n > 1 for s, n in _axes(written))
    if shared or not written.flags.writeable:
        raise RuntimeError(INTERNAL_OVERLAP)


def refuse_partial_overlap(written: np.ndarray, args: tuple) -> None:
    """PyTorch's refusal of an in-place write that reads memory it writes, in part
    (``x[1:].add_(x[:-1])``): the result would depend on the order of the element writes.
    Reading exactly the memory written (``x.add_(x)``) is fine; like PyTorch, strided
    arrays that are not dense (``x[::2]``) are not checked."""
    for a in args:
        data = a._data if type(a) is Tensor else a
        if (
            type(data) is np.ndarray
            and (data.base is not None or written.base is not None)  # two owners never meet
            and np.may_share_memory(written, data)  # their byte ranges meet
            and _overlaps_in_part(written, data)
        ):
            raise RuntimeError(PARTIAL_OVERLAP)


def _overlaps_in_part(a: np.ndarray, b: np.ndarray) -> bool:
    """PyTorch's ``get_overlap_status(a, b) == PARTIAL`` for arrays whose byte ranges meet:
    both dense, and not the same elements in the same layout."""
    if a is b or not a.size or not b.size or not (_dense(a) and _dense(b)):
        return False
    return not (byte_bounds(a) == byte_bounds(b) and _layout(a) == _layout(b))


def _dense(a: np.ndarray) -> bool:
    """PyTorch's ``is_non_overlapping_and_dense``: some order of the axes is contiguous."""
    expected = a.itemsize
    for stride, size in sorted((s, n) for s, n in _axes(a) if n > 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _layout(a: np.ndarray) -> tuple:
    """Shape and element strides; numpy's strides of size-1 axes are arbitrary."""
    return a.shape, tuple(s // a.itemsize for s, n in _axes(a) if n > 1)


def _axes(a: np.ndarray):
    """(stride, size) of each axis."""
    return zip(a.strides, a.shape, strict=True)


def _any_requires_grad(*args) -> bool:
    return any(type(a) is Tensor and a._requires_grad for a in args)


def write(t: Tensor, result: Tensor) -> None:
    """Copy an op's result into ``t``'s storage and take over its history."""
    if not np.can_cast(result._data.dtype, t._data.dtype, "same_kind"):
        raise RuntimeError(
            f"result type {result.dtype.legacy_name[6:-6]} can't be cast to the desired "
            f"output type {t.dtype.legacy_name[6:-6]}"
        )
    check_output_shape(t._data.shape, result._data.shape)  # callers refused overlaps already
    np.copyto(t._data, result._data, casting="unsafe")
    if result.grad_fn is not None:
        t.grad_fn, t._output_nr, t._requires_grad = result.grad_fn, 0, True
    note_write(t)


def note_write(t: Tensor) -> None:
    """Record an in-place write to ``t``'s storage (after ``t`` took the write's history):
    its version advances, and every recorded view of the storage gets a new ``grad_fn``
    from its base's current history (``AsStridedBackward0``), as PyTorch regenerates it."""
    versions.bump(t._version_counter)
    root = t._base if t._base is not None else t
    if root._views and root._requires_grad:
        with enable_grad():
            for view in list(root._views):
                node = ops.AsStrided.apply(root, view._data).grad_fn
                view.grad_fn, view._output_nr = node, 0


def refuse_view_write(t: Tensor) -> None:
    """Refuse an in-place write that records, under grad mode, into a view: of a leaf that
    requires grad, PyTorch's error; of another tensor, that the engine cannot do it (PyTorch
    rewrites the base's history)."""
    if not t._requires_grad and t._base is not None:
        raise RuntimeError(GRAD_INTO_VIEW)
    node = t.grad_fn
    if node is None or type(node).__name__ not in VIEW_NODES:
        return
    while node is not None and type(node).__name__ in VIEW_NODES:
        node = node.next_functions[0][0]
    raise RuntimeError(
        VIEW_OF_LEAF if type(node).__name__ == "AccumulateGrad" else VIEW_OF_NON_LEAF
    )
