"""A bounded, thread-safe least-recently-used cache for explain results.

A result is a pure function of its (normalised) input, so a worker may keep the most recent
ones; nothing else is shared between requests. The lock guards only the dictionary, never
the computation: two threads that miss on the same key both compute it, and the second
write wins — harmless for a pure function, and no request waits behind another's work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    """At most ``maxsize`` entries; the least recently used one goes first.

    >>> cache = LRUCache(2)
    >>> cache.get_or_compute("a", lambda: 1), cache.get_or_compute("b", lambda: 2)
    (1, 2)
    >>> cache.get_or_compute("a", lambda: 99)  # a hit refreshes "a"
    1
    >>> cache.get_or_compute("c", lambda: 3)  # evicts "b", the least recently used
    3
    >>> sorted(cache.keys()), cache.hits, cache.misses
    (['a', 'c'], 1, 3)
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 0:
            raise ValueError("maxsize must be 0 (no caching) or more")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value for ``key``, computing and storing it on a miss."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
        value = compute()  # outside the lock: an exception stores nothing
        if self.maxsize:
            with self._lock:
                self._data[key] = value
                self._data.move_to_end(key)
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        return value

    def keys(self) -> list[Hashable]:
        """The keys held now, least recently used first."""
        with self._lock:
            return list(self._data)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def clear(self) -> None:
        """Forget every entry (the counters stay)."""
        with self._lock:
            self._data.clear()
