"""Free functions of the ``torch`` namespace that take tensors: ``torch.exp(x)`` etc."""

from __future__ import annotations

import numpy as np

from . import ops
from .tensor import Tensor


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


def neg(x):
    """Negation."""
    return -x


def exp(x):
    """Elementwise e**x."""
    return x.exp()


def log(x):
    """Natural logarithm."""
    return x.log()


def sin(x):
    """Sine."""
    return x.sin()


def cos(x):
    """Cosine."""
    return x.cos()


def tan(x):
    """Tangent."""
    return x.tan()


def tanh(x):
    """Hyperbolic tangent."""
    return x.tanh()


def sigmoid(x):
    """Logistic sigmoid."""
    return x.sigmoid()


def relu(x):
    """max(x, 0)."""
    return x.relu()


def sqrt(x):
    """Square root."""
    return x.sqrt()


def abs(x):
    """Absolute value."""
    return x.abs()


def square(x):
    """x ** 2."""
    return x.square()


def reciprocal(x):
    """1 / x."""
    return x.reciprocal()


def clamp(x, min=None, max=None):
    """Clamp into [min, max]."""
    return x.clamp(min, max)


clip = clamp


def sum(x, dim=None, keepdim=False):
    """Sum of all elements, or along ``dim``."""
    return x.sum(dim, keepdim)


def mean(x, dim=None, keepdim=False):
    """Mean of all elements, or along ``dim``."""
    return x.mean(dim, keepdim)


def max(x, dim=None, keepdim=False):
    """Largest element, (values, indices) along ``dim``, or elementwise with a tensor."""
    return x.max(dim, keepdim)


def min(x, dim=None, keepdim=False):
    """Smallest element, (values, indices) along ``dim``, or elementwise with a tensor."""
    return x.min(dim, keepdim)


def maximum(a, b):
    """Elementwise maximum."""
    return ops.Maximum.apply(a, b)


def minimum(a, b):
    """Elementwise minimum."""
    return ops.Minimum.apply(a, b)


def argmax(x, dim=None, keepdim=False):
    """Index of the largest element."""
    return x.argmax(dim, keepdim)


def argmin(x, dim=None, keepdim=False):
    """Index of the smallest element."""
    return x.argmin(dim, keepdim)


def softmax(x, dim):
    """Softmax along ``dim``."""
    return ops.Softmax.apply(x, dim)


def log_softmax(x, dim):
    """Log-softmax along ``dim``."""
    return ops.LogSoftmax.apply(x, dim)


def where(condition, a, b):
    """Elements of ``a`` where ``condition`` holds, else of ``b``."""
    return ops.Where.apply(a, b, condition._data.astype(bool))


def matmul(a, b):
    """Matrix product with PyTorch's rules and node names for each rank combination."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        return ops.Dot.apply(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return ops.Mm.apply(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return ops.Mv.apply(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return ops.SqueezeRow.apply(ops.Mm.apply(ops.Unsqueeze.apply(a, 0), b), 0)
    return ops.BatchedMatmul.apply(a, b)


def mm(a, b):
    """Product of two matrices."""
    return ops.Mm.apply(a, b)


def mv(a, v):
    """Matrix-vector product."""
    return ops.Mv.apply(a, v)


def dot(u, v):
    """Dot product of two vectors."""
    return ops.Dot.apply(u, v)


def t(x):
    """Transpose of a matrix."""
    return x.t()


def transpose(x, dim0, dim1):
    """Swap two dimensions."""
    return x.transpose(dim0, dim1)


def permute(x, dims):
    """Reorder the dimensions."""
    return x.permute(dims)


def reshape(x, shape):
    """The same elements in a new shape."""
    return x.reshape(shape)


def flatten(x):
    """All elements in one dimension."""
    return x.flatten()


def unsqueeze(x, dim):
    """Insert a dimension of size 1."""
    return x.unsqueeze(dim)


def squeeze(x, dim=None):
    """Remove dimensions of size 1."""
    return x.squeeze(dim)


def cat(tensors, dim=0):
    """Concatenate along an existing dimension."""
    return ops.Cat.apply(*tensors, dim)


concat = cat


def stack(tensors, dim=0):
    """Stack along a new dimension."""
    return ops.Stack.apply(*tensors, dim)


def clone(x):
    """A copy that stays in the graph."""
    return x.clone()


def detach(x):
    """The same data cut off from the graph."""
    return x.detach()


def numel(x) -> int:
    """The number of elements."""
    return x.numel()


def is_tensor(x) -> bool:
    """Whether ``x`` is a tensor."""
    return isinstance(x, Tensor)
