"""Drafts of levels 4 and 5: tensor programs in the tutorial's style.

Level 4 practises elementwise graphs on vectors and matrices with ``mean``/``sum``,
broadcasting, and ``backward`` with a ``gradient`` argument. Level 5 practises matrix
products and PyTorch's own rules: what ``detach()`` and ``no_grad()`` cut, how ``.grad``
accumulates over backward calls, and why a non-leaf's ``.grad`` stays None.
"""

from __future__ import annotations

import random

from .drafts import Draft, program_draft


def _ints(rng: random.Random, shape: tuple[int, ...], low: int, high: int) -> list:
    if len(shape) == 1:
        return [rng.randint(low, high) for _ in range(shape[0])]
    return [_ints(rng, shape[1:], low, high) for _ in range(shape[0])]


def _mean_of_elementwise(rng: random.Random) -> Draft:
    shape = rng.choice(((2,), (3,), (2, 2)))
    a, k = rng.randint(2, 3), rng.randint(2, 3)
    y = rng.choice((f"x + {a}", f"x * {a}", f"{a} * x - 1", f"x - {a}"))
    z = rng.choice((f"y * y * {k}", f"{k} * y ** 2", "y ** 2 + y", "y * x"))
    reduce = rng.choice(("mean", "sum"))
    body = [f"y = {y}", f"z = {z}", f"out = z.{reduce}()", "out.backward()", "print(x.grad)"]
    return program_draft({"x": _ints(rng, shape, -2, 3)}, {}, body)


def _broadcast_regression(rng: random.Random) -> Draft:
    n = rng.choice((2, 3))
    pred = rng.choice(("w * x + b", "x * w + b", "w * x - b"))
    loss = rng.choice(
        ("((pred - y) ** 2).mean()", "((pred - y) ** 2).sum()", "(pred - y).abs().mean()")
    )
    body = [f"pred = {pred}", f"loss = {loss}", "loss.backward()", "print(w.grad, b.grad)"]
    leaves = {"w": rng.choice((-1, 0.5, 1, 2)), "b": rng.choice((-1, 0, 1))}
    return program_draft(leaves, {"x": _ints(rng, (n,), 0, 3), "y": _ints(rng, (n,), 0, 5)}, body)


def _vector_jacobian(rng: random.Random) -> Draft:
    k = rng.randint(2, 3)
    y = rng.choice(
        (f"x * x * {k}", f"{k} * x ** 2", "x ** 3", f"x * {k} + x * x", f"x ** 2 - {k} * x")
    )
    call = rng.choice(("y.backward(v)", "y.backward(gradient=v)"))
    v = [rng.choice((1, 0.5, 2, -1)) for _ in range(3)]
    return program_draft(
        {"x": _ints(rng, (3,), -2, 2)}, {"v": v}, [f"y = {y}", call, "print(x.grad)"]
    )


def _row_broadcast(rng: random.Random) -> Draft:
    s = rng.choice(
        ("(X * b).sum()", "((X + b) ** 2).sum()", "(X * b).mean()", "(X - b).pow(2).mean()")
    )
    body = [f"s = {s}", "s.backward()", "print(X.grad)", "print(b.grad)"]
    return program_draft({"X": _ints(rng, (2, 2), -2, 3), "b": _ints(rng, (2,), -1, 2)}, {}, body)


def tensors(rng: random.Random) -> Draft:
    """Level 4: one of the tutorial's tensor graphs, with random numbers and operations."""
    return rng.choice(
        (_mean_of_elementwise, _broadcast_regression, _vector_jacobian, _row_broadcast)
    )(rng)


def _linear_layer(rng: random.Random) -> Draft:
    product = rng.choice(("X @ W", "torch.matmul(X, W)", "X.mm(W)"))
    out = rng.choice(("h.sum()", "h.relu().sum()", "(h ** 2).mean()", "h.relu().mean()"))
    body = [
        f"h = {product} + b",
        f"out = {out}",
        "out.backward()",
        "print(W.grad)",
        "print(b.grad)",
    ]
    leaves = {"W": _ints(rng, (2, 2), -1, 2), "b": _ints(rng, (2,), -1, 1)}
    return program_draft(leaves, {"X": _ints(rng, (2, 2), 0, 2)}, body)


def _two_layers(rng: random.Random) -> Draft:
    act = rng.choice(("relu()", "abs()"))
    body = [
        f"h = (x @ W1).{act}",
        "y = h @ W2",
        f"out = y.{rng.choice(('sum', 'mean'))}()",
        "out.backward()",
        "print(W1.grad)",
        "print(W2.grad)",
    ]
    leaves = {"W1": _ints(rng, (2, 2), -1, 2), "W2": _ints(rng, (2, 1), -1, 2)}
    return program_draft(leaves, {"x": _ints(rng, (1, 2), 1, 3)}, body)


_SQUARES = ("x ** 2", "x * x", "3 * x", "x ** 3", "2 * x + 1")


def _detach(rng: random.Random) -> Draft:
    z = rng.choice(("y.detach() * x", "y.detach() * x + y", "x * y.detach() + x", "y * y.detach()"))
    body = [f"y = {rng.choice(_SQUARES)}", f"z = {z}", "z.backward()", "print(x.grad)"]
    return program_draft({"x": rng.choice((1, 2, 3, -1))}, {}, body)


def _no_grad(rng: random.Random) -> Draft:
    c = rng.choice(("w * 2", "w ** 2", "w + 1", "3 * w"))
    loss = rng.choice(("c * w + w", "c * w", "w * w + c", "(c - w) * w"))
    body = [
        "with torch.no_grad():",
        f"    c = {c}",
        f"L = {loss}",
        "L.backward()",
        "print(w.grad)",
        "print(c.requires_grad)",
    ]
    return program_draft({"w": rng.choice((1, 1.5, 2, -1))}, {}, body)


def _accumulate(rng: random.Random) -> Draft:
    first, second = rng.sample(_SQUARES, 2)
    body = [f"y = {first}", "y.backward()", "print(x.grad)"]
    if rng.random() < 0.3:
        body.append("x.grad.zero_()")
    body += [f"z = {second}", "z.backward()", "print(x.grad)"]
    return program_draft({"x": rng.choice((1, 2, 3, -1))}, {}, body)


def _non_leaf(rng: random.Random) -> Draft:
    body = [f"y = x * {rng.randint(2, 3)}"]
    if rng.random() < 0.4:
        body.append("y.retain_grad()")
    body += [
        f"z = {rng.choice(('y * y', 'y ** 2 + y', 'y ** 3'))}",
        "z.backward()",
        "print(x.grad)",
        "print(y.grad)",
        "print(x.is_leaf, y.is_leaf)",
    ]
    return program_draft({"x": rng.choice((1, 2, -1))}, {}, body)


def semantics(rng: random.Random) -> Draft:
    """Level 5: a matmul layer, or a program about detach, no_grad, accumulation or leaves."""
    options = (_linear_layer, _two_layers, _detach, _no_grad, _accumulate, _non_leaf)
    return rng.choice(options)(rng)
