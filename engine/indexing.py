"""``t[key]`` and ``t[key] = value``, decomposed into the nodes PyTorch records.

Integers become ``select`` (SelectBackward0), partial slices ``slice`` (SliceBackward0),
``None`` an ``unsqueeze``; integer arrays and boolean masks go to one ``index`` node at
the end (IndexBackward0). An index that changes nothing is an alias (AliasBackward0).
"""

from __future__ import annotations

import numpy as np

from . import inplace, ops
from .grad_mode import _state
from .inplace import VIEW_OF_LEAF, refuse_view_write
from .tensor import Tensor


def _normalize_key(key, ndim: int) -> tuple[tuple, tuple]:
    """The key as a tuple with any Ellipsis expanded into full slices, and the position each
    entry had in the key as written (PyTorch's index errors count those)."""
    key = key if isinstance(key, tuple) else (key,)
    for k in key:
        if isinstance(k, Tensor) and k._data.dtype.kind not in "iub":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    key = tuple(k._data if isinstance(k, Tensor) else k for k in key)
    consumed = sum(_dims_consumed(k) for k in key)
    if ndim == 0 and consumed:
        _refuse_0d(key)
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    positions = tuple(range(len(key)))
    if any(k is Ellipsis for k in key):
        at = next(i for i, k in enumerate(key) if k is Ellipsis)
        fill = ndim - consumed
        key = key[:at] + (slice(None),) * fill + key[at + 1 :]
        positions = positions[:at] + (at,) * fill + positions[at + 1 :]
    return key, positions


def _refuse_0d(key: tuple) -> None:
    """PyTorch's errors for an integer or a slice applied to a 0-d tensor."""
    for k in key:
        if isinstance(k, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if isinstance(k, (int, np.integer)) or (isinstance(k, np.ndarray) and k.ndim == 0):
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )


def _dims_consumed(k) -> int:
    if k is None or k is Ellipsis:
        return 0
    return k.ndim if _is_mask(k) else 1


def _is_mask(k) -> bool:
    return isinstance(k, np.ndarray) and k.dtype == np.bool_


def _is_advanced(k) -> bool:
    return isinstance(k, (list, np.ndarray)) and not (isinstance(k, np.ndarray) and k.ndim == 0)


def getitem(t: Tensor, key) -> Tensor:
    """Index a tensor the way PyTorch does, node by node."""
    key, positions = _normalize_key(key, t.ndim)
    _check_bounds(t.shape, key, positions)
    if any(_is_advanced(k) for k in key):
        return ops.Index.apply(t, tuple(np.asarray(k) if isinstance(k, list) else k for k in key))
    result, dim = t, 0
    for k in key:
        if k is None:
            result = ops.Unsqueeze.apply(result, dim)
            dim += 1
        elif isinstance(k, slice):
            size = result.shape[dim]
            if k.indices(size) != (0, size, 1):
                result = ops.Slice.apply(result, dim, k)
            dim += 1
        elif isinstance(k, (int, np.integer)) or (isinstance(k, np.ndarray) and k.ndim == 0):
            if result.ndim == 0:
                raise IndexError(
                    "invalid index of a 0-dim tensor. Use `tensor.item()` in "
                    "Python or `tensor.item<T>()` in C++ to convert a 0-dim "
                    "tensor to a number"
                )
            result = ops.Select.apply(result, dim, int(k))
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices (got " + type(k).__name__ + ")"
            )
    return ops.Alias.apply(t) if result is t else result


def setitem(t: Tensor, key, value) -> None:
    """Write into a tensor in place; in the graph this is a CopySlices node (IndexPutBackward0
    when the key is only index arrays, masks and full slices)."""
    recording = _state.enabled
    if recording and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF)
    key, positions = _normalize_key(key, t.ndim)
    _check_bounds(t.shape, key, positions)
    advanced = any(_is_advanced(k) for k in key)
    written = t._data if advanced else t._data[(*key, ...)]  # a view, 0-d ones too
    inplace.refuse_internal_overlap(written)
    if isinstance(value, Tensor) and not advanced:
        _check_copy(written, value)
    value_requires_grad = isinstance(value, Tensor) and value.requires_grad
    if recording and (t.requires_grad or value_requires_grad):
        refuse_view_write(t)
        source = Tensor._make(t._data.copy(), t.requires_grad, t.grad_fn, t._output_nr)
        if value_requires_grad and not advanced:
            value = _broadcast_source(value, written.shape)
        op = ops.IndexPut if _is_index_put(key) else ops.CopySlices
        inplace.write(t, op.apply(source, value, key))
        return
    t._data[key] = value._data if isinstance(value, Tensor) else value
    inplace.note_write(t)


def _check_copy(written: np.ndarray, value: Tensor) -> None:
    """PyTorch's checks before setitem copies a tensor: the value, leading 1s dropped,
    must expand to the written shape; one of that shape must not overlap the written memory
    in part (an expanded value is not dense, so PyTorch does not check it)."""
    shape = _without_leading_ones(value._data.shape)
    if value._data.shape != written.shape and shape:
        ops.shape.expanded_shape(value._data.reshape(shape), written.shape)
    if shape == _without_leading_ones(written.shape):
        inplace.refuse_partial_overlap(written.reshape(shape), (value._data.reshape(shape),))


def _broadcast_source(value: Tensor, shape: tuple) -> Tensor:
    """PyTorch's copy_to: a value of another shape (not 0-d) is viewed without its leading
    1s (ViewBackward0), then expanded to the written shape (ExpandBackward0) if it differs."""
    if value._data.shape == shape or value._data.ndim == 0:
        return value
    value = ops.View.apply(value, _without_leading_ones(value._data.shape))
    return value if value._data.shape == shape else ops.Expand.apply(value, shape)


def _without_leading_ones(shape: tuple) -> tuple:
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape


def _is_index_put(key: tuple) -> bool:
    full = slice(None)
    return any(_is_advanced(k) for k in key) and all(_is_advanced(k) or k == full for k in key)


def _check_bounds(shape: tuple, key: tuple, positions: tuple) -> None:
    """PyTorch's IndexError for an index out of range or a mask of the wrong shape. An integer
    is reported at its position in the key; an index array by its rank among the arrays."""
    dim = arrays = 0
    for k, position in zip(key, positions, strict=True):
        if k is None:
            continue
        if _is_mask(k):
            _check_mask(shape, k, dim)
            dim, arrays = dim + k.ndim, arrays + 1
            continue
        if _is_advanced(k):
            index = np.asarray(k)
            if index.dtype.kind in "iu":
                bad = index[(index < -shape[dim]) | (index >= shape[dim])]
                if bad.size:
                    raise IndexError(
                        f"index {bad.flat[0]} is out of bounds for dimension {arrays} "
                        f"with size {shape[dim]}"
                    )
            arrays += 1
        elif isinstance(k, (int, np.integer)) or (isinstance(k, np.ndarray) and k.ndim == 0):
            ops.check_index(int(k), position, shape[dim])
        dim += 1


def _check_mask(shape: tuple, mask: np.ndarray, dim: int) -> None:
    for j, n in enumerate(mask.shape):
        if n != shape[dim + j]:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                f"shape of the indexed tensor {list(shape)} at index {dim + j}"
            )
