"""Contract 3's JSON report of an ``Explanation``: data, steps rendered three ways, graph.

``report`` is what ``POST /api/v1/explain`` answers (numbers may be non-finite;
``tutor.jsonio`` writes them as strings); ``Report`` makes that data and its JSON text at
most once each. Steps are rendered within one ``RenderLimit`` per answer: past its clock or
step count, one ``omitted`` note ends the list.
"""

from __future__ import annotations

import dataclasses
import html
import json
import time
from functools import cached_property
from typing import Any

import sympy

from .. import steps as st
from ..explain import Explanation, LeafGradient
from ..jsonio import dumps_strict
from ..symbolic.budget import Budget
from ..symbolic.witness import DIFFERENCES
from . import typeset
from .printers import latex, mathml, text


class RenderLimit:
    """A clock and a step count shared by all step trees of one answer."""

    def __init__(self, seconds: float, steps: int):
        self.deadline, self.left = time.perf_counter() + seconds, steps

    @classmethod
    def of(cls, budget: Budget) -> RenderLimit:
        """The rendering clock and step count one answer may spend."""
        return cls(budget.render_seconds, budget.render_steps)

    def take(self) -> bool:
        """Spend one step; False once the count or the time is used up."""
        self.left -= 1
        return self.left >= 0 and time.perf_counter() <= self.deadline


OMITTED = (
    "The remaining steps are not shown: this graph is too long to render step by step "
    "within the time budget. The closed forms, values and verdicts above cover every step."
)


def step_data(obj: Any) -> Any:
    """Plain JSON data: expressions as ``{"symbolic", "latex"}``, steps as dicts with ``kind``.

    A step's nested steps (``children``) are left out: they are serialised on their own.
    """
    if isinstance(obj, sympy.Basic):
        return {"symbolic": typeset.text(obj), "latex": typeset.latex(obj)}
    if st.is_step(obj):
        nested = set(st.nested_fields(obj))
        data = {
            f.name: step_data(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name not in nested
        }
        return data if isinstance(obj, st.Quantity) else {"kind": st.kind(obj), **data}
    if isinstance(obj, (list, tuple)):
        return [step_data(x) for x in obj]
    return obj


def tree(step: object, limit: RenderLimit) -> dict:
    """A step as JSON: its kind, renderings, data fields and nested steps."""
    return {
        **step_data(step),
        "text": text(step),
        "latex": latex(step),
        "mathml": mathml(step),
        "children": trees(st.children(step), limit),
    }


def trees(steps, limit: RenderLimit) -> list[dict]:
    """Step trees in order, ending in one ``omitted`` note once the limit is spent."""
    rendered = []
    for step in steps:
        if not limit.take():
            escaped = html.escape(OMITTED)
            rendered.append(
                {
                    "kind": "omitted",
                    "text": OMITTED,
                    "latex": OMITTED,
                    "mathml": escaped,
                    "children": [],
                }
            )
            break
        rendered.append(tree(step, limit))
    return rendered


def local(edge: st.EdgeDerivative) -> dict:
    """An edge's local derivative for the graph view: symbolic, LaTeX, value and a sentence."""
    expr = edge.derivative.expr if edge.matrix is None else edge.matrix
    return {
        "symbolic": None if expr is None else typeset.text(expr),
        "latex": None if expr is None else typeset.latex(expr),
        "value": edge.derivative.value,
        "text": text(edge),
    }


def gradient_report(g: LeafGradient, limit: RenderLimit | None = None) -> dict:
    """Contract 3's entry of ``gradients`` (steps rendered within ``limit``)."""
    limit = limit or RenderLimit.of(Budget())
    expr, closed = g.symbolic, g.closed
    return {
        "leaf": g.leaf,
        "shape": list(g.shape),
        "numeric": g.numeric,
        "symbolic": None if expr is None else typeset.text(expr),
        "latex": None if expr is None else typeset.latex(expr),
        "value": g.value,
        "agrees": g.check.agrees,
        "verdict": g.check.verdict,
        "reason": g.check.reason,
        "max_difference": g.check.max_difference,
        "numerical": g.check.numerical,
        "agrees_numerical": g.check.agrees_numerical,
        "max_difference_numerical": g.check.max_difference_numerical,
        "numerical_reason": g.check.numerical_reason,
        "compact": bool(closed and closed.compact),
        "definitions": [
            {"name": str(s), "symbolic": typeset.text(e), "latex": typeset.latex(e)}
            for s, e in (closed.definitions if closed else ())
        ],
        "steps": trees(g.steps, limit),
        "note": g.note,
    }


def report(x: Explanation) -> dict:
    """Contract 3's answer for one explanation (numbers may be non-finite)."""
    graph = dataclasses.asdict(x.graph)
    for node in graph["nodes"]:
        expr = x.definitions.get(node["id"])
        node["symbolic"] = None if expr is None else typeset.text(expr)
        node["latex"] = None if expr is None else typeset.latex(expr)
    for edge in graph["edges"]:
        step = x.edges.get((edge["source"], edge["target"], edge["position"]))
        edge["local"] = None if step is None else local(step)
    tolerances = {g.dtype: g.check.tolerance for g in x.gradients}
    limit = RenderLimit.of(x.budget)
    return {
        "output": x.output,
        "gradients": [gradient_report(g, limit) for g in x.gradients],
        "no_gradient": [
            {"leaf": n.leaf, "reason": text(n), "cuts": step_data(n.cuts)} for n in x.no_gradient
        ],
        "graph": graph,
        "mode": x.mode,
        "tolerance": {**tolerances, "central_differences": DIFFERENCES.describe()},
        "warnings": list(x.warnings),
        "notes": list(x.notes),
    }


class Report:
    """One explanation's report, made at most once: its JSON text and the same as data."""

    def __init__(self, explanation: Explanation) -> None:
        self.explanation = explanation

    @cached_property
    def json_text(self) -> str:
        """The API's response body: Contract 3's explain answer, without NaN."""
        return dumps_strict(report(self.explanation))

    @cached_property
    def data(self) -> dict:
        """The same answer as JSON data, exactly what the API sends (non-finite as strings)."""
        return json.loads(self.json_text)
