"""gunicorn settings for gradtutor (read automatically when gunicorn starts in this folder).

Parallelism comes from worker processes, never from numpy's BLAS threads: a two-thread
kernel slows down 10-25x when another process takes a core, a one-thread kernel degrades
gracefully (shared/DESIGN.md, Scale). The variables are set here, in the master, before any
worker imports numpy, so every worker inherits them. ``--workers``/``-b`` on the command
line still win over the defaults below.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

wsgi_app = "wsgi:app"
bind = os.environ.get("GRADTUTOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads within each worker: a slow client (or a long worksheet) holds one thread, never
# the whole worker, so cheap requests (openapi.json, cached answers, static files) go on.
# The app's own state is per thread (grad mode, the engine's generator) or locked (caches).
worker_class = "gthread"
threads = int(os.environ.get("GRADTUTOR_THREADS", "4"))
timeout = 30  # the app bounds every request's work far below this (runs 5 s, symbolic 2 s)
keepalive = 5
max_requests = 2000  # a worker is replaced now and then, in case anything creeps
max_requests_jitter = 200  # ... and never all at once
graceful_timeout = 10
limit_request_line = 8190  # shareable links carry the program in the query string
accesslog = None
