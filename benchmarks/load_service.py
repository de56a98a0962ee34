"""Load-test the service as production runs it: gunicorn with the package's settings, loopback only.

Starts ``gunicorn -c python:tutor.web.serving`` (2 workers x 4 threads, one BLAS thread each)
on a free port of 127.0.0.1 and, for each case, keeps N clients busy for a fixed time, each
on its own keep-alive connection sending ``POST /api/v1/explain`` as fast as it is answered:

- **cached**: seed snippet c, the same text every time (each worker computes it once);
- **uncached**: seed c made unique per request by a trailing comment, so every request is
  parsed, run on the engine and derived by sympy.

Each case runs with 8 and with 16 clients, then again while **2 heavy requests** (1000
elements through 300 ``sin`` nodes and 20 backward calls, sent again as soon as answered)
and **2 slow clients** (headers trickled a line every half second) are in flight. The table
gives p50/p99 latency, requests per second, errors (any status but 200, or a broken
connection), what the heavy requests got, and the largest resident memory of a worker.

    python benchmarks/load_service.py              # 8 runs of 60 s: about 9 minutes
    python benchmarks/load_service.py --seconds 5  # a smoke run
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
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tutor import examples  # noqa: E402

HOST = "127.0.0.1"  # loopback only
SEED_C = examples.seed("c")
HEAVY = "\n".join(
    ["import torch", "x = torch.linspace(0, 1, 1000, requires_grad=True)", "h = x"]
    + ["h = torch.sin(h)"] * 300
    + ["s = h.sum()"]
    + ["s.backward(retain_graph=True)"] * 20
)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the package's settings, once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:tutor.web.serving"]
        + ["-b", f"{HOST}:{port}", "-w", str(workers), "--log-level", "error"],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if Client(port).send("GET", "/api/v1/openapi.json") == 200:
                return proc
        except OSError:
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


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()  # after "pid (name)"
            if int(fields[1]) != master:  # the parent's pid
                continue
            status = stat.with_name("status").read_text()
        except (FileNotFoundError, ProcessLookupError):  # a process gone meanwhile
            continue
        rss = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")]
        sizes.append(sum(rss) / 1024)  # none for a worker that has just exited
    return sizes


class Client:
    """One keep-alive connection, reopened after an error."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port, self.timeout, self.conn = port, timeout, None

    def send(self, method: str, path: str, body: bytes | None = None) -> int:
        """The status of one request (the body is read and dropped)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise


def clients(port: int, n: int, seconds: float, body_of) -> tuple[list[float], int, float]:
    """``n`` clients for ``seconds``: (latencies of the 200s, errors, elapsed)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ends = time.monotonic() + seconds

    def loop(k: int) -> None:
        client, i = Client(port), 0
        while time.monotonic() < ends:
            start = time.perf_counter()
            try:
                ok = client.send("POST", "/api/v1/explain", body_of(k, i)) == 200
            except (OSError, http.client.HTTPException):
                ok = False
            took = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors[0] += 1
            i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.monotonic() - started


class Trouble:
    """2 heavy requests sent over and over, and 2 clients trickling their headers."""

    def __init__(self, port: int) -> None:
        self.port, self.done = port, threading.Event()
        self.heavy: Counter = Counter()  # status (or "broken") -> count
        self.heavy_seconds: list[float] = []
        self.threads = [threading.Thread(target=self._heavy) for _ in range(2)]
        self.threads += [threading.Thread(target=self._slow) for _ in range(2)]

    def __enter__(self) -> Trouble:
        for t in self.threads:
            t.start()
        time.sleep(1.0)  # in flight before the measured clients start
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        for t in self.threads:
            t.join()

    def _heavy(self) -> None:
        client = Client(self.port, timeout=120)
        while not self.done.is_set():
            text = HEAVY + f"\n# {threading.get_ident()} {time.time_ns()}\n"  # never cached
            start = time.perf_counter()
            try:
                status = client.send(
                    "POST", "/api/v1/explain", json.dumps({"program": text}).encode()
                )
            except (OSError, http.client.HTTPException):
                status = "broken"
            self.heavy[status] += 1
            self.heavy_seconds.append(time.perf_counter() - start)

    def _slow(self) -> None:
        while not self.done.is_set():
            with socket.create_connection((HOST, self.port)) as s:
                s.sendall(b"POST /api/v1/explain HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n")
                try:
                    while not self.done.wait(0.5):
                        s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    continue  # the server gave up on it: come back as another slow client


def body_for(case: str):
    """The request body of client ``k``'s ``i``-th request."""
    cached = json.dumps({"program": SEED_C}).encode()
    if case == "cached":
        return lambda k, i: cached
    return lambda k, i: json.dumps({"program": SEED_C + f"# client {k} request {i}\n"}).encode()


def main(argv: list[str] | None = None) -> int:
    """Run every case and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of each run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    port = free_port()
    proc = start_gunicorn(port, args.workers)
    rows = []
    try:
        warm = Client(port)
        for _ in range(8 * args.workers):  # import sympy's paths, cache seed c in each worker
            warm.send("POST", "/api/v1/explain", json.dumps({"program": SEED_C}).encode())
        for trouble in (False, True):
            for case in ("cached", "uncached"):
                for n in (8, 16):
                    sampler = RssSampler(proc.pid)
                    with sampler, Trouble(port) if trouble else _Nothing() as t:
                        latencies, errors, elapsed = clients(port, n, args.seconds, body_for(case))
                    latencies.sort()
                    rows.append(
                        {
                            "case": case,
                            "clients": n,
                            "in flight": "2 heavy + 2 slow" if trouble else "-",
                            "requests": len(latencies) + errors,
                            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
                            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))]
                            if latencies
                            else None,
                            "req_per_s": len(latencies) / elapsed,
                            "errors": errors,
                            "heavy": dict(t.heavy) if trouble else {},
                            "heavy_p50_s": statistics.median(t.heavy_seconds)
                            if trouble and t.heavy_seconds
                            else None,
                            "worker_rss_mb": sampler.peak,
                        }
                    )
                    print(json.dumps(rows[-1]), file=sys.stderr)
    finally:
        stop(proc)

    print(
        f"gunicorn -c python:tutor.web.serving: {args.workers} workers x 4 threads, "
        f"{os.cpu_count()} cores shared with the clients, {args.seconds:g} s per run"
    )
    print()
    print(
        "| case | clients | in flight | requests | p50 ms | p99 ms | req/s | errors "
        "| heavy requests got | worker RSS MB (max) |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        heavy = ", ".join(f"{n} x {s}" for s, n in sorted(r["heavy"].items(), key=str)) or "-"
        if r["heavy_p50_s"] is not None:
            heavy += f" (p50 {r['heavy_p50_s']:.1f} s)"
        print(
            f"| {r['case']} | {r['clients']} | {r['in flight']} | {r['requests']} | "
            f"{_ms(r['p50_ms'])} | {_ms(r['p99_ms'])} | {r['req_per_s']:.0f} | {r['errors']} | "
            f"{heavy} | {r['worker_rss_mb']:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


class _Nothing:
    heavy: Counter = Counter()
    heavy_seconds: list[float] = []

    def __enter__(self) -> _Nothing:
        return self

    def __exit__(self, *exc) -> None:
        pass


class RssSampler:
    """The largest worker RSS seen, sampled every 0.2 s while the block runs."""

    def __init__(self, master: int) -> None:
        self.master, self.peak, self.done = master, 0.0, threading.Event()
        self.thread = threading.Thread(target=self._sample)

    def __enter__(self) -> RssSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()

    def _sample(self) -> None:
        while True:
            self.peak = max([self.peak, *worker_rss_mb(self.master)])
            if self.done.wait(0.2):
                return


if __name__ == "__main__":
    sys.exit(main())
