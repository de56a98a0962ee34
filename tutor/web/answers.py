"""The one domain call the views make: explain an input, kept in a cache bounded in bytes.

What the cache keeps are the finished texts — the API's JSON answer, the page's result
section — weighed by their size in memory (``sys.getsizeof``), so a worker's cache holds
what its byte budget says and no large object graph hides behind a small entry. With
``CACHE_URL`` set, the texts go to Redis instead, shared by every instance. Only successful
results are kept; errors are raised (``TutorError``) and cost little to find again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property

from markupsafe import Markup

from .. import i18n
from ..errors import LimitError
from ..explain import ExplainInput, explain
from ..render import Report, mathml, matrices, svg, typeset
from ..render.printers import MathMLPrinter
from .cache import LRUCache
from .shared_cache import SharedCache


class Answer(Report):
    """One explanation as the service shows it; each serialised form is made at most once."""

    @cached_property
    def page(self) -> dict:
        """What the tutoring page shows: the JSON data, the SVG graph and MathML markup."""
        data = self.shown
        gradients = [
            dict(
                g,
                mathml=Markup(mathml(leaf)),
                matrix_mathml=leaf.matrix and Markup(_math(matrices.mathml(leaf.matrix.expr))),
            )
            for g, leaf in zip(data["gradients"], self.explanation.gradients, strict=True)
        ]
        named = {
            n: f for g in self.explanation.gradients if g.matrix for n, f in g.matrix.definitions
        }
        return {
            "where": [
                {"name": n, "mathml": Markup(_math(matrices.mathml(f))), "shape": f.shape}
                for n, f in named.items()
            ],
            "output": data["output"],
            "gradients": gradients,
            "no_gradient": [
                dict(n, mathml=Markup(mathml(leaf)))
                for n, leaf in zip(data["no_gradient"], self.explanation.no_gradient, strict=True)
            ],
            "warnings": data["warnings"],
            "program_warnings": data["program_warnings"],
            "notes": data["notes"],
            "graph": data["graph"],
            "svg": _drawing(data["graph"]),
            "edges": svg.edge_rows(data["graph"]),
            "hessian": self.hessian_page,
        }

    @cached_property
    def hessian_page(self) -> dict | None:
        """Order 2: the JSON ``hessian`` with MathML for every entry, and its matrix by rows."""
        h = self.explanation.hessian
        if h is None:
            return None
        data, printer = self.shown["hessian"], MathMLPrinter()

        def math(e) -> Markup | None:
            return None if e is None else Markup(_math(typeset.mathml(e)))

        entries = [
            dict(
                d,
                name=Markup(_math(printer.d2(h.root, e.first, e.second))),
                mathml=math(e.closed),
                derivative_mathml=math(e.derivative),
            )
            for d, e in zip(data["entries"], h.entries, strict=True)
        ]
        index = {(e["first"], e["second"]): e for e in entries}
        order = {leaf: k for k, leaf in enumerate(h.leaves)}

        def at(a: str, b: str) -> dict:
            return index[(a, b) if order[a] <= order[b] else (b, a)]

        firsts = {e.first: e.derivative for e in h.entries}
        return {
            **data,
            "entries": entries,
            "rows": [
                {
                    "leaf": a,
                    "name": Markup(_math(printer.d(h.root, a))),
                    "derivative": math(firsts.get(a)),
                    "cells": [dict(at(a, b), diagonal=a == b) for b in h.leaves],
                }
                for a in h.leaves
            ],
            "columns": [Markup(_math(printer.partial("", printer.name(b)))) for b in h.leaves],
        }


def _drawing(graph: dict) -> Markup:
    """The graph as SVG; a graph too large to lay out in time keeps its table, not the page."""
    try:
        return Markup(svg.render(graph))
    except LimitError as error:
        said = i18n.gettext(
            "{reason}: the table below lists every value and every local derivative.",
            reason=error.message,
        )
        return Markup('<p class="graph-not-drawn" role="note">{}</p>').format(said)


def _math(content: str) -> str:
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow>{content}</mrow></math>'


Cache = LRUCache[str] | SharedCache


def answer_cache(capacity: int, url: str | None = None) -> Cache:
    """A cache of answers' texts, each at most an eighth of ``capacity`` bytes: this worker's
    own (``capacity`` bytes in all), or Redis's at ``url`` (shared; Redis bounds the bytes)."""
    if url:
        return SharedCache(url, entry_limit=capacity // 8)
    return LRUCache(capacity, weigh=sys.getsizeof, entry_limit=capacity // 8)


def _kept(cache: Cache | None, key: tuple, make: Callable[[], str]) -> str:
    return make() if cache is None else cache.get_or_compute(key, make)


def _in_its_language(inp: ExplainInput, make: Callable[[Answer], str]) -> str:
    """``make`` applied to the answer for ``inp``, explained and written in ``inp.lang``."""
    with i18n.using(inp.lang):
        return make(Answer(explain(inp)))


def json_answer(inp: ExplainInput, cache: Cache | None = None) -> str:
    """Contract 3's JSON answer for ``inp``."""
    return _kept(cache, ("json", inp), lambda: _in_its_language(inp, lambda a: a.json_text))


def page_answer(
    inp: ExplainInput,
    cache: Cache | None,
    render: Callable[[dict], str],
    link_lang: str | None = None,
) -> str:
    """The page's result section for ``inp``: ``render`` turns ``Answer.page`` into HTML.

    ``link_lang`` is the language its links carry (``?lang=``), if any: part of the key.
    """
    key = ("page", inp) if link_lang is None else ("page", inp, link_lang)
    return _kept(cache, key, lambda: _in_its_language(inp, lambda a: render(a.page)))
