"""``engine.autograd.functional`` against ``torch.autograd.functional``: jacobian, hessian,
vjp, jvp, hvp and vhp with single and tuple inputs, create_graph and their errors.

A result made with ``create_graph=True`` is observed as its values and its top backward
node, not its whole graph: how a double backward is wired inside is the engine's own
business.
"""

from __future__ import annotations

from tests.engine.harness import node_name, registry

CASES, case = registry("functional")
DTYPES = ("float64", "float32")


# ----- inputs and observation helpers -------------------------------------------------
def _x(T, dtype):
    return T.tensor([0.5, -1.25, 2.0], dtype=getattr(T, dtype))


def _m(T, dtype):
    return T.tensor([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]], dtype=getattr(T, dtype))


def _mlp_data(T, dtype):
    """A 4 -> 3 (tanh) -> 2 network, its weights and a batch of 3 samples."""
    dt = getattr(T, dtype)
    w1 = T.tensor([[0.1 * (i - 2 * j) for i in range(4)] for j in range(3)], dtype=dt)
    w2 = T.tensor([[0.3, -0.2, 0.5], [-0.4, 0.1, 0.2]], dtype=dt)
    x = T.tensor([[1.0, 0.5, -1.0, 2.0], [0.0, -1.5, 0.5, 1.0], [2.0, 1.0, 0.0, -0.5]], dtype=dt)
    y = T.tensor([[0.5, -1.0], [1.0, 0.0], [-0.5, 0.25]], dtype=dt)

    def loss(w1, w2):
        return T.nn.functional.mse_loss(T.tanh(x @ w1.t()) @ w2.t(), y)

    return loss, (w1, w2)


def _graphed(value):
    """A create_graph result: values, and the node that keeps it differentiable."""
    if isinstance(value, tuple):
        return [_graphed(v) for v in value]
    return {
        "value": value.detach(),
        "requires_grad": value.requires_grad,
        "grad_fn": node_name(value.grad_fn),
    }


def _both_dtypes(fn):
    """Register ``fn(T, r, dtype)`` once per dtype."""
    for dtype in DTYPES:

        def bound(T, r, fn=fn, dtype=dtype):
            fn(T, r, dtype)

        bound.__name__ = f"{fn.__name__}_{dtype}"
        case(bound)
    return fn


# ----- jacobian -----------------------------------------------------------------------
@_both_dtypes
def jacobian_elementwise(T, r, dtype):
    F = T.autograd.functional
    r("tanh_exp", F.jacobian(lambda x: T.tanh(x) * x.exp(), _x(T, dtype)))
    r("sigmoid_square", F.jacobian(lambda x: x.sigmoid() + x * x, _m(T, dtype)))


@_both_dtypes
def jacobian_matmul(T, r, dtype):
    F = T.autograd.functional
    m, x = _m(T, dtype), _x(T, dtype)
    r("of_x", F.jacobian(lambda x: m @ x, x))
    r("of_both", F.jacobian(lambda m, x: m @ x, (m, x)))
    r("of_matrix_product", F.jacobian(lambda a: a @ a.t(), m))


@_both_dtypes
def jacobian_reductions(T, r, dtype):
    F = T.autograd.functional
    m = _m(T, dtype)
    r("sum", F.jacobian(lambda a: a.sum(), m))
    r("sum_dim", F.jacobian(lambda a: a.sum(dim=1), m))
    r("mean_keepdim", F.jacobian(lambda a: a.mean(dim=0, keepdim=True), m))
    r("max", F.jacobian(lambda a: a.max(), m))
    r("softmax", F.jacobian(lambda a: a.softmax(dim=1), m))


@_both_dtypes
def jacobian_tuples(T, r, dtype):
    F = T.autograd.functional
    m, x = _m(T, dtype), _x(T, dtype)
    r("one_in_two_out", F.jacobian(lambda x: (x.sin(), (x * x).sum()), x))
    r("two_in_one_out", F.jacobian(lambda m, x: (m * x).sum(dim=0), (m, x)))
    r("two_in_two_out", F.jacobian(lambda m, x: (m @ x, x.exp()), (m, x)))
    r("one_tuple_in", F.jacobian(lambda x: x.cos(), (x,)))
    r("scalar_in_out", F.jacobian(lambda s: s * s * s, T.tensor(1.5, dtype=getattr(T, dtype))))


@case
def jacobian_unused_input_and_constant_output(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    r("unused", F.jacobian(lambda a, b: a * 2, (x, x + 1)))
    r("constant", F.jacobian(lambda a: T.ones(2, dtype=T.float64), x))
    r.raises("strict_unused", lambda: F.jacobian(lambda a, b: a * 2, (x, x + 1), strict=True))
    r.raises(
        "strict_constant",
        lambda: F.jacobian(lambda a: T.ones(2, dtype=T.float64), x, strict=True),
    )
    r.raises(
        "strict_linear_create_graph",
        lambda: F.jacobian(lambda a: a * 2, x, create_graph=True, strict=True),
    )


@_both_dtypes
def jacobian_create_graph(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype).requires_grad_()
    jac = F.jacobian(lambda a: a.exp() * a.sum(), x, create_graph=True)
    r("jacobian", _graphed(jac))
    r("d_trace_dx", T.autograd.grad(jac.sum(), x)[0])
    r("x_grad", x.grad)


@case
def jacobian_leaves_inputs_alone(T, r):
    F = T.autograd.functional
    x = _x(T, "float32").requires_grad_()
    r("jacobian", F.jacobian(lambda a: a * a, x))
    r("x", x)
    r("x_grad", x.grad)
    with T.no_grad():
        r("under_no_grad", F.jacobian(lambda a: a * a, x))
    # func sees a fresh tensor: one it captures is a constant, as in torch (pytorch#32576)
    r("captured", F.jacobian(lambda a: a * x, x))


@case
def jacobian_type_errors(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    r.raises("returns_float", lambda: F.jacobian(lambda a: 3.0, x))
    r.raises("returns_list", lambda: F.jacobian(lambda a: [a, a], x))
    r.raises("returns_tuple_with_int", lambda: F.jacobian(lambda a: (a, 1), x))
    r.raises("inputs_list", lambda: F.jacobian(lambda a: a, [x]))
    r.raises("inputs_tuple_with_float", lambda: F.jacobian(lambda a, b: a, (x, 2.0)))
    r.raises("bad_strategy", lambda: F.jacobian(lambda a: a, x, strategy="sideways"))


# ----- hessian ------------------------------------------------------------------------
@_both_dtypes
def hessian_mlp_loss(T, r, dtype):
    F = T.autograd.functional
    loss, weights = _mlp_data(T, dtype)
    r("loss", loss(*weights))
    r("hessian", F.hessian(loss, weights))


@_both_dtypes
def hessian_single_input(T, r, dtype):
    F = T.autograd.functional
    r("cubic", F.hessian(lambda x: (x * x * x).sum() + x.exp().sum() * x.sum(), _x(T, dtype)))
    r("matrix", F.hessian(lambda a: (a @ a.t()).tanh().sum(), _m(T, dtype)))
    r("one_tuple", F.hessian(lambda x: x.exp().sum(), (_x(T, dtype),)))
    r("scalar", F.hessian(lambda s: s.sin() * s, T.tensor(0.75, dtype=getattr(T, dtype))))


@case
def hessian_linear_and_errors(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    r("linear", F.hessian(lambda a: (a * 3).sum(), x))
    r("unused_input", F.hessian(lambda a, b: (a * a).sum(), (x, x + 1)))
    r.raises("strict_linear", lambda: F.hessian(lambda a: (a * 3).sum(), x, strict=True))
    r.raises("strict_constant", lambda: F.hessian(lambda a: T.ones(()), x, strict=True))
    r.raises("tuple_output", lambda: F.hessian(lambda a: (a.sum(), a.sum()), x))
    r.raises("vector_output", lambda: F.hessian(lambda a: a * a, x))
    r.raises("returns_float", lambda: F.hessian(lambda a: 1.0, x))
    r.raises("bad_strategy", lambda: F.hessian(lambda a: a.sum(), x, outer_jacobian_strategy="?"))


@_both_dtypes
def hessian_create_graph(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype).requires_grad_()
    h = F.hessian(lambda a: (a * a * a).sum(), x, create_graph=True)
    r("hessian", _graphed(h))
    r("d_sum_dx", T.autograd.grad(h.sum(), x)[0])


# ----- vjp ----------------------------------------------------------------------------
@_both_dtypes
def vjp_values(T, r, dtype):
    F = T.autograd.functional
    m, x = _m(T, dtype), _x(T, dtype)
    r("single", F.vjp(lambda a: a.exp().sum(dim=1), m, T.tensor([1.0, -2.0], dtype=m.dtype)))
    r("scalar_default_v", F.vjp(lambda a: (a * a).sum(), x))
    r("two_in", F.vjp(lambda a, b: a @ b, (m, x), T.tensor([0.5, 2.0], dtype=m.dtype)))
    r("two_out", F.vjp(lambda a: (a.sin(), a.sum()), x, (x.cos(), T.tensor(3.0, dtype=x.dtype))))
    r("unused_input", F.vjp(lambda a, b: a.sum(), (x, m)))


@case
def vjp_errors(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    r.raises("v_missing", lambda: F.vjp(lambda a: a * 2, x))
    r.raises("v_wrong_shape", lambda: F.vjp(lambda a: a * 2, x, T.ones(2, dtype=T.float64)))
    r.raises("v_tuple_for_one_output", lambda: F.vjp(lambda a: a * 2, x, (x, x)))
    r.raises("v_tuple_too_short", lambda: F.vjp(lambda a: (a, a), x, (x,)))
    r.raises("v_entry_wrong_shape", lambda: F.vjp(lambda a: (a, a.sum()), x, (x, x)))
    r.raises("v_not_tensor", lambda: F.vjp(lambda a: a * 2, x, [1.0, 2.0, 3.0]))
    r.raises("returns_float", lambda: F.vjp(lambda a: 2.0, x))
    r.raises("strict_unused", lambda: F.vjp(lambda a, b: a.sum(), (x, x), strict=True))
    r.raises("strict_constant", lambda: F.vjp(lambda a: T.ones(()), x, strict=True))
    r.raises(
        "strict_create_graph_linear",
        lambda: F.vjp(lambda a: (a * 2).sum(), x, create_graph=True, strict=True),
    )


@_both_dtypes
def vjp_create_graph(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype).requires_grad_()
    out, g = F.vjp(lambda a: (a * a.exp()).sum(), x, create_graph=True)
    r("out", _graphed(out))
    r("vjp", _graphed(g))
    r("second", T.autograd.grad(g.sum(), x)[0])
    with T.no_grad():
        r("no_graph_under_no_grad", F.vjp(lambda a: (a * a).sum(), x))


# ----- jvp ----------------------------------------------------------------------------
@_both_dtypes
def jvp_values(T, r, dtype):
    F = T.autograd.functional
    m, x = _m(T, dtype), _x(T, dtype)
    r("single", F.jvp(lambda a: a.exp().sum(dim=1), m, T.ones(2, 3, dtype=m.dtype)))
    r("two_in", F.jvp(lambda a, b: a @ b, (m, x), (m * 0.5, x.cos())))
    r("two_out", F.jvp(lambda a: (a.sin(), a.tanh().sum()), x, x * 2))
    r("scalar_default_v", F.jvp(lambda s: s * s, T.tensor(2.0, dtype=x.dtype)))
    r("unused_input", F.jvp(lambda a, b: a * 2, (x, x), (x, x)))


@case
def jvp_errors(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    r.raises("v_missing", lambda: F.jvp(lambda a: a * 2, x))
    r.raises("v_wrong_shape", lambda: F.jvp(lambda a: a * 2, x, T.ones(4, dtype=T.float64)))
    r.raises("v_tuple_wrong_length", lambda: F.jvp(lambda a, b: a * b, (x, x), (x,)))
    r.raises("returns_float", lambda: F.jvp(lambda a: 2.0, x, x))
    r.raises("strict_unused", lambda: F.jvp(lambda a, b: a * 2, (x, x), (x, x), strict=True))
    r.raises("strict_constant", lambda: F.jvp(lambda a: T.ones(3), x, x, strict=True))


@_both_dtypes
def jvp_create_graph(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype).requires_grad_()
    out, jv = F.jvp(lambda a: a.sin() * a, x, x.detach() * 3, create_graph=True)
    r("out", _graphed(out))
    r("jvp", _graphed(jv))
    r("second", T.autograd.grad(jv.sum(), x)[0])


# ----- hvp and vhp --------------------------------------------------------------------
@_both_dtypes
def hessian_products_mlp_loss(T, r, dtype):
    F = T.autograd.functional
    loss, weights = _mlp_data(T, dtype)
    v = tuple(T.ones_like(w) * 0.5 for w in weights)
    r("hvp", F.hvp(loss, weights, v))
    r("vhp", F.vhp(loss, weights, v))


@_both_dtypes
def hessian_products_single(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype)
    for name in ("hvp", "vhp"):
        fn = getattr(F, name)
        r(f"{name}_cubic", fn(lambda a: (a * a * a).sum(), x, x.cos()))
        r(f"{name}_scalar_default_v", fn(lambda s: s.exp() * s, T.tensor(0.5, dtype=x.dtype)))
        r(f"{name}_linear", fn(lambda a: (a * 3).sum(), x, x))


@case
def hessian_products_errors(T, r):
    F = T.autograd.functional
    x = _x(T, "float64")
    for name in ("hvp", "vhp"):
        fn = getattr(F, name)
        r.raises(f"{name}_v_missing", lambda fn=fn: fn(lambda a: (a * a).sum(), x))
        r.raises(f"{name}_v_wrong_shape", lambda fn=fn: fn(lambda a: (a * a).sum(), x, x[:2]))
        r.raises(f"{name}_tuple_output", lambda fn=fn: fn(lambda a: (a.sum(),), x, x))
        r.raises(f"{name}_vector_output", lambda fn=fn: fn(lambda a: a * a, x, x))
        r.raises(
            f"{name}_strict_linear",
            lambda fn=fn: fn(lambda a: (a * 3).sum(), x, x, strict=True),
        )


@_both_dtypes
def hessian_products_create_graph(T, r, dtype):
    F = T.autograd.functional
    x = _x(T, dtype).requires_grad_()
    for name in ("hvp", "vhp"):
        out, hv = getattr(F, name)(lambda a: (a**3).sum(), x, x.detach(), create_graph=True)
        r(f"{name}_out", _graphed(out))
        r(f"{name}", _graphed(hv))
        r(f"{name}_second", T.autograd.grad(hv.sum(), x)[0])
