"""PyTorch's warnings: Python ``UserWarning``s at the caller, or, inside a thread's
``collecting`` block, that block's list (a service's program keeps its own warnings)."""

from __future__ import annotations

import threading
import warnings

import pytest

import engine
from engine.warn import collecting

NON_LEAF = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed"


def _non_leaf_grad() -> None:
    y = engine.ones(2, requires_grad=True) * 2
    assert y.grad is None


def test_outside_a_block_a_warning_is_pythons_and_points_at_the_caller():
    with pytest.warns(UserWarning, match=NON_LEAF) as caught:
        _non_leaf_grad()
    assert caught[0].filename == __file__


def test_inside_a_block_a_warning_goes_to_its_list_only():
    heard: list[str] = []
    with warnings.catch_warnings(record=True) as caught, collecting(heard):
        warnings.simplefilter("always")
        _non_leaf_grad()
        engine.tensor(engine.ones(2))  # torch.tensor(t): PyTorch's copy warning
    assert not caught
    assert heard[0].startswith(NON_LEAF) and "sourceTensor.detach().clone()" in heard[1]


def test_a_warning_given_once_per_process_is_given_once_per_block():
    x = engine.ones(1, requires_grad=True)
    for _ in range(2):  # each block is a fresh start, as a fresh process would be
        heard: list[str] = []
        with collecting(heard):
            float(x), float(x)
            (x * x).sum().backward(create_graph=True)
            (x * x).sum().backward(create_graph=True)
        assert len(heard) == 2, heard
        assert "requires_grad=True to a scalar" in heard[0] and "reference cycle" in heard[1]


def test_a_block_collects_its_own_threads_warnings_only():
    heard: list[str] = []
    other: list[str] = []
    started, done = threading.Event(), threading.Event()

    def elsewhere() -> None:
        with collecting(other):
            started.set()
            done.wait(10)
            _non_leaf_grad()
            _non_leaf_grad()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    started.wait(10)
    with collecting(heard):
        _non_leaf_grad()
    done.set()
    thread.join(10)
    assert len(heard) == 1 and len(other) == 2
