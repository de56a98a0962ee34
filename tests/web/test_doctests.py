"""The doctests of the service's pure helpers."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["tutor.cache", "tutor.inputs", "tutor.jsonio", "tutor.present", "tutor.svg"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
