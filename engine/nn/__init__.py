"""``torch.nn`` subset: the functional API."""

from . import functional

__all__ = ["functional"]
