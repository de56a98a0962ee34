"""Derivatives of whole functions, as ``torch.autograd.functional``.

Everything is reverse mode, built on ``autograd.grad``:

- ``vjp``: one backward pass with ``v`` as the output gradient, ``v^T J``.
- ``jacobian``: one vector-Jacobian product per output element, with a one-hot ``v``.
- ``jvp``: the double-vjp trick. ``u -> J^T u`` is linear in ``u``, so differentiating it
  with respect to ``u`` in the direction ``v`` gives ``J v`` without forward mode.
- ``hessian``: the Jacobian of the gradient.
- ``vhp`` and ``hvp``: the gradient of ``grad . v``, which is ``v^T H``; a Hessian is
  symmetric, so it is ``H v`` too.

Each function calls ``func`` on fresh tensors that require grad (a view of the input when
``create_graph=True``, so the result stays connected to it) and returns tuples where
torch does: a tuple for a tuple of inputs or outputs, a single tensor otherwise.

>>> import engine as torch
>>> from engine.autograd.functional import jacobian, vjp
>>> jacobian(lambda x: x**2, torch.tensor([1.0, 2.0]))
tensor([[2., 0.],
        [0., 4.]])
>>> vjp(lambda x, y: x * y, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])), torch.ones(2))
(tensor([3., 8.]), (tensor([3., 4.]), tensor([1., 2.])))
"""

from __future__ import annotations

from collections.abc import Callable

from ..factories import eye, zeros_like
from ..functional import stack
from ..grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ..tensor import Tensor
from . import grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

# What strict mode says when a derivative is missing, by the pass that found it.
_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in "
    "the grad_outputs when using the double backward trick to compute forward mode "
    "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
}
_NO_GRAPH = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
    "outputs must be computed in a differentiable manner from the input when running in "
    "strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
    "the user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
    "function with respect to input {i} is independent of the input. This is not allowed "
    "in strict mode. You should ensure that your function is twice differentiable and "
    "that the jacobian depends on the inputs (this would be violated by a linear function "
    "for example).",
}


# ----- helpers ------------------------------------------------------------------------
def _as_tuple(value, what: str, fn_name: str) -> tuple[bool, tuple]:
    """``(was_a_tuple, value as a tuple of tensors)``, or torch's TypeError."""
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if was_tuple else f"the given {what}"
            raise TypeError(
                f"The {what} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but {where} has type {type(item)}."
            )
    return was_tuple, items


def _untuple(result: tuple, was_tuple: bool):
    return result if was_tuple else result[0]


def _fresh(tensors: tuple, create_graph: bool, requires_grad: bool = True) -> tuple:
    """New tensor objects for ``func``: views that keep history with ``create_graph``,
    detached copies otherwise (so a tensor ``func`` captures is told apart from its input)."""
    return tuple(
        t.view_as(t)
        if create_graph and t.requires_grad
        else t.detach().requires_grad_(requires_grad)
        for t in tensors
    )


def _finish(tensors: tuple, create_graph: bool) -> tuple:
    """Results detached from the graph unless the caller asked to keep it."""
    return tensors if create_graph else tuple(t.detach() for t in tensors)


def _results(outputs: tuple, outputs_tuple: bool, result: tuple, result_tuple: bool, keep: bool):
    """``(func's outputs, the product)``, each a tuple or a tensor as torch returns them."""
    return (
        _untuple(_finish(outputs, keep), outputs_tuple),
        _untuple(_finish(result, keep), result_tuple),
    )


def _call(func: Callable, inputs: tuple, fn_name: str, strict: bool) -> tuple[bool, tuple]:
    """Run ``func`` and check what it returned."""
    was_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_graph(outputs, "outputs", strict)
    return was_tuple, outputs


def _check_graph(tensors: tuple, kind: str, strict: bool) -> None:
    """In strict mode, every tensor must exist and be connected to the inputs."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(_INDEPENDENT["back"].format(i=i))
        if not t.requires_grad:
            raise RuntimeError(_NO_GRAPH[kind].format(i=i))


def _check_v(v, like: tuple, like_is_tuple: bool, fn_name: str, create_graph: bool) -> tuple:
    """``v`` as a tuple of fresh tensors, one per tensor of ``like`` and of its size."""
    v = _fresh(_as_tuple(v, "v", fn_name)[1], create_graph, requires_grad=False)
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, like, strict=True)):
        if a.shape != b.shape:
            entry = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(
                f"{entry}v has invalid size: should be {b.size()} but got {a.size()}."
            )
    return v


def _default_v(tensors: tuple, of_what: str) -> None:
    """``v`` may be left out only where it is a single ``1``."""
    if len(tensors) != 1 or tensors[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if {of_what} a single element.")


def _grad(outputs: tuple, inputs: tuple, v=None, create_graph=False, retain_graph=None) -> tuple:
    """``autograd.grad`` that skips outputs without a graph; ``None`` where nothing flows."""
    v = (None,) * len(outputs) if v is None else v
    pairs = [(o, g) for o, g in zip(outputs, v, strict=True) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, vs = zip(*pairs, strict=True)
    return grad(outs, inputs, vs, retain_graph, create_graph, allow_unused=True)


def _zeros_if_unused(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str):
    """Zeros (shaped like ``refs``) where no gradient flowed; strict mode refuses instead."""
    filled = []
    for i, (g, ref) in enumerate(zip(grads, refs, strict=True)):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage == "double_back" else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. "
                "This is not allowed in strict mode when create_graph=True."
            )
        filled.append(g)
    return tuple(filled)


def _second_pass(create_graph: bool):
    """Grad mode for the last backward: on when building a graph, else the caller's mode."""
    return set_grad_enabled(True if create_graph else is_grad_enabled())


# ----- the API ------------------------------------------------------------------------
def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product, shaped like ``inputs``."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _fresh(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        if v is None:
            _default_v(outputs, "the user-provided function returns a single Tensor with")
        else:
            v = _check_v(v, outputs, outputs_tuple, "vjp", create_graph)
    with _second_pass(create_graph):
        found = _grad(outputs, inputs, v, create_graph)
        result = _zeros_if_unused(found, inputs, strict, create_graph, "back")
    return _results(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J v)``: the Jacobian-vector product, shaped like the outputs."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _fresh(inputs, create_graph)
        if v is None:
            _default_v(inputs, "the input to the user-provided function is a single Tensor with")
        else:
            v = _check_v(v, inputs, inputs_tuple, "jvp", create_graph)
        outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # J^T u is linear in u, so u's value never matters: zeros are safe (no inf or nan).
        u = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        jt_u = _grad(outputs, inputs, u, create_graph=True)
        _check_graph(jt_u, "grad_inputs", strict)
    with _second_pass(create_graph):
        found = _grad(jt_u, u, v, create_graph)
        result = _zeros_if_unused(found, outputs, strict, create_graph, "back_trick")
    return _results(outputs, outputs_tuple, result, outputs_tuple, create_graph)


def jacobian(
    func: Callable,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """The Jacobian of ``func`` at ``inputs``: entry ``[i][j]`` has shape
    ``outputs[i].shape + inputs[j].shape`` (tuples dropped where torch drops them)."""
    _refuse_unsupported(vectorize, strategy)
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _fresh(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        rows = []
        for i, out in enumerate(outputs):
            one_hots = eye(out.numel(), dtype=out.dtype)
            per_input = [[] for _ in inputs]
            for one_hot in one_hots:
                found = _grad((out,), inputs, (one_hot.view(out.shape),), create_graph, True)
                for j, g in enumerate(found):
                    if g is None and strict:
                        raise RuntimeError(
                            f"Output {i} of the user-provided function is independent of "
                            f"input {j}. This is not allowed in strict mode."
                        )
                    if g is not None and strict and create_graph and not g.requires_grad:
                        # torch names the output's index here, not the input's
                        raise RuntimeError(
                            f"The jacobian of the user-provided function is independent of "
                            f"input {i}. This is not allowed in strict mode when "
                            "create_graph=True."
                        )
                    per_input[j].append(zeros_like(inputs[j]) if g is None else g)
            row = tuple(
                stack(gs).reshape(out.shape + x.shape)
                for gs, x in zip(per_input, inputs, strict=True)
            )
            rows.append(_finish(row, create_graph))
    return _untuple(tuple(_untuple(row, inputs_tuple) for row in rows), outputs_tuple)


def hessian(
    func: Callable,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
):
    """The Hessian of a scalar ``func`` at ``inputs``: the Jacobian of its gradient.
    Entry ``[i][j]`` has shape ``inputs[i].shape + inputs[j].shape``."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    _refuse_unsupported(vectorize, outer_jacobian_strategy)

    def scalar(*xs):
        out = func(*xs)
        was_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_graph(outs, "outputs", strict)
        if was_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a "
                "single element"
            )
        return out.squeeze()

    def gradient(*xs):
        g = jacobian(scalar, xs, create_graph=True)
        _check_graph(g, "jacobian", strict)
        return g

    rows = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)
    return _untuple(tuple(_untuple(row, inputs_tuple) for row in rows), inputs_tuple)


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T H)`` for a scalar ``func``, shaped like ``inputs``."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)`` for a scalar ``func``; equal to ``vhp`` (``H`` is symmetric)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    """The gradient of ``grad(func) . v``, which is ``v^T H`` (and ``H v``)."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
        inputs = _fresh(inputs, create_graph)
        if v is None:
            _default_v(inputs, "the input to the user-provided function is a single Tensor with")
        else:
            v = _check_v(v, inputs, inputs_tuple, fn_name, create_graph)
        outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
        if outputs_tuple:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
        if outputs[0].numel() != 1:
            raise RuntimeError(
                f"The Tensor returned by the function given to {fn_name} should contain a "
                "single element"
            )
        gradient = _grad(outputs, inputs, create_graph=True)
        _check_graph(gradient, "jacobian", strict)
    with _second_pass(create_graph):
        found = _grad(gradient, inputs, v, create_graph)
        result = _zeros_if_unused(found, inputs, strict, create_graph, "double_back")
    return _results(outputs, outputs_tuple, result, inputs_tuple, create_graph)


def _refuse_unsupported(vectorize: bool, strategy: str) -> None:
    """Only the plain reverse-mode loop exists here: no vmap, no forward-mode AD."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".'
        )
    if vectorize or strategy == "forward-mode":
        raise NotImplementedError(
            "vectorize=True and strategy='forward-mode' need vmap and forward-mode AD, which "
            "this engine does not have: use the defaults (vectorize=False, reverse mode)."
        )
