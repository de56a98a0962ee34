"""Load-test the service as production runs it: gunicorn, 2 workers, on the loopback only.

Starts ``gunicorn -c gunicorn.conf.py`` (one BLAS thread per worker) on a free port of
127.0.0.1, sends a bounded number of ``POST /api/v1/explain`` requests from a Python
thread pool, stops gunicorn, and prints a markdown table of p50/p99 latency, throughput
and errors for:

- **uncached**: seed snippet c, made unique per request by a trailing comment, so every
  request is parsed, run on the engine and derived by sympy (one client at a time, then two);
- **cached**: one formula and seed c sent over and over (each worker computes it once),
  and the tutoring page of seed c (``GET /?program=…``: SVG and MathML made once too).

Targets (2-core machine): uncached seed c p50 <= 50 ms; cached >= 500 requests/s, 0 errors.

    python benchmarks/load_service.py            # about 20 s
    python benchmarks/load_service.py --quick    # a smoke run, a few seconds
    python benchmarks/load_service.py --json /tmp/load.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tutor import examples  # noqa: E402

SEED_C_TEXT = examples.seed("c")

HOST = "127.0.0.1"  # loopback only
FORMULA = {"expression": "Y - x1*w1*w2", "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10}}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn on ``wsgi:app`` with the repository's config, once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        + ["-b", f"{HOST}:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if request(port, "GET", "/api/v1/openapi.json")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError("gunicorn did not start answering within 30 s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the gunicorn this script started (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    """One HTTP request on a new connection (gunicorn's sync workers close after each)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run(port: int, bodies: list[bytes | str], clients: int) -> dict:
    """Send each request once with ``clients`` concurrent clients; latency and throughput.

    A ``bytes`` item is the body of a ``POST /api/v1/explain``; a ``str`` is a page to GET.
    """

    def one(item: bytes | str) -> tuple[float, bool]:
        start = time.perf_counter()
        try:
            if isinstance(item, str):
                status, _ = request(port, "GET", item)
            else:
                status, _ = request(port, "POST", "/api/v1/explain", item)
            ok = status == 200
        except OSError:
            ok = False
        return time.perf_counter() - start, ok

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, bodies))
    elapsed = time.perf_counter() - start
    latencies = sorted(r[0] for r in results)
    return {
        "requests": len(results),
        "clients": clients,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "req_per_s": len(results) / elapsed,
        "errors": sum(1 for r in results if not r[1]),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (smoke run)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    n_uncached, n_cached = (20, 300) if args.quick else (200, 4000)

    port = free_port()
    proc = start_gunicorn(port, args.workers)
    rows = []
    try:
        seed = json.dumps({"program": SEED_C_TEXT + "# warm-up\n"}).encode()
        for _ in range(4 * args.workers):  # import sympy paths, fill caches of both workers
            request(port, "POST", "/api/v1/explain", seed)
        unique = [
            json.dumps({"program": SEED_C_TEXT + f"# request {i}\n"}).encode()
            for i in range(2 * n_uncached)
        ]
        rows.append(("uncached, seed c", run(port, unique[:n_uncached], 1)))
        rows.append(("uncached, seed c", run(port, unique[n_uncached:], 2)))
        for name, payload in (
            ("cached, formula", FORMULA),
            ("cached, seed c", {"program": SEED_C_TEXT}),
        ):
            body = json.dumps(payload).encode()
            for _ in range(4 * args.workers):
                request(port, "POST", "/api/v1/explain", body)
            rows.append((name, run(port, [body] * n_cached, 8)))
        page = "/?" + urlencode({"program": SEED_C_TEXT})
        for _ in range(4 * args.workers):
            request(port, "GET", page)
        rows.append(("cached page, seed c", run(port, [page] * (n_cached // 2), 8)))
    finally:
        stop(proc)

    print(f"gunicorn, {args.workers} sync workers, 1 BLAS thread each, {os.cpu_count()} cores")
    print()
    print("| case | clients | requests | p50 ms | p99 ms | req/s | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in rows:
        print(
            f"| {name} | {r['clients']} | {r['requests']} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['req_per_s']:.0f} | {r['errors']} |"
        )
    if args.json:
        args.json.write_text(json.dumps([{"case": n, **r} for n, r in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
