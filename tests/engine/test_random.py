"""Seeded sampling is reproducible per thread: one request's seed never shifts another's."""

from __future__ import annotations

import threading

import engine


def _draw(seed: int, barrier: threading.Barrier, out: dict, key: str) -> None:
    engine.manual_seed(seed)
    barrier.wait()  # both threads have seeded before either draws
    out[key] = engine.randn(3).tolist()


def test_manual_seed_reproduces_the_same_numbers():
    engine.manual_seed(7)
    first = engine.randn(4).tolist()
    engine.manual_seed(7)
    assert engine.randn(4).tolist() == first


def test_seeding_one_thread_does_not_shift_another():
    out: dict = {}
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_draw, args=(seed, barrier, out, name))
        for seed, name in ((1, "a"), (2, "b"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.manual_seed(1)
    alone = engine.randn(3).tolist()
    assert out["a"] == alone
    assert out["b"] != alone
