"""Fidelity classes found by random tutorial-style programs against torch (issue 14):
``where`` with a non-bool condition, views taken under ``no_grad``, exact cancellations
and signed zeros from the order of operations in backward formulas."""

from __future__ import annotations

import warnings

from tests.engine.harness import registry

CASES, case = registry("fidelity")


# ----- where: the condition must be bool -------------------------------------------------
# (uint8 still runs, with a warning PyTorch gives once per process: not a repeatable case.)
def _where_with_condition(dtype_name: str):
    def where_condition(T, r):
        condition = T.tensor([1, 0, 2]).to(getattr(T, dtype_name))
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        r.raises("function", lambda: T.where(condition, x, T.zeros(3)))
        r.raises("scalar_other", lambda: T.where(condition, x, 0.0))

    where_condition.__name__ = f"where_condition_{dtype_name}"
    return where_condition


for _name in ("float32", "float64", "float16", "int64", "int32", "bool"):
    case(_where_with_condition(_name))


@case
def where_condition_from_arithmetic(T, r):
    x = T.tensor([0.5, -1.0], requires_grad=True)
    r.raises("mask_times_one", lambda: T.where((x > 0) * 1.0, x, -x))
    r.raises("mask_as_float", lambda: T.where((x > 0).float(), x, -x))


# ----- backward formulas in torch's order of operations ------------------------------------
@case
def div_by_self_cancels_exactly(T, r):
    for dtype in ("float32", "float64"):
        a = T.tensor([10.0, 0.1, 3.0, 0.7, 1e-3], dtype=getattr(T, dtype), requires_grad=True)
        (a / a).sum().backward()
        r(f"grad_{dtype}", a.grad)


@case
def div_by_self_then_add_keeps_value(T, r):
    a = T.tensor([0.1, 0.3, 7.0], dtype=T.float64, requires_grad=True)
    b = a / a
    (b * 10.0).sum().backward()
    r("grad", a.grad)
    x = T.tensor(0.3, dtype=T.float64, requires_grad=True)
    (x / x + 10.0 * x).backward()
    r("scalar_grad", x.grad)


@case
def clamp_mask_gives_positive_zero(T, r):
    x = T.tensor([-1.0, 2.0, 5.0], requires_grad=True)
    (-(x.clamp(min=0))).sum().backward()
    r("clamp_min", x.grad)
    y = T.tensor([-1.0, 2.0, 5.0], requires_grad=True)
    (-(y.clamp(-0.5, 3.0))).sum().backward()
    r("clamp_both", y.grad)
    z = T.tensor([-1.0, 2.0], requires_grad=True)
    (-(z.relu())).sum().backward()
    r("relu", z.grad)


@case
def extremum_masks_give_positive_zero(T, r):
    a = T.tensor([1.0, 2.0, 3.0, float("nan"), 0.0], requires_grad=True)
    b = T.tensor([1.0, 1.0, 4.0, 1.0, 0.5], requires_grad=True)
    (-(T.maximum(a, b))).sum().backward()
    r("maximum", a.grad, b.grad)
    a.grad = b.grad = None
    (-(T.minimum(a, b))).sum().backward()
    r("minimum", a.grad, b.grad)
    x = T.tensor([[0.5, 2.0], [2.0, -1.0]], requires_grad=True)
    (-(x.max())).backward()
    r("max_ties", x.grad)


@case
def pow_by_tensor_masks_give_positive_zero(T, r):
    base = T.tensor([0.0, 0.0, 2.0], dtype=T.float64, requires_grad=True)
    exponent = T.tensor([0.0, 1.5, 2.0], dtype=T.float64, requires_grad=True)
    (-(base**exponent)).sum().backward()
    r("pow", base.grad, exponent.grad)


@case
def reciprocal_and_pow_formula_order(T, r):
    x = T.tensor([0.1, 0.3, 0.7, 1.9], requires_grad=True)
    ((1.0 / x) * 3.0).sum().backward()
    r("reciprocal", x.grad)
    y = T.tensor([0.1, 0.3, 0.7, 1.9], requires_grad=True)
    ((y**3) * 0.3).sum().backward()
    r("pow", y.grad)


# ----- views taken under no_grad keep requires_grad (a leaf whose edge leads nowhere) ------
_VIEWS = {
    "view": lambda t: t.view(1, 2),
    "reshape": lambda t: t.reshape(2, 1),
    "slice": lambda t: t[0:1],
    "select": lambda t: t[1],
    "unsqueeze": lambda t: t.unsqueeze(0),
    "transpose": lambda t: t.view(1, 2).t(),
    "expand": lambda t: t.expand(3, 2),
    "times_two_is_no_view": lambda t: t * 2,
}


def _view_under(mode: str, name: str):
    def view_in_no_grad(T, r):
        t = T.tensor([1.0, 2.0], requires_grad=True)
        with T.no_grad() if mode == "no_grad" else T.set_grad_enabled(False):
            v = _VIEWS[name](t)
        r("view", v)
        n = -v
        r("neg", n)
        r.raises("backward", lambda: n.sum().backward())
        r("grads", [t.grad, v.grad])

    view_in_no_grad.__name__ = f"{mode}_{name}"
    return view_in_no_grad


for _mode in ("no_grad", "set_grad_enabled"):
    for _view in _VIEWS:
        case(_view_under(_mode, _view))


@case
def no_grad_view_second_backward_does_not_raise(T, r):
    t = T.tensor([1.0, 2.0], requires_grad=True)
    with T.no_grad():
        v = t.view(2)
    loss = (v * T.tensor([3.0, 4.0])).sum()
    r.raises("first", loss.backward)
    r.raises("second", loss.backward)
    r("grads", [t.grad, v.grad])


# ----- an op with many graph inputs ---------------------------------------------------------
@case
def cat_and_stack_of_forty_tensors(T, r):
    parts = [T.tensor([float(i)]) for i in range(40)]
    r("cat_constant", T.cat(parts))
    leaves = [T.tensor([float(i)], requires_grad=True) for i in range(40)]
    with T.no_grad():
        r("stack_no_grad", T.stack(leaves))
    (T.cat(leaves) * T.arange(40.0)).sum().backward()
    r("grads", [leaf.grad for leaf in leaves[::13]])


# ----- clamp with tensor bounds: each bound is a graph input -----------------------------
@case
def clamp_tensor_bounds(T, r):
    x = T.tensor([-1.0, 0.5, 2.0, 0.8], requires_grad=True)
    low = T.tensor([0.0, 0.6, 0.0, 0.9], requires_grad=True)
    high = T.tensor(1.0, requires_grad=True)
    y = x.clamp(low, high)
    r("y", y)
    y.backward(T.tensor([1.0, 2.0, 3.0, 4.0]))
    r("grads", [x.grad, low.grad, high.grad])


@case
def clamp_tensor_one_bound(T, r):
    x = T.tensor([[-1.0, 0.5], [2.0, 0.8]], requires_grad=True)
    low = T.tensor([0.0, 0.7], requires_grad=True)  # broadcast over rows
    y = T.clamp(x, min=low)
    r("min only", y)
    y.sum().backward()
    r("grads", [x.grad, low.grad])
    r("max only", T.clamp(x, max=T.tensor([[0.0], [1.0]])))


@case
def clamp_tensor_crossed_bounds(T, r):
    # min > max: the result is max everywhere, and max gets the gradient
    x = T.tensor([0.0, 0.5, 1.0], requires_grad=True)
    low, high = T.tensor(0.8, requires_grad=True), T.tensor(0.2, requires_grad=True)
    y = x.clamp(low, high)
    y.sum().backward()
    r("y", y)
    r("grads", [x.grad, low.grad, high.grad])


@case
def clamp_tensor_promotes_and_refuses(T, r):
    r("int by float", T.clamp(T.tensor([1, 5]), min=T.tensor([2.5, 0.0])))
    x = T.tensor([-1.0, 0.5, 2.0])
    r("0-d beside a number", T.clamp(x, min=T.tensor(0.0), max=1.5))
    r.raises("mixed bounds", lambda: T.clamp(x, min=T.tensor([0.0, 0.0, 0.0]), max=2.0))
    x.clamp_(min=T.tensor([0.0, 1.0, 0.0]))
    r("in place", [x, x._version])
    r.raises("in place broadcast", lambda: x.clamp_(min=T.tensor([[0.0]])))
    r.raises("in place overlap", lambda: x[1:].clamp_(min=x[:-1]))
    r.raises("shapes", lambda: T.clamp(T.zeros(4, 4), min=T.zeros(3), max=T.zeros(4)))
    r.raises(
        "second bound's shape", lambda: T.clamp(T.zeros(4, 4), min=T.zeros(4), max=T.zeros(2, 1, 1))
    )


@case
def clamp_tensor_second_derivative(T, r):
    a = T.tensor([0.3, 0.7, 0.9], requires_grad=True)
    b = T.tensor([0.5, 0.5, 0.5], requires_grad=True)
    y = (a * a).clamp(min=b * b, max=b)
    (g,) = T.autograd.grad(y.sum(), a, create_graph=True)
    r("g", g)
    g.sum().backward()
    r("grads", [a.grad, b.grad])


@case
def clamp_keeps_signed_zero_and_nan(T, r):
    # PyTorch's kernel keeps the input itself unless it is outside the bounds
    a = T.tensor([-0.0, 0.0, float("nan"), -1.0, 2.0])
    r("min", a.clamp(min=0.0))
    r("max", a.clamp(max=0.0))
    r("both", a.clamp(-0.5, 1.0))
    r("tensor min", T.clamp(a, min=T.zeros(5)))
    r("nan bound", a.clamp(min=float("nan")))


@case
def relu_maximum_minimum_keep_signed_zero(T, r):
    a = T.tensor([-0.0, 0.0, -0.0, 0.0, float("nan"), 1.0], requires_grad=True)
    b = T.tensor([0.0, -0.0, -0.0, 0.0, 1.0, float("nan")])
    r("relu", T.relu(a))
    for name in ("maximum", "minimum"):
        r(name, getattr(T, name)(a, b))
        r(f"{name} swapped", getattr(T, name)(b, a))
    y = T.relu(a[:4]) * -1.0
    y.sum().backward()
    r("relu grad", a.grad)


# ----- in-place ops whose other operand requires grad (found by a widened random search) --
@case
def inplace_into_a_tensor_without_grad(T, r):
    for name in ("mul_", "div_", "add_", "pow_"):
        w = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = T.tensor([0.5, -1.0, 2.0]).abs() if name == "pow_" else T.tensor([0.5, -1.0, 2.0])
        getattr(h, name)(w)
        r(f"{name} value", h)
        h.sum().backward()
        r(f"{name} grad", w.grad)


@case
def pow_in_place_by_a_tensor(T, r):
    a = T.tensor([0.5, 1.5, 2.0], requires_grad=True)
    b = T.tensor([2.0, 0.5, -1.0], requires_grad=True)
    h = a * 1
    h.pow_(b)
    r("value", h)
    h.sum().backward()
    r("grads", [a.grad, b.grad])


@case
def pow_by_a_tensor_exponent_grad_at_a_zero_base(T, r):
    a = T.tensor([0.0, 0.0, 2.0])
    b = T.tensor([1.5, 2.0, 0.5], requires_grad=True)
    (a**b * T.tensor([-1.0, 2.0, 1.0])).sum().backward()
    r("signed zero", b.grad)
    c = T.tensor([0.0, 4.0])
    e = T.tensor([1.0, 2.0], requires_grad=True)
    ((c**e) ** 0.5).sum().backward()
    r("nan through an infinite upstream", e.grad)


@case
def advanced_index_on_a_later_dim_is_contiguous(T, r):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = x[:, T.tensor([2, 0, 1])]
    r("stride", list(b.stride()))
    r("view", b.view(6))
    r("reshape", b.reshape(6))
    r("mask", x[:, T.tensor([True, False, True])].view(4))


@case
def setitem_of_a_broadcast_value_that_requires_grad(T, r):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = T.tensor([[0.5, -0.5]], requires_grad=True)
    h = x * 1
    h[:, 1:] = w
    r("value", h)
    h.sum().backward()
    r("grads", [x.grad, w.grad])


@case
def recorded_backward_nodes_of_scalar_arguments_and_indexing(T, r):
    """With create_graph and an upstream gradient that requires grad, the first derivative's
    nodes are the C++ ones: div and mul by a Scalar, _index_put_impl_."""
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = T.tensor([0.5, 1.5, -1.0], requires_grad=True)
    for name, f in (
        ("mean", lambda: x.mean() * w),
        ("mean dim", lambda: x.mean(0) * w),
        ("index", lambda: x[T.tensor([2, 0])] * w[:2]),
        ("add alpha", lambda: T.add(w, x, alpha=2) * w),
        ("sub alpha", lambda: T.sub(w, x, alpha=2) * w),
    ):
        (g,) = T.autograd.grad(f().sum(), x, create_graph=True)
        r(name, g)
        r(f"{name}, again", T.autograd.grad(g.sum(), w)[0])


@case
def recorded_backward_nodes_of_select_and_slice(T, r):
    x = T.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], requires_grad=True)
    w = T.tensor([0.5, 1.5, -1.0], requires_grad=True)
    for name, f in (
        ("select", lambda: x[1] * w),
        ("slice", lambda: x[:, 1:] * w[:2]),
        ("step", lambda: x[:, ::2] * w[:2]),
        ("rows", lambda: x[0:1] * w),
    ):
        (g,) = T.autograd.grad((f() ** 2).sum(), x, create_graph=True)
        r(name, g)
        (gw,) = T.autograd.grad((g**2).sum(), w, create_graph=True)
        r(f"{name}, again", gw)


@case
def recorded_backward_nodes_of_maximum_and_minimum(T, r):
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = T.tensor([3.0, 2.0, 1.0], requires_grad=True)
    w = T.tensor([0.5, 1.5, -1.0], requires_grad=True)
    for name in ("maximum", "minimum"):
        grads = T.autograd.grad((getattr(T, name)(a, b) * w).sum(), [a, b], create_graph=True)
        r(name, list(grads))
        r(f"{name}, again", T.autograd.grad((grads[0] * grads[1]).sum(), w)[0])


@case
def recorded_backward_nodes_of_max_and_min(T, r):
    # over all elements: zeros.masked_fill_(mask, grad / mask.sum()); a tie shares it
    x = T.tensor([1.0, 3.0, 2.0, 3.0], requires_grad=True)
    for name in ("max", "min"):
        (g,) = T.autograd.grad(getattr(x, name)() ** 2, x, create_graph=True)
        r(name, g)
        (g2,) = T.autograd.grad((g * g).sum(), x, create_graph=True)
        r(f"{name}, again", g2)
        r(f"{name}, third", T.autograd.grad((g2 * x).sum(), x, create_graph=True)[0])
    # along a dim: zeros.scatter_(dim, indices, grad), unsqueezed unless keepdim
    m = T.tensor([[1.0, 3.0, -2.0], [2.0, 0.0, 5.0]], requires_grad=True)
    for name, dim, keepdim in (("max", 1, False), ("max", 0, True), ("min", -1, False)):
        values, _ = getattr(m, name)(dim=dim, keepdim=keepdim)
        label = f"{name}(dim={dim}, keepdim={keepdim})"
        (g,) = T.autograd.grad((values**2).sum(), m, create_graph=True)
        r(label, g)
        (g2,) = T.autograd.grad((g * g).sum(), m, create_graph=True)
        r(f"{label}, again", g2)
        r(f"{label}, third", T.autograd.grad((g2 * m).sum(), m, create_graph=True)[0])


@case
def recorded_backward_nodes_of_squeeze(T, r):
    # derivatives.yaml squeeze: unsqueeze_to(grad, ...), an unsqueeze per size-1 dim
    x = T.tensor([[[1.0], [2.0], [-3.0]]], requires_grad=True)  # 1 x 3 x 1
    for label, f in (
        ("squeeze()", lambda: x.squeeze()),
        ("squeeze(0)", lambda: x.squeeze(0)),
        ("squeeze(-1)", lambda: x.squeeze(-1)),
        ("squeeze(1), not size 1", lambda: x.squeeze(1)),
    ):
        (g,) = T.autograd.grad((f() ** 3).sum(), x, create_graph=True)
        r(label, g)
        r(f"{label}, again", T.autograd.grad((g * g).sum(), x)[0])
    v = T.tensor([1.0, -2.0], requires_grad=True)
    m = T.tensor([[0.5, 1.0], [2.0, -1.0]], requires_grad=True)
    (g,) = T.autograd.grad(((v @ m) ** 2).sum(), v, create_graph=True)
    r("vector @ matrix", g)
    r("vector @ matrix, again", T.autograd.grad((g * g).sum(), m)[0])


def _second(T, grads, leaves):
    """d/dleaves of sum(g * g) over the recorded gradients, recorded again."""
    total = None
    for g in grads:
        if g is not None:
            total = (g * g).sum() if total is None else total + (g * g).sum()
    return list(T.autograd.grad(total, leaves, create_graph=True, allow_unused=True))


@case
def recorded_backward_order_of_the_inputs_formulas(T, r):
    # PyTorch's generated backward runs each input's formula in the order of the inputs'
    # names (other before self, mat2 before self, exponent before self), then sums the
    # results back to broadcast shapes in input order: the nodes' creation order, which
    # fixes the order of the sums a second derivative makes
    x = T.tensor([[0.35, -1.1, 0.3], [-1.9, 0.75, -0.5]], requires_grad=True)
    w = T.tensor([0.3, -0.7, 1.2], requires_grad=True)
    m = T.tensor([[0.2, -0.1], [0.4, 0.3], [0.5, -0.6]], requires_grad=True)
    for label, f in (
        ("mul", lambda: (x * w).sin()),
        ("div", lambda: (x / (w + 2.0)).sin()),
        ("sub, add", lambda: ((x - w) * (w + x)).sin()),
        ("maximum", lambda: T.maximum(x, w * 0.5).exp()),
        ("where", lambda: T.where(x > 0, x, w).sin()),
        ("pow", lambda: (x.abs() + 0.5) ** w),
        ("mm", lambda: (x @ m).tanh()),
        ("column-major mm", lambda: (m.t() @ x.t()).tanh()),
    ):
        first = T.autograd.grad(f().sum(), [x, w, m], create_graph=True, allow_unused=True)
        r(label, list(first))
        r(f"{label}, again", _second(T, first, [x, w, m]))


@case
def recorded_backward_of_in_place_ops_saves_a_clone(T, r):
    # an in-place op whose formula needs self saves ``original_self = self.clone()``,
    # made after the op's node; its gradient's graph shows the CloneBackward0
    x = T.tensor([[0.35, -1.1, 0.3], [-1.9, 0.75, -0.5]], requires_grad=True)
    w = T.tensor([0.3, -0.7, 1.2], requires_grad=True)
    h = x * 1.0
    h.mul_(w)
    h.pow_(2)
    first = T.autograd.grad(h.sin().sum(), [x, w], create_graph=True)
    r("first", list(first))
    r("second", _second(T, first, [x, w]))


@case
def reshape_views_a_strided_tensor_when_its_strides_allow(T, r):
    # reshape: view of a contiguous tensor, _reshape_alias of a strided one that can view,
    # a copy (_unsafe_view of a clone) otherwise
    x = T.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]])
    part = (x.requires_grad_() * 0.5)[:, :2]
    r("alias", part.reshape(3, 2, 1))
    r("alias of a transpose", part.t().reshape(1, 2, 3))
    r("copy", part.reshape(6))
    (g,) = T.autograd.grad(part.t().reshape(2, 3, 1).sin().sum(), x, create_graph=True)
    r("gradient", g)
    r("gradient, again", _second(T, [g], [x]))


@case
def recorded_backward_of_mv_reshapes(T, r):
    # mv: self's gradient is outer(grad, vec), which PyTorch computes as
    # grad.reshape(n, 1) * vec
    a = T.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    v = T.tensor([0.3, -0.6, 0.9], requires_grad=True)
    first = T.autograd.grad(T.mv(a, v).sin().sum(), [a, v], create_graph=True)
    r("first", list(first))
    r("second", _second(T, first, [a, v]))


@case
def recorded_backward_of_setitem(T, r):
    # CopySlices::apply under create_graph: the gradient copied into a new tensor
    # (CopyBackwards), the value's gradient a clone of its view there, the base's that
    # tensor with zeros copied in (CopySlices); index_put's formulas for a mask
    x = T.tensor([[0.35, -1.1, 0.3], [-1.9, 0.75, -0.5]], requires_grad=True)
    w = T.tensor([0.3, -0.7, 1.2], requires_grad=True)
    for label, write in (
        ("an element", lambda h: h.__setitem__((0, 1), 5.0)),
        ("a row", lambda h: h.__setitem__(1, w * 2.0)),
        ("a broadcast block", lambda h: h.__setitem__((slice(None), slice(1, None)), w[:2])),
        ("a mask", lambda h: h.__setitem__(h < 0, 0.0)),
    ):
        h = x * 1.0
        write(h)
        first = T.autograd.grad(h.sin().sum(), [x, w], create_graph=True, allow_unused=True)
        r(label, list(first))


@case
def recorded_backward_of_a_written_view(T, r):
    # as_strided_backward under create_graph: the view's gradient with its size-1 dims
    # squeezed, copied into zeros through the view's geometry (CopySlices), viewed as the
    # base (AsStridedBackward0)
    x = T.tensor([[0.35, -1.1, 0.3], [-1.9, 0.75, -0.5]], requires_grad=True)
    for label, view in (
        ("a row", lambda h: h[1:]),
        ("a column", lambda h: h[:, 1]),
        ("the transpose", lambda h: h.t()),
        ("unsqueezed", lambda h: h[None]),
        ("one element", lambda h: h[0, 2]),
    ):
        h = x * 1.0
        kept = view(h)
        h.mul_(2.0)
        (g,) = T.autograd.grad(kept.sin().sum(), x, create_graph=True)
        r(label, g)
        r(f"{label}, again", T.autograd.grad((g * g).sum(), x, create_graph=True)[0])


@case
def mse_loss_broadcasts_by_expanding(T, r):
    # mse_loss of different shapes warns, then expands both (broadcast_tensors): the graph
    # has an ExpandBackward0 above each input whose shape changes
    a = T.tensor([[[0.3, -0.7, 0.45]], [[1.2, 0.15, -0.35]]], requires_grad=True)
    b = T.tensor([[0.5, -0.2, 0.9], [0.25, 0.6, -1.1], [-0.4, 0.8, 0.35]], requires_grad=True)
    r("broadcast_tensors", list(T.broadcast_tensors(a, b)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss = T.nn.functional.mse_loss(a.sin(), b.cos())
    r("loss", loss)
    first = T.autograd.grad(loss, [a, b], create_graph=True)
    r("first", list(first))
    r("second", _second(T, first, [a, b]))
