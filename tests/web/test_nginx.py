"""deploy/nginx.conf in front of gunicorn, both real: proxying, buffering, JSON refusals."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.clients import free_port, trickle

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="needs Debian's nginx (nginx-light), which CI installs (.ci/run)"
)


def _wait_for(port: int, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail(proc.stderr.read().decode()[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on {port}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx with deploy/nginx.conf's site on a free port, gunicorn (2 threads) behind it."""
    work = tmp_path_factory.mktemp("nginx")
    app_port, web_port = free_port(), free_port()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    site = conf.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}").replace(
        "listen 80;", f"listen 127.0.0.1:{web_port};"
    )
    (work / "site.conf").write_text(site)
    temp = {t: work / t for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    (work / "nginx.conf").write_text(
        f"pid {work}/nginx.pid;\nerror_log stderr warn;\nevents {{}}\nhttp {{\n"
        f"  access_log off;\n  client_body_temp_path {temp['body']};\n"
        f"  proxy_temp_path {temp['proxy']};\n  fastcgi_temp_path {temp['fastcgi']};\n"
        f"  uwsgi_temp_path {temp['uwsgi']};\n  scgi_temp_path {temp['scgi']};\n"
        f"  include {work}/site.conf;\n}}\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:tutor.web.serving"]
        + ["-b", f"127.0.0.1:{app_port}", "-w", "1", "--threads", "2"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    web = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(app_port, app)
        _wait_for(web_port, web)
        yield f"http://127.0.0.1:{web_port}", web_port, app
    finally:
        _stop(web)
        _stop(app)


def _fetch(url: str, body: dict | None = None, timeout: float = 30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_configuration_is_valid():
    work = Path(__file__).parent  # -t only reads: the site inside a minimal main file
    main = f"events {{}}\nhttp {{ include {ROOT / 'deploy' / 'nginx.conf'}; }}\n"
    done = subprocess.run(
        [NGINX, "-t", "-p", "/tmp", "-c", "/dev/stdin", "-g", "pid /tmp/nginx-t.pid;"],
        input=main,
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert "syntax is ok" in done.stderr, done.stderr


def test_pages_and_the_api_pass_through_with_the_apps_headers(site):
    base, _, _ = site
    status, headers, page = _fetch(base + "/?expression=x*y&values=x%3D2,y%3D3")
    assert status == 200 and b"<svg" in page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    status, _, answer = _fetch(base + "/api/v1/explain", {"expression": "x*y", "values": {"x": 2}})
    assert status == 400 and json.loads(answer)["error"]["code"] == "undefined_name"
    assert _fetch(base + "/static/style.css")[1]["Cache-Control"] == "max-age=3600"


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/v1/explain", {"program": "#" * 100_000}, 413, "too_large"),
        ("/?program=" + "x" * 40_000, None, 414, "uri_too_long"),
    ],
)
def test_what_nginx_refuses_is_in_the_apps_shape(site, path, body, status, code):
    base, _, _ = site
    got, headers, answer = _fetch(base + path, body)
    assert got == status and headers.get_content_type() == "application/json"
    assert json.loads(answer)["error"]["code"] == code


BODY_NEVER_DONE = b"POST /api/v1/explain HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"


def test_slow_clients_never_reach_gunicorns_threads(site):
    base, port, _ = site
    stop = threading.Event()
    slow = [
        threading.Thread(target=trickle, args=(port, stop, BODY_NEVER_DONE, b" ")) for _ in range(6)
    ]
    try:
        for t in slow:
            t.start()
        time.sleep(1.0)  # six clients in the middle of their bodies; gunicorn has 2 threads
        for _ in range(5):
            started = time.monotonic()
            status, _, _ = _fetch(base + "/api/v1/openapi.json")
            assert status == 200 and time.monotonic() - started < 1.0
    finally:
        stop.set()
        for t in slow:
            t.join(timeout=30)
