"""Small value types tensors hand out: shapes, (values, indices) pairs, hook handles."""

from __future__ import annotations

import numpy as np


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 2])``."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements a tensor of this shape has."""
        return int(np.prod(self, dtype=np.int64))


class ReturnTypes(tuple):
    """``(values, indices)`` of ``max(dim)``/``min(dim)``, named as PyTorch names them."""

    name = "max"

    def __new__(cls, name: str, values, indices):
        result = super().__new__(cls, (values, indices))
        result.name = name
        return result

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self.name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away again."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Stop calling the hook."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
