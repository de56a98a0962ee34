"""A wheel installed into a fresh virtual environment, outside the source tree, serves the
same site (embedded server and gunicorn): pages, templates, static files, the API and its
error pages."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.packaging


def _run(*command, cwd: Path, timeout: int = 900) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv (no source tree on its path) with the project installed from its wheel."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so no build/ left in the tree can stand in for the wheel
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("engine", "tutor"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        work / "dist",
        source,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("gradtutor-*.whl")
    _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    _run(work / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=work)
    return work / "venv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {  # both ways to serve, from the installed wheel alone
    "gradtutor serve": lambda venv, port: [venv / "bin" / "gradtutor", "serve", "--port", port],
    "gunicorn": lambda venv, port: [
        *(venv / "bin" / "gunicorn", "-c", "python:tutor.web.serving"),
        *("-b", f"127.0.0.1:{port}", "-w", "1"),
    ],
}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def site(request, venv, tmp_path_factory):
    """The site served from the installed wheel, started in an empty folder."""
    port = _free_port()
    cwd = tmp_path_factory.mktemp("elsewhere")
    server = subprocess.Popen(
        SERVERS[request.param](venv, str(port)),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stdout.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_package_is_imported_from_the_venv_not_the_source_tree(venv, tmp_path):
    where = _run(venv / "bin" / "python", "-c", "import tutor; print(tutor.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(venv) and not Path(where.strip()).is_relative_to(ROOT)


@pytest.mark.parametrize(
    ("path", "kind", "text"),
    [
        ("/", "text/html", "Explain"),
        ("/?lang=zh", "text/html", "讲解一个计算图"),  # the zh catalog ships as its .po
        ("/?expression=Y-x1*w1*w2&values=x1=2,w1=5,w2=6,Y=10", "text/html", "<svg"),
        ("/worksheet", "text/html", "worksheet"),
        ("/worksheet?seed=3&problems=2&level=1", "text/html", "Answer"),
        ("/api", "text/html", "/api/v1/explain"),
        ("/static/style.css", "text/css", "{"),
        ("/static/app.js", "text/javascript", "function"),
    ],
)
def test_pages_and_static_files_are_served(site, path, kind, text):
    with urllib.request.urlopen(site + path, timeout=60) as response:
        body = response.read().decode()
        assert response.status == 200 and response.headers.get_content_type() == kind
    assert text in body


def test_an_explain_request_answers_through_the_installed_package(site):
    body = {"expression": "Y - x1*w1*w2", "values": {"x1": 2, "w1": 5, "w2": 6, "Y": 10}}
    request = urllib.request.Request(
        site + "/api/v1/explain",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    assert {g["leaf"]: g["symbolic"] for g in answer["gradients"]} == {
        "x1": "-w1*w2",
        "w1": "-w2*x1",
        "w2": "-w1*x1",
        "Y": "1",
    }


def test_an_unknown_page_gets_the_html_error_page(site):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(site + "/no/such/page", timeout=10)
    assert info.value.code == 404
    assert "text/html" in info.value.headers["Content-Type"]
    assert "<html" in info.value.read().decode().lower()
