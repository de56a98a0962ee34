"""The cache shared by several instances (``CACHE_URL``), against a real ``redis-server``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from tests.web.clients import free_port
from tutor import create_app

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS is None, reason="needs Debian's redis-server, which CI installs (.ci/run)"
)
EXPLAIN = {"expression": "x*tanh(x)", "values": {"x": 0.5}}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of its own: no disk, 4 MB, least recently used keys go first."""
    port = free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _instance(url: str):
    app = create_app({"TESTING": True, "CACHE_URL": url})
    return app.test_client(), app.extensions["explain_cache"]


def test_two_instances_share_their_answers(redis_url):
    (first, first_cache), (second, second_cache) = _instance(redis_url), _instance(redis_url)
    first_cache.client.flushdb()
    one = first.post("/api/v1/explain", json=EXPLAIN)
    two = second.post("/api/v1/explain", json=EXPLAIN)  # the other instance computed it
    assert one.status_code == two.status_code == 200 and one.data == two.data
    assert (first_cache.misses, second_cache.misses, second_cache.hits) == (1, 0, 1)
    assert second.get("/?expression=x*tanh(x)&values=x%3D0.5").status_code == 200
    assert first.get("/?expression=x*tanh(x)&values=x%3D0.5").status_code == 200
    assert first_cache.hits == 1  # the page's result section is shared too


def test_the_environment_turns_it_on(redis_url, monkeypatch):
    monkeypatch.setenv("CACHE_URL", redis_url)
    cache = create_app({"TESTING": True}).extensions["explain_cache"]
    assert cache.client.ping() is True


def test_redis_holds_its_byte_budget_under_many_distinct_answers(redis_url):
    client, cache = _instance(redis_url)
    cache.client.flushdb()
    for k in range(60):  # each answer is about 120 kB: 7 MB in all, for a 4 MB budget
        program = "import torch\nx = torch.linspace(0, 1, 200, requires_grad=True)\n"
        program += "".join(f"x = torch.sin(x) * {k + 1}\n" for _ in range(8))
        assert client.post("/api/v1/explain", json={"program": program}).status_code == 200
    assert 0 < cache.client.dbsize() < 60 and cache.client.info("stats")["evicted_keys"] > 0
    assert cache.client.info("memory")["used_memory"] < 4.5 * 1024 * 1024


def test_an_unreachable_redis_costs_the_cache_not_the_answer(caplog):
    client, cache = _instance(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.monotonic()
    for _ in range(3):
        assert client.post("/api/v1/explain", json=EXPLAIN).status_code == 200
    assert time.monotonic() - started < 5 and cache.misses == 3
    assert caplog.text.count("the shared cache is unreachable") == 1  # then left alone a while
