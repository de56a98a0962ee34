"""Backward formulas evaluated in PyTorch's order of operations give its exact bits.

Not here: exp (numpy's float32 exp differs from PyTorch's vectorised kernel in the last
bit, so the forwards rarely agree) and tanh (PyTorch's vectorised tanh_backward rounds
``1 - y * y`` differently from numpy's two float32 steps).
"""

from __future__ import annotations

import numpy as np
import pytest

import engine


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["sigmoid", "log", "sqrt", "reciprocal"])
def test_backward_bits_equal_torch_where_the_forward_does(name, torch):
    rng = np.random.default_rng(5)
    compared = 0
    for _ in range(200):
        values = rng.uniform(0.1, 3.0, 8).astype(np.float32)
        upstream = rng.uniform(-2.0, 2.0, 8).astype(np.float32)
        grads, outs = [], []
        for T in (engine, torch):
            x = T.tensor(values.tolist(), requires_grad=True)
            y = getattr(x, name)()
            y.backward(T.tensor(upstream.tolist()))
            outs.append(y.detach().numpy().tobytes())
            grads.append(x.grad.numpy())
        if outs[0] == outs[1]:  # the forward kernels agree: the backward must, bit for bit
            compared += 1
            np.testing.assert_array_equal(grads[0], grads[1])
    assert compared >= 5
