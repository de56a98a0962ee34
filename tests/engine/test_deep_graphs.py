"""Backward is iterative: graphs far deeper than Python's recursion limit work."""

from __future__ import annotations

import sys

import engine

DEPTH = 100_000


def test_backward_through_a_100000_op_chain():
    assert DEPTH > sys.getrecursionlimit() * 10
    x = engine.tensor([1.5, -2.0], requires_grad=True)
    y = x
    for i in range(DEPTH):
        y = y * 1.0 if i % 2 else y + 0
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]  # d/dx of x * 1.0 ** n + 0
    assert type(y.grad_fn).__name__ == "MulBackward0"


def test_deep_chain_with_a_reused_node_at_every_step():
    # y_{k+1} = y_k + y_k * 0: each node feeds the next twice; d y_n / d x = 1.
    x = engine.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y + y * 0.0
    (g,) = engine.autograd.grad(y, x)
    assert g.item() == 1.0
