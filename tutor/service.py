"""The one domain call the views make: explain an input, through a bounded cache.

``explain(input, cache)`` parses the program or formula (``tutor.lang``), explains it
(``tutor.analysis``) and wraps the result in an ``Outcome`` that serialises itself once:
to Contract 3's JSON for the API, and to the page's pieces (SVG graph, MathML) for the
tutoring page. Only successful results are cached; errors are raised (``TutorError``) and
cost little to find again.
"""

from __future__ import annotations

import json
from functools import cached_property

from markupsafe import Markup

from . import analysis, lang, render, svg
from .cache import LRUCache
from .inputs import ExplainInput
from .jsonio import dumps_strict


class Outcome:
    """One explanation, with its serialised forms made at most once each."""

    def __init__(self, explanation: analysis.Explanation) -> None:
        self.explanation = explanation

    @cached_property
    def json_text(self) -> str:
        """The API's response body: Contract 3's explain answer, without NaN."""
        return dumps_strict(self.explanation.to_json())

    @cached_property
    def data(self) -> dict:
        """The same answer as JSON data, exactly what the API sends (non-finite as strings)."""
        return json.loads(self.json_text)

    @cached_property
    def page(self) -> dict:
        """What the tutoring page shows: the JSON data, the SVG graph and MathML markup."""
        data = self.data
        gradients = [
            dict(g, mathml=Markup(render.mathml(leaf)))
            for g, leaf in zip(data["gradients"], self.explanation.gradients, strict=True)
        ]
        return {
            "output": data["output"],
            "gradients": gradients,
            "no_gradient": data["no_gradient"],
            "notes": data["notes"],
            "graph": data["graph"],
            "svg": Markup(svg.render(data["graph"])),
            "edges": svg.edge_rows(data["graph"]),
        }


def _compute(inp: ExplainInput) -> Outcome:
    if inp.program is not None:
        program = lang.parse_program(inp.program)
    else:
        grads = None if inp.requires_grad is None else list(inp.requires_grad)
        program = lang.parse_expression(inp.expression, inp.values, requires_grad=grads)
    return Outcome(analysis.explain(program))


def explain(inp: ExplainInput, cache: LRUCache | None = None) -> Outcome:
    """The explanation of ``inp``, from ``cache`` when it holds one."""
    if cache is None:
        return _compute(inp)
    return cache.get_or_compute(inp, lambda: _compute(inp))
