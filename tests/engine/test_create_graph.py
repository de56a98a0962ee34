"""What the differential catalogue cannot see: PyTorch's create_graph warning comes once
per process, and stack/cat results are contiguous (so a Hessian built from them views)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import engine


def test_backward_with_create_graph_warns_once_per_process():
    program = textwrap.dedent(
        """
        import warnings
        import engine
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (x ** 3).sum().backward(create_graph=True)
            (x * x).sum().backward(create_graph=True)
        print(len(caught), "reference cycle" in str(caught[0].message))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["1", "True"]


def test_stack_and_cat_of_transposed_views_are_contiguous():
    y = engine.arange(12.0).reshape(3, 4).t()
    assert engine.stack([y]).view(12).shape == (12,)
    assert engine.cat([y]).view(12).shape == (12,)


def test_third_derivative_of_a_cube_is_six():
    x = engine.tensor(2.0, requires_grad=True)
    (d1,) = engine.autograd.grad(x**3, x, create_graph=True)
    (d2,) = engine.autograd.grad(d1, x, create_graph=True)
    (d3,) = engine.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)
