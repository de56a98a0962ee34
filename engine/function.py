"""Backward nodes and the two ways to define an operation.

A tensor's ``grad_fn`` is a node: it knows its ``next_functions`` (one edge per input,
``(node or None, output_nr)``) and how to turn output gradients into input gradients.

- ``Op``: a built-in operation. ``forward``/``backward`` work on numpy arrays, and each
  subclass names the node class PyTorch shows (``class Mul(Op, node="MulBackward0")``).
- ``Function``: the public custom-function API (``engine.autograd.Function``), whose
  ``forward``/``backward`` work on tensors, with nodes named ``<Name>Backward``.
"""

from __future__ import annotations

import re
import weakref

import numpy as np

from .grad_mode import _state, no_grad
from .tensor import Tensor

SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)

FREED = object()  # marks a node's saved values as released after a backward pass


class Node:
    """A node of the backward graph; ``tensor.grad_fn`` is one of these."""

    next_functions: tuple = ()
    saved = None  # what backward needs; FREED once a backward pass has released it
    _versions = ()  # (version counter, version at save, tensor or None) checked before backward
    _pre_hooks = None  # output_nr -> hooks on the gradient of that output
    _retained = None  # output_nr -> weak reference to a non-leaf that retains its grad
    _n_outputs = 1

    def name(self) -> str:
        """The node's name, e.g. ``MulBackward0``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def register_hook(self, hook):
        """Unsupported on nodes; register hooks on tensors instead."""
        raise NotImplementedError("register hooks on tensors with Tensor.register_hook")

    def _release(self) -> None:
        if self.saved is not None:
            self.saved = FREED

    def _check_saved(self) -> None:
        if self.saved is FREED:
            raise RuntimeError(SECOND_BACKWARD)
        for counter, version, tensor in self._versions:
            if counter[0] != version:
                raise RuntimeError(_modified_message(self, counter[0], version, tensor))


def _modified_message(node: Node, now: int, expected: int, tensor) -> str:
    if tensor is None:  # the node's own output
        shape, dtype, fn, nr = node._out_shape, node._out_dtype, node, 0
    else:
        shape, dtype, fn, nr = tensor.shape, tensor.dtype, tensor.grad_fn, tensor._output_nr
    origin = "" if fn is None else f", which is output {nr} of {op_name(fn)},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{dtype.legacy_name} [{', '.join(map(str, shape))}]]{origin} "
        f"is at version {now}; expected version {expected} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def op_name(node: Node) -> str:
    """The forward op a node belongs to: ``Exp`` for ``ExpBackward0``."""
    return re.sub(r"Backward\d*$", "", type(node).__name__)


class AccumulateGrad(Node):
    """The node that adds an incoming gradient into a leaf's ``.grad``."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        """PyTorch's C++ name for this node."""
        return "torch::autograd::AccumulateGrad"


def edge(t) -> tuple:
    """The ``next_functions`` entry for an input: its node and output number."""
    if type(t) is not Tensor and not isinstance(t, Tensor):
        return (None, 0)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t.requires_grad:
        acc = t._accumulator
        if acc is None:
            acc = t._accumulator = AccumulateGrad(t)
        return (acc, 0)
    return (None, 0)


def _wrap_outputs(node, out, record: bool):
    """Turn a forward result (array or tuple of arrays) into tensors attached to node."""
    if type(out) is not tuple:
        if record:
            return Tensor._make(out, True, node, 0)
        return Tensor._make(out)
    results = []
    for nr, array in enumerate(out):
        differentiable = record and np.asarray(array).dtype.kind in "fc"
        results.append(Tensor._make(array, differentiable, node if differentiable else None, nr))
    node._n_outputs = len(out)
    return tuple(results)


class Op(Node):
    """A built-in operation: numpy forward and backward side by side.

    ``forward(ctx, *arrays, *attrs)`` returns the output array (or a tuple of them);
    ``backward(ctx, grad)`` returns one gradient per graph input (``None`` where not
    needed). ``inputs`` is how many leading arguments are graph inputs (each gets a
    ``next_functions`` slot); the rest are plain attributes. Forward keeps what backward
    needs in ``ctx.saved``.
    """

    inputs = None  # None: every positional argument is a graph input
    saves_output = False  # forward keeps its own output in ctx.saved

    def __init_subclass__(cls, node: str | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if node is not None:
            cls.node_class = type(node, (cls,), {"__module__": "builtins"})

    @classmethod
    def apply(cls, *args):
        """Run the op on tensors and scalars; record a node when a gradient can flow."""
        n = cls.inputs
        graph_inputs = args if n is None else args[:n]
        record = False
        if _state.enabled:
            for a in graph_inputs:
                if type(a) is Tensor and a.requires_grad:
                    record = True
                    break
        ctx = cls.node_class()
        arrays = [a._data if type(a) is Tensor else a for a in args]
        if record:
            ctx.needs_input_grad = tuple(
                type(a) is Tensor and a.requires_grad for a in graph_inputs
            )
            out = cls.forward(ctx, *arrays)
            ctx.next_functions = tuple(edge(a) for a in graph_inputs)
            result = _wrap_outputs(ctx, out, True)
            if ctx.saved is not None:
                ctx._versions = _saved_versions(ctx, graph_inputs, result)
            return result
        ctx.needs_input_grad = (False,) * len(graph_inputs)
        return _wrap_outputs(ctx, cls.forward(ctx, *arrays), False)


def _saved_versions(ctx, inputs, result) -> tuple:
    """Version stamps of the inputs (and output) whose arrays backward will read."""
    saved_ids = {id(s) for s in ctx.saved if type(s) is np.ndarray}
    stamps = tuple(
        (t._version_counter, t._version_counter[0], t)
        for t in inputs
        if type(t) is Tensor and id(t._data) in saved_ids
    )
    if ctx.saves_output:
        ctx._out_shape, ctx._out_dtype = result.shape, result.dtype
        stamps += ((result._version_counter, 0, None),)
    return stamps


class FunctionCtx:
    """What a custom Function's ``forward`` and ``backward`` see as ``ctx``."""

    saved = None
    _non_differentiable = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; modifying them in place afterwards is an error."""
        self.saved = tensors
        self._versions = tuple(
            (t._version_counter, t._version_counter[0], t) for t in tensors if t is not None
        )

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``."""
        if self.saved is FREED:
            raise RuntimeError(SECOND_BACKWARD)
        return self.saved or ()

    def mark_non_differentiable(self, *tensors) -> None:
        """Outputs that never receive a gradient (e.g. indices)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether missing output gradients reach backward as zeros (default) or None."""
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """Base of the node classes made for each custom Function."""

    materialize_grads = True
    _forward_cls: type

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"


class Function:
    """Base for custom autograd functions with static ``forward`` and ``backward``."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(
            cls.__name__ + "Backward", (BackwardCFunction,), {"_forward_cls": cls}
        )

    def __call__(self, *args):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(ctx, *args):
        """Compute the outputs from the inputs (tensors in, tensors out)."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Return one gradient per forward input (None for non-tensors)."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args):
        """Run forward without recording inner ops; attach one node to the outputs."""
        ctx = cls._backward_cls()
        is_tensor = [isinstance(a, Tensor) for a in args]
        ctx.needs_input_grad = tuple(
            t and a.requires_grad for t, a in zip(is_tensor, args, strict=True)
        )
        record = _state.enabled and any(ctx.needs_input_grad)
        with no_grad():
            if _has_setup_context(cls):
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args)
        outputs = out if isinstance(out, tuple) else (out,)
        if not record:
            return out
        tensors = [a for a, t in zip(args, is_tensor, strict=True) if t]
        ctx.next_functions = tuple(edge(a) for a in tensors)
        ctx._input_positions = tuple(i for i, t in enumerate(is_tensor) if t)
        ctx._input_shapes = tuple(a.shape for a in tensors)
        ctx._n_outputs = len(outputs)
        ctx._out_meta = tuple((o.shape, o._data.dtype) for o in outputs)
        wrapped = []
        for nr, o in enumerate(outputs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                continue
            if any(o is n for n in ctx._non_differentiable):
                wrapped.append(Tensor._make(o._data))
                continue
            result = Tensor._make(o._data, True, ctx, nr)
            result._version_counter = o._version_counter
            wrapped.append(result)
        return tuple(wrapped) if isinstance(out, tuple) else wrapped[0]

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Alternative style: save what backward needs after ``forward(*inputs)``."""
        raise NotImplementedError


def _has_setup_context(cls) -> bool:
    return cls.setup_context is not Function.setup_context


def retain(node: Node, output_nr: int, tensor: Tensor) -> None:
    """Make backward store this non-leaf's gradient in its ``.grad``."""
    if node._retained is None:
        node._retained = {}
    node._retained[output_nr] = weakref.ref(tensor)


def add_pre_hook(node: Node, output_nr: int, hook) -> None:
    """Call hook(grad) on the gradient of one output of node before it flows on."""
    if node._pre_hooks is None:
        node._pre_hooks = {}
    node._pre_hooks.setdefault(output_nr, []).append(hook)
