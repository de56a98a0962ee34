"""Backward nodes and the two ways to define an operation.

A tensor's ``grad_fn`` is a node: it knows its ``next_functions`` (one edge per input,
``(node or None, output_nr)``) and how to turn output gradients into input gradients.

- ``Op``: a built-in operation. ``forward``/``backward`` work on numpy arrays, and each
  subclass names the node class PyTorch shows (``class Mul(Op, node="MulBackward0")``).
- ``Function``: the public custom-function API (``engine.autograd.Function``), whose
  ``forward``/``backward`` work on tensors, with nodes named ``<Name>Backward``.
"""

from __future__ import annotations

import inspect
import itertools
import re
import warnings
import weakref

import numpy as np

from . import versions
from .dtypes import from_numpy_dtype
from .grad_mode import _state, no_grad
from .tensor import Tensor
from .versions import latest

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
    _epoch = None  # the in-place epoch when the node saved values (see versions.py)
    _inputs = ()  # the graph inputs, kept while the node holds saved values
    _out_counter = None  # the output's version counter when forward saved its own output
    _pre_hooks = None  # output_nr -> hooks on the gradient of that output
    _retained = None  # output_nr -> weak reference to a non-leaf that retains its grad
    _n_outputs = 1
    # backward's inline path: a built-in node whose edges all lead somewhere, without hooks
    # or retained gradients
    _plain = False
    # backward returns new arrays that nothing else references (not the incoming gradient,
    # a saved value or a view of one), so a leaf may keep one as its .grad without a copy
    fresh_grads = False
    # creation order: backward runs the ready node created last first, as PyTorch does, so
    # gradients are summed in PyTorch's order (floating-point sums depend on it)
    _seq = 0

    def name(self) -> str:
        """The node's name, e.g. ``MulBackward0``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def register_hook(self, hook):
        """Unsupported on nodes; register hooks on tensors instead."""
        raise NotImplementedError("register hooks on tensors with Tensor.register_hook")

    def _check_saved(self) -> None:
        """Refuse a backward through freed or since-modified saved values."""
        if self.saved is FREED:
            raise RuntimeError(SECOND_BACKWARD)
        if self._epoch is None or versions.latest[0] == self._epoch:
            return
        for t in self._inputs:  # named after its producer now, as PyTorch does
            if type(t) is Tensor and any(s is t._data for s in self.saved):
                self._check_written(t._version_counter, t._data, t.grad_fn, t._output_nr)
        if self._out_counter is not None:
            self._check_written(self._out_counter, self.saved[-1], self, 0)

    def _check_written(self, counter: list, data, origin, nr: int) -> None:
        if versions.written_since(counter, self._epoch):
            raise RuntimeError(
                _modified_message(
                    data, origin, nr, counter[0], versions.version_at(counter, self._epoch)
                )
            )


def _modified_message(data, origin, nr: int, now: int, expected: int) -> str:
    legacy = from_numpy_dtype(data.dtype).legacy_name
    shape = ", ".join(map(str, data.shape))
    of = (
        ""
        if origin is None or isinstance(origin, AccumulateGrad)
        else (f", which is output {nr} of {op_name(origin)},")
    )
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{legacy} [{shape}]]{of} is at version {now}; expected version "
        f"{expected} instead. Hint: enable anomaly detection to find the operation that failed "
        "to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
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


_NO_EDGE = (None, 0)
# The accumulator of a view taken under no_grad of a tensor that requires grad: PyTorch
# keeps requires_grad=True on it (a leaf without grad_fn) but its edge leads nowhere.
NO_GRAD_VIEW = object()
_SEQUENCE = itertools.count(1)


def next_sequence_number() -> int:
    """A creation number later than every node's so far (backward runs newer nodes first)."""
    return next(_SEQUENCE)


def edge(t) -> tuple:
    """The ``next_functions`` entry for an input: its node and output number."""
    if type(t) is not Tensor:
        return _NO_EDGE
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t._requires_grad:
        acc = t._accumulator
        if acc is NO_GRAD_VIEW:
            return _NO_EDGE
        if acc is None:
            acc = t._accumulator = AccumulateGrad(t)
        return (acc, 0)
    return _NO_EDGE


def _wrap_tuple(node, out: tuple, record: bool) -> tuple:
    """Tensors for a multi-output forward; integer outputs (indices) get no gradient."""
    results = []
    for nr, array in enumerate(out):
        differentiable = record and np.asarray(array).dtype.kind in "fc"
        results.append(Tensor._make(array, differentiable, node if differentiable else None, nr))
    node._n_outputs = len(out)
    return tuple(results)


def _unrecorded(ctx, out):
    """The result tensors of a forward that records nothing."""
    return _wrap_tuple(ctx, out, False) if type(out) is tuple else Tensor._make(out)


class Op(Node):
    """A built-in operation: numpy forward and backward side by side.

    ``forward(ctx, *arrays, *attrs)`` returns the output array (or a tuple of them);
    ``backward(ctx, grad)`` returns one gradient per graph input (``None`` where not
    needed). ``inputs`` is how many leading arguments are graph inputs (each gets a
    ``next_functions`` slot); the rest are plain attributes. Forward keeps what backward
    needs in ``ctx.saved``. ``recorded_backward(ctx, grad)`` is the same formula written
    with engine ops on tensors: ``create_graph=True`` runs it instead, so the backward pass
    is itself a graph (numpy's fast path stays free of tensor overhead otherwise).
    """

    inputs = None  # None: every positional argument is a graph input
    is_view = False  # the output shares the first input's data (view, transpose, slice ...)
    saves_output = False  # forward keeps its own output, last, in ctx.saved
    # the node holds its input tensors while it holds saved values (for saved_input and the
    # check that saved inputs were not modified); False for a backward that reads only the
    # output, so the inputs are freed as in PyTorch
    keeps_inputs = True
    writes_out = False  # forward takes a last ``out`` array to write into (in-place ops)
    _plain = True

    def __init_subclass__(cls, node: str | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if node is not None:
            cls.node_class = type(node, (cls,), {"__module__": "builtins"})
            arity = _arity(cls.forward)
            if arity in _FAST_APPLY and cls.inputs in (None, arity) and not cls.is_view:
                cls.apply = staticmethod(_FAST_APPLY[arity](cls))
            else:  # not a parent op's fast apply, which holds the parent's forward
                cls.apply = Op.__dict__["apply"]

    @classmethod
    def apply(cls, *args):
        """Run the op on tensors and scalars; record a node when a gradient can flow.

        One- and two-input ops (views aside) get their own ``apply`` (``_unary_apply``,
        ``_binary_apply``), which runs the common cases (operands whose edges exist, or
        nothing to record) in one pass and hands every other case to this general path."""
        n = cls.inputs
        graph_inputs = args if n is None else args[:n]
        ctx = cls.node_class()
        enabled = _state.enabled
        arrays, needs, edges = [], [], []
        for a in graph_inputs:  # a loop, not a comprehension: 3.11 calls a function for those
            if type(a) is Tensor:
                arrays.append(a._data)
                if enabled and a._requires_grad:
                    fn = a.grad_fn  # edge(a), its common cases inline
                    if fn is not None:
                        e = (fn, a._output_nr)
                    elif type(acc := a._accumulator) is AccumulateGrad:  # a leaf's, once made
                        e = (acc, 0)
                    else:
                        e = edge(a)
                    if e is _NO_EDGE:
                        ctx._plain = False  # maybe dead: backward takes the full path
                    needs.append(True)
                    edges.append(e)
                    continue
            else:
                arrays.append(a)
            needs.append(False)
            edges.append(_NO_EDGE)
        if n is not None:  # attributes: tensors among them are passed as arrays too
            for a in args[n:]:
                arrays.append(a._data if type(a) is Tensor else a)
        ctx.needs_input_grad = tuple(needs)
        if True in needs:
            ctx.next_functions, ctx._seq = tuple(edges), next(_SEQUENCE)
            result = ctx._record(graph_inputs, cls.forward(ctx, *arrays))
        else:
            result = _unrecorded(ctx, cls.forward(ctx, *arrays))
        if cls.is_view and type(base := graph_inputs[0]) is Tensor:
            _share_storage(result, base)
        return result

    def _record(self, inputs: tuple, out):
        """The result tensors of a recorded forward; a node that saved values notes the
        in-place epoch and keeps what the saved-values check and ``saved_input`` need."""
        result = (
            _wrap_tuple(self, out, True) if type(out) is tuple else Tensor._make(out, True, self)
        )
        if self.saved is not None:
            self._epoch = latest[0]
            if self.keeps_inputs:
                self._inputs = inputs
            if self.saves_output:
                self._out_counter = result._version_counter
        return result

    @staticmethod
    def recorded_backward(ctx, grad):
        """``backward`` written with engine ops on tensors, so ``create_graph=True`` records
        it and gradients can be differentiated again."""
        raise NotImplementedError(f"{ctx.name()} has no differentiable backward")

    def saved_input(self, i: int):
        """Graph input ``i`` as forward received it (a tensor still tied to its graph)."""
        return self._inputs[i]

    def saved_result(self) -> Tensor:
        """The saved output as a tensor whose ``grad_fn`` is this node (what PyTorch's
        SavedVariable unpacks to), so a recorded backward can differentiate through it."""
        return Tensor._make(self.saved[-1], True, self)


def _share_storage(view: Tensor, base: Tensor) -> None:
    """Make ``view`` PyTorch's view of ``base``: one storage, so a write to either is a
    write to both and they share one version counter; a recorded view is noted on its base,
    so a write can rebuild its history (``inplace.note_write``)."""
    view._version_counter = base._version_counter
    view._base = root = base._base if base._base is not None else base
    if view.grad_fn is not None:
        if root._views is None:
            root._views = weakref.WeakSet()
        root._views.add(view)
    elif base._requires_grad:  # a view under no_grad
        view._requires_grad, view._accumulator = True, NO_GRAD_VIEW


_NEEDS_ONE, _NEEDS_NONE = (True,), (False,)
_NEEDS_BOTH, _NEEDS_FIRST, _NEEDS_SECOND = (True, True), (True, False), (False, True)
_NEEDS_NEITHER = (False, False)


def _live_edge(t):
    """An operand's edge: ``_NO_EDGE`` when it needs no gradient (or is not a tensor), None
    when its edge is not made yet or leads nowhere (the general ``apply`` handles those)."""
    if type(t) is not Tensor or not t._requires_grad:
        return _NO_EDGE
    if (fn := t.grad_fn) is not None:
        return (fn, t._output_nr)
    if type(acc := t._accumulator) is AccumulateGrad:
        return (acc, 0)
    return None


def _arity(forward) -> int | None:
    """How many arrays ``forward(ctx, ...)`` requires (attributes after them have defaults);
    None for a variable number."""
    params = list(inspect.signature(forward).parameters.values())[1:]
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in params):
        return None
    return sum(p.default is p.empty for p in params)


def _unrecorded_apply(cls: type[Op], needs: tuple):
    """The fast ``apply``'s other cases: when nothing records (grad mode off, or no
    operand requires grad) the forward runs at once on the arrays; a recording with
    attributes or more inputs takes the general ``Op.apply``."""
    general, node_class, forward = Op.apply.__func__, cls.node_class, cls.forward
    extra_inputs = cls.inputs is None  # arguments past the arity are graph inputs too

    def apply(*args):
        if extra_inputs and len(args) != len(needs):
            return general(cls, *args)
        arrays = []
        for a in args:  # a loop, not a comprehension: 3.11 calls a function for those
            if type(a) is Tensor:
                if a._requires_grad and _state.enabled:
                    return general(cls, *args)
                a = a._data
            arrays.append(a)
        ctx = node_class()
        ctx.needs_input_grad = needs
        return _unrecorded(ctx, forward(ctx, *arrays))

    return apply


def _unary_apply(cls: type[Op]):
    """``cls.apply`` for a one-input op: the recorded case inline (its node class and
    forward held, not looked up per call), nothing to record in ``_unrecorded_apply``, the
    rest (attributes given, an edge not made yet) in the general ``Op.apply``."""
    general, node_class, forward = Op.apply.__func__, cls.node_class, cls.forward
    unrecorded = _unrecorded_apply(cls, _NEEDS_NONE)

    def apply(a, *attrs):
        if attrs or type(a) is not Tensor or not a._requires_grad or not _state.enabled:
            return unrecorded(a, *attrs)
        if (fn := a.grad_fn) is not None:  # _live_edge inline: 1% of a tiny-op chain
            e = (fn, a._output_nr)
        elif type(acc := a._accumulator) is AccumulateGrad:
            e = (acc, 0)
        else:
            return general(cls, a)
        ctx = node_class()
        ctx.needs_input_grad, ctx.next_functions, ctx._seq = _NEEDS_ONE, (e,), next(_SEQUENCE)
        return ctx._record((a,), forward(ctx, a._data))

    return apply


def _binary_apply(cls: type[Op]):
    """``cls.apply`` for a two-input op, as ``_unary_apply``."""
    general, node_class, forward = Op.apply.__func__, cls.node_class, cls.forward
    unrecorded = _unrecorded_apply(cls, _NEEDS_NEITHER)

    def apply(a, b, *attrs):
        if attrs or not _state.enabled:
            return unrecorded(a, b, *attrs)
        # a non-leaf's edge inline, the rest in _live_edge (None: the general path)
        tensor_a, tensor_b = type(a) is Tensor, type(b) is Tensor
        ea = (a.grad_fn, a._output_nr) if tensor_a and a.grad_fn else _live_edge(a)
        if not tensor_b:  # a number: the common case of ``y * 0.5``, without a call
            eb = _NO_EDGE
        elif b.grad_fn:
            eb = (b.grad_fn, b._output_nr)
        else:
            eb = _live_edge(b)
        if ea is None or eb is None:
            return general(cls, a, b)
        if ea is not _NO_EDGE:
            needs = _NEEDS_BOTH if eb is not _NO_EDGE else _NEEDS_FIRST
        elif eb is not _NO_EDGE:
            needs = _NEEDS_SECOND
        else:  # neither requires grad
            return unrecorded(a, b)
        ctx = node_class()
        ctx.needs_input_grad, ctx.next_functions, ctx._seq = needs, (ea, eb), next(_SEQUENCE)
        out = forward(ctx, a._data if tensor_a else a, b._data if tensor_b else b)
        return ctx._record((a, b), out)

    return apply


_FAST_APPLY = {1: _unary_apply, 2: _binary_apply}


class FunctionCtx:
    """What a custom Function's ``forward`` and ``backward`` see as ``ctx``."""

    saved = None
    _non_differentiable = ()

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; modifying them in place afterwards is an error."""
        self.saved = tensors
        self._epoch = versions.latest[0]

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

    def _check_saved(self) -> None:
        if self.saved is FREED:
            raise RuntimeError(SECOND_BACKWARD)
        if self._epoch is None or versions.latest[0] == self._epoch:
            return
        for t in self.saved or ():
            if t is not None:
                self._check_written(t._version_counter, t._data, t.grad_fn, t._output_nr)


class Function:
    """Base for custom autograd functions with static ``forward`` and ``backward``."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(
            cls.__name__ + "Backward", (BackwardCFunction,), {"_forward_cls": cls}
        )

    def __init__(self, *args, **kwargs) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
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
        if record:
            ctx._seq = next(_SEQUENCE)
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
        node._plain = False
    node._retained[output_nr] = weakref.ref(tensor)


def add_pre_hook(node: Node, output_nr: int, hook) -> None:
    """Call hook(grad) on the gradient of one output of node before it flows on."""
    if node._pre_hooks is None:
        node._pre_hooks = {}
        node._plain = False
    node._pre_hooks.setdefault(output_nr, []).append(hook)
