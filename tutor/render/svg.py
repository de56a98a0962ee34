"""The computation graph as server-side SVG: a layered drawing, left (inputs) to right (loss).

Input is the ``graph`` of Contract 3 (``{"nodes": [...], "edges": [...]}`` as JSON data).
Every node shows its name, op (and ``grad_fn``), forward value and gradient; every edge its
local derivative, symbolic and numeric; edges that ``detach()``/``no_grad()`` cut are dashed
and say so. Columns are topological depth; a value with no inputs (leaf, constant, literal)
sits just left of its first consumer, so ``Y`` stands next to ``L``, not far away.
All text is escaped; the picture carries ``<title>``/``<desc>`` and the page adds a table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from . import numbers

NODE_W, NODE_H = 164, 70
LITERAL_H = 30
WAYPOINT_H = 14  # the slot a long edge takes in each column it crosses
COL_GAP, ROW_GAP = 124, 34
MARGIN = 16
LINE = 15.5
LABEL_H = 15
CHARS = 21  # characters that fit on one line of a node box at the stylesheet's font size
EDGE_CHARS = 17  # per line of an edge label: two lines fit between columns
FIT_WIDTH = 1500  # drawings up to this wide shrink to fit a laptop screen; wider ones scroll


@dataclass
class _Box:
    x: float
    y: float
    w: float = NODE_W
    h: float = NODE_H


@dataclass
class Layout:
    """Where everything goes: node boxes, the waypoints of long edges, the drawing's size."""

    boxes: dict[str, _Box]
    routes: dict[int, list[_Box]]  # edge index -> boxes it passes through in between columns
    width: float
    height: float


def _depths(ids: list[str], inputs: dict, consumers: dict) -> dict[str, int]:
    """Column of each node: 1 + deepest input; inputs-free values just before first use."""
    depth: dict[str, int] = {}
    pending = list(ids)
    while pending:  # nodes arrive in creation order, so this settles in one or two passes
        waiting = []
        for node in pending:
            if all(src in depth for src in inputs[node]):
                depth[node] = 1 + max((depth[s] for s in inputs[node]), default=-1)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):  # a cycle cannot come from a program; stay total
            depth.update(dict.fromkeys(waiting, 0))
            break
        pending = waiting
    for node in ids:
        if not inputs[node] and consumers[node]:
            depth[node] = max(0, min(depth[c] for c in consumers[node]) - 1)
    return depth


def _order(columns: dict[int, list[str]], near: dict[str, list[str]]) -> None:
    """Reorder each column by the mean row of its neighbours (barycentre sweeps)."""
    for sweep in range(4):
        row = {n: i for col in columns.values() for i, n in enumerate(col)}
        for d in sorted(columns, reverse=sweep % 2 == 1):
            keyed = []
            for i, n in enumerate(columns[d]):
                rows = [row[m] for m in near[n]]
                keyed.append((sum(rows) / len(rows) if rows else i, i, n))
            columns[d] = [n for _, _, n in sorted(keyed)]
            row.update({n: i for i, n in enumerate(columns[d])})


def layout(graph: dict) -> Layout:
    """A layered drawing: columns by depth, long edges routed through the gaps of a column."""
    nodes = graph.get("nodes", [])
    ids = [n["id"] for n in nodes]
    inputs: dict[str, list[str]] = {n: [] for n in ids}
    consumers: dict[str, list[str]] = {n: [] for n in ids}
    edges = [
        (i, e["source"], e["target"])
        for i, e in enumerate(graph.get("edges", []))
        if e["source"] in inputs and e["target"] in inputs
    ]
    for _, src, dst in edges:
        inputs[dst].append(src)
        consumers[src].append(dst)
    depth = _depths(ids, inputs, consumers)
    heights = {n["id"]: LITERAL_H if n.get("kind") == "literal" else NODE_H for n in nodes}
    near: dict[str, list[str]] = {n: [] for n in ids}
    chains: dict[int, list[str]] = {}
    for i, src, dst in edges:  # an edge across k columns passes k - 1 waypoints
        chain = [f"~{i}.{k}" for k in range(1, depth[dst] - depth[src])]
        for k, point in enumerate(chain, start=depth[src] + 1):
            depth[point], heights[point] = k, WAYPOINT_H
        chains[i] = chain
        hops = [src, *chain, dst]
        for a, b in zip(hops, hops[1:], strict=False):
            near.setdefault(a, []).append(b)
            near.setdefault(b, []).append(a)
    columns: dict[int, list[str]] = defaultdict(list)
    for n in ids + [p for chain in chains.values() for p in chain]:
        columns[depth[n]].append(n)
    _order(columns, near)
    used = {
        d: sum(heights[n] for n in col) + (len(col) - 1) * ROW_GAP for d, col in columns.items()
    }
    height = 2 * MARGIN + max(used.values(), default=0)
    boxes: dict[str, _Box] = {}
    for d, col in columns.items():
        y = (height - used[d]) / 2
        for n in col:
            w = NODE_W / 2 if heights[n] == LITERAL_H else NODE_W
            boxes[n] = _Box(MARGIN + d * (NODE_W + COL_GAP) + (NODE_W - w) / 2, y, w, heights[n])
            y += heights[n] + ROW_GAP
    width = 2 * MARGIN + (max(columns, default=0) + 1) * (NODE_W + COL_GAP) - COL_GAP
    routes = {i: [boxes.pop(p) for p in chain] for i, chain in chains.items()}
    return Layout(boxes, routes, width, max(height, 2 * MARGIN))


def _short(node: dict) -> str:
    """What steps and edges call a node: its id (the program's name, ``y_2`` for the second
    value named ``y``, ``t1`` for an unnamed one), or a literal's number."""
    if node.get("kind") == "literal":
        return str(node.get("label") or node["id"])
    return str(node["id"])


def _name(node: dict) -> str:
    """A node as its box titles it: its short name, with where it comes from when that says
    more — ``t1 = a8 * a8`` for an unnamed value, ``y_2 (y)`` for a name given twice — so
    every name the steps use is on the graph."""
    short, label = _short(node), str(node.get("label") or "")
    if not label or label == short:
        return short
    return f"{short} ({label})" if label.isidentifier() else f"{short} = {label}"


def _op_text(node: dict) -> str:
    kind = node.get("kind", "")
    if kind == "op":
        op, fn = node.get("op") or "", node.get("grad_fn")
        return f"{op} · {fn}" if fn else f"{op} (no grad_fn)"
    return {"leaf": "leaf, requires grad", "literal": "literal"}.get(kind, kind)


def _local(edge: dict) -> tuple[str, str]:
    """Symbolic and numeric local derivative of an edge ("" for what the explanation lacks)."""
    local = edge.get("local") or {}
    number = local.get("value")
    return str(local.get("symbolic") or ""), "" if number is None else numbers.value(number)


def _operand(name: str) -> str:
    """A name as it reads after ∂: ``x2`` stays, ``y * y`` becomes ``(y * y)``.

    >>> _operand("x2"), _operand("y * y")
    ('x2', '(y * y)')
    """
    return name if name.isidentifier() else f"({name})"


def _edge_text(edge: dict, names: dict[str, str]) -> tuple[list[str], str]:
    """(lines of the label drawn on the edge, full description); both empty when unknown."""
    src, dst = names.get(edge["source"], edge["source"]), names.get(edge["target"], edge["target"])
    if edge.get("cut"):
        why = "detach()" if edge["cut"] == "detach" else "no_grad()"
        return [f"✂ {why}"], f"cut by {why}: no gradient flows back"
    symbolic, number = _local(edge)
    if not symbolic and not number:
        return [], ""
    partial = f"∂{_operand(dst)}/∂{_operand(src)}"
    said = [symbolic] if symbolic else []
    if number and number != symbolic:
        said.append(number)
    rest = "= " + " = ".join(said)
    lines = [numbers.clip(partial, EDGE_CHARS), numbers.clip(rest, EDGE_CHARS)]
    return lines, f"{partial} {rest}"


def edge_rows(graph: dict) -> list[dict]:
    """One row per edge for the graph's table alternative: names and local derivative."""
    names = {n["id"]: _short(n) for n in graph.get("nodes", [])}
    return [
        {
            "source_name": names.get(e["source"], e["source"]),
            "target_name": names.get(e["target"], e["target"]),
            "text": _edge_text(e, names)[1] or "— (no gradient is taken for this operand)",
        }
        for e in graph.get("edges", [])
    ]


def _node_lines(node: dict) -> list[tuple[str, str]]:
    name = _name(node)
    lines = [("name", name if len(name) <= CHARS else _short(node))]
    if node.get("kind") == "literal":
        return lines
    lines.append(("op", _op_text(node)))
    lines.append(("val", "= " + numbers.short(node.get("value"), node.get("shape"), CHARS - 2)))
    if node.get("grad") is not None:
        lines.append(("grad", "∇ " + numbers.short(node.get("grad"), node.get("shape"), CHARS - 2)))
    return lines


def _node_title(node: dict) -> str:
    parts = [f"{_name(node)}: {_op_text(node)}"]
    if node.get("shape") is not None:
        parts.append(f"shape {numbers.shape(node.get('shape'))}")
    parts.append(f"value {numbers.value(node.get('value'))}")
    if node.get("grad") is not None:
        parts.append(f"gradient {numbers.value(node.get('grad'))}")
    if node.get("no_grad"):
        parts.append("made under no_grad(): a constant for backward")
    if node.get("cut") == "detach":
        parts.append("made by detach(): a constant for backward")
    return "; ".join(parts)


def _classes(node: dict, roots: set[str]) -> str:
    classes = ["node", f"node-{node.get('kind', 'op')}"]
    if node.get("no_grad") or node.get("cut"):
        classes.append("node-cut")
    if node["id"] in roots:
        classes.append("node-root")
    return " ".join(classes)


def _place_label(x: float, top: float, w: float, h: float, taken: list[tuple]) -> float:
    """Move a label down until it overlaps no label placed before it; its top."""

    def clash(other: tuple) -> bool:
        ox, otop, ow, oh = other
        return abs(x - ox) < (w + ow) / 2 and top < otop + oh and otop < top + h

    while any(clash(other) for other in taken):
        top += LABEL_H / 2
    taken.append((x, top, w, h))
    return top


def _desc(graph: dict) -> str:
    nodes = graph.get("nodes", [])
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        by_kind[n.get("kind", "op")].append(_name(n))
    parts = [f"{len(nodes)} values and {len(graph.get('edges', []))} edges."]
    for kind, title in (("leaf", "Leaves"), ("constant", "Constants"), ("op", "Operations")):
        if by_kind[kind]:
            parts.append(f"{title}: {', '.join(by_kind[kind])}.")
    cuts = sum(1 for e in graph.get("edges", []) if e.get("cut"))
    if cuts:
        parts.append(f"{cuts} edge(s) cut by detach() or no_grad().")
    parts.append("The table after the drawing lists every value and edge.")
    return " ".join(parts)


def _route(a: _Box, via: list[_Box], b: _Box, at: float) -> tuple[str, tuple]:
    """The path from ``a`` through the waypoints to ``b`` (entering at fraction ``at`` of its
    height), and its last hop — the gap before ``b``, where the label goes."""
    x, y = a.x + a.w, a.y + a.h / 2
    d = [f"M{x:.1f},{y:.1f}"]
    for w in via:  # curve across the gap, then straight through the column
        mx, wy = (x + w.x) / 2, w.y + w.h / 2
        d.append(f"C{mx:.1f},{y:.1f} {mx:.1f},{wy:.1f} {w.x:.1f},{wy:.1f} H{w.x + w.w:.1f}")
        x, y = w.x + w.w, wy
    x1, y1 = b.x, b.y + b.h * at
    mx = (x + x1) / 2
    d.append(f"C{mx:.1f},{y:.1f} {mx:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
    return " ".join(d), (x, y, x1, y1)


def render(graph: dict, prefix: str = "graph") -> str:
    """The graph as an ``<svg>`` element (a string of escaped, standalone-valid markup)."""
    plan = layout(graph)
    boxes, width, height = plan.boxes, plan.width, plan.height
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    names = {i: _short(n) for i, n in nodes.items()}
    roots = {str(c.get("root")) for c in graph.get("backward_calls", []) or []}
    arrow = f"{prefix}-arrow"
    fit = " fit" if width <= FIT_WIDTH else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph{fit}" role="img" '
        f'viewBox="0 0 {width:.0f} {height + LABEL_H:.0f}" width="{width:.0f}" '
        f'height="{height + LABEL_H:.0f}" aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">Computation graph</title>',
        f'<desc id="{prefix}-desc">{escape(_desc(graph))}</desc>',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead" fill="#555"/></marker></defs>',
    ]
    fan_in: dict[str, int] = defaultdict(int)
    taken: list[tuple] = []
    labels = []
    for index, e in enumerate(graph.get("edges", [])):
        a, b = boxes.get(e["source"]), boxes.get(e["target"])
        if a is None or b is None:
            continue
        count = sum(1 for f in graph["edges"] if f["target"] == e["target"])
        slot = fan_in[e["target"]]
        fan_in[e["target"]] += 1
        d, (x0, y0, x1, y1) = _route(a, plan.routes.get(index, []), b, (slot + 1) / (count + 1))
        mx = (x0 + x1) / 2
        lines, text = _edge_text(e, names)
        full = f"{names[e['source']]} → {names[e['target']]}" + (f": {text}" if text else "")
        cls = "edge edge-cut" if e.get("cut") else "edge"
        dash = ' stroke-dasharray="6 4"' if e.get("cut") else ""
        out.append(
            f'<g class="{cls}"><title>{escape(full)}</title>'
            f'<path d="{d}" fill="none" stroke="#555"{dash} marker-end="url(#{arrow})"/></g>'
        )
        if lines:
            w, h = 7.2 * max(len(line) for line in lines), LABEL_H * len(lines)
            top = _place_label(mx, (y0 + y1) / 2 - h / 2, w, h, taken)
            cut = " cut" if e.get("cut") else ""
            labels.append(
                f'<g class="edge-label"><title>{escape(full)}</title>'
                f'<rect x="{mx - w / 2 - 3:.1f}" y="{top:.1f}" width="{w + 6:.1f}" '
                f'height="{h + 2:.0f}" rx="3" fill="#fff" fill-opacity="0.9"/>'
            )
            for i, line in enumerate(lines):
                labels.append(
                    f'<text class="edge-label{cut}" x="{mx:.1f}" y="{top + 12 + i * LABEL_H:.1f}" '
                    f'text-anchor="middle">{escape(line)}</text>'
                )
            labels.append("</g>")
    for node_id, node in nodes.items():
        box = boxes[node_id]
        rx = LITERAL_H / 2 if node.get("kind") == "literal" else 6
        out.append(
            f'<g class="{_classes(node, roots)}"><title>{escape(_node_title(node))}</title>'
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w}" height="{box.h}" '
            f'rx="{rx:.0f}" fill="#fff" stroke="#333"/>'
        )
        lines = _node_lines(node)
        top = box.y + (box.h - LINE * len(lines)) / 2 + LINE - 3
        for i, (cls, text) in enumerate(lines):
            out.append(
                f'<text class="{cls}" x="{box.x + box.w / 2:.1f}" y="{top + i * LINE:.1f}" '
                f'text-anchor="middle">{escape(numbers.clip(text, CHARS))}</text>'
            )
        out.append("</g>")
    out.extend(labels)  # last, so labels sit above the curves they name
    out.append("</svg>")
    return "\n".join(out)
