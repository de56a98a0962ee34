"""The doctests of the symbolic side's pure helpers."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tutor.canonical",
    "tutor.elements",
    "tutor.forms",
    "tutor.steps",
    "tutor.symbolic",
    "tutor.witness",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
