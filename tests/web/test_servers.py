"""The two ways to run the service: gunicorn on wsgi:app (production) and `gradtutor serve`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import seed_source
from tests.web.clients import free_port, trickle

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, body: bytes | None = None) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _start(
    command: list[str], port: int, cwd: Path = ROOT, env: dict | None = None
) -> subprocess.Popen:
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            _get(f"http://127.0.0.1:{port}/api/v1/openapi.json")
            return proc
        except OSError:
            time.sleep(0.2)
    _stop(proc)
    pytest.fail("server did not answer within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    proc.stderr.close()


def _check_serves(port: int) -> None:
    status, headers, page = _get(f"http://127.0.0.1:{port}/")
    assert status == 200 and b"<textarea" in page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    body = json.dumps({"program": seed_source("c")}).encode()
    status, _, answer = _get(f"http://127.0.0.1:{port}/api/v1/explain", body)
    assert status == 200
    grads = [(g["leaf"], g["agrees"]) for g in json.loads(answer)["gradients"]]
    assert grads == [("x1", True), ("w1", True), ("w2", True)]


def test_gunicorn_serves_wsgi_app_with_the_repository_config():
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2"]
    proc = _start(command, port)  # gunicorn.conf.py (cwd) names wsgi:app
    try:
        _check_serves(port)
    finally:
        _stop(proc)


def test_gunicorn_config_keeps_blas_to_one_thread():
    code = (
        "import os, runpy; cfg = runpy.run_path('gunicorn.conf.py'); "
        "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], "
        "cfg['wsgi_app'], cfg['workers'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_NUM_THREADS", "CONCURRENCY"))}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["1", "1", "tutor.web:create_app()", "2"]


def _raw(port: int, request: bytes) -> tuple[str, dict, dict]:
    """Send ``request`` as is; (status line, headers, JSON body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        answer = b"".join(iter(lambda: s.recv(65536), b""))
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *fields = head.decode("latin-1").split("\r\n")
    return status, dict(f.split(": ", 1) for f in fields), json.loads(body)


def test_what_gunicorn_refuses_itself_answers_in_the_apps_shape(tmp_path):
    port = free_port()
    config = ["-c", "python:tutor.web.serving", "-b", f"127.0.0.1:{port}", "-w", "1"]
    proc = _start([sys.executable, "-m", "gunicorn", *config], port, cwd=tmp_path)
    headers = b"".join(b"X-%d: 1\r\n" % i for i in range(120))
    try:
        for request, status, code in [
            (
                b"GET /?program=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
                414,
                "uri_too_long",
            ),
            (b"NOT HTTP AT ALL\r\n\r\n", 400, "bad_request"),
            (b"GET / HTTP/1.1\r\nHost: a\r\n" + headers + b"\r\n", 431, "headers_too_large"),
        ]:
            line, fields, body = _raw(port, request)
            assert line.split()[1] == str(status) and body["error"]["code"] == code
            assert fields["Content-Type"] == "application/json"
            assert "frame-ancestors 'none'" in fields["Content-Security-Policy"]
    finally:
        _stop(proc)


def test_gradtutor_serve_runs_the_embedded_server():
    port = free_port()
    command = [sys.executable, "-m", "tutor.cli", "serve", "--host", "127.0.0.1"]
    proc = _start([*command, "--port", str(port)], port)
    try:
        _check_serves(port)
    finally:
        _stop(proc)


HEADERS_NEVER_DONE = b"POST /api/v1/explain HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"


def test_slow_clients_and_a_long_worksheet_do_not_hold_cheap_requests():
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2"]
    proc = _start(command, port)
    stop = threading.Event()
    slow = [
        threading.Thread(target=trickle, args=(port, stop, HEADERS_NEVER_DONE, b"X-Slow: 1\r\n"))
        for _ in range(2)
    ]
    heavy = threading.Thread(
        target=_get, args=(f"http://127.0.0.1:{port}/api/v1/worksheet?seed=9&problems=30&level=3",)
    )
    try:
        for t in [*slow, heavy]:
            t.start()
        time.sleep(1.0)  # the slow clients and the worksheet hold their threads now
        for _ in range(5):
            started = time.monotonic()
            status, _, _ = _get(f"http://127.0.0.1:{port}/api/v1/openapi.json")
            assert status == 200 and time.monotonic() - started < 1.0
    finally:
        stop.set()
        for t in [*slow, heavy]:
            t.join(timeout=60)
        _stop(proc)


def _worker_rss_mb(master: int) -> float:
    """The resident memory of the master's children together, in MB."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == master:
                status = stat.with_name("status").read_text()
                total += sum(int(x.split()[1]) for x in status.splitlines() if "VmRSS" in x)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def test_a_request_that_took_7_gb_ends_within_its_deadline_with_bounded_memory():
    # 1000 elements through 900 sin nodes and 50 backward calls: a worker once grew past 7 GB
    # until gunicorn killed it 30 s later
    lines = ["import torch", "x = torch.linspace(0, 1, 1000, requires_grad=True)", "h = x"]
    lines += ["h = torch.sin(h)"] * 900 + ["s = h.sum()"] + ["s.backward(retain_graph=True)"] * 50
    port = free_port()
    env = dict(os.environ, GRADTUTOR_REQUEST_SECONDS="3")
    command = [sys.executable, "-m", "gunicorn", "-c", "python:tutor.web.serving"]
    proc = _start([*command, "-b", f"127.0.0.1:{port}", "-w", "1"], port, env=env)
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _worker_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample)
    try:
        sampler.start()
        started = time.monotonic()
        body = json.dumps({"program": "\n".join(lines)}).encode()
        status, _, answer = _get(f"http://127.0.0.1:{port}/api/v1/explain", body)
        took = time.monotonic() - started
    finally:
        done.set()
        sampler.join()
        _stop(proc)
    # counted before the work, the chain of numbers is over budget: an answer with notes
    # saying so (or, on a slow machine, the deadline's too_expensive), never a killed worker
    if status == 200:
        assert any("over the budget" in note for note in json.loads(answer)["notes"])
    else:
        assert status == 422 and json.loads(answer)["error"]["code"] == "too_expensive"
    assert took < 5.0, took  # the 3 s deadline, and what one step may overrun
    assert peak[0] < 600, f"the worker grew to {peak[0]:.0f} MB"
