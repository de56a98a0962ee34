"""Ordinary and hostile inputs that gave a 500, held state across requests or took a
worker's memory: each answers cleanly now."""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
import textwrap
import time
import tracemalloc
from urllib.parse import urlencode

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tutor import create_app


def _post(client, path: str, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        {"program": "import torch\nx = '\ud800'\n"},
        {"expression": "x + \ud800", "values": {"x": 1}},
    ],
)
def test_a_lone_surrogate_is_refused_where_it_stands(client, body):
    response = _post(client, "/api/v1/explain", body)
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid_character"
    assert error["line"] in (1, 2)


def test_a_lone_surrogate_in_an_answer_is_feedback_not_a_500(client):
    body = {"expression": "x*y", "values": {"x": 1, "y": 2}, "wrt": "x", "answer": "y\ud800"}
    response = _post(client, "/api/v1/check", body)
    assert (
        response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_character"
    )


def test_a_key_twice_in_one_object_is_refused(client):
    response = client.post(
        "/api/v1/explain",
        data=b'{"expression": "x", "expression": "y", "values": {"x": 1}}',
        content_type="application/json",
    )
    error = response.get_json()["error"]
    assert response.status_code == 400 and "appears twice" in error["message"]


def test_a_chunked_body_is_held_to_the_size_limit():
    app = create_app({"TESTING": True})
    body = json.dumps({"program": "x = 1\n" + "#" * 200_000}).encode()
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    environ = EnvironBuilder(
        path="/api/v1/explain", method="POST", input_stream=io.BytesIO(body), headers=headers
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True  # what gunicorn says of a chunked body
    answer, status, _ = run_wsgi_app(app, environ)
    assert status.startswith("413") and b"too_large" in b"".join(answer)


def test_worksheet_parameters_take_ascii_digits_only(client):
    assert client.get("/api/v1/worksheet?seed=١٢&problems=1&level=1").status_code == 400


def test_one_requests_seed_does_not_fix_the_next_requests_numbers(client):
    draw = {"program": "import torch\nprint(torch.randn(3))\n"}
    first = _post(client, "/api/v1/explain", draw).get_json()["output"]
    _post(client, "/api/v1/explain", {"program": "import torch\ntorch.manual_seed(7)\n"})
    again = client.post("/api/v1/explain", json={"program": draw["program"] + "\n"}).get_json()[
        "output"
    ]  # a different text: not the cached answer
    assert again == first


def test_an_untrusted_host_is_refused_when_the_names_are_configured(monkeypatch):
    monkeypatch.setenv("GRADTUTOR_TRUSTED_HOSTS", "tutor.example")
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/api", headers={"Host": "tutor.example"}).status_code == 200
    assert client.get("/api", headers={"Host": "evil.example"}).status_code == 400


def test_a_heavy_explanation_is_bounded_in_memory_and_size():
    # 1000 elements through 900 sin nodes, 50 backward calls: it grew a worker past 7 GB
    script = textwrap.dedent(
        """
        import json, resource, sys
        from tutor.explain import explain, make_input
        from tutor.jsonio import dumps_strict
        from tutor.render import report
        lines = ["import torch", "x = torch.linspace(0, 1, 1000, requires_grad=True)", "h = x"]
        lines += ["h = torch.sin(h)"] * 900 + ["s = h.sum()"]
        lines += ["s.backward(retain_graph=True)"] * 50
        answer = dumps_strict(report(explain(make_input(program="\\n".join(lines) + "\\n"))))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps({"rss_mb": rss, "chars": len(answer)}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    # what remains is the graph itself: 903 nodes at about 300 characters each, numbers left out
    assert measured["rss_mb"] < 800 and measured["chars"] < 450_000, measured


def _heavy_program(backward_calls: int = 20) -> str:
    lines = ["import torch", "x = torch.linspace(0, 1, 1000, requires_grad=True)", "h = x"]
    lines += ["h = torch.sin(h)"] * 300 + ["s = h.sum()"]
    return "\n".join(lines + ["s.backward(retain_graph=True)"] * backward_calls) + "\n"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/v1/explain", {"program": _heavy_program()}),
        ("GET", "/api/v1/worksheet?seed=1&problems=50&level=3", None),
        ("GET", "/worksheet?seed=1&problems=50&level=3", None),
        ("POST", "/", {"program": _heavy_program()}),
    ],
)
def test_one_deadline_bounds_everything_a_request_does(method, path, body, caplog):
    client = create_app({"TESTING": True, "REQUEST_SECONDS": 0.3}).test_client()
    started = time.monotonic()
    if path.startswith("/api/"):
        response = client.open(path, method=method, json=body)
        assert response.get_json()["error"]["code"] == "too_expensive"
    else:  # a form: its answer address, then the page that shows what was too expensive
        response = client.open(path, method=method, data=body, follow_redirects=True)
        assert b"needed more than its 0.3 seconds" in response.data
    assert response.status_code == 422
    assert time.monotonic() - started < 2.0  # the deadline, plus what one step may overrun
    if "worksheet" in path:  # says what to shrink for a sheet
        assert b"ask for fewer problems" in response.data
    assert "request exceeded its time budget" in caplog.text


def test_the_deadline_leaves_an_ordinary_request_alone(client):
    response = _post(client, "/api/v1/explain", {"program": _heavy_program(backward_calls=1)})
    assert response.status_code == 200 and response.get_json()["gradients"][0]["leaf"] == "x"


def test_heavy_links_leave_little_behind_once_the_cache_is_full():
    # a shareable link of chained sin and repeated backward calls once left ~2 GB behind it;
    # now what stays is the cache's bytes, and what sympy's and the printers' bounded caches
    # keep of each new expression (~0.1 MB a link here)
    budget = 1024 * 1024
    app = create_app({"TESTING": True, "EXPLAIN_CACHE_BYTES": budget})
    client, cache = app.test_client(), app.extensions["explain_cache"]
    kept = []
    tracemalloc.start()
    try:
        for k in range(20):
            lines = ["import torch", "x = torch.linspace(0, 1, 150, requires_grad=True)", "h = x"]
            lines += [f"h = torch.sin(h) * {k + 1}"] * 20 + ["s = h.sum()"]
            lines += ["s.backward(retain_graph=True)"] * 4
            response = client.get("/?" + urlencode({"program": "\n".join(lines)}))
            assert response.status_code == 200 and cache.weight <= budget
            gc.collect()
            kept.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert len(cache) < 20  # the cache was full: older answers went
    per_link = (kept[-1] - kept[9]) / 10
    assert per_link < 300_000, [round(k / 1e6, 1) for k in kept]
