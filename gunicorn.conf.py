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
worker_class = "sync"
timeout = 30  # graph programs have their own wall-time limit, far below this
graceful_timeout = 10
limit_request_line = 8190  # shareable links carry the program in the query string
accesslog = None
