"""A problem's graph as the sheet draws it (blank: values, no gradients) and as the key does."""

from __future__ import annotations

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
