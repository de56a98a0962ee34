"""Autograd semantics, case by case: backward and accumulation, retain_graph and the
second-backward error, grad modes, requires_grad rules, retain_grad, hooks,
autograd.grad, the node API, reused nodes and diamonds (facts sections 3.3, 4, 5)."""

from __future__ import annotations

import numpy as np

from tests.engine.cases_inplace import square_function
from tests.engine.harness import registry

CASES, case = registry("autograd")


# ----- the tutorial snippets ------------------------------------------------------------
@case
def seed_a(T, r):
    x = T.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    r("seen", [T.ones(3, 3), x, y, x.grad_fn, y.grad_fn, z, z.mean()])


@case
def seed_b(T, r):
    x = T.ones(2, 2, requires_grad=True)
    a = ((x + 2) * (x + 2) * 3).mean()
    a.backward()
    r("grad", x.grad)
    r.raises("second_backward", a.backward)


@case
def seed_c(T, r):
    x1 = T.from_numpy(2 * np.ones((2, 2), dtype=np.float32)).requires_grad_(True)
    w1 = T.from_numpy(5 * np.ones((2, 2), dtype=np.float32)).requires_grad_(True)
    w2 = T.from_numpy(6 * np.ones((2, 2), dtype=np.float32)).requires_grad_(True)
    Y = T.from_numpy(10 * np.ones((2, 2), dtype=np.float32))
    L = Y - x1 * w1 * w2
    L.backward(T.ones(2, 2, dtype=T.float))
    r("L", L)
    r("grads", [x1.grad, w1.grad, w2.grad, Y.grad])


# ----- reused nodes, diamonds, stop-gradient (permanent regression tests) ---------------
@case
def reused_x_plus_x_times_x(T, r):
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x + x) * x
    y.sum().backward()
    r("y", y)
    r("grad", x.grad)


@case
def reused_b_a_plus_a_c_b_plus_b(T, r):
    a = T.tensor(1.5, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    r("c", c)
    r("grad", a.grad)
    c.backward()  # no saved tensors: a second backward works and accumulates
    r("grad2", a.grad)


@case
def tensor_used_twice(T, r):
    x = T.tensor(3.0, requires_grad=True)
    y = x * x
    y.backward()
    mul = y.grad_fn
    r("grad", x.grad)
    r("same_acc", mul.next_functions[0][0] is mul.next_functions[1][0])


@case
def diamond(T, r):
    x = T.tensor(2.0, requires_grad=True)
    a = x * 3
    d = (a + x**2) * a
    d.backward()
    r("d", d)
    r("grad", x.grad)


@case
def wide_diamond(T, r):
    x = T.tensor([0.5, -1.0], requires_grad=True)
    parts = [x.sin(), x.cos(), x * x, x.exp(), x.tanh()]
    total = parts[0]
    for p in parts[1:]:
        total = total + p * parts[0]
    total.sum().backward()
    r("grad", x.grad)


@case
def stop_gradient(T, r):
    x = T.tensor([3.0], requires_grad=True)
    (x * x.detach()).backward()
    r("grad", x.grad)


@case
def where_gradient(T, r):
    x = T.tensor([-2.0, 3.0], requires_grad=True)
    T.where(x > 0, x * x, -x).sum().backward()
    r("grad", x.grad)


# ----- backward and accumulation ------------------------------------------------------
@case
def accumulate_with_retain_graph(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    r("before", x.grad)
    y.backward(retain_graph=True)
    g1 = x.grad
    r("first", g1.clone())
    y.backward(retain_graph=True)
    r("second", x.grad)
    y.backward()
    r("third", x.grad)
    r("same_object", g1 is x.grad)
    r.raises("fourth", y.backward)


@case
def accumulate_across_graphs(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    r("grad", x.grad)


@case
def grad_zero_then_backward(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    r("zeroed", x.grad.zero_())
    (x * 3).sum().backward()
    r("grad", x.grad)


@case
def grad_set_none(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad = None
    (x * 3).sum().backward()
    r("grad", x.grad)


@case
def grad_assigned_then_accumulated(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.grad = T.tensor([10.0, 20.0])
    (x * 3).sum().backward()
    r("grad", x.grad)


@case
def grad_is_plain(T, r):
    x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    r("flags", [g.requires_grad, g.is_leaf, g.grad_fn, g.dtype, tuple(g.shape)])


@case
def unused_and_constant_leaves(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    unused = T.tensor([1.0], requires_grad=True)
    const = T.tensor([5.0, 6.0])
    (x * const).sum().backward()
    r("grads", [x.grad, unused.grad, const.grad])


@case
def backward_returns_none(T, r):
    x = T.tensor(2.0, requires_grad=True)
    r("returned", (x * x).backward())


@case
def backward_one_element_shapes(T, r):
    for shape in ((), (1,), (1, 1)):
        x = T.ones(shape, requires_grad=True)
        (x * 3).backward()
        r(f"grad{len(shape)}", x.grad)


@case
def backward_gradient_none_and_2(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward(gradient=None)
    r("none", x.grad.clone())
    x.grad = None
    (x * x).sum().backward(T.tensor(2.0))
    r("two", x.grad)


@case
def backward_vector_jacobian(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(T.tensor([0.1, 1.0, 0.0001]))
    r("grad", x.grad)


@case
def backward_ones_like_equals_sum(T, r):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.sin()
    y.backward(T.ones_like(y))
    r("grad", x.grad)


@case
def backward_on_leaf(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.backward(T.tensor([5.0, 6.0]))
    r("grad", x.grad)


@case
def backward_function_form(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    T.autograd.backward([(x * 2).sum(), (x * x).sum()])
    r("grad", x.grad)


@case
def backward_function_with_gradients(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    T.autograd.backward([x * 2, x * x], [T.ones(2), T.tensor([1.0, 0.5])])
    r("grad", x.grad)


@case
def backward_inputs_restricts_accumulation(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    (y * y).sum().backward(inputs=[x])
    r("grads", [x.grad, w.grad])
    h = x * 3
    h.retain_grad()
    (h * w).sum().backward(inputs=[h, w])
    r("again", [x.grad, w.grad, h.grad])
    T.autograd.backward((x * x).sum(), inputs=x)
    r("function_form", x.grad)


@case
def manual_sgd_step(T, r):
    w = T.tensor([1.0, -1.0], requires_grad=True)
    (w * w).sum().backward()
    with T.no_grad():
        w -= 0.1 * w.grad
    r("w", w)
    w2 = w - 0.1 * w.grad
    r("w2", w2)


# ----- retain_graph and the second-backward error, op by op (facts section 4 notes) -----
SECOND_BACKWARD = {
    "add_scalar": lambda T, x, w: x + 2,
    "add_tensor": lambda T, x, w: x + w,
    "sub_scalar": lambda T, x, w: x - 2,
    "rsub": lambda T, x, w: 2 - x,
    "neg": lambda T, x, w: -x,
    "mean": lambda T, x, w: x.mean(),
    "sum": lambda T, x, w: x.sum(),
    "reshape": lambda T, x, w: x.reshape(4),
    "t": lambda T, x, w: x.t(),
    "select": lambda T, x, w: x[0],
    "slice": lambda T, x, w: x[1:],
    "cat": lambda T, x, w: T.cat([x, w]),
    "stack": lambda T, x, w: T.stack([x, w]),
    "unsqueeze": lambda T, x, w: x.unsqueeze(0),
    "expand": lambda T, x, w: x[0].expand(3, 2),
    "clone": lambda T, x, w: x.clone(),
    "permute": lambda T, x, w: x.permute(1, 0),
    "mul_scalar": lambda T, x, w: x * 3,
    "mul_tensor": lambda T, x, w: x * w,
    "mul_self": lambda T, x, w: x * x,
    "div_scalar": lambda T, x, w: x / 2,
    "rdiv": lambda T, x, w: 2 / x,
    "div_tensor": lambda T, x, w: x / w,
    "pow": lambda T, x, w: x**2,
    "pow_method": lambda T, x, w: x.pow(3),
    "exp": lambda T, x, w: x.exp(),
    "log": lambda T, x, w: x.log(),
    "sin": lambda T, x, w: x.sin(),
    "tanh": lambda T, x, w: x.tanh(),
    "sigmoid": lambda T, x, w: x.sigmoid(),
    "relu": lambda T, x, w: T.relu(x),
    "sqrt": lambda T, x, w: x.sqrt(),
    "abs": lambda T, x, w: x.abs(),
    "matmul": lambda T, x, w: x @ w,
    "max": lambda T, x, w: x.max(),
    "max_dim": lambda T, x, w: x.max(0).values,
    "clamp": lambda T, x, w: T.clamp(x, 0, 1),
    "softmax": lambda T, x, w: T.softmax(x, 1),
    "log_softmax": lambda T, x, w: x.log_softmax(1),
    "mse_loss": lambda T, x, w: T.nn.functional.mse_loss(x, w),
    "where": lambda T, x, w: T.where(x > 2, x, w),
    "maximum": lambda T, x, w: T.maximum(x, w),
    "index_list": lambda T, x, w: x[[0, 0]],
    "double": lambda T, x, w: x.double(),
    "index_mask": lambda T, x, w: x[x > 2],
    "setitem": lambda T, x, w: (lambda y: (y.__setitem__(0, w[1]), y)[1])(x.clone()),
    "to_copy_back": lambda T, x, w: x.double().float(),
    "sub_tensor": lambda T, x, w: x - w,
    "transpose": lambda T, x, w: x.transpose(0, 1),
    "T": lambda T, x, w: x.T,
    "mT": lambda T, x, w: x.mT,
    "view": lambda T, x, w: x.view(-1),
    "flatten": lambda T, x, w: x.flatten(),
    "squeeze": lambda T, x, w: x.unsqueeze(0).squeeze(),
    "squeeze_dim": lambda T, x, w: x.unsqueeze(0).squeeze(0),
    "sum_dim": lambda T, x, w: x.sum(1),
    "mean_dim": lambda T, x, w: x.mean(0, keepdim=True),
    "alias": lambda T, x, w: x[:, :],
    "cos": lambda T, x, w: x.cos(),
    "tan": lambda T, x, w: x.tan(),
    "square": lambda T, x, w: x.square(),
    "reciprocal": lambda T, x, w: x.reciprocal(),
    "pow_tensor": lambda T, x, w: x**w,
    "rpow": lambda T, x, w: 2**x,
    "minimum": lambda T, x, w: T.minimum(x, w),
    "min": lambda T, x, w: x.min(),
    "clamp_min": lambda T, x, w: x.clamp(min=2),
    "mm": lambda T, x, w: x.mm(w),
    "mv": lambda T, x, w: x.mv(w[0]),
    "dot": lambda T, x, w: x[0].dot(w[0]),
    "vm": lambda T, x, w: x[0] @ w,
    "bmm": lambda T, x, w: x.unsqueeze(0) @ w.unsqueeze(0),
    "cross_entropy": lambda T, x, w: T.nn.functional.cross_entropy(x, T.tensor([0, 1])),
    "nll_loss": lambda T, x, w: T.nn.functional.nll_loss(x, T.tensor([1, 0])),
    "mse_sum": lambda T, x, w: T.nn.functional.mse_loss(x, w, reduction="sum"),
}


def _second_backward_case(fn, retain: bool):
    def check(T, r):
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w = T.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
        s = fn(T, x, w).sum()
        s.backward(retain_graph=retain)
        r.raises("second", s.backward)
        r("grads", [x.grad, w.grad])

    return check


for _name, _fn in SECOND_BACKWARD.items():
    CASES[f"autograd/second_backward/{_name}"] = _second_backward_case(_fn, False)
    CASES[f"autograd/second_backward_retained/{_name}"] = _second_backward_case(_fn, True)


@case
def saved_tensor_freed_custom_fn(T, r):
    MyFn = square_function(T)
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = MyFn.apply(x)
    y.sum().backward()
    r("grad", x.grad)
    r.raises("saved_after", lambda: y.grad_fn.saved_tensors)
    r.raises("second", lambda: y.sum().backward())


# ----- grad modes -----------------------------------------------------------------------
@case
def no_grad_context(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.no_grad():
        inside = T.is_grad_enabled()
        y = x * 2
        z = T.ones(2, requires_grad=True)
    r("state", [inside, T.is_grad_enabled()])
    r("y", y)
    r("z", z)
    r("x", x)
    r.raises("backward", lambda: y.sum().backward())


@case
def no_grad_decorator(T, r):
    @T.no_grad()
    def double(t):
        return t * 2, T.is_grad_enabled()

    x = T.tensor([1.0, 2.0], requires_grad=True)
    y, state = double(x)
    r("y", y)
    r("state", [state, T.is_grad_enabled()])
    r("again", double(x)[0])


@case
def enable_grad_inside_no_grad(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.no_grad():
        with T.enable_grad():
            y = x * 2
            inner = T.is_grad_enabled()
        z = x * 3
        outer = T.is_grad_enabled()
    r("seen", [y, z, inner, outer, T.is_grad_enabled()])


@case
def enable_grad_decorator(T, r):
    @T.enable_grad()
    def double(t):
        return t * 2

    x = T.tensor([1.0], requires_grad=True)
    with T.no_grad():
        y = double(x)
    r("y", y)


@case
def set_grad_enabled_context(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.set_grad_enabled(False):
        y = x * 2
        off = T.is_grad_enabled()
    with T.set_grad_enabled(True):
        z = x * 2
    r("seen", [y, z, off, T.is_grad_enabled()])


@case
def set_grad_enabled_function(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    T.set_grad_enabled(False)
    y = x * 2
    off = T.is_grad_enabled()
    T.set_grad_enabled(True)
    z = x * 2
    r("seen", [y, z, off, T.is_grad_enabled()])


@case
def set_grad_enabled_decorator(T, r):
    @T.set_grad_enabled(False)
    def double(t):
        return t * 2

    x = T.tensor([1.0], requires_grad=True)
    r("seen", [double(x), T.is_grad_enabled(), x * 2])


@case
def nested_grad_modes_restore(T, r):
    states = []
    with T.no_grad():
        states.append(T.is_grad_enabled())
        with T.no_grad():
            states.append(T.is_grad_enabled())
        states.append(T.is_grad_enabled())
        with T.set_grad_enabled(True):
            states.append(T.is_grad_enabled())
        states.append(T.is_grad_enabled())
    states.append(T.is_grad_enabled())
    r("states", states)


@case
def no_grad_restores_after_error(T, r):
    try:
        with T.no_grad():
            raise ValueError("boom")
    except ValueError:
        pass
    r("enabled", T.is_grad_enabled())


# ----- requires_grad, is_leaf -----------------------------------------------------------
@case
def leaf_table(T, r):
    x = T.ones(2, requires_grad=True)
    b = T.ones(2)
    rows = {
        "factory": T.ones(2),
        "factory_rg": x,
        "op": x * 2,
        "no_rg_op": b + b,
        "detach": x.detach(),
        "clone": x.clone(),
        "select": x[0],
        "view": x.view(2),
        "detach_requires_grad": (x * 2).detach().requires_grad_(),
        "mixed": x + b,
    }
    r("rows", {k: [t.requires_grad, t.is_leaf, t.grad_fn is None] for k, t in rows.items()})


@case
def requires_grad_method(T, r):
    t = T.tensor([1.0, 2.0])
    same = t.requires_grad_()
    r("same", same is t)
    r("t", t)
    t.requires_grad_(False)
    r("off", t)


@case
def requires_grad_attribute_on_leaf(T, r):
    t = T.tensor([1.0, 2.0], requires_grad=True)
    t.requires_grad = False
    r("off", t)
    t.requires_grad = True
    r("on", t)


@case
def requires_grad_errors(T, r):
    x = T.ones(2, requires_grad=True)
    y = x * 2
    i = T.tensor([1, 2])

    def set_attr(t, flag):
        t.requires_grad = flag

    r.raises("nonleaf_attr_false", lambda: set_attr(y, False))
    r.raises("nonleaf_attr_true", lambda: set_attr(y, True))
    r.raises("nonleaf_method_false", lambda: y.requires_grad_(False))
    r.raises("nonleaf_method_true", lambda: y.requires_grad_(True))
    r.raises("int_factory", lambda: T.tensor([1, 2], requires_grad=True))
    r.raises("bool_factory", lambda: T.tensor([True], requires_grad=True))
    r.raises("int_ones", lambda: T.ones(2, dtype=T.int64, requires_grad=True))
    r.raises("int_method", lambda: i.requires_grad_())
    r.raises("int_attr", lambda: set_attr(i, True))
    r.raises("int_attr_false", lambda: set_attr(i, False))


@case
def non_differentiable_results(T, r):
    a = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    outs = [
        a.argmax(),
        a > 2,
        a == a,
        a.long(),
        a.int(),
        a.bool(),
        a.max(0).indices,
        T.zeros_like(a),
        T.ones_like(a),
        a.new_ones(2),
    ]
    r("outs", [(o.requires_grad, o.grad_fn is None) for o in outs])


# ----- retain_grad, hooks ----------------------------------------------------------------
@case
def retain_grad_non_leaf(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    r("before", y.grad)
    (y * y).sum().backward()
    r("y_grad", y.grad)
    r("x_grad", x.grad)
    r("flags", [y.retains_grad, x.retains_grad])
    x.retain_grad()
    r("leaf_noop", x.retains_grad)


@case
def retain_grad_accumulates(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    z.backward()
    r("y_grad", y.grad)


@case
def non_leaf_grad_warns(T, r):
    x = T.ones(2, requires_grad=True)
    r("grad", (x * 2).grad)


@case
def hook_sees_gradient(T, r):
    seen = []
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: seen.append(g.clone()))
    y.sum().backward()
    r("seen", seen)
    r("grad", x.grad)


@case
def hook_replaces_gradient(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    r("grad", x.grad)


@case
def hook_on_leaf(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g + 1)
    (x * 3).sum().backward()
    r("grad", x.grad)


@case
def accumulating_into_grad_writes_no_other_tensor(T, r):
    """``.grad`` is storage of its own: later passes accumulate into it in place and change
    no given gradient, no gradient a hook kept, no other leaf's ``.grad``."""
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    w = T.tensor([0.5, 0.5, 2.0], requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    seen = []
    x.register_hook(seen.append)
    (x + w).backward(g)  # both gradients are g itself
    (x * w).backward(g)  # made by the backward pass
    (x * w).backward(g)
    r("after", [g, x.grad, w.grad, seen])
    v = T.tensor([2.0, 4.0], requires_grad=True)
    (v * v).backward(T.ones(2))  # the sum of two fresh gradients
    kept = v.grad
    (v.exp() + v).sum().backward()
    r("kept", [kept, v.grad, kept is v.grad])


@case
def hooks_in_order_and_removed(T, r):
    calls = []
    x = T.tensor([1.0], requires_grad=True)
    y = x * 2
    h1 = y.register_hook(lambda g: calls.append("first"))
    y.register_hook(lambda g: calls.append("second"))
    h1.remove()
    y.sum().backward()
    r("calls", calls)


@case
def hook_errors(T, r):
    r.raises("no_grad_tensor", lambda: T.ones(2).register_hook(lambda g: g))
    r.raises("retain_no_grad", lambda: T.ones(2).retain_grad())


# ----- autograd.grad -----------------------------------------------------------------------
@case
def autograd_grad_basic(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    result = T.autograd.grad((x**3).sum(), x)
    r("result", result)
    r("x_grad_untouched", x.grad)


@case
def autograd_grad_several_inputs(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor(3.0, requires_grad=True)
    r("result", T.autograd.grad((x * w).sum(), [x, w]))


@case
def autograd_grad_unused(T, r):
    x = T.ones(2, requires_grad=True)
    u = T.ones(2, requires_grad=True)
    r.raises("error", lambda: T.autograd.grad((x * 2).sum(), [x, u]))
    r("allowed", T.autograd.grad((x * 2).sum(), [x, u], allow_unused=True))


@case
def autograd_grad_outputs_and_retain(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    r("first", T.autograd.grad(y, x, grad_outputs=T.tensor([1.0, 0.5]), retain_graph=True))
    r("second", T.autograd.grad(y, x, T.ones(2)))
    r.raises("third", lambda: T.autograd.grad(y, x, T.ones(2)))


@case
def autograd_grad_of_intermediate(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = (y * y).sum()
    r("dz_dy", T.autograd.grad(z, y))


# ----- the node API ---------------------------------------------------------------------
@case
def node_api(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x + 2
    add = y.grad_fn
    mul = add.next_functions[0][0]
    acc = mul.next_functions[0][0]
    r("names", [add.name(), mul.name(), acc.name(), type(acc).__name__])
    r("add_next", add.next_functions)
    r("acc", [acc.variable is x, acc.next_functions, add is y.grad_fn])
    r("module", type(add).__module__)
    r("leaf_fn", x.grad_fn)


@case
def tutorial_graph(T, r):
    x = T.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    r("out", out)
    mul = out.grad_fn.next_functions[0][0].next_functions[0][0]
    r("same_add", mul.next_functions[0][0] is mul.next_functions[1][0])


@case
def hooks_during_autograd_grad(T, r):
    seen = []
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: seen.append(g.clone()) or g * 10)
    y = x * 1
    y.register_hook(lambda g: g + 1)
    r("result", T.autograd.grad((y * y).sum(), x))
    r("seen", seen)
    r("x_grad", x.grad)


@case
def retain_grad_during_autograd_grad(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    r("g", T.autograd.grad((y * y).sum(), x))
    r("grads", [y.grad, x.grad])


@case
def hook_and_retain_grad_order(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 0)
    y.retain_grad()
    z = x * 3
    z.retain_grad()
    z.register_hook(lambda g: g * 0)
    (y * y + z * z).sum().backward()
    r("grads", [y.grad, z.grad, x.grad])


@case
def hook_removed_between_passes(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 2)
    (x * 1).sum().backward()
    handle.remove()
    (x * 1).sum().backward()
    r("grad", x.grad)


@case
def gradient_argument_requiring_grad(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    g = T.ones(2, requires_grad=True)
    (x * 2).backward(g * 1)
    r("grads", [x.grad, g.grad])


@case
def autograd_grad_of_the_output_itself(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    r("y", T.autograd.grad(y, y, T.ones(2)))
    r("x", T.autograd.grad(x, x, T.tensor([3.0, 4.0])))


@case
def sgd_loop(T, r):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        loss = ((w * 3 - 1) ** 2).mean()
        loss.backward()
        with T.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    r("w", w)
    r("grad", w.grad)


@case
def grad_runs_only_what_leads_to_its_inputs(T, r):
    # autograd.grad (and backward(inputs=...)) runs the nodes on a path to the tensors it
    # was asked for: another branch's stale saved tensor is never checked, and the hooks
    # of a leaf not asked for are not called
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    calls = []
    w.register_hook(lambda g: calls.append("w"))
    y = (x * 2.0).sum() + (w * w).sum()  # w * w saves w
    with T.no_grad():
        w.add_(1.0)
    r.raises("grad of x", lambda: T.autograd.grad(y, x, retain_graph=True))
    r.raises("backward into x", lambda: y.backward(inputs=[x], retain_graph=True))
    r("x.grad", x.grad)
    r.raises("grad of w", lambda: T.autograd.grad(y, w))
    z = (x * w).sum()
    r.raises("grad of x through a product", lambda: T.autograd.grad(z, x))
    r("hooks called", calls)
