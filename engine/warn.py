"""The engine's warnings, in PyTorch's words, raised or collected per thread.

``warn`` raises them as Python ``UserWarning``s, as PyTorch does, or hands them to the list
a thread's ``collecting`` block gives. A service runs its users' programs on threads: each
program's warnings belong to its own answer, and a warning PyTorch gives once per process
is given once per block, as a fresh process would.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()
_given: set[str] = set()  # the once-per-process warnings given outside any block


def warn(message: str, stacklevel: int = 1) -> None:
    """Warn ``message`` at the caller ``stacklevel`` frames up (1: the caller of ``warn``)."""
    heard = getattr(_local, "heard", None)
    if heard is not None:
        heard.append(message)
    else:
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def warn_once(message: str, stacklevel: int = 1) -> None:
    """``warn``, the first time only (PyTorch's ``TORCH_WARN_ONCE``)."""
    given = getattr(_local, "given", None)
    given = _given if given is None else given
    if message not in given:
        given.add(message)
        warn(message, stacklevel + 1)


@contextmanager
def collecting(heard: list[str]) -> Iterator[list[str]]:
    """Within the block, this thread's engine warnings are appended to ``heard``."""
    outer = getattr(_local, "heard", None), getattr(_local, "given", None)
    _local.heard, _local.given = heard, set()
    try:
        yield heard
    finally:
        _local.heard, _local.given = outer
