"""The backward pass (``backward``, ``grad``) and the custom ``Function`` API.

Backward is an iterative topological walk: find the reachable nodes, then run them newest
first, which is PyTorch's order (the ready node created last first), so gradients are summed
as PyTorch sums them; a leaf accumulates once its last consumer has run. Gradients live in
a local dict and are written only into leaves' ``.grad`` (and non-leaves that asked with
``retain_grad``), so deep graphs cannot hit the recursion limit and a second backward never
sees stale interior gradients. With ``create_graph=True`` each node runs its
``recorded_backward`` on tensors instead, so the gradients carry a graph of their own.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from .. import ops
from ..function import (
    FREED,
    AccumulateGrad,
    BackwardCFunction,
    Function,
    FunctionCtx,
    Node,
    edge,
)
from ..grad_mode import _state, enable_grad, no_grad, set_grad_enabled
from ..ops.common import unbroadcast
from ..tensor import Tensor
from ..types import Size
from ..versions import latest
from ..warn import warn_once

__all__ = [
    "Function",
    "FunctionCtx",
    "backward",
    "enable_grad",
    "grad",
    "no_grad",
    "set_grad_enabled",
]


def _root_gradients(tensors: tuple, grad_tensors, create_graph: bool) -> list:
    """The starting gradient of each output: given, or 1 for a one-element output (arrays,
    or tensors when ``create_graph`` records the backward pass)."""
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    elif isinstance(grad_tensors, (float, int)):
        raise TypeError(f"'{type(grad_tensors).__name__}' object is not iterable")
    return [
        _root_gradient(i, out, g, create_graph)
        for i, (out, g) in enumerate(zip(tensors, grad_tensors, strict=True))
    ]


def _root_gradient(i: int, out: Tensor, g, create_graph: bool):
    """Output ``i``'s starting gradient, from ``g`` (a tensor or None)."""
    if not out._requires_grad:
        raise RuntimeError(
            f"element {i} of tensors does not require grad and does not have a grad_fn"
        )
    if g is None:
        if out._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        ones = np.ones(out._data.shape, dtype=out._data.dtype)
        return Tensor._make(ones) if create_graph else ones
    if not isinstance(g, Tensor):
        raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if g._data.shape != out._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g.shape)} and "
            f"output[{i}] has a shape of {Size(out.shape)}."
        )
    return g if create_graph else g._data


CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak."
)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (or only into ``inputs``).

    With ``create_graph`` the backward pass is recorded, so ``.grad`` can be differentiated
    again; ``retain_graph`` defaults to ``create_graph``, as in PyTorch.
    """
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warn_once(CREATE_GRAPH_CYCLE, stacklevel=3)
    if (
        type(tensors) is Tensor
        and inputs is None
        and (grad_tensors is None or type(grad_tensors) is Tensor)
    ):
        # one output, the common call (``loss.backward()``): no tuples to build and check
        root = _root_gradient(0, tensors, grad_tensors, create_graph)
        _run((edge(tensors),), [root], retain_graph, create_graph)
        return
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        found = grad(tensors, inputs, grad_tensors, retain_graph, create_graph, True)
        for t, g in zip(inputs, found, strict=True):
            if g is not None and not t._retains_grad:  # a retained grad was stored already
                accumulate(t, g if create_graph else g._data)
        return
    grads = _root_gradients(tensors, grad_tensors, create_graph)
    _run(tuple(map(edge, tensors)), grads, retain_graph, create_graph)


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None
):
    """Return d(outputs)/d(inputs) as a tuple, without touching any ``.grad``; with
    ``create_graph`` the results carry a graph and can be differentiated again."""
    if retain_graph is None:
        retain_graph = create_graph
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    grads = _root_gradients(outputs, grad_outputs, create_graph)
    wanted = {edge(t)[:2]: i for i, t in enumerate(inputs)}
    captured = [None] * len(inputs)
    _run(tuple(map(edge, outputs)), grads, retain_graph, create_graph, (wanted, captured))
    results = []
    for i, (t, g) in enumerate(zip(inputs, captured, strict=True)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior."
            )
        if g is None or type(g) is Tensor:
            results.append(g)
        else:
            results.append(Tensor._make(g.astype(t._data.dtype, copy=False)))
    return tuple(results)


def accumulate(t: Tensor, g, owned: bool = False) -> None:
    """Add a gradient into ``t.grad``: in place for an array (an ``owned`` one, which
    nothing else references, may become ``.grad`` itself); for a recorded gradient (a
    tensor) as PyTorch's AccumulateGrad does under create_graph, a copy first
    (``CopyBackwards``), then out-of-place sums (``AddBackward0``)."""
    if type(g) is not Tensor:
        t._accumulate_grad(g, owned)
    elif t._grad is None:
        t._grad = ops.Copy.apply(Tensor._make(np.empty_like(t._data)), g)
    else:
        t._grad = t._grad + g


def _graph(roots: tuple) -> tuple:
    """The nodes reachable from the roots' edges but leaves', in the order backward runs
    them, and how many edges lead into each leaf's AccumulateGrad.

    PyTorch runs the ready node created last first; a node is created after the nodes its
    inputs come from, so the unprocessed node created last always is ready, and that order
    is the nodes sorted by creation, newest first (floating-point sums depend on it).
    """
    seen, leaf_consumers = {}, {}  # seen: a dict as an ordered set
    stack = [roots]
    while stack:
        for fn, _ in stack.pop():
            if fn is None:
                continue
            if type(fn) is AccumulateGrad:
                leaf_consumers[fn] = leaf_consumers.get(fn, 0) + 1
            elif fn not in seen:
                seen[fn] = None
                stack.append(fn.next_functions)
    return sorted(seen, key=_creation, reverse=True), leaf_consumers


_creation = attrgetter("_seq")


def _run(roots: tuple, grads: list, retain_graph: bool, create_graph: bool, capture=None):
    """Walk the graph from the roots' edges and gradients, leaves last; grad mode is
    ``create_graph`` throughout, as in PyTorch."""
    previous, _state.enabled = _state.enabled, create_graph  # set_grad_enabled, inline
    try:
        _walk(roots, grads, retain_graph, create_graph, capture)
    finally:
        _state.enabled = previous


_GRAPH_ROOT = Node()  # no fresh gradients: the root gradients belong to the caller


def _walk(roots: tuple, grads: list, retain_graph: bool, create_graph: bool, capture) -> None:
    # PyTorch's GraphRoot: the roots' edges and gradients are fed (and summed) like any
    # node's outputs
    node, edges, outs = _GRAPH_ROOT, roots, grads
    nodes, leaf_consumers = _graph(roots)
    # autograd.grad runs only the nodes on a path to an input it was asked for, as PyTorch
    # does: the others neither compute nor check or free what they saved
    needed = None if capture is None else _leading_to(nodes, capture[0])
    # node -> its incoming gradient (summed), or a list of them for a multi-output node
    buffers = {}
    owned = set()  # AccumulateGrads whose buffered gradient is fresh (a sum or fresh_grads)
    inline = capture is None and not create_graph
    for following in (*nodes, None):
        for i, (fn, nr) in enumerate(edges):  # faster than zip for 1-2 edges
            if fn is None:
                continue
            g = None if outs is None else outs[i]
            if type(fn) is not AccumulateGrad:
                if g is None:
                    continue
                held = buffers.get(fn)
                if fn._n_outputs == 1:
                    buffers[fn] = g if held is None else held + g
                elif held is None:
                    buffers[fn] = held = [None] * fn._n_outputs
                    held[nr] = g
                else:
                    held[nr] = g if held[nr] is None else held[nr] + g
                continue
            left = leaf_consumers[fn] - 1
            if not left and fn not in buffers:  # the leaf's one gradient: no buffer
                if g is not None:  # at once, as PyTorch runs a ready leaf first
                    _leaf(fn, g, capture, node.fresh_grads)
                continue
            leaf_consumers[fn] = left
            if g is not None:
                held = buffers.get(fn)
                if held is None:
                    buffers[fn] = g
                    if node.fresh_grads:
                        owned.add(fn)
                else:  # a sum is fresh
                    buffers[fn] = held + g
                    owned.add(fn)
            if not left and fn in buffers:
                _leaf(fn, buffers.pop(fn), capture, fn in owned)
        if following is None:
            return
        node = following
        edges = node.next_functions
        grads = buffers.pop(node, None)
        if grads is None:
            outs = None
        elif inline and node._plain:
            # _process's common case inline: a built-in node with live edges and no hooks
            saved = node.saved
            if saved is not None and (saved is FREED or node._epoch != latest[0]):
                node._check_saved()
            outs = (
                node.backward(node, *grads) if type(grads) is list else node.backward(node, grads)
            )
            if saved is not None and not retain_graph:
                node.saved, node._inputs = FREED, ()
        else:
            if type(grads) is not list:
                grads = [grads]
            if needed is None or node in needed:
                outs = _process(node, grads, retain_graph, create_graph, capture)
            else:  # a non-leaf asked for, with nothing asked for past it
                _receive(node, grads, capture)
                outs = None


def _leading_to(nodes: list, wanted: dict) -> set:
    """The nodes (creation order, newest first) from which a wanted edge can be reached."""
    leading = set()
    for node in reversed(nodes):  # a node's inputs come after it
        for fn, nr in node.next_functions:
            if fn is not None and ((fn, nr) in wanted or fn in leading):
                leading.add(node)
                break
    return leading


def _leaf(node: AccumulateGrad, g, capture, owned: bool) -> None:
    """Run an AccumulateGrad on its summed gradient (``owned``: fresh, referenced nowhere
    else): the leaf's hooks, then capture (``autograd.grad``) or accumulation into ``.grad``.
    ``autograd.grad`` runs no leaf it was not asked for, so neither do that leaf's hooks."""
    if capture is not None and (node, 0) not in capture[0]:
        return
    hooks = node.variable._hooks
    if hooks:  # a leaf's hooks apply for autograd.grad too
        g = _call_hooks(hooks, g)
    if capture is not None:
        _capture(node, [g], capture)
    elif type(g) is Tensor:  # recorded (create_graph)
        accumulate(node.variable, g)
    else:  # hooks saw the gradient and may have kept it: copy it then
        node.variable._accumulate_grad(g, owned and not hooks)


def _capture(node, grads: list, capture) -> None:
    """Keep the gradients ``autograd.grad`` asked for."""
    wanted, captured = capture
    for nr, g in enumerate(grads):
        i = wanted.get((node, nr))
        if i is not None:
            captured[i] = g if captured[i] is None else captured[i] + g


def _process(node, grads: list, retain_graph: bool, create_graph: bool, capture):
    """Run one node but a leaf's: checks, hooks, retained grads, capture, then backward."""
    # A built-in node whose every edge leads nowhere (its inputs were views taken under
    # no_grad) computes nothing, so like PyTorch it never unpacks what it saved.
    dead = (
        bool(node.next_functions)
        and not isinstance(node, BackwardCFunction)
        and all(fn is None for fn, _ in node.next_functions)
    )
    if node.saved is not None and not dead:
        node._check_saved()
    _receive(node, grads, capture)
    if dead:
        outs = None
    elif isinstance(node, BackwardCFunction):
        outs = run_custom_backward(node, grads)
    elif create_graph:
        outs = node.recorded_backward(node, *grads)
    else:
        outs = node.backward(node, *grads)
    if not retain_graph and node.saved is not None:
        node.saved, node._inputs = FREED, ()
    return outs


def _receive(node, grads: list, capture) -> None:
    """What a node's gradients meet before it runs: the hooks and ``retain_grad`` of the
    tensors it made, and capture (``autograd.grad``)."""
    if node._pre_hooks is not None or node._retained is not None:
        _tensor_hooks(node, grads)
    if capture is not None:
        _capture(node, grads, capture)


def _tensor_hooks(node, grads: list) -> None:
    """Hooks registered on a non-leaf's gradient, then its ``retain_grad`` copy."""
    if node._pre_hooks is not None:
        for nr, hooks in node._pre_hooks.items():
            grads[nr] = _call_hooks(hooks, grads[nr])
    if node._retained is not None:
        for nr, ref in node._retained.items():
            tensor = ref()
            if tensor is not None and grads[nr] is not None:
                accumulate(tensor, grads[nr])


def _call_hooks(hooks: list, g):
    recorded = type(g) is Tensor
    for hook in hooks:
        replaced = hook(g if recorded else Tensor._make(g))
        if replaced is not None:
            g = replaced if recorded else replaced._data
    return g


def run_custom_backward(node: BackwardCFunction, grads: list) -> tuple:
    """Call a custom Function's backward on tensors and check what it returns (tensors
    when the pass is recorded, arrays otherwise)."""
    recorded = _state.enabled
    grads_in = []
    for g, (shape, np_dtype) in zip(grads, node._out_meta, strict=True):
        if g is None and node.materialize_grads:
            g = np.zeros(shape, dtype=np_dtype)
        grads_in.append(g if g is None or type(g) is Tensor else Tensor._make(g))
    result = node._forward_cls.backward(node, *grads_in)
    if not isinstance(result, tuple):
        result = (result,)
    name = type(node).__name__
    expected = len(node.needs_input_grad)
    if len(result) != expected:
        raise RuntimeError(
            f"function {name} returned an incorrect number of gradients "
            f"(expected {expected}, got {len(result)})"
        )
    per_input = []
    for index in node._input_positions:
        g = result[index]
        if g is not None and not recorded:
            g = g._data if isinstance(g, Tensor) else np.asarray(g)
        elif g is not None and not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g))
        per_input.append(g)
    for index, (g, shape) in enumerate(zip(per_input, node._input_shapes, strict=True)):
        if g is None or g.shape == shape:
            continue
        if not _sums_to(tuple(g.shape), shape):
            raise RuntimeError(
                f"Function {name} returned an invalid gradient at index {index} - got "
                f"{list(g.shape)} but expected shape compatible with {list(shape)}"
            )
        per_input[index] = unbroadcast(g, shape)
    return tuple(per_input)


def _sums_to(grad_shape: tuple, shape: tuple) -> bool:
    """Whether a gradient of ``grad_shape`` can be summed down to ``shape``."""
    if len(shape) > len(grad_shape):
        return False
    tail = grad_shape[len(grad_shape) - len(shape) :]
    return all(n == m or n == 1 for n, m in zip(shape, tail, strict=True))


from . import functional as functional  # noqa: E402  (last: functional imports grad from here)
