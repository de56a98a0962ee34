"""A graph keeps only what its backward pass reads, as PyTorch's saved variables do."""

from __future__ import annotations

import gc
import weakref

import pytest

import engine

OUTPUT_ONLY = {
    "exp": engine.exp,
    "tanh": engine.tanh,
    "sigmoid": engine.sigmoid,
    "relu": engine.relu,
    "sqrt": engine.sqrt,
    "reciprocal": engine.reciprocal,
    "softmax": lambda t: engine.softmax(t, 0),
}


@pytest.mark.parametrize("name", OUTPUT_ONLY)
def test_a_node_that_reads_its_output_frees_its_input(name):
    x = engine.tensor([0.5, 2.0], requires_grad=True)
    hidden = x * 3  # an intermediate result nothing but the graph could hold
    ref = weakref.ref(hidden)
    y = OUTPUT_ONLY[name](hidden)
    del hidden
    gc.collect()
    assert ref() is None
    y.sum().backward()
    assert x.grad is not None


def test_a_node_that_reads_its_input_keeps_it_until_backward():
    x = engine.tensor([0.5, 2.0], requires_grad=True)
    hidden = x * 3
    ref = weakref.ref(hidden)
    y = engine.sin(hidden)
    del hidden
    gc.collect()
    assert ref() is not None
    y.sum().backward()
    gc.collect()
    assert ref() is None


def test_a_tensor_updated_at_every_step_holds_a_bounded_version_record():
    from engine import versions

    w = engine.ones(3, requires_grad=True)
    with engine.no_grad():
        for _ in range(5 * versions.KEPT):
            w.sub_(0.5)
            w.add_(0.5)
    assert w._version == 10 * versions.KEPT
    assert len(w._version_counter) <= 2 * versions.KEPT + 1
