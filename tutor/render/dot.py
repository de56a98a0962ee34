"""Graphviz's ``dot`` as the graph's layout engine: positions in, nothing drawn by it.

Why ``dot``: it is the layered (Sugiyama) engine torchviz and most autograd pictures use,
with decades of work on what a computation graph needs — rank assignment by network
simplex, crossing minimisation by weighted-median sweeps with transposition, splines
routed around boxes, and edge labels placed as virtual nodes with their own space, so a
label never lands on a node or on another label. grandalf (pure Python) does the layering
and a barycentre ordering but places no edge labels, routes no splines around boxes and
gets little upkeep; we would be writing label placement ourselves again. The price is a
system program (Debian package ``graphviz``); ``require()`` names it at start-up.

We ask ``dot -Tjson`` only for coordinates: every node is a fixed-size box measured by
``svg``, every edge label a fixed-size empty table. The SVG itself is drawn by ``svg``, so
the page's classes, titles and accessibility stay ours.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass

from .. import i18n
from ..errors import LimitError
from ..limits import time_left

PACKAGE = "graphviz"  # the Debian package that ships /usr/bin/dot
SECONDS = 10.0  # measured here: a 2,000-value chain takes 0.8 s, a random 800-node DAG 7 s
POINTS = 72.0  # dot works in points, 72 an inch; one point is one SVG user unit for us
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
        said = i18n.gettext("the graph is too large to draw; use fewer operations")
        raise LimitError("too_large", said)
    seconds = min(SECONDS, max(time_left() / 2, 0.5))  # the rest of the page needs time too
    try:
        done = subprocess.run(
            [require(), "-Tjson"], input=data, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        shown = f"{seconds:.3g}"
        said = i18n.gettext("laying out the graph took more than {seconds} seconds", seconds=shown)
        raise LimitError("too_expensive", said) from None
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode('utf-8', 'replace')[:500]}")
    return json.loads(done.stdout)


Point = tuple[float, float]


@dataclass
class Placed:
    """Where dot put things, in SVG user units (y down), the drawing's margin included."""

    boxes: list[tuple[float, float, float, float]]  # per node: x, y (top left), width, height
    edges: list[tuple[str, list[Point], Point | None]]  # per edge: path data, points, label
    width: float
    height: float


def _table(w: float, h: float) -> str:
    """An empty fixed-size label: dot makes room for it; the caller writes the text."""
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
        f'<TD FIXEDSIZE="TRUE" WIDTH="{int(w + 1)}" HEIGHT="{int(h + 1)}"></TD>'
        "</TR></TABLE>>"
    )


def source(sizes: list[Point], edges: list[tuple[int, int, Point | None]], seps: Point) -> str:
    """A left-to-right dot graph of fixed-size boxes ``n0, n1, …`` and edges ``e0, e1, …``,
    each with an empty label of the given size (or none); ``seps``: node and rank gaps."""
    out = [
        "digraph G {",
        f"graph [rankdir=LR, nodesep={seps[0]}, ranksep={seps[1]}, margin=0, pad=0, newrank=true];",
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowsize=0.7];",
    ]
    for i, (w, h) in enumerate(sizes):
        out.append(f"n{i} [width={w / POINTS:.4f}, height={h / POINTS:.4f}];")
    for k, (a, b, label) in enumerate(edges):
        said = f", label={_table(*label)}" if label else ""
        out.append(f'n{a} -> n{b} [id="e{k}"{said}];')
    out.append("}")
    return "\n".join(out)


def _spline(pos: str, point) -> tuple[str, list[Point]]:
    """SVG path data from dot's spline (cubic Béziers, ``e,x,y``: the arrow's tip), and its
    points."""
    tip, points = None, []
    for part in pos.split(";")[0].split():
        if part.startswith("e,"):
            tip = point(part[2:])
        elif not part.startswith("s,"):
            points.append(point(part))
    d = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for k in range(1, len(points) - 2, 3):
        (x1, y1), (x2, y2), (x3, y3) = points[k : k + 3]
        d.append(f"C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x3:.1f},{y3:.1f}")
    if tip is not None:
        d.append(f"L{tip[0]:.1f},{tip[1]:.1f}")
        points.append(tip)
    return " ".join(d), points


def place(
    sizes: list[Point], edges: list[tuple[int, int, Point | None]], margin: float, seps: Point
) -> Placed:
    """Lay out boxes of ``sizes`` joined by ``edges`` (source, target, label size or None)."""
    result = layout(source(sizes, edges, seps))
    right, top = (float(v) + margin for v in result["bb"].split(",")[2:])

    def point(text: str) -> Point:  # dot's y grows upwards, SVG's downwards
        x, y = text.split(",")[:2]
        return float(x) + margin, top - float(y)

    boxes: list[tuple[float, float, float, float]] = [(0.0, 0.0, 0.0, 0.0)] * len(sizes)
    for obj in result.get("objects", []):
        cx, cy = point(obj["pos"])
        w, h = float(obj["width"]) * POINTS, float(obj["height"]) * POINTS
        boxes[int(obj["name"][1:])] = (cx - w / 2, cy - h / 2, w, h)
    placed: list[tuple[str, list[Point], Point | None]] = [("", [], None)] * len(edges)
    for e in result.get("edges", []):
        d, points = _spline(e["pos"], point)
        placed[int(e["id"][1:])] = (d, points, point(e["lp"]) if "lp" in e else None)
    return Placed(boxes, placed, right + margin, top + margin)
