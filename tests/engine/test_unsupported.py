"""What the engine deliberately does not do raises a clear error instead of computing
something different from PyTorch (expectations: the documented refusal, not torch)."""

from __future__ import annotations

import pytest

import engine


def test_writing_in_place_to_a_view_of_a_non_leaf_is_refused():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="view of a tensor that requires grad is not supported"):
        y[0].mul_(3)
    with pytest.raises(RuntimeError, match="clone\\(\\) the view first"):
        y.view(2)[0] = 1.0
    assert y.tolist() == [2.0, 4.0]  # nothing was written


def test_a_cloned_view_can_be_written():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    v = (x * 2)[0].clone()
    v.mul_(3)
    v.backward()
    assert x.grad.tolist() == [6.0, 0.0]  # d(3 * 2 * x0)/dx


def test_sum_with_a_dtype_is_refused():
    with pytest.raises(TypeError, match="dtype"):
        engine.ones(2).sum(dtype=engine.float64)


def test_writing_a_value_that_requires_grad_into_a_view_of_a_tensor_without_is_refused():
    """PyTorch rewrites the base's history (CopySlices); the engine says it does not, rather
    than leave the base without one."""
    w = engine.tensor([1.0, 2.0], requires_grad=True)
    base = engine.zeros(3)
    with pytest.raises(RuntimeError, match="into a view of a tensor that does not is not"):
        base[:2].mul_(w)
    with pytest.raises(RuntimeError, match="Write to the base tensor instead"):
        base[:2][0] = w[0]
    assert base.tolist() == [0.0, 0.0, 0.0]  # nothing was written
    base[:2].mul_(2.0)  # a write that records nothing is a plain write
    (base.detach()[:2]).add_(1.0)
    assert base.tolist() == [1.0, 1.0, 0.0]
