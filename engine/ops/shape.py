"""Shape and indexing ops: views, permutations, expansion, select/slice/index, cat, stack.

Forward results share memory with the input wherever numpy can (as PyTorch's views do);
each backward puts the gradient back into the input's shape.
"""

from __future__ import annotations

import functools

import numpy as np

from ..dtypes import from_numpy_dtype, promote_types
from ..function import Op
from ..tensor import Tensor
from .common import normalize_dim, unbroadcast


def _shape_text(shape) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def target_shape(shape, size: int) -> tuple:
    """Resolve a requested shape (with at most one -1) for ``size`` elements."""
    shape = tuple(int(n) for n in shape)
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{_shape_text(shape)}' is invalid for input of size {size}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if int(np.prod(shape)) != size or any(n < 0 for n in shape):
        raise RuntimeError(f"shape '{_shape_text(shape)}' is invalid for input of size {size}")
    return shape


class View(Op, node="ViewBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        shape = target_shape(shape, a.size)
        if not a.flags.c_contiguous and a.size > 1:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least "
                "one dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (grad.reshape(ctx.shape),)  # a view of the gradient when it can be


class ReshapeAlias(View, node="ReshapeAliasBackward0"):
    """``reshape`` of a tensor that is not contiguous but whose strides allow a view."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.reshape(a, target_shape(shape, a.size), copy=False)


def reshapes_as_view(a: np.ndarray, shape: tuple) -> bool:
    """Whether ``a`` takes ``shape`` without a copy (PyTorch's ``computeStride``)."""
    try:
        np.reshape(a, target_shape(shape, a.size), copy=False)
    except ValueError:
        return False
    return True


class UnsafeView(View, node="UnsafeViewBackward0"):
    """The reshape of a copy (what ``reshape`` records for a non-contiguous input)."""

    is_view = False


class Clone(Op, node="CloneBackward0"):
    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    recorded_backward = backward


class Alias(Op, node="AliasBackward0"):
    is_view = True

    @staticmethod
    def forward(ctx, a):
        return a.view()

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    recorded_backward = backward


class ToCopy(Op, node="ToCopyBackward0"):
    inputs = 1

    @staticmethod
    def forward(ctx, a, np_dtype):
        ctx.dtype = a.dtype
        return a.astype(np_dtype)

    @staticmethod
    def backward(ctx, grad):
        return (grad.astype(ctx.dtype),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (ToCopy.apply(grad, ctx.dtype),)


class Permute(Op, node="PermuteBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, dims):
        if not dims:
            raise TypeError('permute() missing 1 required positional arguments: "dims"')
        dims = tuple(normalize_dim(d, a.ndim) for d in dims)
        if sorted(dims) != list(range(a.ndim)):
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                "the length of the desired ordering of dimensions i.e. input.dim() = "
                f"{a.ndim} is not equal to len(dims) = {len(dims)}"
                if len(dims) != a.ndim
                else "permute(): duplicate dims are not allowed."
            )
        ctx.inverse = tuple(np.argsort(dims))
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return (grad.transpose(ctx.inverse),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (Permute.apply(grad, ctx.inverse),)


class Transpose(Op, node="TransposeBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.dims = (normalize_dim(d0, a.ndim), normalize_dim(d1, a.ndim))
        return np.swapaxes(a, *ctx.dims) if a.ndim else a.view()

    @staticmethod
    def backward(ctx, grad):
        return (np.swapaxes(grad, *ctx.dims) if grad.ndim else grad,)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (Transpose.apply(grad, *ctx.dims) if grad.ndim else grad,)


class T(Op, node="TBackward0"):
    is_view = True

    @staticmethod
    def forward(ctx, a):
        if a.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
        return a.T

    @staticmethod
    def backward(ctx, grad):
        return (grad.T,)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (T.apply(grad),)


class Unsqueeze(Op, node="UnsqueezeBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = normalize_dim(dim, a.ndim + 1)
        return np.expand_dims(a, ctx.dim)

    @staticmethod
    def backward(ctx, grad):
        return (grad.squeeze(ctx.dim),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (SqueezeDim.apply(grad, ctx.dim),)


class Squeeze(Op, node="SqueezeBackward0"):
    is_view = True

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a.shape
        ctx.squeezed = tuple(i for i, n in enumerate(a.shape) if n == 1)
        return a.squeeze()

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        # derivatives.yaml squeeze: unsqueeze_to(grad, sizes), each size-1 dim in order
        for dim in ctx.squeezed:
            grad = Unsqueeze.apply(grad, dim)
        return (grad,)


class SqueezeDim(Squeeze, node="SqueezeBackward1"):
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim):
        ctx.shape = a.shape
        dim = normalize_dim(dim, a.ndim)
        squeezes = a.ndim and a.shape[dim] == 1
        ctx.squeezed = (dim,) if squeezes else ()
        return a.squeeze(dim) if squeezes else a.view()


class SqueezeRow(SqueezeDim, node="SqueezeBackward4"):
    """The squeeze that ``vector @ matrix`` records on top of its matrix product."""


def expanded_shape(a: np.ndarray, sizes) -> tuple:
    """The shape ``expand(sizes)`` gives ``a`` (-1 keeps a size), or PyTorch's error."""
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < a.ndim:
        raise RuntimeError(
            f"expand({from_numpy_dtype(a.dtype).legacy_name}{{{_shape_text(a.shape)}}}, "
            f"size={_shape_text(sizes)}): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({a.ndim})"
        )
    lead = len(sizes) - a.ndim
    shape = tuple(a.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes))
    for i in reversed(range(a.ndim)):  # PyTorch reports the last mismatch first
        if a.shape[i] != 1 and a.shape[i] != shape[lead + i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[lead + i]}) must match the "
                f"existing size ({a.shape[i]}) at non-singleton dimension {lead + i}.  "
                f"Target sizes: {_shape_text(sizes)}.  Tensor sizes: {_shape_text(a.shape)}"
            )
    return shape


class Expand(Op, node="ExpandBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, sizes):
        shape = expanded_shape(a, sizes)
        ctx.shape = a.shape
        # writeable, as PyTorch's expand: only a write to elements that share memory is
        # refused (inplace.refuse_internal_overlap), not one to a slice like [0]
        lead = len(shape) - a.ndim
        strides = (0,) * lead + tuple(
            0 if n == 1 and m != 1 else s
            for s, n, m in zip(a.strides, a.shape, shape[lead:], strict=True)
        )
        return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=a.flags.writeable)

    @staticmethod
    def backward(ctx, grad):
        return (unbroadcast(grad, ctx.shape),)

    recorded_backward = backward


def common_dtype(arrays) -> np.dtype:
    """The dtype cat/stack give a list of tensors: PyTorch's promotion over all of them."""
    return functools.reduce(promote_types, [from_numpy_dtype(a.dtype) for a in arrays]).np


def check_index(index: int, dim: int, size: int) -> int:
    """An integer index in range, or PyTorch's IndexError."""
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    return index % size


class Select(Op, node="SelectBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim, index):
        if a.ndim == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        index = check_index(index, dim, a.shape[dim])
        ctx.shape, ctx.dim, ctx.index = a.shape, dim, index
        return a[(slice(None),) * dim + (index, ...)]  # ...: a view even of one element

    @staticmethod
    def backward(ctx, grad):
        return (SelectBackward.forward(ctx, grad, ctx.shape, ctx.dim, ctx.index),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (SelectBackward.apply(grad, ctx.shape, ctx.dim, ctx.index),)


class Slice(Op, node="SliceBackward0"):
    is_view = True
    inputs = 1

    @staticmethod
    def forward(ctx, a, dim, part):
        if part.step is not None and part.step <= 0:
            raise ValueError("step must be greater than zero")
        ctx.shape, ctx.key = a.shape, (slice(None),) * dim + (part,)
        return a[ctx.key]

    @staticmethod
    def backward(ctx, grad):
        return (SliceBackward.forward(ctx, grad, ctx.shape, ctx.key),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (SliceBackward.apply(grad, ctx.shape, ctx.key),)


class SelectBackward(Op, node="SelectBackwardBackward0"):
    """A select's backward as an op (PyTorch's ``select_backward``): zeros of ``shape``
    with ``grad`` written at row ``index`` of ``dim``; its own backward selects it again."""

    inputs = 1

    @staticmethod
    def forward(ctx, grad, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        out = np.zeros(shape, dtype=grad.dtype)
        out[(slice(None),) * dim + (index,)] = grad
        return out

    @staticmethod
    def backward(ctx, gg):
        return (gg[(slice(None),) * ctx.dim + (ctx.index,)],)

    @staticmethod
    def recorded_backward(ctx, gg):
        return (Select.apply(gg, ctx.dim, ctx.index),)


class SliceBackward(Op, node="SliceBackwardBackward0"):
    """A slice's backward as an op (PyTorch's ``slice_backward``): zeros of ``shape`` with
    ``grad`` written at ``key``; its own backward slices it again."""

    inputs = 1

    @staticmethod
    def forward(ctx, grad, shape, key):
        ctx.key = key
        out = np.zeros(shape, dtype=grad.dtype)
        out[key] = grad
        return out

    @staticmethod
    def backward(ctx, gg):
        return (gg[ctx.key],)

    @staticmethod
    def recorded_backward(ctx, gg):
        dim = len(ctx.key) - 1
        return (Slice.apply(gg, dim, ctx.key[dim]),)


class Index(Op, node="IndexBackward0"):
    """Advanced indexing (integer arrays, boolean masks); repeated indices accumulate."""

    inputs = 1

    @staticmethod
    def forward(ctx, a, key):
        ctx.shape = a.shape
        ctx.saved = (key,)  # PyTorch saves the indices: a second backward needs retain_graph
        # numpy lays out x[:, idx] with the indexed axis outermost in memory; PyTorch's
        # result is contiguous (view() works on it, reshape() records ViewBackward0)
        return np.ascontiguousarray(a[key])

    @staticmethod
    def backward(ctx, grad):
        return (IndexAccumulate.forward(ctx, None, grad, ctx.saved[0], ctx.shape),)

    @staticmethod
    def recorded_backward(ctx, grad):
        return (IndexAccumulate.apply(None, grad, ctx.saved[0], ctx.shape),)


class IndexAccumulate(Op, node="IndexPutImplBackward0"):
    """Index's backward as an op: zeros of ``shape`` with ``grad`` added at ``key``, as
    PyTorch's ``_index_put_impl_(zeros, key, grad, accumulate=True)``, whose first input
    (the zeros: pass None) takes no gradient; its own backward gathers at ``key`` again."""

    inputs = 2

    @staticmethod
    def forward(ctx, zeros, grad, key, shape):
        ctx.key = key
        out = np.zeros(shape, dtype=grad.dtype)
        np.add.at(out, key, grad)
        return out

    @staticmethod
    def backward(ctx, gg):
        return (None, gg[ctx.key])

    @staticmethod
    def recorded_backward(ctx, gg):
        return (None, Index.apply(gg, ctx.key))


class Cat(Op, node="CatBackward0"):
    """``cat(tensors, dim)``: the last argument is the dim; every other one is an input."""

    inputs = -1

    @staticmethod
    def forward(ctx, *args):
        *arrays, dim = args
        if not arrays:
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        for position, a in enumerate(arrays):
            if a.ndim == 0:
                raise RuntimeError(
                    f"zero-dimensional tensor (at position {position}) cannot be concatenated"
                )
        dim = normalize_dim(dim, arrays[0].ndim)
        first = arrays[0].shape
        for number, a in enumerate(arrays[1:], start=1):
            if a.ndim != len(first):
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {len(first)} and {a.ndim}"
                )
            for d, (m, n) in enumerate(zip(first, a.shape, strict=True)):
                if d != dim and m != n:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {dim}. Expected "
                        f"size {m} but got size {n} for tensor number {number} in the list."
                    )
        ctx.dim, ctx.dtypes = dim, [a.dtype for a in arrays]
        ctx.splits = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        # a new contiguous tensor, as PyTorch's (numpy keeps a lone input's layout)
        return np.ascontiguousarray(np.concatenate(arrays, axis=dim, dtype=common_dtype(arrays)))

    @staticmethod
    def backward(ctx, grad):
        parts = np.split(grad, ctx.splits, axis=ctx.dim)
        return tuple(g.astype(t, copy=False) for g, t in zip(parts, ctx.dtypes, strict=True))

    @staticmethod
    def recorded_backward(ctx, grad):
        bounds = zip((0, *ctx.splits), (*ctx.splits, grad.shape[ctx.dim]), strict=True)
        parts = [Slice.apply(grad, ctx.dim, slice(int(i), int(j))) for i, j in bounds]
        return tuple(cast_to(g, t) for g, t in zip(parts, ctx.dtypes, strict=True))


class Stack(Op, node="StackBackward0"):
    """``stack(tensors, dim)``: the last argument is the dim."""

    inputs = -1

    @staticmethod
    def forward(ctx, *args):
        *arrays, dim = args
        if not arrays:
            raise RuntimeError("stack expects a non-empty TensorList")
        for number, a in enumerate(arrays[1:], start=1):
            if a.shape != arrays[0].shape:
                raise RuntimeError(
                    "stack expects each tensor to be equal size, but got "
                    f"{_shape_text(arrays[0].shape)} at entry 0 and {_shape_text(a.shape)} "
                    f"at entry {number}"
                )
        ctx.dim = normalize_dim(dim, arrays[0].ndim + 1)
        ctx.dtypes = [a.dtype for a in arrays]
        return np.ascontiguousarray(np.stack(arrays, axis=ctx.dim, dtype=common_dtype(arrays)))

    @staticmethod
    def backward(ctx, grad):
        parts = np.moveaxis(grad, ctx.dim, 0)
        return tuple(g.astype(t, copy=False) for g, t in zip(parts, ctx.dtypes, strict=True))

    @staticmethod
    def recorded_backward(ctx, grad):
        parts = [Select.apply(grad, ctx.dim, i) for i in range(len(ctx.dtypes))]
        return tuple(cast_to(g, t) for g, t in zip(parts, ctx.dtypes, strict=True))


def cast_to(grad: Tensor, np_dtype) -> Tensor:
    """A recorded gradient in an input's dtype (``ToCopyBackward0`` only when it changes)."""
    return grad if grad._data.dtype == np_dtype else ToCopy.apply(grad, np_dtype)
