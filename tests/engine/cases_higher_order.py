"""Higher-order gradients (issue 14): every op of the table differentiated three times,
and the semantics around ``create_graph`` (what ``.grad`` holds, ``retain_graph``'s default,
the errors PyTorch gives).

For an op ``f`` with inputs ``x``, a case records ``g = d<c, f(x)>/dx`` with
``create_graph=True``, then ``h = d<v, g>/dx`` (a Hessian-vector product) and ``d<v, h>/dx``
(third order), each with the next graph built: values and the whole graph each gradient
carries, node by node, which PyTorch's derivative formulas fix (the C++ ``Tensor, Scalar``
overloads such as ``MulBackward1``, and the order the inputs' formulas run in).
"""

from __future__ import annotations

import warnings

import numpy as np

from tests.engine.cases_ops import ALL_SPECS, cotangent, shape_id, spec_inputs
from tests.engine.harness import registry

CASES, case = registry("higher_order")


def _direction(shape: tuple) -> list:
    """A fixed direction for the Hessian-vector products, distinct from the cotangent.
    Not round decimals: products of round inputs land on printing ties (…5), where a last
    bit from the summation order flips a printed digit."""
    n = int(np.prod(shape, dtype=np.int64))
    return (((np.arange(n) + 1) * 0.7548776662 % 1.0) * 1.75 - 1.0).reshape(shape).tolist()


def _contract(T, tensors: list, weights: list):
    """sum_i <w_i, t_i> over the tensors that carry a graph (None if none does)."""
    total = None
    for t, w in zip(tensors, weights, strict=True):
        if t is None or not t.requires_grad:
            continue
        term = (t * T.tensor(w, dtype=t.dtype)).sum()
        total = term if total is None else total + term
    return total


# PyTorch's second derivative of abs is a zero tensor without storage, which cannot be
# printed or listed ("tolist() shouldn't be called on a tensor with unallocated storage");
# the engine's is plain zeros. Only abs's first derivative is compared.
FIRST_ONLY = {"abs", "torch_abs", "builtin_abs"}


def op_case(spec, shapes: tuple, dtype: str):
    """First, second and third derivatives of one op, each recording the next graph."""
    inputs = [v.tolist() for v in spec_inputs(spec, shapes)]
    directions = [_direction(s) for s in shapes]

    def case(T, r):
        leaves = [T.tensor(v, dtype=getattr(T, dtype), requires_grad=True) for v in inputs]
        out = spec.fn(T, *leaves)
        loss = (out * T.tensor(cotangent(tuple(out.shape)), dtype=out.dtype)).sum()
        grads = T.autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
        r("first", list(grads))
        for order in () if spec.name in FIRST_ONLY else ("second", "third"):
            inner = _contract(T, list(grads), directions)
            if inner is None:  # the derivative is constant: nothing left to differentiate
                r(order, None)
                return
            grads = T.autograd.grad(inner, leaves, create_graph=True, allow_unused=True)
            r(order, list(grads))

    return case


for _spec in ALL_SPECS:
    if _spec.math_grad:
        for _dtype in ("float64", "float32"):
            _shapes = _spec.shapes[-1]
            CASES[f"higher_order/{_spec.name}/{_dtype}/{shape_id(_shapes)}"] = op_case(
                _spec, _shapes, _dtype
            )


# ----- create_graph semantics -------------------------------------------------------------
def _backward_create_graph(y) -> None:
    """``y.backward(create_graph=True)`` without its warning, which both give once per
    process, so which case would see it depends on the order the cases run in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        y.backward(create_graph=True)


@case
def backward_create_graph_fills_grad_with_a_graph(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    _backward_create_graph((x**3).sum())
    r("first", x.grad.detach())
    r("first_grad_fn", x.grad.grad_fn.name())
    _backward_create_graph((x**3).sum())
    r("accumulated", x.grad.detach())
    r("accumulated_grad_fn", x.grad.grad_fn.name())
    g = x.grad
    x.grad = None
    g.sum().backward()
    r("second", x.grad)


@case
def grad_then_backward_gives_the_second_derivative(T, r):
    x = T.tensor(3.0, requires_grad=True)
    y = x**3 + x.sin() * x
    (g,) = T.autograd.grad(y, x, create_graph=True)
    r("g", g.detach())
    r("g_grad_fn", g.grad_fn.name())
    g.backward()
    r("second", x.grad)


@case
def create_graph_retains_the_graph_by_default(T, r):
    x = T.tensor([0.5, -1.0], requires_grad=True)
    y = (x.exp() * x).sum()
    _backward_create_graph(y)
    r.raises("again", lambda: y.backward())
    r("grad", x.grad.detach())


@case
def grad_frees_the_graph_by_default(T, r):
    x = T.tensor([0.5, -1.0], requires_grad=True)
    y = (x.tanh() * x).sum()
    r.raises("first", lambda: T.autograd.grad(y, x))
    r.raises("again", lambda: T.autograd.grad(y, x))


@case
def differentiating_a_constant_gradient_is_an_error(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (g,) = T.autograd.grad((x * 2.0).sum(), x, create_graph=True)
    r("g", g)
    r("requires_grad", g.requires_grad)
    r.raises("backward", lambda: g.sum().backward())


@case
def second_backward_through_a_freed_graph(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x.sigmoid() * x).sum()
    (g,) = T.autograd.grad(y, x, create_graph=True, retain_graph=False)
    r.raises("through_freed", lambda: g.sum().backward())


@case
def hessian_vector_product_with_a_tensor_direction(T, r):
    x = T.tensor([0.3, -0.7, 1.1], requires_grad=True)
    v = T.tensor([1.0, 0.5, -2.0])
    y = (x.exp() * x.cos()).sum() + (x @ x) ** 2
    (g,) = T.autograd.grad(y, x, create_graph=True)
    (hv,) = T.autograd.grad(g, x, grad_outputs=v)
    r("hv", hv)


@case
def double_backward_through_a_grad_output_that_requires_grad(T, r):
    x = T.tensor([0.3, -0.7], requires_grad=True)
    v = T.tensor([1.0, 0.5], requires_grad=True)
    y = x.tanh()
    (vjp,) = T.autograd.grad(y, x, grad_outputs=v, create_graph=True)
    r("vjp_grad_fn", vjp.grad_fn.name())
    (jv,) = T.autograd.grad(vjp.sum(), v)  # d<1, J^T v>/dv = J 1: the jvp trick
    r("jv", jv)


@case
def mlp_loss_hessian_rows(T, r):
    x = T.tensor([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]], dtype=T.float64)
    y = T.tensor([[1.0], [0.0]], dtype=T.float64)
    w1 = T.tensor([[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]], dtype=T.float64, requires_grad=True)
    w2 = T.tensor([[0.7], [-0.6]], dtype=T.float64, requires_grad=True)
    loss = T.nn.functional.mse_loss((x @ w1).tanh() @ w2, y)
    g1, g2 = T.autograd.grad(loss, (w1, w2), create_graph=True)
    flat = T.cat([g1.reshape(-1), g2.reshape(-1)])
    rows = [T.autograd.grad(flat[i], (w1, w2), retain_graph=True) for i in range(flat.numel())]
    r("hessian", [[a.reshape(-1).tolist() + b.reshape(-1).tolist() for a, b in rows]])


@case
def custom_function_backward_is_recorded(T, r):
    class Cube(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    x = T.tensor([1.0, -2.0], requires_grad=True)
    (g,) = T.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    r("g", g.detach())
    r("g_requires_grad", g.requires_grad)
    (h,) = T.autograd.grad(g.sum(), x)
    r("h", h)


@case
def hooks_see_recorded_gradients(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = x * x
    y.register_hook(lambda g: seen.append(g.requires_grad))
    (g,) = T.autograd.grad((y * x).sum(), x, create_graph=True)
    r("seen", seen)
    r("g", g.detach())
