"""Functions that create tensors: ``tensor``, ``ones``, ``arange``, ``randn`` and friends."""

from __future__ import annotations

import threading

import numpy as np

from . import dtypes
from .tensor import Tensor, _sizes
from .warn import warn

START_SEED = 0  # each thread's generator starts here, as PyTorch's starts from its default


class _Generator(threading.local):
    """Each thread draws from its own seeded generator: a web request's ``manual_seed``
    makes its own run reproducible and never shifts another request's numbers."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(START_SEED)


_generator = _Generator()

TENSOR_COPY_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
    "or sourceTensor.detach().clone().requires_grad_(True), rather than "
    "torch.tensor(sourceTensor)."
)


def _finish(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(data)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t._requires_grad = True
    return t


def _infer_dtype(data) -> dtypes.dtype:
    """PyTorch's dtype for nested Python data: every element has a dtype (numpy scalars and
    tensors their own; Python bool, int, float: bool, int64, float32) and they promote.
    No elements at all gives the default float dtype."""
    found = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        if isinstance(item, Tensor):
            kind = item.dtype
        elif isinstance(item, (np.ndarray, np.generic)):
            kind = dtypes.from_numpy_dtype(item.dtype)
        elif isinstance(item, (bool, int, float)):
            kind = dtypes.category_default(dtypes.scalar_category(item))
        elif isinstance(item, str):
            raise TypeError("new(): invalid data type 'str'")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")
        found = kind if found is None else dtypes.promote_types(found, kind)
    return dtypes.default_float() if found is None else found


def _plain(data):
    """Nested data with tensors replaced by their arrays."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_plain(x) for x in data]
    return data


def tensor(data, dtype=None, requires_grad=False) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, tensors)."""
    if isinstance(data, Tensor):
        warn(TENSOR_COPY_WARNING, stacklevel=2)
    if dtype is None:
        dtype = (
            dtypes.from_numpy_dtype(data.dtype)
            if isinstance(data, np.ndarray)
            else (_infer_dtype(data))
        )
    else:
        dtype = dtypes.as_dtype(dtype)
    try:
        array = np.array(_plain(data), dtype=dtype.np)
    except (ValueError, TypeError):
        _check_nested(data, _nested_shape(data))  # raises PyTorch's error for ragged data
        raise
    return _finish(array, requires_grad)


def _nested_shape(data) -> tuple:
    """The shape nested data claims, read along its first elements."""
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return tuple(shape)


def _check_nested(data, shape: tuple, dim: int = 0) -> None:
    """PyTorch's errors for nested lists that are not rectangular."""
    if dim == len(shape):
        if isinstance(data, (list, tuple)):
            raise TypeError(f"must be real number, not {type(data).__name__}")
        return
    if not isinstance(data, (list, tuple)):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _check_nested(item, shape, dim + 1)


def as_tensor(data, dtype=None) -> Tensor:
    """``data`` as a tensor, without copying a tensor that already fits."""
    if isinstance(data, Tensor) and (dtype is None or dtypes.as_dtype(dtype) == data.dtype):
        return data
    return tensor(data, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return Tensor._make(array)


def _shape(size: tuple, name: str = "") -> tuple:
    """A requested shape (``f(2, 3)``, ``f((2, 3))``); PyTorch's error for a negative size."""
    shape = tuple(int(n) for n in _sizes(size))
    if any(n < 0 for n in shape):
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        first = next(n for n in shape if n < 0)
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {first}: {list(shape)}"
        )
    return shape


def _filled(fill, size: tuple, dtype, requires_grad: bool, name: str = "") -> Tensor:
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    return _finish(np.full(_shape(size, name), fill, dtype=dtype.np), requires_grad)


def ones(*size, dtype=None, requires_grad=False) -> Tensor:
    """A tensor of ones."""
    return _filled(1, size, dtype, requires_grad)


def zeros(*size, dtype=None, requires_grad=False) -> Tensor:
    """A tensor of zeros."""
    return _filled(0, size, dtype, requires_grad, "zeros")


def empty(*size, dtype=None, requires_grad=False) -> Tensor:
    """An uninitialised tensor (zeros here, for reproducibility)."""
    return _filled(0, size, dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False) -> Tensor:
    """A tensor filled with one value; its dtype follows the value, as in PyTorch."""
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled(fill_value, (tuple(size),), dtype, requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad=False) -> Tensor:
    """Ones with another tensor's shape and dtype."""
    return _filled(1, (t.shape,), dtype or t.dtype, requires_grad)


def zeros_like(t: Tensor, dtype=None, requires_grad=False) -> Tensor:
    """Zeros with another tensor's shape and dtype."""
    return _filled(0, (t.shape,), dtype or t.dtype, requires_grad)


def full_like(t: Tensor, fill_value, dtype=None, requires_grad=False) -> Tensor:
    """A tensor of another's shape and dtype filled with one value."""
    return _filled(fill_value, (t.shape,), dtype or t.dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False) -> Tensor:
    """Evenly spaced values in [start, end); integral arguments give int64."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _infer_dtype([start, end, step])
    else:
        dtype = dtypes.as_dtype(dtype)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    return _finish(np.arange(start, end, step).astype(dtype.np), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values from start to end inclusive."""
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    return _finish(np.linspace(start, end, int(steps)).astype(dtype.np), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False) -> Tensor:
    """An identity matrix."""
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    return _finish(np.eye(n, m, dtype=dtype.np), requires_grad)


def manual_seed(seed: int) -> None:
    """Seed ``rand``/``randn`` (reproducible here; the values differ from PyTorch's)."""
    _generator.rng = np.random.default_rng(int(seed))


def rand(*size, dtype=None, requires_grad=False) -> Tensor:
    """Uniform samples from [0, 1)."""
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    return _finish(_generator.rng.random(_shape(size)).astype(dtype.np), requires_grad)


def randn(*size, dtype=None, requires_grad=False) -> Tensor:
    """Standard normal samples."""
    dtype = dtypes.default_float() if dtype is None else dtypes.as_dtype(dtype)
    return _finish(_generator.rng.standard_normal(_shape(size)).astype(dtype.np), requires_grad)


def randint(low, high=None, size=None, dtype=None) -> Tensor:
    """Random integers in [low, high); ``randint(high, size)`` starts at 0."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    size = () if size is None else size
    dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
    return _finish(_generator.rng.integers(low, high, size=tuple(size)).astype(dtype.np), False)


def rand_like(t: Tensor, requires_grad=False) -> Tensor:
    """Uniform samples with another tensor's shape."""
    return rand(t.shape, dtype=t.dtype, requires_grad=requires_grad)


def randn_like(t: Tensor, requires_grad=False) -> Tensor:
    """Normal samples with another tensor's shape."""
    return randn(t.shape, dtype=t.dtype, requires_grad=requires_grad)
