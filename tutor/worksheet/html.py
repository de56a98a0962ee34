"""A worksheet as its HTML pages show it: graphs drawn blank or full, keys in MathML, feedback.

The sheet draws each problem's graph with its forward values but no gradients, and for a
fill-in question a ``?`` on every operation and edge the student fills in; the key draws it
in full. Everything shown comes from the problem's explanation (``tutor.worksheet.sheet``);
each problem and key entry carries its LaTeX (``tutor.worksheet.latex``) for copying.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from .. import i18n, render
from ..render import svg
from . import latex
from .drawing import drawing
from .sheet import Problem


def _steps(p: Problem) -> list[dict]:
    """The full chain-rule steps of the asked leaf, as the shared ``_steps.html`` takes them."""
    for g in p.report.data["gradients"]:
        if g["leaf"] == p.wrt:
            return g["steps"]
    return []


def problem_view(p: Problem, checked: Mapping[str, dict]) -> dict:
    """What ``_problem.html`` and ``_key.html`` show of one problem, in its language;
    ``checked`` holds, per answer box, what the student typed and the check's answer
    (``tutor.web.handout``)."""
    with i18n.using(p.lang):
        return _view(p, checked)


def _view(p: Problem, checked: Mapping[str, dict]) -> dict:
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
                "checked": checked.get(b.id, {}),
            }
            for b in p.boxes
        ],
        "latex": latex.problem(p),
        "key": {
            "latex": latex.key(p),
            "closed": Markup(render.mathml(gradient)) if gradient is not None else None,
            "chain": [Markup(render.mathml(s)) for s in p.key_steps()],
            "steps": _steps(p),
            "svg": Markup(svg.render(drawing(graph, True, False), prefix=f"k{p.number}"))
            if fill_in
            else None,
            "verdict": p.verdict(),
        },
    }
