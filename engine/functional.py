"""Free functions of the ``torch`` namespace that take tensors: ``torch.exp(x)`` etc.

A Tensor method marked ``@function_variant`` is also a function here, made from the method
(``torch.exp(x)`` is ``x.exp()``), so adding an operation touches its op and its method
only. The functions written out below do more than call a method.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import ops
from .ops.common import legacy_type
from .tensor import Tensor
from .warn import warn_once


def _from_method(name: str):
    """``torch.NAME(input, *args, **kwargs)``: the method ``NAME`` of a tensor ``input``."""
    method = getattr(Tensor, name)

    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}(): argument 'input' (position 1) must be Tensor, "
                f"not {type(input).__name__}"
            )
        return method(input, *args, **kwargs)

    signature = inspect.signature(method)
    self, *rest = signature.parameters.values()
    function.__signature__ = signature.replace(parameters=[self.replace(name="input"), *rest])
    function.__name__ = function.__qualname__ = name
    function.__doc__ = method.__doc__
    return function


METHOD_FUNCTIONS = {
    name: _from_method(name)
    for name, member in vars(Tensor).items()
    if getattr(member, "function_variant", False)
}
globals().update(METHOD_FUNCTIONS)


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def add(a, b, alpha=1):
    """``a + alpha * b``."""
    return _tensor(a).add(b, alpha=alpha)


def sub(a, b, alpha=1):
    """``a - alpha * b``."""
    return _tensor(a).sub(b, alpha=alpha)


def mul(a, b):
    """Elementwise product."""
    return _tensor(a) * b


def div(a, b):
    """Elementwise true division."""
    return _tensor(a) / b


def pow(base, exponent):
    """Elementwise power; a scalar base records PowBackward2 as in PyTorch."""
    if isinstance(base, Tensor):
        return base**exponent
    return ops.RPow.apply(exponent, base)


def maximum(a, b):
    """Elementwise maximum."""
    return ops.Maximum.apply(a, b)


def minimum(a, b):
    """Elementwise minimum."""
    return ops.Minimum.apply(a, b)


_UINT8_CONDITION_WARNING = (
    "where received a uint8 condition tensor. This behavior is deprecated and will be removed "
    "in a future version of PyTorch. Use a boolean condition instead."
)


def where(condition, a, b):
    """Elements of ``a`` where ``condition`` holds, else of ``b`` (a bool condition only)."""
    kind = condition._data.dtype
    if kind == np.uint8:  # still accepted by PyTorch, with a deprecation warning (once)
        warn_once(_UINT8_CONDITION_WARNING, stacklevel=2)
    elif kind != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{legacy_type(condition._data)}"
        )
    return ops.Where.apply(a, b, condition._data.astype(bool))


def matmul(a, b):
    """Matrix product, decomposed into the nodes PyTorch records for each rank combination."""
    dims = a.ndim, b.ndim
    if 0 in dims:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if dims == (1, 1):
        return ops.Dot.apply(a, b)
    if dims == (2, 1):
        return ops.Mv.apply(a, b)
    if dims == (1, 2):
        return ops.SqueezeRow.apply(ops.Mm.apply(ops.Unsqueeze.apply(a, 0), b), 0)
    if dims == (2, 2):
        return ops.Mm.apply(a, b)
    if _should_fold(a, b):
        return _folded_matmul(a, b)
    return _batched_matmul(a, b)


def _should_fold(a, b) -> bool:
    """PyTorch folds the batch of the larger operand into one matrix when that needs no copy
    (or when the smaller operand requires grad, to keep its gradient small)."""
    larger = a.ndim >= b.ndim
    t1 = a._data if larger else np.swapaxes(b._data, -1, -2)
    if not (t1.ndim >= 3 and (b if larger else a).ndim <= 2):
        return False
    if (b if larger else a).requires_grad:
        return True
    if a.ndim == 2:
        return False
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.ndim - 2))


def _folded_matmul(a, b):
    """(..., n, k) @ (k, m) or (k,) as one mm/mv on a (batch*n, k) view; the mirrored case
    ``(n, k) @ (..., k, m)`` is computed transposed."""
    transpose = b.ndim > a.ndim
    t1 = b.mT if transpose else a
    t2 = (a.t() if a.ndim == 2 else a) if transpose else b
    rows = t1.shape[:-1]
    folded = t1.reshape(int(np.prod(rows)), t1.shape[-1])
    if t2.ndim == 1:
        return ops.UnsafeView.apply(ops.Mv.apply(folded, t2), rows)
    out = ops.UnsafeView.apply(ops.Mm.apply(folded, t2), (*rows, t2.shape[1]))
    return out.mT.contiguous() if transpose else out


def _batched_matmul(a, b):
    """Broadcast the batch dims, flatten them into one, and bmm."""
    n, k = (a.shape[-2] if a.ndim > 1 else 1), a.shape[-1]
    m, p = (b.shape[-2], b.shape[-1]) if b.ndim > 1 else (b.shape[0], 1)
    batch_a, batch_b = tuple(a.shape[:-2]), tuple(b.shape[:-2])
    ops.common.check_broadcast(batch_a, batch_b)
    batch = np.broadcast_shapes(batch_a, batch_b)
    count = int(np.prod(batch))
    a3 = a.expand(*batch, n, k).reshape(count, n, k)
    if b.ndim == 1:
        b3 = b.expand(*batch, m).reshape(count, m).unsqueeze(2)
    else:
        b3 = b.expand(*batch, m, p).reshape(count, m, p)
    out = ops.Bmm.apply(a3, b3)
    if b.ndim == 1:
        out = out.squeeze(-1)
    shape = batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ())
    return ops.UnsafeView.apply(out, shape)


def mm(a, b):
    """Product of two matrices."""
    return ops.Mm.apply(a, b)


def mv(a, v):
    """Matrix-vector product."""
    return ops.Mv.apply(a, v)


def bmm(a, b):
    """A batch of matrix products: (b, n, k) @ (b, k, m)."""
    return ops.Bmm.apply(a, b)


def dot(u, v):
    """Dot product of two vectors."""
    return ops.Dot.apply(u, v)


def cat(tensors, dim=0):
    """Concatenate along an existing dimension."""
    return ops.Cat.apply(*tensors, dim)


concat = cat


def stack(tensors, dim=0):
    """Stack along a new dimension."""
    return ops.Stack.apply(*tensors, dim)


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded to their common shape; one that has it already is returned as
    it is (no ``ExpandBackward0``), as in PyTorch."""
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(t if tuple(t.shape) == shape else t.expand(*shape) for t in tensors)


def is_tensor(x) -> bool:
    """Whether ``x`` is a tensor."""
    return isinstance(x, Tensor)


__all__ = [
    "add",
    "bmm",
    "broadcast_tensors",
    "cat",
    "concat",
    "div",
    "dot",
    "is_tensor",
    "matmul",
    "maximum",
    "minimum",
    "mm",
    "mul",
    "mv",
    "pow",
    "stack",
    "sub",
    "where",
    *METHOD_FUNCTIONS,
]
