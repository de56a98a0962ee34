"""The one domain call the views make: explain an input, through a bounded cache.

``answer(input, cache)`` explains the input (``tutor.explain``) and wraps the result in an
``Answer``, which serialises it at most once: to Contract 3's JSON for the API, and to the
page's pieces (SVG graph, MathML) for the tutoring page. Only successful results are cached;
errors are raised (``TutorError``) and cost little to find again.
"""

from __future__ import annotations

from functools import cached_property

from markupsafe import Markup

from ..explain import ExplainInput, explain
from ..render import Report, mathml, svg
from .cache import LRUCache


class Answer(Report):
    """One explanation as the service sends it; each serialised form is made at most once."""

    @cached_property
    def page(self) -> dict:
        """What the tutoring page shows: the JSON data, the SVG graph and MathML markup."""
        data = self.data
        gradients = [
            dict(g, mathml=Markup(mathml(leaf)))
            for g, leaf in zip(data["gradients"], self.explanation.gradients, strict=True)
        ]
        return {
            "output": data["output"],
            "gradients": gradients,
            "no_gradient": data["no_gradient"],
            "warnings": data["warnings"],
            "notes": data["notes"],
            "graph": data["graph"],
            "svg": Markup(svg.render(data["graph"])),
            "edges": svg.edge_rows(data["graph"]),
        }


def answer(inp: ExplainInput, cache: LRUCache | None = None) -> Answer:
    """The answer for ``inp``, from ``cache`` when it holds one."""
    if cache is None:
        return Answer(explain(inp))
    return cache.get_or_compute(inp, lambda: Answer(explain(inp)))
