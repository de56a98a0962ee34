"""Tensor dtypes and PyTorch's type-promotion rules."""

from __future__ import annotations

import numpy as np


class dtype:
    """A tensor element type; prints as ``torch.float32`` like PyTorch's."""

    __slots__ = (
        "name",
        "np",
        "is_floating_point",
        "is_signed",
        "itemsize",
        "legacy_name",
        "_category",
    )

    def __init__(self, name: str, np_type: type, category: int, legacy: str) -> None:
        self.name = name
        self.legacy_name = f"torch.{legacy}Tensor"
        self.np = np.dtype(np_type)
        self.is_floating_point = category == FLOAT
        self.is_signed = name not in ("bool", "uint8")
        self.itemsize = self.np.itemsize
        self._category = category

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


BOOL, INT, FLOAT = 0, 1, 2

bool_ = dtype("bool", np.bool_, BOOL, "Bool")
uint8 = dtype("uint8", np.uint8, INT, "Byte")
int8 = dtype("int8", np.int8, INT, "Char")
int16 = dtype("int16", np.int16, INT, "Short")
int32 = dtype("int32", np.int32, INT, "Int")
int64 = dtype("int64", np.int64, INT, "Long")
float16 = dtype("float16", np.float16, FLOAT, "Half")
float32 = dtype("float32", np.float32, FLOAT, "Float")
float64 = dtype("float64", np.float64, FLOAT, "Double")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def default_float() -> dtype:
    """The default floating dtype (float32, as in PyTorch)."""
    return float32


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The engine dtype of a numpy dtype; refuses types PyTorch has no tensor for."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only "
            "supported types are: float64, float32, float16, int64, int32, int16, int8, "
            "uint8, and bool."
        ) from None


def as_dtype(spec) -> dtype:
    """Accept an engine dtype, a numpy dtype or Python's ``float``/``int``/``bool``."""
    if isinstance(spec, dtype):
        return spec
    if spec is float:
        return float64
    if spec is int:
        return int64
    if spec is bool:
        return bool_
    return from_numpy_dtype(spec)


def scalar_category(value) -> int:
    """Category of a Python or numpy scalar: bool, int or float."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if isinstance(value, (int, np.integer)):
        return INT
    return FLOAT


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's promotion of two dtypes: a higher category (bool < int < float) wins as it
    is (float32 + int64 is float32, unlike numpy); within a category numpy's rule holds."""
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return _FROM_NP[np.promote_types(a.np, b.np)]


def category_default(category: int) -> dtype:
    """The dtype a Python scalar of this category stands for: bool, int64 or float32."""
    return (bool_, int64, float32)[category]


def result_type(dims: list, zero_dims: list, scalars: list) -> dtype:
    """PyTorch's result dtype: dimensioned tensors win over 0-d tensors over scalars,
    unless a lower-priority operand belongs to a higher category (bool < int < float)."""
    result = None
    for group in (dims, zero_dims):
        if not group:
            continue
        promoted = group[0]
        for d in group[1:]:
            promoted = promote_types(promoted, d)
        if result is None or promoted._category > result._category:
            result = promoted
    for value in scalars:
        category = scalar_category(value)
        if result is None or category > result._category:
            result = category_default(category)
    return result
