"""gunicorn's settings for the service, and gunicorn's own errors in the app's JSON shape.

``gunicorn -c python:tutor.web.serving`` serves an installed gradtutor from any folder (the
repository's ``gunicorn.conf.py`` reads this module). Parallelism comes from workers and
threads, never from numpy's BLAS threads: a two-thread kernel slows down 10-25x when another
process takes a core, a one-thread kernel degrades gracefully. The variables are set here, in
the master, before any worker imports numpy (nothing of the app is imported until a worker
starts). ``--workers``/``-b`` on the command line still win over the defaults below.

What gunicorn refuses before the app sees a request (a request line or headers too long, a
request that is not HTTP) is answered as ``{"error": {"code", "message"}}`` with the app's
security headers, like every error of the app itself.
"""

from __future__ import annotations

import json
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__all__ = [
    "wsgi_app",
    "bind",
    "workers",
    "worker_class",
    "threads",
    "timeout",
    "keepalive",
    "max_requests",
    "max_requests_jitter",
    "graceful_timeout",
    "limit_request_line",
    "accesslog",
    "post_worker_init",
    "worker_abort",
]

wsgi_app = "tutor.web:create_app()"
bind = os.environ.get("GRADTUTOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads within each worker: a slow client (or a long worksheet) holds one thread, never
# the whole worker, so cheap requests (openapi.json, cached answers, static files) go on.
# The app's own state is per thread (grad mode, the engine's generator, the deadline) or
# locked (caches).
worker_class = "gthread"
threads = int(os.environ.get("GRADTUTOR_THREADS", "4"))
timeout = 30  # the app ends every request's work at its own deadline (REQUEST_SECONDS, 15 s)
keepalive = 5
# a worker is replaced now and then, in case anything creeps: about once a minute at the most
# (1,600 cached answers a second), since each restart costs its cache and ~1 s of imports
max_requests = 100_000
max_requests_jitter = 10_000  # ... and never both at once
graceful_timeout = 10
limit_request_line = 8190  # shareable links carry the program in the query string
accesslog = None

# status: (code, message) for what gunicorn answers itself; its own text is not echoed
ERRORS = {
    400: ("bad_request", "the request is not valid HTTP"),
    403: ("forbidden", "the request was refused"),
    414: (
        "uri_too_long",
        f"the address is longer than {limit_request_line} bytes; "
        "send long programs by POST (the form or POST /api/v1/explain)",
    ),
    417: ("expectation_failed", "the request's Expect header cannot be met"),
    431: ("headers_too_large", "the request's headers are too many or too long"),
    500: ("internal_error", "the service failed on this request; it has been logged"),
    501: ("not_implemented", "the request's transfer coding is not supported"),
}


def error_response(status: int, reason: str) -> bytes:
    """The whole HTTP response gunicorn sends for an error it finds itself."""
    from .app import SECURITY_HEADERS  # in a worker, after the BLAS settings above

    code, message = ERRORS.get(status, (reason.lower().replace(" ", "_"), reason))
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in SECURITY_HEADERS.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def post_worker_init(worker) -> None:
    """Route gunicorn's error pages (``gunicorn.util.write_error``) to ``error_response``."""
    from gunicorn import util

    def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
        util.write_nonblock(sock, error_response(status_int, reason))

    util.write_error = write_error


def worker_abort(worker) -> None:
    """gunicorn stops a worker that stopped answering it: say why, not "out of memory"."""
    worker.log.error(
        "request exceeded its time budget: worker %s stopped by gunicorn's %s s timeout",
        worker.pid,
        worker.cfg.timeout,
    )
