"""A worksheet as its HTML pages show it: graphs drawn blank or full, keys in MathML, feedback.

The sheet draws each problem's graph with its forward values but no gradients, and for a
fill-in question a ``?`` on every operation and edge the student fills in; the key draws it
in full. Everything shown comes from the problem's explanation (``tutor.worksheet.sheet``).
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from .. import render
from ..checking.feedback import Feedback
from ..render import svg
from .sheet import Problem

BLANK = "?"


def drawing(graph: dict, fill_in: bool, blank: bool = True) -> dict:
    """The graph as a problem draws it.

    ``blank`` (the sheet): no gradients, and with ``fill_in`` a ``?`` for every operation's
    value and every local derivative. ``fill_in`` also names operations by their ids, as
    the answer boxes do (``t2`` rather than ``x1 + 3``).
    """
    nodes, edges = graph["nodes"], graph["edges"]
    if fill_in:
        nodes = [dict(n, label=n["id"]) if n["kind"] == "op" else n for n in nodes]
    if blank:
        nodes = [
            dict(n, grad=None, value=BLANK if fill_in and n["kind"] == "op" else n["value"])
            for n in nodes
        ]
        asked = {"symbolic": None, "value": BLANK}
        edges = [dict(e, local=asked if fill_in and e.get("local") else None) for e in edges]
    return {**graph, "nodes": nodes, "edges": edges}


def _steps(p: Problem) -> list[dict]:
    """The full chain-rule steps of the asked leaf, as the shared ``_steps.html`` takes them."""
    for g in p.report.data["gradients"]:
        if g["leaf"] == p.wrt:
            return g["steps"]
    return []


def problem_view(p: Problem, typed: Mapping[str, str], feedback: Mapping[str, Feedback]) -> dict:
    """What ``_problem.html`` and ``_key.html`` show of one problem."""
    graph = p.report.data["graph"]
    gradient = p.gradient
    fill_in = p.kind == "graph"
    return {
        "number": p.number,
        "kind": p.kind,
        "prompt": p.prompt,
        "shown": p.draft.shown,
        "given": p.draft.given,
        "program": p.draft.input.kind == "program",
        "svg": Markup(svg.render(drawing(graph, fill_in), prefix=f"p{p.number}")),
        "boxes": [
            {
                "id": b.id,
                "label": b.label,
                "kind": b.kind,
                "field": f"a{b.id}",
                "answer": b.answer,
                "typed": typed.get(b.id, ""),
                "feedback": feedback.get(b.id),
            }
            for b in p.boxes
        ],
        "key": {
            "closed": Markup(render.mathml(gradient)) if gradient is not None else None,
            "chain": [Markup(render.mathml(s)) for s in p.key_steps()],
            "steps": _steps(p),
            "svg": Markup(svg.render(drawing(graph, True, False), prefix=f"k{p.number}"))
            if fill_in
            else None,
            "verdict": p.verdict(),
        },
    }
