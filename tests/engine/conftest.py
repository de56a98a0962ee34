"""Fixtures for the engine tests: torch when it is installed, else None."""

from __future__ import annotations

import importlib.util

import pytest


@pytest.fixture(scope="session")
def maybe_torch():
    """Real PyTorch for the third check of the op helper, or None where it is absent."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    return torch
