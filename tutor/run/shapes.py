"""How many elements an operation will allocate, known before the engine allocates them.

Only shapes are looked at (``np.broadcast_shapes`` works on tuples, not data), so a
request for a 10^10-element tensor is refused before any memory is touched. The bounds
are upper bounds: where an operation will fail anyway (shapes that do not broadcast), the
bound is the largest operand and the engine reports the real error in its own words.
"""

from __future__ import annotations

import math
import operator

import numpy as np

import engine

from ..functions import FUNCTIONS, LOSS


def shape_of(value) -> tuple:
    """The shape of a tensor or array; Python numbers are 0-d."""
    if isinstance(value, (engine.Tensor, np.ndarray, np.generic)):
        return tuple(value.shape)
    return ()


def broadcast(*shapes: tuple) -> tuple | None:
    """The broadcast shape, or None when the shapes do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _largest(shapes) -> int:
    return max((math.prod(s) for s in shapes), default=1)


def _matmul(a: tuple, b: tuple) -> tuple | None:
    """The result shape of ``a @ b`` under PyTorch's rules for 1-d and batched operands."""
    if not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(b) == 1:
        return a[:-1]
    if len(a) == 1:
        return b[:-2] + b[-1:]
    batch = broadcast(a[:-2], b[:-2])
    return None if batch is None else batch + (a[-2], b[-1])


def _expand(shape: tuple, sizes) -> tuple:
    """``x.expand(*sizes)``: -1 keeps the existing size."""
    sizes = tuple(operator.index(s) for s in sizes)
    lead = len(sizes) - len(shape)
    return tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))


def _index(shape: tuple, key) -> int:
    """An upper bound for ``x[key]``: integer index arrays can repeat elements."""
    key = key if isinstance(key, tuple) else (key,)
    bound, dim = math.prod(shape), 0
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - sum(_dims(j) for j in key)
        elif isinstance(k, (list, engine.Tensor, np.ndarray)) and not _is_mask(k):
            size = shape[dim] if dim < len(shape) else 1
            bound = -(-bound * math.prod(np.shape(k)) // max(size, 1))  # the dim becomes k's shape
        dim += _dims(k)
    return bound


def _dims(k) -> int:
    """Dimensions of the indexed tensor one element of a key consumes."""
    if k is None or k is Ellipsis:
        return 0
    return len(k.shape) if _is_mask(k) else 1


def _is_mask(k) -> bool:
    if isinstance(k, engine.Tensor):
        return k.dtype is engine.bool
    return isinstance(k, np.ndarray) and k.dtype == np.bool_


def op_bound(key: str, operands: tuple, params: dict) -> int:
    """An upper bound on the elements of one table operation's result."""
    shapes = [shape_of(x) for x in operands]
    if key in ("matmul", "mm", "mv", "dot"):
        result = _matmul(*shapes) if len(shapes) == 2 else None
    elif key == "expand":
        result = _expand(shapes[0], params["sizes"])
    elif key in ("cat", "stack"):
        return sum(math.prod(s) for s in shapes)
    elif key == "getitem":
        return _index(shapes[0], params["key"])
    elif key == "where":
        result = broadcast(*shapes, shape_of(params["condition"]))
    elif key == "cross_entropy" or FUNCTIONS[key].kind not in ("elementwise", LOSS):
        return _largest(shapes)
    else:
        result = broadcast(*shapes)
    return _largest(shapes) if result is None else math.prod(result)


def size_bound(size) -> int:
    """Elements of a shape given as ``(2, 3)``, ``[2, 3]``, ``torch.Size`` or an int."""
    if isinstance(size, (tuple, list)) and len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    if not isinstance(size, (tuple, list)):
        size = (size,)
    return math.prod(operator.index(s) for s in size)


def data_bound(data) -> int:
    """Elements of nested lists of numbers (or of a tensor or array)."""
    if isinstance(data, (engine.Tensor, np.ndarray)):
        return math.prod(data.shape)
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            count += math.prod(shape_of(item))
    return count


def factory_bound(name: str, arguments: dict) -> int:
    """Elements a factory call will allocate, from its bound arguments."""
    if "size" in arguments:
        return size_bound(arguments["size"])
    if "shape" in arguments:
        return size_bound(arguments["shape"])
    if "data" in arguments:
        return data_bound(arguments["data"])
    if name.endswith("_like"):
        return math.prod(shape_of(arguments["t"]))
    if name == "torch.arange":
        return _arange(arguments["start"], arguments["end"], arguments["step"])
    if name == "torch.linspace":
        return _count(arguments["steps"])
    if name == "torch.eye":
        n, m = arguments["n"], arguments["m"]
        return _count(n) * _count(n if m is None else m)
    return 0  # from_numpy shares the array's memory


def _count(x) -> int:
    """A count given as a number, the way the engine reads it (``int(steps)``)."""
    return int(x) if isinstance(x, float) else operator.index(x)


def _arange(start, end, step) -> float:
    if end is None:
        start, end = 0, start
    try:
        return max(math.ceil((end - start) / step), 0)
    except (ZeroDivisionError, TypeError):
        return 0  # the engine refuses these arguments in its own words
    except (OverflowError, ValueError):
        return math.inf  # an infinite or NaN range
