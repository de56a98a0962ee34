"""The computation graph as server-side SVG, laid out by Graphviz's ``dot``, left to right.

Input is the ``graph`` of Contract 3 (``{"nodes": [...], "edges": [...]}`` as JSON data).
Every node shows its name, op (and ``grad_fn``), forward value and gradient; every edge its
local derivative in math notation, and the operand's role where order matters (numerator,
subtrahend, left of ``@``); edges that ``detach()``/``no_grad()`` cut are dashed and say so.
The gradient handed to ``backward(...)`` stands beside its root with a dashed connector.

Nothing is cut short: a text wider than its box wraps, and one too long to wrap moves into a
legend under the drawing, keyed by a tag like ``[1]``; only a tensor of more than 64 numbers
is written there as PyTorch prints a large one, its first and last numbers along each
dimension (the page's table after the drawing has every number). Each box is measured here
from its text and handed to ``dot`` (``tutor.render.dot``, which says why dot) as a fixed
size, so its crossing minimisation and label placement work on what will really be drawn;
the SVG is then written from dot's coordinates. All text is escaped; the picture carries
``<title>``/``<desc>``, the page adds a table, and ``data-node`` / ``data-source``,
``data-target``, ``data-position`` name what each group draws for scripts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup
from markupsafe import escape as markup

from .. import i18n
from ..graph import GRADIENT, gradient_name
from ..i18n import N_
from . import dot, numbers
from .labels import EM, TEXT_PX, math, width_of, wrap

# Sizes follow static/style.css: 12px monospace text, 13.5px bold names.
NAME_PX = 13.5  # bold names (TEXT_PX, the rest, is in labels)
LINE = 15.5  # baseline to baseline in a node box
LABEL_H = 15  # baseline to baseline in an edge label and the legend
PAD_X, PAD_Y = 10, 7  # inside a node box, around its text
MIN_W = 60  # a box narrower than this is hard to point at
WRAP = 28  # characters per line in a node box before the text wraps
EDGE_WRAP = 24  # characters per line of an edge label
MAX_LINES = 3  # a text needing more lines than this moves into the legend
LEGEND_WRAP = 90  # characters per legend line
LEGEND_NUMBERS = 64  # a tensor with more numbers is summarised in the legend and titles
MARGIN = 16
# Drawings up to this wide shrink to fit a laptop's ~1,085 px column (text stays ≥ 10 px);
# wider ones scroll at their natural size rather than shrink their text away.
FIT_WIDTH = 1250
NODE_SEP, RANK_SEP = 0.2, 0.12  # inches between boxes in a rank and between ranks (dot's unit)
STEP = 20  # user units between the waypoints a printed drawing joins with arcs

ROLES = {  # the operand's part, by position, where the op is not symmetric
    "sub": (N_("minuend"), N_("subtrahend")),
    "div": (N_("numerator"), N_("denominator")),
    "matmul": (N_("left of @"), N_("right of @")),
    "pow": (N_("base"), N_("exponent")),
}
# an edge into a gradient torch.autograd.grad returned: it passes no gradient back
GRADIENT_CUT = N_("{target} is a gradient of {source}: no gradient flows back")
# what a box says a value is, when no operation made it
KINDS = {"leaf": N_("leaf, requires grad"), "literal": N_("literal"), "constant": N_("constant")}


@dataclass
class _Box:
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0


@dataclass
class Layout:
    """Where everything goes: node boxes, each edge's path and label, the drawing's size."""

    boxes: dict[str, _Box]
    routes: dict[int, list[_Box]]  # edge index -> points its curve passes on the way
    width: float
    height: float
    paths: dict[int, str] = field(default_factory=dict)  # edge index -> SVG path data
    labels: dict[int, _Box] = field(default_factory=dict)  # edge index -> label's box
    given: dict[str, tuple[str, _Box]] = field(default_factory=dict)  # node -> (path, label)


def _minus(text: str) -> str:
    """Numbers with a real minus sign."""
    return text.replace("-", "−")


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


def _shown_name(node: dict) -> str:
    """The box's title line: ``_name`` with a formula written as math (``t1 = x1·w1``)."""
    short, label = _short(node), str(node.get("label") or "")
    if not label or label == short or label.isidentifier():
        return _name(node)
    return f"{short} = {math(label)}"


def _op_text(node: dict) -> str:
    kind = node.get("kind", "")
    if node.get("op") == GRADIENT:  # ∂y/∂x · MulBackward0, or a constant without a graph
        what = gradient_name(node["inputs"], node["attrs"])
        fn = node.get("grad_fn")
        return f"{what} · {fn}" if fn else i18n.gettext("{op} (no grad_fn)", op=what)
    if kind == "op":
        op, fn = node.get("op") or "", node.get("grad_fn")
        return f"{op} · {fn}" if fn else i18n.gettext("{op} (no grad_fn)", op=op)
    return i18n.translate(KINDS[kind]) if kind in KINDS else kind


def _operand(name: str) -> str:
    """A name as it reads after ∂: ``x2`` stays, ``y * y`` becomes ``(y * y)``.

    >>> _operand("x2"), _operand("y * y")
    ('x2', '(y * y)')
    """
    return name if name.isidentifier() else f"({name})"


def _role(edge: dict, nodes: dict[str, dict]) -> str:
    """The operand's part in its op (``subtrahend``), or "" where order does not matter."""
    target = nodes.get(edge["target"]) or {}
    roles = ROLES.get(str(target.get("op") or ""))
    position = edge.get("position")
    if roles is None or len(target.get("inputs") or ()) != 2 or position not in (0, 1):
        return ""
    return i18n.translate(roles[position])


def _edge_text(edge: dict, names: dict[str, str], role: str = "") -> tuple[list[str], str]:
    """(lines of the label drawn on the edge, full description); both empty when unknown."""
    src, dst = names.get(edge["source"], edge["source"]), names.get(edge["target"], edge["target"])
    said_role = " " + i18n.gettext("({role})", role=role) if role else ""
    if edge.get("cut") == GRADIENT:
        return ["∂ autograd.grad"], i18n.translate(GRADIENT_CUT).format(target=dst, source=src)
    if edge.get("cut"):
        why = "detach()" if edge["cut"] == "detach" else "no_grad()"
        return [f"✂ {why}"], i18n.gettext("cut by {how}: no gradient flows back", how=why)
    local = edge.get("local") or {}
    symbolic = math(str(local.get("symbolic") or ""))
    number = "" if local.get("value") is None else _minus(_said(local["value"]))
    if not symbolic and not number:
        return ([said_role.strip()] if role else []), said_role.strip()
    partial = f"∂{_operand(dst)}/∂{_operand(src)}"
    said = [symbolic] if symbolic else []
    if number and number != symbolic:
        said.append(number)
    rest = "= " + " = ".join(said)
    head = partial + said_role
    lines = [head] if len(head) <= EDGE_WRAP else [partial, said_role.strip()]
    return [*lines, *wrap(rest, EDGE_WRAP)], f"{partial}{said_role} {rest}"


def edge_rows(graph: dict) -> list[dict]:
    """One row per edge for the graph's table alternative: names and local derivative (HTML
    where a sentence names nodes: the names are code)."""
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    names = {i: _short(n) for i, n in nodes.items()}
    return [
        {
            "source_name": names.get(e["source"], e["source"]),
            "target_name": names.get(e["target"], e["target"]),
            "text": _row_text(e, names, nodes),
        }
        for e in graph.get("edges", [])
    ]


def _row_text(edge: dict, names: dict[str, str], nodes: dict[str, dict]) -> str:
    """What the graph's table says about ``edge``."""
    if edge.get("cut") == GRADIENT:
        src, dst = (names.get(edge[end], edge[end]) for end in ("source", "target"))
        return markup(i18n.translate(GRADIENT_CUT)).format(target=_code(dst), source=_code(src))
    said = _edge_text(edge, names, _role(edge, nodes))[1]
    return said or i18n.gettext("— (no gradient is taken for this operand)")


def _code(name: str) -> Markup:
    return Markup("<code>{}</code>").format(name)


class _Legend:
    """Texts too long for the drawing, each under a tag like ``[1]``."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def fit(self, lines: list[str], full: str, width: int, what: str) -> list[str]:
        """``lines`` when they are few enough, else a tag and ``what``; the text in full."""
        if len(lines) <= MAX_LINES:
            return lines
        tag = f"[{len(self.entries) + 1}]"
        self.entries.append((tag, full))
        return wrap(f"{tag} {what}".strip(), width)


def _node_lines(node: dict, legend: _Legend) -> list[tuple[str, str]]:
    name = _shown_name(node)
    lines = [("name", line) for line in wrap(name, WRAP)]
    if node.get("kind") == "literal":
        return lines
    lines += [("op", line) for line in wrap(_op_text(node), WRAP)]
    short, shape = _short(node), node.get("shape")
    dims = f" ({numbers.shape(shape)})" if shape else ""
    for cls, prefix, key, what in (
        ("val", "= ", "value", N_("{name} value{shape} = {value}")),
        ("grad", "∇ ", "grad", N_("{name} gradient{shape} = {value}")),
    ):
        if key == "grad" and node.get("grad") is None:
            continue
        v = node.get(key)
        text = prefix + numbers.short(v, shape, WRAP - len(prefix))
        if "…" not in text:
            lines.append((cls, _minus(text)))
            continue
        full = _minus(_said(v))
        said = i18n.translate(what).format(name=short, shape=dims, value=full)
        tagged = legend.fit(wrap(prefix + full, WRAP), said, WRAP, "")
        if len(tagged) == 1 and tagged[0].startswith("["):  # moved: say where, and the shape
            tagged = [f"{prefix}{tagged[0]}{dims}"]
        lines += [(cls, line) for line in tagged]
    return lines


def _said(v) -> str:
    """A value as the legend and a box's title write it: in full, or, with more than
    ``LEGEND_NUMBERS`` numbers, elided as PyTorch prints a large tensor."""
    if numbers.count(v) <= LEGEND_NUMBERS:
        return numbers.value(v)
    return numbers.summary(v, numbers.value)


def _node_title(node: dict) -> str:
    parts = [f"{_name(node)}: {_op_text(node)}"]
    if node.get("shape") is not None:
        parts.append(i18n.gettext("shape {shape}", shape=numbers.shape(node.get("shape"))))
    parts.append(i18n.gettext("value {value}", value=_said(node.get("value"))))
    if node.get("grad") is not None:
        parts.append(i18n.gettext("gradient {value}", value=_said(node.get("grad"))))
    if node.get("no_grad"):
        parts.append(i18n.gettext("made under no_grad(): a constant for backward"))
    if node.get("cut") == "detach":
        parts.append(i18n.gettext("made by detach(): a constant for backward"))
    said = parts[0]
    for part in parts[1:]:
        said = i18n.gettext("{clauses}; {clause}", clauses=said, clause=part)
    return said


def _classes(node: dict, roots: set[str], given: set[str]) -> str:
    classes = ["node", f"node-{node.get('kind', 'op')}"]
    if node.get("no_grad") or node.get("cut"):
        classes.append("node-cut")
    if node["id"] in roots:
        classes.append("node-root")
    if node["id"] in given:
        classes.append("node-given")
    return " ".join(classes)


def _desc(graph: dict) -> str:
    nodes = graph.get("nodes", [])
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        by_kind[n.get("kind", "op")].append(_name(n))
    edges = len(graph.get("edges", []))
    parts = [
        i18n.gettext(
            "{values} values and {edges} edges.",
            values=i18n.number(len(nodes)),
            edges=i18n.number(edges),
        )
    ]
    for kind, title in (
        ("leaf", N_("Leaves: {names}.")),
        ("constant", N_("Constants: {names}.")),
        ("op", N_("Operations: {names}.")),
    ):
        if by_kind[kind]:
            parts.append(i18n.translate(title).format(names=", ".join(by_kind[kind])))
    cuts = sum(1 for e in graph.get("edges", []) if e.get("cut"))
    if cuts:
        parts.append(
            i18n.ngettext(
                "{n} edge cut by detach(), no_grad() or autograd.grad.",
                "{n} edges cut by detach(), no_grad() or autograd.grad.",
                cuts,
            )
        )
    parts.append(i18n.gettext("The table after the drawing lists every value and edge."))
    return i18n.sentences(*parts)


def given_gradients(graph: dict) -> dict[str, str]:
    """Node id of each gradient handed to ``root.backward(...)`` -> that root's id.

    A tensor written inside the call (``L.backward(torch.ones(2, 2))``) is a node joined to
    nothing; a named one (``gradient_of``) is found by its name.
    """
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    joined = {e["source"] for e in graph.get("edges", [])} | {
        e["target"] for e in graph.get("edges", [])
    }
    found: dict[str, str] = {}
    for call in graph.get("backward_calls") or []:
        root, gradient = str(call.get("root")), call.get("gradient")
        if root not in nodes or gradient is None:
            continue
        named = call.get("gradient_of")
        if named in nodes and named not in found:
            found[named] = root
            continue
        for node_id, n in nodes.items():
            if node_id not in joined and node_id not in found and n.get("value") == gradient:
                found[node_id] = root
                break
    return found


def _given_lines(root: str, node: dict) -> list[str]:
    return [i18n.gettext("gradient given to"), f"{root}.backward({_short(node)})"]


@dataclass
class _Drawn:
    """What ``render`` draws: each node's lines, each edge's label lines and description."""

    nodes: dict[str, list[tuple[str, str]]]
    edges: dict[int, tuple[list[str], str]]
    given: dict[str, str]
    legend: _Legend


def _texts(graph: dict) -> _Drawn:
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    names = {i: _short(n) for i, n in nodes.items()}
    legend = _Legend()
    lines = {i: _node_lines(n, legend) for i, n in nodes.items()}
    edges = {}
    for index, e in enumerate(graph.get("edges", [])):
        if e["source"] in nodes and e["target"] in nodes:
            said, full = _edge_text(e, names, _role(e, nodes))
            shown = legend.fit(said, full, EDGE_WRAP, "")
            if shown != said:  # moved to the legend: the edge still says what it is
                shown = [said[0], f"= {shown[0]}"]
            edges[index] = (shown, full)
    return _Drawn(lines, edges, given_gradients(graph), legend)


def _size(lines: list[tuple[str, str]]) -> tuple[float, float]:
    wide = max(width_of(t, NAME_PX if c == "name" else TEXT_PX) for c, t in lines)
    return max(MIN_W, wide + 2 * PAD_X), LINE * len(lines) + 2 * PAD_Y


def _label_size(lines: list[str]) -> tuple[float, float]:
    return max(width_of(t) for t in lines) + 8, LABEL_H * len(lines) + 4


def _waypoints(points: list, edge: dict, boxes: dict[str, _Box]) -> list[_Box]:
    """Points a curve passes between its boxes' facing sides, at least ``STEP`` apart (a
    printed drawing joins them with arcs; a zero-length arc overflows LaTeX's picture)."""
    a, b = boxes[edge["source"]], boxes[edge["target"]]
    kept, last = [], (a.x + a.w, a.y + a.h / 2)
    end = (b.x, b.y + b.h / 2)
    for x, y in points:
        far = abs(x - last[0]) + abs(y - last[1]) >= STEP
        if far and abs(x - end[0]) + abs(y - end[1]) >= STEP:
            kept.append(_Box(x, y))
            last = (x, y)
    return kept


def _plan(graph: dict, drawn: _Drawn) -> Layout:
    if not drawn.nodes:
        return Layout({}, {}, 2 * MARGIN, 2 * MARGIN)
    ids = list(drawn.nodes)
    number = {node_id: i for i, node_id in enumerate(ids)}
    edges = graph.get("edges", [])
    wanted = [  # the program's edges, then each given gradient's connector from its root
        (number[edges[i]["source"]], number[edges[i]["target"]], said)
        for i, (said, _) in drawn.edges.items()
    ] + [
        (number[root], number[node], _given_lines(root, {"id": node}))
        for node, root in drawn.given.items()
    ]
    placed = dot.place(
        [_size(drawn.nodes[node_id]) for node_id in ids],
        [(a, b, _label_size(said) if said else None) for a, b, said in wanted],
        MARGIN,
        (NODE_SEP, RANK_SEP),
    )
    boxes = {node_id: _Box(*placed.boxes[i]) for i, node_id in enumerate(ids)}
    plan = Layout(boxes, {}, placed.width, placed.height)
    for k, index in enumerate(drawn.edges):
        d, points, label = placed.edges[k]
        plan.paths[index] = d
        plan.routes[index] = _waypoints(points[3:-1:3], edges[index], boxes)
        if label is not None:
            plan.labels[index] = _Box(*label)
    for k, node in enumerate(drawn.given, start=len(drawn.edges)):
        d, points, label = placed.edges[k]
        plan.given[node] = (d, _Box(*(label or points[len(points) // 2])))
    return plan


def layout(graph: dict) -> Layout:
    """The drawing's geometry, from ``dot``: node boxes, edge paths and label places."""
    return _plan(graph, _texts(graph))


def _text_block(lines: list[str], cx: float, top: float, cls: str) -> list[str]:
    return [
        f'<text class="{cls}" x="{cx:.1f}" y="{top + 12 + i * LABEL_H:.1f}" '
        f'text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]


def _label(lines: list[str], at: _Box, title: str, cls: str) -> list[str]:
    w, h = _label_size(lines)
    top = at.y - h / 2
    out = [
        f'<g class="edge-label"><title>{escape(title)}</title>'
        f'<rect x="{at.x - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'rx="3" fill="#fff" fill-opacity="0.9"/>'
    ]
    out += _text_block(lines, at.x, top + 1, cls)
    out.append("</g>")
    return out


def render(graph: dict, prefix: str = "graph") -> str:
    """The graph as an ``<svg>`` element (a string of escaped, standalone-valid markup)."""
    drawn = _texts(graph)
    plan = _plan(graph, drawn)
    nodes = {n["id"]: n for n in graph.get("nodes", [])}
    names = {i: _short(n) for i, n in nodes.items()}
    roots = {str(c.get("root")) for c in graph.get("backward_calls", []) or []}
    legend = [
        line
        for tag, text in drawn.legend.entries
        for line in wrap(f"{tag} {text}", max(LEGEND_WRAP, int(plan.width / (EM * TEXT_PX))))
    ]
    width = max(plan.width, max((width_of(t) for t in legend), default=0) + 2 * MARGIN)
    height = plan.height + (LABEL_H * len(legend) + MARGIN if legend else 0)
    arrow = f"{prefix}-arrow"
    fit = " fit" if width <= FIT_WIDTH else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph{fit}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">{escape(i18n.gettext("Computation graph"))}</title>',
        f'<desc id="{prefix}-desc">{escape(_desc(graph))}</desc>',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead" fill="#555"/></marker></defs>',
    ]
    labels: list[str] = []
    edges = graph.get("edges", [])
    for index, (said, text) in drawn.edges.items():
        e = edges[index]
        full = f"{names[e['source']]} → {names[e['target']]}" + (f": {text}" if text else "")
        cls = "edge edge-cut" if e.get("cut") else "edge"
        dash = ' stroke-dasharray="6 4"' if e.get("cut") else ""
        out.append(
            f'<g class="{cls}" id="{prefix}-e{index}" data-source="{escape(e["source"])}" '
            f'data-target="{escape(e["target"])}" data-position="{e.get("position", "")}">'
            f"<title>{escape(full)}</title>"
            f'<path d="{plan.paths.get(index, "")}" fill="none" stroke="#555"{dash} '
            f'marker-end="url(#{arrow})"/></g>'
        )
        if said and index in plan.labels:
            cut = " cut" if e.get("cut") else ""
            labels += _label(said, plan.labels[index], full, f"edge-label{cut}")
    for node_id, root in drawn.given.items():
        if node_id not in plan.given:
            continue
        d, at = plan.given[node_id]
        said = _given_lines(root, nodes[node_id])
        title = i18n.gettext(
            "{name} is the gradient given to {root}.backward(): ∂{root}/∂{root}",
            name=names[node_id],
            root=root,
        )
        out.append(
            f'<g class="given" data-source="{escape(node_id)}" data-target="{escape(root)}">'
            f'<title>{escape(title)}</title><path d="{d}" fill="none" stroke="#8a94a6" '
            f'stroke-dasharray="4 3" marker-start="url(#{arrow})"/></g>'
        )
        labels += _label(said, at, title, "edge-label given")
    given = set(drawn.given)
    for node_id, node in nodes.items():
        box = plan.boxes[node_id]
        rx = min(box.h / 2, 15) if node.get("kind") == "literal" else 6
        out.append(
            f'<g class="{_classes(node, roots, given)}" id="{prefix}-n-{escape(node_id)}" '
            f'data-node="{escape(node_id)}"><title>{escape(_node_title(node))}</title>'
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
            f'rx="{rx:.0f}" fill="#fff" stroke="#333"/>'
        )
        lines = drawn.nodes[node_id]
        top = box.y + (box.h - LINE * len(lines)) / 2 + LINE - 3.5
        for i, (cls, text) in enumerate(lines):
            out.append(
                f'<text class="{cls}" x="{box.x + box.w / 2:.1f}" y="{top + i * LINE:.1f}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
        out.append("</g>")
    out.extend(labels)  # last, so labels sit above the curves they name
    if legend:
        heading = escape(i18n.gettext("Values too long for the drawing"))
        out.append(f'<g class="graph-legend"><title>{heading}</title>')
        for i, line in enumerate(legend):
            y = plan.height + 12 + i * LABEL_H
            out.append(f'<text class="legend-line" x="{MARGIN}" y="{y:.1f}">{escape(line)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
