"""Views and their base as one storage: a shared version counter (so a write through either
is caught by a backward that saved the other), and PyTorch's refusals of in-place writes
whose memory overlaps what they read or what they write."""

from __future__ import annotations

from tests.engine.harness import registry

CASES, case = registry("aliasing")

# views of a 4x4 base, by how PyTorch makes them
VIEWS = {
    "slice": lambda x: x[1:],
    "select": lambda x: x[0],
    "view": lambda x: x.view(-1),
    "t": lambda x: x.t(),
    "unsqueeze": lambda x: x.unsqueeze(0),
    "expand_row": lambda x: x.expand(2, 4, 4)[0],
    "ellipsis": lambda x: x[...],
}


def _base(T):
    return T.arange(16.0).view(4, 4) / 7


def _versions_case(make):
    def check(T, r):
        x = _base(T)
        v = make(x)
        x.add_(1)
        r("after base write", [x._version, v._version])
        v.mul_(2)
        r("after view write", [x._version, v._version])
        r("x", x)

    return check


def _saved_base_case(make):
    """A view written under no_grad after its base was saved: backward refuses."""

    def check(T, r):
        x = T.arange(16.0, requires_grad=True)
        y = x.view(4, 4) * 1
        z = y * y
        with T.no_grad():
            make(y).mul_(2)
        r.raises("backward", lambda: z.sum().backward())
        r("y version", y._version)

    return check


def _layout_case(make):
    """Where a view's elements lie in its base's memory: strides and the first element's
    offset, in elements (4 bytes each: float32)."""

    def check(T, r):
        x = _base(T)
        v = make(x)
        r("stride", v.stride())
        r("stride(-1)", v.stride(-1))
        r("offset", (v.data_ptr() - x.data_ptr()) // 4)
        r("detach is the same memory", v.detach().data_ptr() == v.data_ptr())

    return check


for _name, _make in VIEWS.items():
    CASES[f"aliasing/layout/{_name}"] = _layout_case(_make)
    CASES[f"aliasing/versions/{_name}"] = _versions_case(_make)
    CASES[f"aliasing/saved_base/{_name}"] = _saved_base_case(_make)


@case
def saved_view_then_base_written(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[0:2]
    z = v * v
    with T.no_grad():
        y.mul_(2)
    r("v version", v._version)
    r.raises("backward", lambda: z.sum().backward())


@case
def saved_leaf_then_view_written(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = x * x
    with T.no_grad():
        x[0:2].mul_(2)
    r("x", [x, x._version])
    r.raises("backward", lambda: z.sum().backward())


@case
def saved_result_then_view_written(T, r):
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.exp()  # saves its result
    with T.no_grad():
        y[1:].zero_()
    r.raises("backward", lambda: y.sum().backward())


@case
def view_history_follows_base_write(T, r):
    """A view's gradient flows through a later in-place write to its base: PyTorch rebuilds
    the view's grad_fn (AsStridedBackward0) from the base's new history."""
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[:2]
    w = v[1:]
    y.mul_(3)
    r("views", [v, w, v._base is y, w._base is y])
    w.sum().backward()
    r("grad", x.grad)


@case
def expanded_view_follows_base_write(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = x * 1
    e = z.expand(2, 3)
    z.mul_(2)
    e.sum().backward()
    r("grad", x.grad)


@case
def view_of_leaf_rebuilt_after_no_grad_write(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = x[:2]
    with T.no_grad():
        x.mul_(2)
    r("v", [v, v._version])
    (v * v).sum().backward()
    r("grad", x.grad)


@case
def view_history_differentiated_twice(T, r):
    x = T.tensor([0.5, 1.0, 1.5], requires_grad=True)
    y = x * 1
    v = y[1:]
    y.exp_()
    (g,) = T.autograd.grad(v.sum(), x, create_graph=True)
    r("g", g)
    g.sum().backward()
    r("grad", x.grad)


@case
def view_of_unsaved_base_is_fine(T, r):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    z = y + 1  # saves nothing
    with T.no_grad():
        y[0:2].mul_(2)
    z.sum().backward()
    r("grad", x.grad)


# in-place writes that read memory they write: refused when the overlap is partial
OVERLAPS = {
    "shifted_add": lambda x: x[1:].add_(x[:-1]),
    "shifted_iadd": lambda x: x.view(-1)[1:].__iadd__(x.view(-1)[:-1]),
    "shifted_copy": lambda x: x[1:].copy_(x[:-1]),
    "shifted_sub_alpha": lambda x: x[1:].sub_(x[:-1], alpha=2),
    "shifted_pow": lambda x: x[1:].pow_(x[:-1]),
    "transposed_add": lambda x: x.add_(x.t()),
    "row_into_whole": lambda x: x.add_(x[0]),
    "row_copy_into_whole": lambda x: x.copy_(x[0]),
    "setitem_shifted": lambda x: x.__setitem__(slice(1, None), x[:-1]),
    "setitem_transposed": lambda x: x.__setitem__(Ellipsis, x.t()),
    "setitem_unsqueezed_transposed": lambda x: x[None].__setitem__(Ellipsis, x.t()),
    # allowed: the same memory in the same layout, or no shared element
    "same_add": lambda x: x.add_(x),
    "same_through_view": lambda x: x.add_(x.view(4, 4)),
    "same_through_detach": lambda x: x.mul_(x.detach()),
    "unsqueezed_twice": lambda x: x[None].add_(x.unsqueeze(0)),
    "disjoint_halves": lambda x: x[:2].add_(x[2:]),
    "disjoint_strided": lambda x: x[::2].add_(x[1::2]),
    "setitem_row_broadcast": lambda x: x.__setitem__(Ellipsis, x[0]),
    "setitem_same": lambda x: x.__setitem__(Ellipsis, x.detach()),
}


def _overlap_case(write):
    def check(T, r):
        x = _base(T)
        r.raises("write", lambda: write(x))
        r("x", [x, x._version])

    return check


for _name, _write in OVERLAPS.items():
    CASES[f"aliasing/overlap/{_name}"] = _overlap_case(_write)


@case
def expanded_write_refused(T, r):
    x = T.arange(4.0)
    r.raises("add_", lambda: x.expand(2, 4).add_(1))
    r.raises("copy_", lambda: x.expand(2, 4).copy_(T.ones(2, 4)))
    r.raises("setitem column", lambda: x.expand(2, 4)[:, 0].__setitem__(Ellipsis, 5.0))
    r("x", [x, x._version])


@case
def expanded_row_write_reaches_base(T, r):
    x = T.arange(4.0)
    x.expand(2, 4)[0].mul_(2)
    r("after mul_", [x, x._version])
    x.expand(3, 4)[1][2] = 10.0
    r("after setitem", [x, x._version])


@case
def overlap_refused_under_grad(T, r):
    x = T.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x * 1
    r.raises("shifted", lambda: y[1:].add_(y[:-1]))
    r("y", [y, y._version])


@case
def setitem_shape_errors(T, r):
    x = _base(T)
    r.raises("rows into row", lambda: x.__setitem__(0, x[1:]))
    r.raises("matrix into element", lambda: x[0].__setitem__(0, x[0]))
    r.raises("columns", lambda: x.__setitem__(Ellipsis, x[:, 1:]))
    r.raises("too many dims", lambda: x[0].__setitem__(0, x.view(1, -1)[0]))
    x[1:] = x[0].clone()[None, None]  # leading 1s are dropped
    r("x", x)


@case
def copy_shape_errors(T, r):
    x = _base(T)
    r.raises("rows into row", lambda: x[0].copy_(x[1:].clone()))
    r.raises("matrix into column", lambda: x[..., 0].copy_(T.zeros(4, 4)))
    r.raises("mismatch", lambda: x.copy_(T.zeros(3)))
    r("x", x)


@case
def versions_after_a_long_training_loop(T, r):
    # a tensor written in place thousands of times (an SGD update per step) keeps an exact
    # version, and a node that saved it between writes names the version it saved
    w = T.ones(3, requires_grad=True)
    with T.no_grad():
        for _ in range(5000):
            w.mul_(1.0)
    y = w * w  # saves w at version 5000
    z = w.exp()  # saves its output, at version 0
    with T.no_grad():
        for _ in range(3):
            w.add_(0.0)
        z.mul_(1.0)
    r("versions", [w._version, z._version])
    r.raises("backward through w", lambda: y.sum().backward())
    r.raises("backward through z", lambda: z.sum().backward())


@case
def one_element_is_a_view(T, r):
    # x[i] and h[i, j] are 0-d views: a later write shows through them, and the gradient
    # of the regenerated history reaches the element they view
    v = T.tensor([1.0, 2.0, 3.0])
    first, last = v[1], v[2]
    v.add_(10.0)
    last.mul_(0.0)
    r("through the base", [first, v])
    x = T.tensor([[0.35, -1.1, 0.3], [-1.9, 0.75, -0.5]], requires_grad=True)
    h = x * 1.0
    element = h[0, 2]
    h.mul_(2.0)
    r("element after the write", element)
    element.sin().backward()
    r("gradient", x.grad)
