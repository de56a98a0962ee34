"""The Tensor: numpy storage plus autograd metadata; every method calls an op visibly."""

from __future__ import annotations

import numpy as np

from . import dtypes
from ._tensor_str import format_tensor
from .types import RemovableHandle, ReturnTypes, Size
from .warn import warn, warn_once

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)
SCALAR_CONVERSION_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
    "behavior.\nConsider using tensor.detach() first."
)
LEAF_FLAG_MESSAGE = "you can only change requires_grad flags of leaf variables."
LEAF_FLAG_HINT = (
    " If you want to use a computed variable in a subgraph that doesn't require "
    "differentiation use var_no_grad = var.detach()."
)
_new_object, _ndarray, _asarray = object.__new__, np.ndarray, np.asarray  # for Tensor._make


def function_variant(method):
    """Mark a method that is also a function of the torch namespace, ``torch.NAME(input, …)``
    (``engine.functional`` makes those functions; PyTorch's ``variants: function, method``)."""
    method.function_variant = True
    return method


class Tensor:
    """An n-dimensional array that can record the operations applied to it."""

    # Hot attributes live in slots; rarely set ones default on the class and go to the
    # instance __dict__ only when set, which keeps creating a tensor cheap.
    __slots__ = (
        "_data",
        "_requires_grad",
        "grad_fn",
        "_output_nr",
        "_version_counter",
        "__dict__",
        "__weakref__",
    )
    __array_priority__ = 1000  # numpy defers to Tensor's reflected operators
    _grad = None
    _accumulator = None
    _retains_grad = False
    _hooks = None
    _base = None  # a view's base tensor (the first one that is not a view)
    _views = None  # a base's recorded views, weakly: rebuilt when the storage is written

    def __init__(self, data=()) -> None:
        self._data = np.array(data, dtype=dtypes.default_float().np)
        self._requires_grad, self.grad_fn, self._output_nr = False, None, 0
        self._version_counter = [0]

    @staticmethod
    def _make(data, requires_grad=False, grad_fn=None, output_nr=0) -> Tensor:
        """Wrap an array (no copy) as a tensor; the fast path every op result takes.

        Every op result and gradient passes here, so it skips ``__init__`` and looks up
        nothing it can avoid: a staticmethod with module-level aliases is ~60 ns (25%)
        cheaper per call than the classmethod with ``object.__new__(cls)``.
        """
        t = _new_object(Tensor)
        t._data = data if type(data) is _ndarray else _asarray(data)
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._output_nr = output_nr
        t._version_counter = [0]
        return t

    # ----- metadata -------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[ops.common.normalize_dim(dim, self._data.ndim)]

    def stride(self, dim: int | None = None):
        """Elements to step over in memory for one step along each dimension (or one)."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return strides
        return strides[ops.common.normalize_dim(dim, self._data.ndim)]

    def data_ptr(self) -> int:
        """The address of the first element: equal for two names of the same memory."""
        return self._data.__array_interface__["data"][0]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    @function_variant
    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    nelement = numel

    @property
    def device(self) -> str:
        return "cpu"

    # ----- autograd -------------------------------------------------------------------
    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(LEAF_FLAG_MESSAGE + ("" if flag else LEAF_FLAG_HINT))
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether this leaf records operations; returns the tensor itself."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(LEAF_FLAG_MESSAGE + LEAF_FLAG_HINT)
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad:
            warn(NON_LEAF_GRAD_WARNING, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None and value.shape != self.shape:
            raise RuntimeError(
                f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor "
                "are the same size"
            )
        self._grad = value

    def _accumulate_grad(self, g: np.ndarray, owned: bool = False) -> None:
        """Add a backward pass's gradient into ``.grad`` (in place after the first); an
        ``owned`` gradient, which nothing else references, is kept without a copy when it
        already has the right dtype and layout, as PyTorch's AccumulateGrad steals it."""
        if self._grad is None:
            if owned and type(g) is _ndarray and g.dtype == self._data.dtype:
                flags = g.flags
                if flags.c_contiguous and flags.writeable:
                    self._grad = Tensor._make(g)
                    return
            self._grad = Tensor._make(np.array(g, dtype=self._data.dtype, order="C"))
        else:
            np.add(self._grad._data, g, out=self._grad._data, casting="unsafe")

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf's gradient in ``.grad`` after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            function.retain(self.grad_fn, self._output_nr, self)
            self._retains_grad = True

    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            function.add_pre_hook(self.grad_fn, self._output_nr, hook)
            hooks = self.grad_fn._pre_hooks[self._output_nr]
            return RemovableHandle(hooks, hook)
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def data(self) -> Tensor:
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the leaves' ``.grad``."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    @function_variant
    def detach(self) -> Tensor:
        """The same data (and version counter) cut off from the graph."""
        t = Tensor._make(self._data)
        t._version_counter = self._version_counter
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph in place."""
        self.grad_fn, self._requires_grad = None, False
        return self

    # ----- conversion and copies ------------------------------------------------------
    def item(self):
        """The single element as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as nested Python lists (a number for a 0-d tensor)."""
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array sharing memory."""
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad:
            warn_once(SCALAR_CONVERSION_WARNING, stacklevel=2)
        return float(self._data.reshape(()))

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.reshape(()))

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __bool__(self) -> bool:
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._data.size > 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __repr__(self) -> str:
        fn = self.grad_fn
        return format_tensor(
            self._data,
            self.dtype.name,
            None if fn is None else type(fn).__name__,
            self._requires_grad,
        )

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    __hash__ = object.__hash__

    def to(self, dtype) -> Tensor:
        """This tensor in another dtype (itself if it already has it)."""
        target = dtypes.as_dtype(dtype)
        if target.np == self._data.dtype:
            return self
        if target.is_floating_point:
            return ops.ToCopy.apply(self, target.np)
        return Tensor._make(self._data.astype(target.np))

    def float(self) -> Tensor:
        """Convert to float32."""
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """Convert to float64."""
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """Convert to int64 (not differentiable)."""
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        """Convert to int32 (not differentiable)."""
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        """Convert to bool (not differentiable)."""
        return self.to(dtypes.bool_)

    @function_variant
    def clone(self) -> Tensor:
        """A copy that stays in the graph."""
        return ops.Clone.apply(self)

    def is_contiguous(self) -> bool:
        """Whether the elements lie in memory in row-major order, without gaps."""
        return self._data.flags.c_contiguous

    def contiguous(self) -> Tensor:
        """Itself when contiguous, else a copy in the graph."""
        return self if self.is_contiguous() else ops.Clone.apply(self)

    # ----- operators (+ - * / and unary - are bound at the end of this module) ---------
    def __rsub__(self, other):
        return ops.Rsub.apply(self, other)

    def __rtruediv__(self, other):
        return ops.Mul.apply(ops.Reciprocal.apply(self), other)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return ops.PowTensor.apply(self, exponent)
        return ops.Pow.apply(self, exponent)

    def __rpow__(self, base):
        return ops.RPow.apply(self, base)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.Abs.apply(self)

    def __matmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented  # Python then raises PyTorch's TypeError
        return functional.matmul(self, other)

    def __rmatmul__(self, other):
        return NotImplemented  # reached only for a non-tensor left operand

    def __floordiv__(self, other):
        return _no_grad_binary(np.floor_divide, self, other)

    def __rfloordiv__(self, other):
        return _no_grad_binary(np.floor_divide, other, self)

    def __mod__(self, other):
        return _no_grad_binary(np.remainder, self, other)

    def __lt__(self, other):
        return _no_grad_binary(np.less, self, other)

    def __le__(self, other):
        return _no_grad_binary(np.less_equal, self, other)

    def __gt__(self, other):
        return _no_grad_binary(np.greater, self, other)

    def __ge__(self, other):
        return _no_grad_binary(np.greater_equal, self, other)

    def __eq__(self, other):
        return _no_grad_binary(np.equal, self, other)

    def __ne__(self, other):
        return _no_grad_binary(np.not_equal, self, other)

    def __and__(self, other):
        return _no_grad_binary(np.bitwise_and, self, other)

    def __or__(self, other):
        return _no_grad_binary(np.bitwise_or, self, other)

    def __invert__(self):
        return Tensor._make(np.invert(self._data))

    # ----- elementwise functions ------------------------------------------------------
    def add(self, other, alpha=1):
        """``self + alpha * other``."""
        return ops.Add.apply(self, other, alpha)

    def sub(self, other, alpha=1):
        """``self - alpha * other``."""
        return ops.Sub.apply(self, other, alpha)

    def mul(self, other):
        """Elementwise product."""
        return ops.Mul.apply(self, other)

    def div(self, other):
        """Elementwise true division."""
        return ops.Div.apply(self, other)

    def pow(self, exponent):
        """Elementwise power."""
        return self**exponent

    @function_variant
    def neg(self):
        """Negation."""
        return ops.Neg.apply(self)

    @function_variant
    def square(self):
        """``self ** 2`` (recorded as PowBackward0, as in PyTorch)."""
        return ops.Pow.apply(self, 2)

    @function_variant
    def reciprocal(self):
        """``1 / self``."""
        return ops.Reciprocal.apply(self)

    @function_variant
    def exp(self):
        """Elementwise e**x."""
        return ops.Exp.apply(self)

    @function_variant
    def log(self):
        """Natural logarithm."""
        return ops.Log.apply(self)

    @function_variant
    def sin(self):
        """Sine."""
        return ops.Sin.apply(self)

    @function_variant
    def cos(self):
        """Cosine."""
        return ops.Cos.apply(self)

    @function_variant
    def tan(self):
        """Tangent."""
        return ops.Tan.apply(self)

    @function_variant
    def tanh(self):
        """Hyperbolic tangent."""
        return ops.Tanh.apply(self)

    @function_variant
    def sinh(self):
        """Hyperbolic sine."""
        return ops.Sinh.apply(self)

    @function_variant
    def cosh(self):
        """Hyperbolic cosine."""
        return ops.Cosh.apply(self)

    @function_variant
    def sigmoid(self):
        """Logistic sigmoid 1 / (1 + e**-x)."""
        return ops.Sigmoid.apply(self)

    @function_variant
    def relu(self):
        """max(x, 0)."""
        return ops.Relu.apply(self)

    @function_variant
    def sqrt(self):
        """Square root."""
        return ops.Sqrt.apply(self)

    @function_variant
    def sign(self):
        """-1, 0 or 1 by the sign of each element (0 for NaN)."""
        return ops.Sign.apply(self)

    @function_variant
    def masked_fill(self, mask, value):
        """``value`` (a number or a 0-d tensor) where the bool ``mask`` is True."""
        op, args = ops.scatter.masked_fill(self, mask, value)
        return op.apply(self, *args)

    def masked_fill_(self, mask, value):
        """In-place ``masked_fill``."""
        op, args = ops.scatter.masked_fill(self, mask, value)
        return inplace.apply(self, op, *args)

    @function_variant
    def sgn(self):
        """``sign`` under the name that also covers complex numbers (x / |x|)."""
        return ops.Sgn.apply(self)

    @function_variant
    def abs(self):
        """Absolute value."""
        return ops.Abs.apply(self)

    @function_variant
    def clamp(self, min=None, max=None):
        """Clamp into [min, max]."""
        return ops.clamp_op(min, max).apply(self, min, max)

    clip = clamp

    def maximum(self, other):
        """Elementwise maximum of two tensors."""
        return ops.Maximum.apply(self, other)

    def minimum(self, other):
        """Elementwise minimum of two tensors."""
        return ops.Minimum.apply(self, other)

    # ----- matrix products ------------------------------------------------------------
    def matmul(self, other):
        """Matrix product with PyTorch's rules for 1-d and batched operands."""
        return functional.matmul(self, other)

    def mm(self, other):
        """Product of two matrices."""
        return ops.Mm.apply(self, other)

    def mv(self, other):
        """Matrix-vector product."""
        return ops.Mv.apply(self, other)

    def bmm(self, other):
        """A batch of matrix products: (b, n, k) @ (b, k, m)."""
        return ops.Bmm.apply(self, other)

    def dot(self, other):
        """Dot product of two vectors."""
        return ops.Dot.apply(self, other)

    # ----- reductions and softmax -----------------------------------------------------
    @function_variant
    def sum(self, dim=None, keepdim=False):
        """Sum of all elements, or along ``dim``."""
        if dim is None:
            return ops.Sum.apply(self)
        return ops.SumDim.apply(self, dim, keepdim)

    @function_variant
    def mean(self, dim=None, keepdim=False):
        """Mean of all elements, or along ``dim``."""
        if dim is None:
            return ops.Mean.apply(self)
        return ops.MeanDim.apply(self, dim, keepdim)

    @function_variant
    def max(self, dim=None, keepdim=False):
        """Largest element; with ``dim``, (values, indices); with a tensor, elementwise."""
        if isinstance(dim, Tensor):
            return ops.Maximum.apply(self, dim)
        if dim is None:
            return ops.Max.apply(self)
        return ReturnTypes("max", *ops.MaxDim.apply(self, dim, keepdim))

    @function_variant
    def min(self, dim=None, keepdim=False):
        """Smallest element; with ``dim``, (values, indices); with a tensor, elementwise."""
        if isinstance(dim, Tensor):
            return ops.Minimum.apply(self, dim)
        if dim is None:
            return ops.Min.apply(self)
        return ReturnTypes("min", *ops.MinDim.apply(self, dim, keepdim))

    @function_variant
    def argmax(self, dim=None, keepdim=False):
        """Index of the largest element (not differentiable)."""
        return _arg_extremum(np.argmax, self, dim, keepdim)

    @function_variant
    def argmin(self, dim=None, keepdim=False):
        """Index of the smallest element (not differentiable)."""
        return _arg_extremum(np.argmin, self, dim, keepdim)

    @function_variant
    def softmax(self, dim):
        """exp(x) / sum(exp(x)) along ``dim``."""
        return ops.Softmax.apply(self, dim)

    @function_variant
    def log_softmax(self, dim):
        """log(softmax(x)) along ``dim``, computed stably."""
        return ops.LogSoftmax.apply(self, dim)

    # ----- shape and indexing ---------------------------------------------------------
    @function_variant
    def reshape(self, *shape):
        """The same elements in a new shape: a view when the strides allow one (``view``
        of a contiguous tensor, ``_reshape_alias`` of another), else a reshaped copy."""
        shape = _sizes(shape)
        if self._data.flags.c_contiguous or self._data.size <= 1:
            return ops.View.apply(self, shape)
        if ops.shape.reshapes_as_view(self._data, shape):
            return ops.ReshapeAlias.apply(self, shape)
        return ops.UnsafeView.apply(ops.Clone.apply(self), shape)

    def view(self, *shape):
        """A view with a new shape; the tensor must be contiguous."""
        return ops.View.apply(self, _sizes(shape))

    def view_as(self, other):
        """A view with another tensor's shape."""
        return ops.View.apply(self, other.shape)

    @function_variant
    def flatten(self, start_dim=0, end_dim=-1):
        """Dimensions ``start_dim..end_dim`` merged into one (itself if nothing merges)."""
        if self._data.ndim == 0:
            return self.reshape(1)
        start = ops.common.normalize_dim(start_dim, self._data.ndim)
        end = ops.common.normalize_dim(end_dim, self._data.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if start == end:
            return self
        shape = self._data.shape
        return self.reshape(*shape[:start], -1, *shape[end + 1 :])

    @function_variant
    def t(self):
        """Transpose of a matrix (a vector or scalar is returned as it is)."""
        return ops.T.apply(self)

    @property
    def T(self):
        return ops.Permute.apply(self, tuple(range(self._data.ndim))[::-1])

    @property
    def mT(self):
        return ops.Transpose.apply(self, -2, -1)

    @function_variant
    def transpose(self, dim0, dim1):
        """Swap two dimensions."""
        return ops.Transpose.apply(self, dim0, dim1)

    @function_variant
    def permute(self, *dims):
        """Reorder the dimensions."""
        return ops.Permute.apply(self, _sizes(dims))

    @function_variant
    def unsqueeze(self, dim):
        """Insert a dimension of size 1."""
        return ops.Unsqueeze.apply(self, dim)

    @function_variant
    def squeeze(self, dim=None):
        """Remove dimensions of size 1 (all, or only ``dim``)."""
        if dim is None:
            return ops.Squeeze.apply(self)
        return ops.SqueezeDim.apply(self, dim)

    def expand(self, *sizes):
        """Broadcast to a larger shape without copying (-1 keeps a size)."""
        return ops.Expand.apply(self, _sizes(sizes))

    def expand_as(self, other):
        """Broadcast to another tensor's shape."""
        return ops.Expand.apply(self, other.shape)

    def __getitem__(self, key):
        return indexing.getitem(self, key)

    def __setitem__(self, key, value):
        indexing.setitem(self, key, value)

    # ----- in place -------------------------------------------------------------------
    def add_(self, other, alpha=1):
        """In-place ``self += alpha * other``."""
        return inplace.apply(self, ops.Add, other, alpha)

    def sub_(self, other, alpha=1):
        """In-place ``self -= alpha * other``."""
        return inplace.apply(self, ops.Sub, other, alpha)

    def mul_(self, other):
        """In-place ``self *= other``."""
        return inplace.apply(self, ops.Mul, other)

    def div_(self, other):
        """In-place ``self /= other``."""
        return inplace.apply(self, ops.Div, other)

    def pow_(self, exponent):
        """In-place power with a scalar or tensor exponent."""
        if isinstance(exponent, Tensor):
            return inplace.apply(self, ops.PowTensor, exponent)
        return inplace.apply(self, ops.Pow, exponent)

    def neg_(self):
        """In-place negation."""
        return inplace.apply(self, ops.Neg)

    def exp_(self):
        """In-place e**x."""
        return inplace.apply(self, ops.Exp)

    def relu_(self):
        """In-place max(x, 0)."""
        return inplace.apply(self, ops.Relu)

    def clamp_(self, min=None, max=None):
        """In-place clamp into [min, max]."""
        return inplace.apply(self, ops.clamp_op(min, max), min, max)

    def zero_(self):
        """Fill with zeros in place (the old values get no gradient)."""
        return inplace.apply(self, ops.Zero)

    def fill_(self, value):
        """Fill with one value in place (the old values get no gradient)."""
        if isinstance(value, Tensor):
            return inplace.apply(self, ops.FillTensor, value)
        return inplace.apply(self, ops.Fill, value)

    def copy_(self, src):
        """Copy ``src``'s values into this tensor in place (the old values get no gradient)."""
        return inplace.apply(self, ops.Copy, src)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    # ----- new tensors like this one --------------------------------------------------
    def new_ones(self, *size):
        """Ones of this tensor's dtype."""
        return Tensor._make(np.ones(_sizes(size), dtype=self._data.dtype))

    def new_zeros(self, *size):
        """Zeros of this tensor's dtype."""
        return Tensor._make(np.zeros(_sizes(size), dtype=self._data.dtype))


def _sizes(args: tuple) -> tuple:
    """Accept sizes as ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return args


def _data_of(x):
    return x._data if isinstance(x, Tensor) else x


def _no_grad_binary(ufunc, a, b) -> Tensor:
    return Tensor._make(ufunc(*ops.common.promote(_data_of(a), _data_of(b))))


def _arg_extremum(fn, t: Tensor, dim, keepdim) -> Tensor:
    if t._data.dtype == np.bool_:
        raise RuntimeError(f"{fn.__name__}(): does not support bool input")
    if dim is None:
        return Tensor._make(np.asarray(fn(t._data), dtype=np.int64))
    axis = ops.common.normalize_dim(dim, t._data.ndim)
    return Tensor._make(np.asarray(fn(t._data, axis=axis, keepdims=keepdim), dtype=np.int64))


# Ops build tensors, so they are imported once Tensor exists.
from . import autograd, function, functional, indexing, inplace, ops  # noqa: E402

# The arithmetic operators are their op's fast ``apply`` itself (``a * b`` runs
# ``ops.Mul.apply(a, b)``): one Python call less on every operation of a graph.
Tensor.__add__ = Tensor.__radd__ = ops.Add.apply
Tensor.__sub__ = ops.Sub.apply
Tensor.__mul__ = Tensor.__rmul__ = ops.Mul.apply
Tensor.__truediv__ = ops.Div.apply
Tensor.__neg__ = ops.Neg.apply
