"""Helpers shared by the ops: dtype promotion of operands and gradient un-broadcasting."""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor

_FLOAT_KINDS = "fc"


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` back to an input's ``shape``.

    If ``y = broadcast(x)``, every element of ``x`` was copied to all positions of the
    axes broadcasting added (leading axes) or stretched (axes where ``x`` has size 1), so
    by the multivariable chain rule ``dL/dx`` is ``dL/dy`` summed over those axes. A
    recorded gradient (a tensor, under ``create_graph``) is summed with engine ops. A
    ``shape`` of None (see ``operands``) means ``grad`` has the input's shape already.
    """
    if shape is None or grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    if type(grad) is Tensor:  # as PyTorch's sum_to: a whole sum to a scalar, else a view
        if not shape:  # only for leading axes
            return grad.sum()
        summed = grad.sum(axes, keepdim=True) if axes else grad
        return summed.reshape(shape) if lead else summed
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad.reshape(shape)


def sum_to_inputs(grads: tuple, shapes: tuple) -> tuple:
    """Each input's gradient summed back to its shape (``unbroadcast``), in input order.

    PyTorch's generated backward runs a node's formulas input by input in the order of
    their names (``other`` before ``self``), and its engine sums the results back to the
    inputs' shapes afterwards, in input order; a recorded backward that does the same
    creates its nodes in PyTorch's order, on which the order of later sums depends.
    """
    return tuple(g if g is None else unbroadcast(g, s) for g, s in zip(grads, shapes, strict=True))


def zeros_like(grad):
    """A zero gradient, recorded or not (zeros carry no graph either way)."""
    if type(grad) is not Tensor:
        return np.zeros_like(grad)
    return Tensor._make(np.zeros_like(grad._data))


def zeros_in_dtype_of(grad, shape: tuple) -> np.ndarray:
    """Zeros of ``shape`` in a gradient's dtype (recorded or not): what PyTorch's backward
    formulas scatter or fill into."""
    return np.zeros(shape, dtype=(grad._data if type(grad) is Tensor else grad).dtype)


def shape_of(value) -> tuple:
    """Shape of an operand; Python scalars are 0-d."""
    return value.shape if type(value) is np.ndarray else ()


def check_output_shape(out: tuple, broadcast: tuple) -> None:
    """PyTorch's error when an op's result cannot be written into an output of shape ``out``."""
    if broadcast != out:
        raise RuntimeError(
            f"output with shape {list(out)} doesn't match the broadcast shape {list(broadcast)}"
        )


def _broadcast_error(a: tuple, b: tuple) -> RuntimeError:
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for dim in range(n - 1, -1, -1):
        if pa[dim] != pb[dim] and 1 not in (pa[dim], pb[dim]):
            return RuntimeError(
                f"The size of tensor a ({pa[dim]}) must match the size of tensor b ({pb[dim]}) "
                f"at non-singleton dimension {dim}"
            )
    return RuntimeError(f"shapes {list(a)} and {list(b)} cannot be broadcast")


def check_broadcast(a: tuple, b: tuple) -> None:
    """Raise PyTorch's error when two shapes cannot broadcast together."""
    if a != b and a[len(a) - len(b) :] != b:  # b as a's trailing dims (a bias) broadcasts
        try:
            np.broadcast_shapes(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


def result_dtype(*operands) -> dtypes.dtype:
    """PyTorch's result dtype for arrays (tensor data) and scalars."""
    dims, zero_dims, scalars = [], [], []
    for x in operands:
        if type(x) is np.ndarray:
            (dims if x.ndim else zero_dims).append(dtypes.from_numpy_dtype(x.dtype))
        else:
            scalars.append(x)
    return dtypes.result_type(dims, zero_dims, scalars)


def _as_python(x):
    return x.item() if isinstance(x, np.generic) else x


_NO_SUM = (None, None)


def operands(a, b, floating: bool = False) -> tuple:
    """The operands of a two-operand elementwise op, cast so that numpy computes ``a op b``
    in PyTorch's result dtype (with ``floating``, integer results become the default float
    dtype, as for ``/``), and what the op keeps for ``unbroadcast``: the operands' shapes,
    or None for each when no gradient needs summing back (equal shapes, or a number operand:
    the other's gradient has the result's shape, and a number gets none)."""
    shapes = _NO_SUM
    if type(a) is np.ndarray:
        if type(b) is np.ndarray:
            if a.shape != b.shape:
                check_broadcast(a.shape, b.shape)
                shapes = (a.shape, b.shape)
            if a.dtype == b.dtype and (not floating or a.dtype.kind in _FLOAT_KINDS):
                return a, b, shapes
        elif type(b) is float or type(b) is int:
            cached = _SCALARS.get((a.dtype, b))  # scalar_array's cache: float arrays only
            if cached is not None:
                return a, cached, shapes
            if _keeps_dtype(a, b, floating):
                return a, scalar_array(b, a.dtype), shapes
    elif (type(a) is float or type(a) is int) and type(b) is np.ndarray:
        if _keeps_dtype(b, a, floating):
            return scalar_array(a, b.dtype), b, shapes
    target = result_dtype(a, b)
    if floating and not target.is_floating_point:
        target = dtypes.default_float()
    return _cast(a, target.np), _cast(b, target.np), shapes


def promote(a, b, floating: bool = False) -> tuple:
    """``operands`` without the shapes: ``a`` and ``b`` in PyTorch's result dtype."""
    a, b, _ = operands(a, b, floating)
    return a, b


_SCALARS = {}


def scalar_array(x, dtype):
    """A Python number as a cached read-only 0-d array of a float ``dtype``: numpy's ufuncs
    take ~2x longer on a Python scalar than on a same-dtype array, and the value is the
    same (NEP 50 casts the scalar to the array's dtype either way)."""
    key = (dtype, x)
    cached = _SCALARS.get(key)
    if cached is not None:
        return cached
    # never cached, so never hit: other dtypes; +-0.0, which compare equal (the key would
    # lose the sign); NaN
    if dtype.kind != "f" or not x or x != x:
        return x
    with np.errstate(all="ignore"):
        array = np.array(x, dtype)
    if not np.isfinite(array):
        return x
    array.flags.writeable = False
    if len(_SCALARS) > 4096:
        _SCALARS.clear()
    _SCALARS[key] = array
    return array


def _keeps_dtype(array: np.ndarray, scalar, floating: bool) -> bool:
    if array.dtype.kind in _FLOAT_KINDS:
        return True
    return type(scalar) is int and not floating and array.dtype.kind != "b"


def _cast(x, target: np.dtype):
    if type(x) is np.ndarray:
        return x if x.dtype == target else x.astype(target)
    x = _as_python(x)
    return float(x) if target.kind in _FLOAT_KINDS and not isinstance(x, bool) else x


def as_float(a: np.ndarray) -> np.ndarray:
    """Integer and bool data computed by floating ops becomes float32, as in PyTorch."""
    if a.dtype.kind not in _FLOAT_KINDS:
        return a.astype(np.float32)
    return a


# numpy dtype name -> PyTorch's C++ type name, as some of its errors show it
_C_TYPE_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def c_type_name(a: np.ndarray) -> str:
    """PyTorch's C++ name of an array's dtype, as some errors show it: ``float``, ``long int``."""
    return _C_TYPE_NAMES[a.dtype.name]


def legacy_type(a: np.ndarray) -> str:
    """PyTorch's short type name of an array's dtype, as errors show it: ``Float``, ``Long``."""
    return dtypes.from_numpy_dtype(a.dtype).legacy_name[6:-6]


def check_float_kernel(a: np.ndarray, kernel: str) -> None:
    """PyTorch's error for a floating-only kernel run on integer or bool data."""
    if a.dtype.kind not in _FLOAT_KINDS:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{legacy_type(a)}'")


def normalize_dim(dim: int, ndim: int) -> int:
    """A dimension index in range, counted from the front (PyTorch's error otherwise)."""
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], "
            f"but got {dim})"
        )
    return dim % size
