"""Answers kept in Redis, shared by every worker of every instance (``CACHE_URL``).

Off by default: each worker keeps its own ``LRUCache``. With ``CACHE_URL=redis://host:6379/0``
the finished texts (the API's JSON, a page's result section) go to Redis under a key made of
the package version and a hash of the input, so instances behind one load balancer answer a
repeated request from whichever computed it first. Redis bounds the bytes (its
``maxmemory`` with ``allkeys-lru``); here an entry over ``entry_limit`` bytes is not sent,
and every entry expires after ``ttl`` seconds. The cache is never in the way: when Redis
cannot be reached the answer is computed as if there were no cache, and Redis is left alone
for ``pause`` seconds before it is tried again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from importlib.metadata import PackageNotFoundError, version

log = logging.getLogger(__name__)


def _version() -> str:
    try:
        return version("gradtutor")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "source"


class SharedCache:
    """``get_or_compute`` over Redis, for texts; counts its hits and misses like ``LRUCache``."""

    def __init__(
        self, url: str, entry_limit: int, ttl: int = 86_400, timeout: float = 0.5, pause: int = 10
    ) -> None:
        import redis  # the optional dependency: pip install "gradtutor[redis]"

        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.errors = (redis.RedisError, OSError)
        self.entry_limit, self.ttl, self.pause = entry_limit, ttl, pause
        self.prefix = f"gradtutor:{_version()}:"
        self.hits = 0
        self.misses = 0
        self._down_until = 0.0
        self._lock = threading.Lock()  # guards the counters; redis-py's pool is thread-safe

    def key(self, key: Hashable) -> str:
        """The Redis key of an input: its ``repr`` (plain strings and tuples) hashed."""
        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()

    def get_or_compute(self, key: Hashable, compute: Callable[[], str]) -> str:
        """The cached text for ``key``, computing and storing it on a miss."""
        name = self.key(key)
        held = self._call(lambda: self.client.get(name))
        with self._lock:
            if held is not None:
                self.hits += 1
                return held.decode()
            self.misses += 1
        text = compute()
        data = text.encode()
        if len(data) <= self.entry_limit:
            self._call(lambda: self.client.set(name, data, ex=self.ttl))
        return text

    def _call(self, request: Callable[[], object]) -> object:
        """``request()``, or None while Redis is unreachable (logged once per pause)."""
        if time.monotonic() < self._down_until:
            return None
        try:
            return request()
        except self.errors as error:
            self._down_until = time.monotonic() + self.pause
            log.warning("the shared cache is unreachable (%s); answering without it", error)
            return None
