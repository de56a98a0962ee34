"""Thread-local grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

Each thread has its own switch (a web server runs requests on threads, and one request's
``no_grad`` must never leak into another). Context managers save and restore the previous
state, so they nest; used as decorators they enter a fresh context on every call.
"""

from __future__ import annotations

import functools
import threading


class _State(threading.local):
    enabled = True


_state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward in this thread."""
    return _state.enabled


class _GradMode:
    """Base of the grad-mode context managers; subclasses say which mode they set."""

    _mode: bool

    def __repr__(self) -> str:
        return f"<torch.autograd.grad_mode.{type(self).__name__} object at {hex(id(self))}>"

    def __enter__(self) -> None:
        self._previous = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc_info) -> None:
        _state.enabled = self._previous

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that disables gradient recording."""

    _mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that enables gradient recording."""

    _mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode: as a plain call it switches until switched back; as a context
    manager it restores the previous mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._previous = _state.enabled
        self._mode = bool(mode)
        _state.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __call__(self, func):
        mode = self._mode
        _state.enabled = self._previous

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper
