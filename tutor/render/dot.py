"""Graphviz's ``dot`` as the graph's layout engine: positions in, nothing drawn by it.

Why ``dot``: it is the layered (Sugiyama) engine torchviz and most autograd pictures use, with
two decades of work on exactly what a computation graph needs — rank assignment, crossing
minimisation by weighted-median sweeps with transposition, and edge labels placed as
virtual nodes of their own rank, so a label gets its own space instead of sitting on a
node or another label. grandalf (pure Python) does the layering but has no edge-label
placement, a slower and weaker crossing reduction, and little upkeep. The price is a
system program (Debian package ``graphviz``); ``require()`` says so at start-up.

We ask ``dot -Tjson`` only for coordinates: every node is a fixed-size box measured by
``svg``, every edge label a fixed-size empty table. The SVG itself is drawn by ``svg``, so
the page's classes, titles and accessibility stay ours.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from ..errors import LimitError
from ..limits import time_left

PACKAGE = "graphviz"  # the Debian package that ships /usr/bin/dot
SECONDS = 10.0  # dot lays out 2,000 nodes in about a second; more means something is wrong
MAX_SOURCE = 4_000_000  # bytes of dot input: ~2,000 nodes with their edges, far past a lesson


class LayoutEngineMissing(RuntimeError):
    """Graphviz's ``dot`` is not installed: the graph cannot be laid out."""


def require() -> str:
    """The path of ``dot``, or a clear error naming the package that provides it."""
    path = shutil.which("dot")
    if path is None:
        raise LayoutEngineMissing(
            "Graphviz's `dot` program is not on PATH; gradtutor lays out its computation "
            f"graphs with it. Install it: `apt-get install {PACKAGE}` (Debian/Ubuntu), "
            f"`brew install {PACKAGE}` (macOS)."
        )
    return path


def layout(source: str) -> dict:
    """``dot -Tjson`` of a graph in the dot language: its objects, edges and bounding box."""
    data = source.encode("utf-8")
    if len(data) > MAX_SOURCE:
        raise LimitError("too_large", "the graph is too large to draw; use fewer operations")
    seconds = min(SECONDS, max(time_left(), 0.5))
    try:
        done = subprocess.run(
            [require(), "-Tjson"], input=data, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise LimitError(
            "too_expensive", f"laying out the graph took more than {seconds:.3g} seconds"
        ) from None
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode('utf-8', 'replace')[:500]}")
    return json.loads(done.stdout)
