"""``t[key]`` and ``t[key] = value``, decomposed into the nodes PyTorch records.

Integers become ``select`` (SelectBackward0), partial slices ``slice`` (SliceBackward0),
``None`` an ``unsqueeze``; integer arrays and boolean masks go to one ``index`` node at
the end (IndexBackward0). An index that changes nothing is an alias (AliasBackward0).
"""

from __future__ import annotations

import numpy as np

from . import ops
from .grad_mode import _state
from .tensor import Tensor

VIEW_OF_LEAF = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def _normalize_key(key, ndim: int) -> tuple:
    """The key as a tuple with any Ellipsis expanded into full slices."""
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(k._data if isinstance(k, Tensor) else k for k in key)
    consumed = sum(_dims_consumed(k) for k in key)
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    if any(k is Ellipsis for k in key):
        at = next(i for i, k in enumerate(key) if k is Ellipsis)
        key = key[:at] + (slice(None),) * (ndim - consumed) + key[at + 1 :]
    return key


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
    key = _normalize_key(key, t.ndim)
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
    """Write into a tensor in place; in the graph this is a CopySlices node."""
    recording = _state.enabled
    if recording and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF)
    key = _normalize_key(key, t.ndim)
    _check_bounds(t.shape, key)
    value_requires_grad = isinstance(value, Tensor) and value.requires_grad
    if recording and (t.requires_grad or value_requires_grad):
        source = Tensor._make(t._data.copy(), t.requires_grad, t.grad_fn, t._output_nr)
        t._write(ops.CopySlices.apply(source, value, key))
        return
    t._data[key] = value._data if isinstance(value, Tensor) else value
    t._version_counter[0] += 1


def _check_bounds(shape: tuple, key: tuple) -> None:
    dim = 0
    for k in key:
        if k is None:
            continue
        if isinstance(k, (int, np.integer)):
            ops.check_index(int(k), dim, shape[dim])
        dim += 1
