"""In-place ops, item assignment, detach and version counters, and custom autograd
Functions (facts 3.2, 4, 5.5, 5.9)."""

from __future__ import annotations

from tests.engine.harness import registry

CASES, case = registry("inplace")

INPLACE = {
    "add_": lambda t: t.add_(2),
    "add_tensor_": lambda t: t.add_(t.detach() * 0 + 1),
    "add_alpha_": lambda t: t.add_(t.detach(), alpha=2),
    "sub_": lambda t: t.sub_(1.5),
    "mul_": lambda t: t.mul_(3),
    "div_": lambda t: t.div_(4),
    "pow_": lambda t: t.pow_(2),
    "neg_": lambda t: t.neg_(),
    "exp_": lambda t: t.exp_(),
    "relu_": lambda t: t.relu_(),
    "clamp_": lambda t: t.clamp_(0, 1),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3.0),
    "iadd": lambda t: t.__iadd__(1),
    "isub": lambda t: t.__isub__(1),
    "imul": lambda t: t.__imul__(2),
    "itruediv": lambda t: t.__itruediv__(2),
}


def _non_leaf_case(op):
    def check(T, r):
        x = T.tensor([[1.0, -2.0], [0.5, 4.0]], requires_grad=True)
        y = x.clone()
        result = op(y)
        r("same", result is y)
        r("y", y)
        r("version", y._version)
        (y * y).sum().backward()
        r("grad", x.grad)

    return check


def _no_grad_leaf_case(op):
    def check(T, r):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        with T.no_grad():
            op(w)
        r("w", w)
        r("flags", [w.is_leaf, w.requires_grad, w._version])

    return check


def _leaf_error_case(op):
    def check(T, r):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        r.raises("error", lambda: op(w))
        r("w", w)

    return check


def _plain_case(op):
    def check(T, r):
        t = T.tensor([1.0, -2.0])
        op(t)
        r("t", t)

    return check


for _name, _op in INPLACE.items():
    CASES[f"inplace/non_leaf/{_name}"] = _non_leaf_case(_op)
    CASES[f"inplace/no_grad_leaf/{_name}"] = _no_grad_leaf_case(_op)
    CASES[f"inplace/leaf_error/{_name}"] = _leaf_error_case(_op)
    CASES[f"inplace/plain/{_name}"] = _plain_case(_op)


@case
def mul_by_tensor_requiring_grad(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, -1.0], requires_grad=True)
    y = x * 1
    y.mul_(w)
    r("y", y)
    y.sum().backward()
    r("grads", [x.grad, w.grad])


@case
def inplace_into_no_grad_tensor(T, r):
    w = T.tensor([3.0, -1.0], requires_grad=True)
    t = T.zeros(2)
    t.add_(w * 2)
    r("t", t)
    t.sum().backward()
    r("grad", w.grad)


@case
def add_sub_that_record_nothing(T, r):
    """add_ and sub_ outside any graph: casts, broadcasting, views that share the storage,
    the tensor as its own operand, and the errors of writes that cannot happen."""
    a = T.tensor([1.0, 2.0, 3.0])
    view = a[1:]
    a.add_(T.tensor([0.5, 0.25, 0.125], dtype=T.float64))
    a.sub_(T.tensor([[1.0]])[0], alpha=2)
    view.add_(a[:1])
    a.add_(a, alpha=0.5)
    r("a", [a, view])
    w = T.tensor([1.0, -2.0], requires_grad=True)
    with T.no_grad():
        w -= 0.5 * T.tensor([4.0, 2.0])
        w.add_(1)
    r("w", [w, w.requires_grad, w.is_leaf, w._version])
    i = T.tensor([1, 2, 3])
    i.add_(T.tensor([1, 1, 1], dtype=T.int32))
    r("i", i)
    r.raises("int_plus_float", lambda: i.add_(1.5))
    r.raises("bool_minus", lambda: T.tensor([True]).sub_(T.tensor([False])))
    r.raises("broadcast", lambda: a.add_(T.ones(2, 3)))
    r.raises("expanded", lambda: T.zeros(1).expand(3).sub_(1))
    r("after", [a, i])


@case
def modified_output_error(T, r):
    w = T.ones(2, requires_grad=True)
    y = w.exp()
    y.add_(1)
    r.raises("error", lambda: y.sum().backward())


@case
def modified_input_error(T, r):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    z = y * y
    y.mul_(3)
    r.raises("error", lambda: z.sum().backward())


@case
def modified_twice_error(T, r):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = w.sin()
    z = y.cos()
    y.add_(1)
    y.add_(1)
    r.raises("error", lambda: z.sum().backward())


@case
def modified_after_detach_error(T, r):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = w.exp()
    y.detach().zero_()
    r("version", y._version)
    r.raises("error", lambda: y.sum().backward())


@case
def modified_unsaved_is_fine(T, r):
    w = T.tensor([1.0, 2.0], requires_grad=True)
    y = w + 1
    z = y + 2  # Add saves nothing: changing y afterwards is harmless
    y.mul_(2)
    z.sum().backward()
    r("grad", w.grad)


@case
def data_bypasses_version(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.data.zero_()
    y.sum().backward()
    r("grad", x.grad)
    w = T.tensor([1.0, 2.0], requires_grad=True)
    w.data -= 1.0
    r("w", w)


@case
def versions_count(T, r):
    t = T.ones(2)
    seen = [t._version]
    t.add_(1)
    seen.append(t._version)
    t[0] = 5.0
    seen.append(t._version)
    t += 1
    seen.append(t._version)
    r("versions", seen)


# ----- detach --------------------------------------------------------------------------
@case
def detach_shares_storage(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = x.detach()
    r("flags", [d.requires_grad, d.is_leaf, d.grad_fn])
    d[0] = 100.0
    r("x", x)


@case
def detach_of_non_leaf(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    d = T.detach(x * 2)
    r("d", d)


@case
def detach_in_place(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    same = y.detach_()
    r("y", y)
    r("flags", [same is y, y.is_leaf, y.requires_grad])


@case
def tensor_of_tensor_copies(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    c = T.tensor(x)
    c[0] = 9.0
    r("seen", [c, x])


@case
def clone_and_contiguous(T, r):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    r("contiguous_is_self", x.contiguous() is x)
    y = x.t().contiguous()
    r("y", y)
    y.sum().backward()
    r("grad", x.grad)


# ----- item assignment ------------------------------------------------------------------
@case
def setitem_scalar_on_non_leaf(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.clone()
    y[0] = 10.0
    r("y", y)
    (y * y).sum().backward()
    r("grad", x.grad)


@case
def setitem_tensor_requiring_grad(T, r):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = T.tensor([5.0, 6.0], requires_grad=True)
    y = x * 1
    y[1] = v * 2
    r("y", y)
    (y * y).sum().backward()
    r("grads", [x.grad, v.grad])


@case
def setitem_into_plain_tensor(T, r):
    v = T.tensor(2.0, requires_grad=True)
    t = T.zeros(3)
    t[1:] = v * 3
    r("t", t)
    t.sum().backward()
    r("grad", v.grad)


@case
def setitem_mask_and_slices(T, r):
    x = T.tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    y = x * 1
    y[y < 0] = 0.0
    y[:, 1] = y[:, 0] * 2
    r("y", y)
    y.sum().backward()
    r("grad", x.grad)


@case
def setitem_leaf_error_and_no_grad(T, r):
    w = T.ones(2, requires_grad=True)

    def assign():
        w[0] = 5.0

    r.raises("error", assign)
    with T.no_grad():
        w[0] = 5.0
    r("w", w)


@case
def setitem_plain_values(T, r):
    t = T.zeros(2, 3)
    t[0] = T.tensor([1.0, 2.0, 3.0])
    t[1, 1:] = 7
    t[..., 0] += 1
    t[[1, 0], [2, 2]] = T.tensor([8.0, 9.0])
    r("t", t)


@case
def setitem_out_of_range(T, r):
    t = T.zeros(2)

    def assign():
        t[2] = 1.0

    r.raises("error", assign)


# ----- custom autograd.Function ------------------------------------------------------------
def square_function(T):
    """The facts' MyFn: x * x with backward 2x, saving its input."""

    class MyFn(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 2 * x

    return MyFn


@case
def custom_function_basics(T, r):
    fn = square_function(T)
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = fn.apply(x)
    r("y", y)
    r("node", [repr(y.grad_fn).split(" object")[0], y.grad_fn.name(), type(y.grad_fn).__name__])
    r("next", y.grad_fn.next_functions)
    y.sum().backward()
    r("grad", x.grad)


@case
def custom_function_without_grad(T, r):
    fn = square_function(T)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.no_grad():
        r("no_grad", fn.apply(x))
    r("constant", fn.apply(T.tensor([1.0, 2.0])))


@case
def custom_function_ctx_is_node(T, r):
    seen = []

    class Keep(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(ctx)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

    y = Keep.apply(T.ones(2, requires_grad=True))
    r("same", seen[0] is y.grad_fn)


@case
def custom_function_non_tensor_args(T, r):
    class MulConst(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = MulConst.apply(x, 5.0)
    r("y", y)
    y.sum().backward()
    r("grad", x.grad)


@case
def custom_function_needs_input_grad(T, r):
    seen = []

    class Mul(T.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            seen.append(ctx.needs_input_grad)
            return g * b, g * a  # a gradient for b although it needs none: ignored

    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0, 4.0])
    y = Mul.apply(a, b)
    r("y", y)
    y.sum().backward()
    r("seen", seen)
    r("grads", [a.grad, b.grad])


@case
def custom_function_non_differentiable(T, r):
    class SortWithIdx(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = T.tensor([1, 2, 0])  # the order that sorts the inputs used below
            vals = x[idx]
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return vals, idx

        @staticmethod
        def backward(ctx, g_vals, g_idx):
            (idx,) = ctx.saved_tensors
            out = T.zeros_like(g_vals)
            out[idx] = g_vals
            return out

    x = T.tensor([3.0, 1.0, 2.0], requires_grad=True)
    vals, idx = SortWithIdx.apply(T.tensor([3.0, 1.0, 2.0], requires_grad=True) * 1)
    r("vals", vals)
    r("idx", [idx.requires_grad, idx.grad_fn])
    vals2, _ = SortWithIdx.apply(x)
    (vals2 * T.tensor([1.0, 10.0, 100.0])).sum().backward()
    r("grad", x.grad)


@case
def custom_function_two_outputs(T, r):
    class F2(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, gu, gw):
            return gu * 2 + gw * 3

    x = T.tensor([1.0, 2.0], requires_grad=True)
    u, w = F2.apply(x)
    z = w * 1
    r("next", z.grad_fn.next_functions)
    r("nr", [u.output_nr, w.output_nr])
    z.sum().backward()
    r("grad", x.grad)


@case
def custom_function_setup_context(T, r):
    class Cube(T.autograd.Function):
        @staticmethod
        def forward(x):
            return x**3

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2

    x = T.tensor([2.0], requires_grad=True)
    y = Cube.apply(x)
    r("y", y)
    y.backward()
    r("grad", x.grad)


@case
def custom_function_broadcastable_gradient(T, r):
    class Spread(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g.expand(3, 2) * 1

    x = T.tensor([1.0, 2.0], requires_grad=True)
    Spread.apply(x).sum().backward()
    r("grad", x.grad)


@case
def custom_function_errors(T, r):
    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    class BadShape(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g.sum()

    x = T.ones(2, requires_grad=True)
    r.raises("count", lambda: Bad.apply(x).sum().backward())
    r.raises("shape", lambda: BadShape.apply(x).sum().backward())
    r.raises("legacy", lambda: square_function(T)()(x))


# ----- copy_ ----------------------------------------------------------------------------
@case
def copy_into_non_leaf(T, r):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    c = T.tensor([5.0, 6.0], requires_grad=True)
    y = x * 2
    y.copy_(c * 1)
    r("y", y)
    (y * y).sum().backward()
    r("grads", [x.grad, c.grad])


@case
def copy_broadcast_and_cast(T, r):
    c = T.tensor(3.0, dtype=T.float64, requires_grad=True)
    t = T.zeros(2, 2)
    t.copy_(c)
    r("t", t)
    t.sum().backward()
    r("grad", c.grad)
    i = T.zeros(2, dtype=T.int64)
    i.copy_(T.tensor([1.7, -2.7]))
    r("int", i)


@case
def copy_errors(T, r):
    r.raises("leaf", lambda: T.ones(2, requires_grad=True).copy_(T.zeros(2)))
    r.raises("shape", lambda: T.ones(2).copy_(T.zeros(3)))
    with T.no_grad():
        w = T.ones(2, requires_grad=True)
        w.copy_(T.tensor([4.0, 5.0]))
    r("no_grad_leaf", w)


# ----- writes through views -------------------------------------------------------------
@case
def view_of_leaf_written_in_place(T, r):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)

    def assign():
        x[0][1] = 5.0

    r.raises("select_add_", lambda: x[0].add_(1))
    r.raises("chain_mul_", lambda: x.t()[0].mul_(2))
    r.raises("view_zero_", lambda: x.view(4).zero_())
    r.raises("setitem_on_view", assign)
    r("x", x)


@case
def view_of_leaf_written_under_no_grad(T, r):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with T.no_grad():
        x[0].add_(1)
        x.t()[1] *= 10
    r("x", x)


@case
def view_of_plain_tensor_written(T, r):
    t = T.zeros(2, 2)
    t[0].add_(1)
    t.t()[1] += 5
    t.view(4)[0] = 7
    r("t", t)
