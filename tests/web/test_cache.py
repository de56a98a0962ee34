"""The explain cache: bounded, least-recently-used first out, safe under threads."""

from __future__ import annotations

import threading

import pytest

from tutor.web.cache import LRUCache


def test_evicts_the_least_recently_used():
    cache = LRUCache(3)
    for key in "abc":
        cache.get_or_compute(key, lambda k=key: k.upper())
    cache.get_or_compute("a", lambda: "unused")  # "a" becomes the most recent
    cache.get_or_compute("d", lambda: "D")
    assert cache.keys() == ["c", "a", "d"]
    assert (cache.hits, cache.misses) == (1, 4)


def test_never_holds_more_than_maxsize():
    cache = LRUCache(5)
    for i in range(100):
        cache.get_or_compute(i, lambda i=i: i)
    assert len(cache) == 5 and cache.keys() == [95, 96, 97, 98, 99]


def test_size_zero_caches_nothing():
    cache = LRUCache(0)
    calls = []
    for _ in range(3):
        cache.get_or_compute("k", lambda: calls.append(1))
    assert len(calls) == 3 and len(cache) == 0


def test_an_exception_stores_nothing():
    cache = LRUCache(2)

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get_or_compute("k", fail)
    assert cache.get_or_compute("k", lambda: 1) == 1


def test_negative_size_is_refused():
    with pytest.raises(ValueError):
        LRUCache(-1)  # capacity


def test_threads_share_it_safely():
    cache = LRUCache(16)
    errors = []
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        start.wait()
        for i in range(2000):
            key = (seed * 7 + i) % 40
            if cache.get_or_compute(key, lambda k=key: k * k) != key * key:
                errors.append(key)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(cache) == 16 and cache.hits + cache.misses == 8 * 2000
