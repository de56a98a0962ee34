"""Every op in the table, three ways: forward vs numpy, backward vs central differences,
and forward and backward vs torch when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.gradcheck import GradcheckError, gradcheck, numerical_grad
from tests.engine.cases_ops import ALL_SPECS, OpSpec, op_case, shape_id, spec_inputs
from tests.engine.harness import TOLERANCE, differences, observe

RTOL, ATOL = TOLERANCE["torch.float64"]
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-7  # central differences with eps=1e-6 are good to ~1e-9

PARAMS = [
    pytest.param(spec, shapes, id=f"{spec.name}-{shape_id(shapes)}")
    for spec in ALL_SPECS
    for shapes in spec.shapes
]


def check_op(spec: OpSpec, shapes: tuple, torch=None) -> None:
    """The one helper: numpy forward, central-difference backward, and torch, in float64."""
    arrays = spec_inputs(spec, shapes)
    out = spec.fn(engine, *(engine.tensor(a) for a in arrays))
    np.testing.assert_allclose(out.numpy(), spec.ref(*arrays), rtol=RTOL, atol=ATOL)
    assert out.dtype == engine.float64
    if spec.math_grad:
        gradcheck(lambda *xs: spec.fn(engine, *xs), arrays, atol=GRAD_ATOL, rtol=GRAD_RTOL)
    if torch is not None:
        case = op_case(spec, shapes, "float64")
        assert differences(observe(case, engine), observe(case, torch)) == []


@pytest.mark.parametrize(("spec", "shapes"), PARAMS)
def test_op_three_ways(spec, shapes, maybe_torch):
    check_op(spec, shapes, maybe_torch)


def test_the_op_table_is_large():
    assert len(PARAMS) >= 200


# ----- engine.gradcheck itself ---------------------------------------------------------
def test_numerical_grad_of_a_known_function():
    x, y = np.array([1.0, -2.0, 0.5]), np.array(3.0)
    gx, gy = numerical_grad(lambda a, b: np.sum(a**2) * b, [x, y], eps=1e-6)
    np.testing.assert_allclose(gx, 2 * x * 3.0, rtol=1e-8)
    np.testing.assert_allclose(gy, np.sum(x**2), rtol=1e-8)


def test_numerical_grad_leaves_inputs_unchanged():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    numerical_grad(lambda a: np.sum(np.sin(a)), [x])
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_gradcheck_passes_a_correct_op():
    assert gradcheck(lambda a, b: (a * b).exp().sum(0), [np.ones((2, 3)), np.full(3, 0.5)])


class _WrongBackward(engine.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g  # the derivative of x*x is 2x, not 1


def test_gradcheck_raises_a_clear_error_on_a_wrong_gradient():
    with pytest.raises(GradcheckError, match="gradient of input 0 disagrees"):
        gradcheck(_WrongBackward.apply, [np.array([1.0, 2.0])])


def test_gradcheck_treats_an_unused_input_as_zero_gradient():
    assert gradcheck(lambda a, b: a * 2, [np.ones(2), np.ones(2)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [7, 10_000])  # below and above the size where the kernel changes
def test_relu_backward_keeps_the_gradients_bits(dtype, n):
    # threshold_backward: where(result <= 0, 0, grad), so -0., NaN and inf pass unchanged
    # where the result is positive (or NaN) and +0. replaces whatever is masked
    rng = np.random.default_rng(0)
    a, g = rng.standard_normal((2, n)).astype(dtype)
    a[:7] = [1, 1, 1, 1, -1, np.nan, 0.0]
    g[:7] = [-0.0, np.nan, np.inf, -np.inf, np.nan, -2.0, -0.0]
    x = engine.tensor(a, requires_grad=True)
    engine.relu(x).backward(engine.tensor(g))
    want = np.where(np.maximum(a, 0) <= 0, dtype(0), g)
    assert x.grad.dtype == engine.tensor(a).dtype
    assert x.grad.numpy().tobytes() == want.tobytes()


def test_square_by_mul_sums_two_equal_products():
    # torch's mul backward makes grad * other and grad * self, then sums them in one buffer
    rng = np.random.default_rng(1)
    a, g = rng.standard_normal((2, 5)).astype(np.float32)
    x = engine.tensor(a, requires_grad=True)
    (x * x).backward(engine.tensor(g))
    assert x.grad.numpy().tobytes() == (g * a + g * a).tobytes()


def test_mul_of_two_leaves_sharing_storage_gives_each_its_own_gradient():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = x.detach().requires_grad_()  # the same array, another leaf
    (x * y).sum().backward()
    assert x.grad.tolist() == y.grad.tolist() == [1.0, 2.0]
    x.grad.add_(1.0)
    assert y.grad.tolist() == [1.0, 2.0]
