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
import math
from functools import cached_property
from typing import Any

import sympy

from .. import i18n
from .. import steps as st
from ..explain import Explanation, LeafGradient
from ..graph import Graph
from ..jsonio import dumps_strict
from ..symbolic.budget import Budget
from ..symbolic.matrix import Form
from ..symbolic.matrix_calculus import MatrixForm
from ..symbolic.witness import DIFFERENCES
from . import matrices, typeset
from .hessian import hessian_head
from .printers import RenderLimit, latex, local_form, mathml, text


def step_data(obj: Any) -> Any:
    """Plain JSON data: expressions as ``{"symbolic", "latex"}``, steps as dicts with ``kind``.

    A step's nested steps (``children``) are left out: they are serialised on their own.
    """
    if isinstance(obj, (sympy.Basic, Form)):
        return {"symbolic": typeset.text(obj), "latex": typeset.latex(obj)}
    if st.is_step(obj):
        nested = set(st.nested_fields(obj))
        data = {
            f.name: step_data(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name not in nested
        }
        return data if isinstance(obj, st.Quantity) else {"kind": st.kind(obj), **data}
    if type(obj) is list and _numbers(obj):  # a tensor's values: plain JSON already
        return obj
    if isinstance(obj, (list, tuple)):
        return [step_data(x) for x in obj]
    return obj


def _numbers(values: list) -> bool:
    """Whether a list is a tensor's values (nested lists of numbers, as ``tolist`` makes)."""
    while type(values) is list and values:
        values = values[0]
    return values is None or type(values) in (float, int, bool, str)


def tree(step: object, limit: RenderLimit, weigh_data: bool = True) -> dict | None:
    """A step as JSON: its kind, renderings, data fields and nested steps (None past the
    limit, which weighs the renderings, and the data unless ``weigh_data`` is False)."""
    data = step_data(step)
    renderings = {"text": text(step), "latex": latex(step), "mathml": mathml(step)}
    size = sum(map(len, renderings.values()))
    if not limit.take(size + len(dumps_strict(data)) if weigh_data else size):
        return None
    return {**data, **renderings, "children": trees(st.children(step), limit, weigh_data)}


def trees(steps, limit: RenderLimit, weigh_data: bool = True) -> list[dict]:
    """Step trees in order, ending in one ``omitted`` note once the limit is spent."""
    rendered = []
    for step in steps:
        done = tree(step, limit, weigh_data) if not limit.spent else None
        if done is None:
            if _ends_omitted(rendered):
                break  # a nested list already says so
            note = limit.omitted()
            rendered.append(
                {
                    "kind": "omitted",
                    "text": note,
                    "latex": note,
                    "mathml": html.escape(note),
                    "children": [],
                }
            )
            break
        rendered.append(done)
    return rendered


def _ends_omitted(rendered: list[dict]) -> bool:
    while rendered:
        if rendered[-1]["kind"] == "omitted":
            return True
        rendered = rendered[-1]["children"]
    return False


def local(edge: st.EdgeDerivative) -> dict:
    """An edge's local derivative for the graph view: symbolic, LaTeX, value and a sentence."""
    expr = local_form(edge).expr if edge.matrix is None else edge.matrix
    return {
        "symbolic": None if expr is None else typeset.text(expr),
        "latex": None if expr is None else typeset.latex(expr),
        "value": edge.derivative.value,
        "text": text(edge),
    }


def _matrix(m: MatrixForm | None) -> dict | None:
    """A gradient in matrix notation, with the named values it keeps and their shapes."""
    if m is None:
        return None
    return {
        "text": matrices.text(m.expr),
        "latex": matrices.latex(m.expr),
        "shape": list(m.expr.shape),
        "definitions": [
            {
                "name": n,
                "text": matrices.text(f),
                "latex": matrices.latex(f),
                "shape": list(f.shape),
            }
            for n, f in m.definitions
        ],
    }


def _gradient_head(g: LeafGradient) -> dict:
    """Contract 3's entry of ``gradients``, all but its steps."""
    expr, closed = g.symbolic, g.closed
    return {
        "leaf": g.leaf,
        "shape": list(g.shape),
        "numeric": g.numeric,
        "symbolic": None if expr is None else typeset.text(expr),
        "latex": None if expr is None else typeset.latex(expr),
        "value": g.value,
        "held": g.check.held,
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
        "note": g.note,
        "matrix": _matrix(g.matrix),
    }


def _returned(r: st.Returned) -> dict:
    """A gradient ``torch.autograd.grad`` returned, checked as a ``.grad`` is."""
    return {
        "name": r.name,
        "of": r.output,
        "wrt": r.leaf,
        "grad_outputs": r.weights,
        "numeric": r.check.engine,
        "symbolic": None if r.expr is None else typeset.text(r.expr),
        "latex": None if r.expr is None else typeset.latex(r.expr),
        "value": r.check.value,
        "agrees": r.check.agrees,
        "verdict": r.check.verdict,
        "reason": r.check.reason,
        "max_difference": r.check.max_difference,
    }


def gradient_report(g: LeafGradient, limit: RenderLimit | None = None) -> dict:
    """Contract 3's entry of ``gradients`` (steps rendered within ``limit``)."""
    return {**_gradient_head(g), "steps": trees(g.steps, limit or RenderLimit.of(Budget()))}


def _graph(x: Explanation, formulas: bool, tensors: bool = True) -> dict:
    """The graph as JSON data: with ``formulas``, each node's definition and each edge's local
    derivative in symbols, LaTeX and words; without, only their numbers; without ``tensors``,
    only the numbers that are single numbers (a tensor's are null)."""
    graph = dataclasses.asdict(x.graph if tensors else _scalars_only(x.graph))
    for node in graph["nodes"]:
        del node["named"]  # the tutor's own bookkeeping: names show in the forms that use them
        if not node["grad_changes"]:  # a leaf's, and rare: absent rather than [] on every node
            del node["grad_changes"]
        expr = x.definitions.get(node["id"]) if formulas else None
        node["symbolic"] = None if expr is None else typeset.text(expr)
        node["latex"] = None if expr is None else typeset.latex(expr)
    for edge in graph["edges"]:
        step = x.edges.get((edge["source"], edge["target"], edge["position"]))
        if step is None or formulas:
            edge["local"] = None if step is None else local(step)
        else:
            edge["local"] = {"symbolic": None, "latex": None, "value": step.derivative.value}
        if not tensors and edge["local"] is not None and isinstance(edge["local"]["value"], list):
            edge["local"]["value"] = None
    return graph


def _scalar(value):
    return None if isinstance(value, list) else value


def _scalars_only(graph: Graph) -> Graph:
    """The graph without its tensors' numbers (single numbers stay)."""
    return dataclasses.replace(
        graph,
        nodes=[
            dataclasses.replace(n, value=_scalar(n.value), grad=_scalar(n.grad))
            for n in graph.nodes
        ],
        backward_calls=[
            dataclasses.replace(c, gradient=_scalar(c.gradient), grads_after={}, grads_before={})
            for c in graph.backward_calls
        ],
    )


def _tensor_numbers(x: Explanation) -> int:
    """How many tensor elements the graph would send, counted from shapes (no copy made)."""
    size = {n.id: math.prod(n.shape) for n in x.graph.nodes}
    count = sum(
        size[n.id] * (isinstance(n.value, list) + isinstance(n.grad, list)) for n in x.graph.nodes
    )
    for call in x.graph.backward_calls:
        count += size[call.root] * isinstance(call.gradient, list)
        for grads in (call.grads_after, call.grads_before):
            count += sum(size.get(k, 0) for k, v in grads.items() if isinstance(v, list))
    return count + sum(
        size[target]
        for (_, target, _), e in x.edges.items()
        if isinstance(e.derivative.value, list)
    )


def report(x: Explanation) -> dict:
    """Contract 3's answer for one explanation (numbers may be non-finite).

    Within ``Budget.answer_chars``: the graph and the gradients come first, the steps get
    what is left; a graph too large for its formulas keeps only its numbers.
    """
    tolerances = {g.dtype: g.check.tolerance for g in x.gradients}
    answer = {
        "output": x.output,
        "gradients": [_gradient_head(g) for g in x.gradients],
        "no_gradient": [
            {
                "leaf": n.leaf,
                "reason": text(n),
                "cuts": step_data(n.cuts),
                "returned": [_returned(r) for r in n.returned],
            }
            for n in x.no_gradient
        ],
        "graph": None,  # below: as much of it as the answer's budget holds
        "mode": x.mode,
        "tolerance": {**tolerances, "central_differences": DIFFERENCES.describe()},
        "warnings": list(x.warnings),
        "program_warnings": [dataclasses.asdict(w) for w in x.program_warnings],
        "notes": list(x.notes),
    }
    if x.hessian is not None:  # order 2 only: an order-1 answer stays as it was
        answer["hessian"] = hessian_head(x.hessian)
    # a number takes at least 2 characters ("0,"): past that, the tensors cannot fit at all,
    # and the graph is not built in full only to be dropped
    fits = 2 * _tensor_numbers(x) <= x.budget.answer_chars
    if fits:
        answer["graph"] = _graph(x, formulas=True)
        used = len(dumps_strict(answer))
    if not fits or used > x.budget.answer_chars:
        answer["graph"] = _graph(x, formulas=False, tensors=fits)
        answer["notes"].append(
            i18n.gettext(
                "the formulas on the graph's nodes and edges are left out: this graph is too "
                "large to send them all; its values, gradients and local derivatives' values stay"
            )
        )
        used = len(dumps_strict(answer))
    if not fits or used > x.budget.answer_chars:
        if fits:
            answer["graph"] = _graph(x, formulas=False, tensors=False)
            used = len(dumps_strict(answer))
        answer["notes"].append(
            i18n.gettext(
                "the graph's tensor values, gradients and local derivatives are left out "
                "(null): there are too many numbers to send; the leaves' gradients above stay "
                "whole"
            )
        )
    budget = x.budget
    left = min(budget.render_chars, max(budget.answer_chars - used, 0))
    limit = RenderLimit(budget.render_seconds, budget.render_steps, left)
    for head, g in zip(answer["gradients"], x.gradients, strict=True):
        head["steps"] = trees(g.steps, limit)
    for head, e in zip(answer.get("hessian", {}).get("entries", ()), _entries(x), strict=True):
        head["steps"] = trees(e.steps, limit)
    return answer


def _entries(x: Explanation) -> tuple:
    return x.hessian.entries if x.hessian is not None else ()


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

    @cached_property
    def shown(self) -> dict:
        """The answer as a reader sees it (a page, a notebook): the same, with as many steps
        as the render budget holds when it weighs their renderings alone. A reader sees no
        step data, which the API's answer weighs too: there, a large graph's numbers (an
        MLP's intermediate gradients) leave its steps little room."""
        cut = [g["steps"] for g in self.data["gradients"]]
        cut += [e["steps"] for e in self.data.get("hessian", {}).get("entries", ())]
        if not any(map(_ends_omitted, cut)):
            return self.data  # every step fit already
        x, limit = self.explanation, RenderLimit.of(self.explanation.budget)
        steps = [trees(g.steps, limit, weigh_data=False) for g in x.gradients]
        entries = [trees(e.steps, limit, weigh_data=False) for e in _entries(x)]
        shown = json.loads(dumps_strict({"gradients": steps, "entries": entries}))
        data = dict(self.data)
        data["gradients"] = [
            {**g, "steps": s} for g, s in zip(data["gradients"], shown["gradients"], strict=True)
        ]
        if "hessian" in data:
            pairs = zip(data["hessian"]["entries"], shown["entries"], strict=True)
            data["hessian"] = {**data["hessian"], "entries": [{**e, "steps": s} for e, s in pairs]}
        return data
