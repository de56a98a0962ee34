"""A bounded, thread-safe least-recently-used cache, weighed by what its entries hold.

A result is a pure function of its (normalised) input, so a worker may keep the most recent
ones; nothing else is shared between requests. Entries are weighed when stored (by default
each weighs 1: a bound on their count; the service weighs its strings by their size in
memory), and the least recently used go first until the total fits; an entry heavier than
``entry_limit`` is returned but not kept. The lock guards only the dictionary, never the
computation: two threads that miss on the same key both compute it, and the second write
wins — harmless for a pure function, and no request waits behind another's work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    """At most ``capacity`` in total weight; the least recently used entry goes first.

    >>> cache = LRUCache(2)
    >>> cache.get_or_compute("a", lambda: 1), cache.get_or_compute("b", lambda: 2)
    (1, 2)
    >>> cache.get_or_compute("a", lambda: 99)  # a hit refreshes "a"
    1
    >>> cache.get_or_compute("c", lambda: 3)  # evicts "b", the least recently used
    3
    >>> sorted(cache.keys()), cache.hits, cache.misses
    (['a', 'c'], 1, 3)
    >>> sized = LRUCache(10, weigh=len, entry_limit=6)
    >>> sized.get_or_compute("k", lambda: "x" * 7), len(sized)  # too heavy to keep
    ('xxxxxxx', 0)
    """

    def __init__(
        self,
        capacity: int,
        weigh: Callable[[V], int] = lambda value: 1,
        entry_limit: int | None = None,
    ) -> None:
        if capacity < 0:
            raise ValueError("capacity must be 0 (no caching) or more")
        self.capacity = capacity
        self.entry_limit = capacity if entry_limit is None else entry_limit
        self.weigh = weigh
        self.hits = 0
        self.misses = 0
        self.weight = 0  # what the entries held now weigh together
        self._data: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value for ``key``, computing and storing it on a miss."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key][0]
            self.misses += 1
        value = compute()  # outside the lock: an exception stores nothing
        weight = self.weigh(value)
        if weight <= min(self.entry_limit, self.capacity):
            with self._lock:
                if key in self._data:  # another thread stored it meanwhile
                    self.weight -= self._data.pop(key)[1]
                self._data[key] = (value, weight)
                self.weight += weight
                while self.weight > self.capacity:
                    self.weight -= self._data.popitem(last=False)[1][1]
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
            self.weight = 0
