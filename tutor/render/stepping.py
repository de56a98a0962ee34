"""The backward pass as the page's script steps through it: one entry per node gradient.

The entries come from the chain-rule steps the page already shows (each leaf's
``node_gradient`` steps), merged across leaves and put in the engine's backward order, which
``order`` replays on the graph's data: ``engine.autograd`` runs the ready node created last
first, and a leaf (PyTorch's ``AccumulateGrad``) as soon as it is ready, first in, first
out. The page carries the entries as a JSON island (``<script type="application/json">``,
data the CSP never runs).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator

from .. import i18n
from . import numbers


def _node_gradients(steps: list[dict], call: int) -> Iterator[tuple[int, dict]]:
    """Every ``node_gradient`` step under ``steps``, with its backward call's number."""
    for step in steps or []:
        kind = step.get("kind")
        if kind == "node_gradient":
            yield call, step
        elif kind == "derivation":
            yield from _node_gradients(step.get("children"), step.get("call") or call)
        elif kind != "use":
            yield from _node_gradients(step.get("children"), call)


def _value(quantity: dict | None) -> str:
    return _numbers(quantity.get("value")) if quantity else "—"


def _numbers(v) -> str:
    """A value as the steps write it: a large tensor as PyTorch prints one."""
    return numbers.summary(v, numbers.value)


def _use(use: dict) -> dict:
    """One path's share: upstream × local = contribution, and the edge it crosses."""
    edge = use.get("edge") or {}
    derivative = edge.get("derivative") or {}
    local = derivative.get("value")
    share = {
        "source": edge.get("source"),
        "target": edge.get("target"),
        "position": edge.get("position"),
        "upstream": _value(use.get("upstream")),
        "contribution": _value(use.get("result")),
    }
    if local is None and edge.get("matrix"):  # a matrix rule: no local number, a product
        return dict(share, matrix=edge["matrix"]["symbolic"])
    return dict(share, local=_numbers(local))


def _share(use: dict) -> str:
    if "matrix" in use:
        return i18n.gettext(
            "upstream G = {upstream}; {form} = {contribution}",
            upstream=use["upstream"],
            form=use["matrix"],
            contribution=use["contribution"],
        )
    return i18n.gettext(
        "upstream {upstream} × local {local} = {contribution}",
        upstream=use["upstream"],
        local=use["local"],
        contribution=use["contribution"],
    )


def arithmetic(name: str, root: str, uses: list[dict], result: str) -> str:
    """The step as a student works it: ``∂L/∂x2: upstream -1 × local 6 = -6``.

    >>> arithmetic("x2", "L", [{"upstream": "-1", "local": "6", "contribution": "-6"}], "-6")
    '∂L/∂x2: upstream -1 × local 6 = -6'
    >>> share = {"upstream": "[[1], [2]]", "matrix": "h.T @ G", "contribution": "[[3]]"}
    >>> arithmetic("W", "L", [share], "[[3]]")
    '∂L/∂W: upstream G = [[1], [2]]; h.T @ G = [[3]]'
    >>> arithmetic("x", "L", [{"upstream": "1", "local": "2", "contribution": "2"},
    ...                       {"upstream": "1", "local": "3", "contribution": "3"}], "5")
    '∂L/∂x: upstream 1 × local 2 = 2; + upstream 1 × local 3 = 3; sum = 5'
    """
    head = f"∂{root}/∂{name}: "
    if not uses:
        return head + result
    said = _share(uses[0])
    for use in uses[1:]:
        said = i18n.gettext("{shares}; + {share}", shares=said, share=_share(use))
    if len(uses) == 1:
        return head + said
    return head + i18n.gettext("{shares}; sum = {total}", shares=said, total=result)


def order(graph: dict, root: str) -> list[str]:
    """The nodes one ``root.backward()`` reaches, in the order the engine runs them.

    >>> nodes = [{"id": i, "kind": k, "requires_grad": True} for i, k in
    ...          [("x", "leaf"), ("w", "leaf"), ("t", "op"), ("u", "op"), ("L", "op")]]
    >>> edges = [{"source": a, "target": b} for a, b in
    ...          [("x", "t"), ("w", "t"), ("t", "u"), ("x", "u"), ("u", "L")]]
    >>> order({"nodes": nodes, "edges": edges}, "L")
    ['L', 'u', 't', 'x', 'w']
    """
    created = {n["id"]: i for i, n in enumerate(graph["nodes"])}
    graded = {n["id"] for n in graph["nodes"] if n.get("requires_grad")}
    leaves = {n["id"] for n in graph["nodes"] if n.get("kind") == "leaf"}
    inputs: dict[str, list[str]] = {}
    for e in sorted(graph["edges"], key=lambda e: e.get("position") or 0):
        if not e.get("cut") and e["source"] in graded:
            inputs.setdefault(e["target"], []).append(e["source"])
    consumers: dict[str, int] = {}
    stack, seen = [root], {root}
    while stack:
        for source in inputs.get(stack.pop(), []):
            consumers[source] = consumers.get(source, 0) + 1
            if source not in seen:
                seen.add(source)
                stack.append(source)
    tie = itertools.count()  # equal rank: first in, first out

    def rank(node: str) -> tuple:
        return (-(math.inf if node in leaves else created.get(node, -1)), next(tie), node)

    ready, ran = [rank(root)], []
    while ready:
        node = heapq.heappop(ready)[2]
        ran.append(node)
        for source in inputs.get(node, []):
            consumers[source] -= 1
            if consumers[source] == 0:
                heapq.heappush(ready, rank(source))
    return ran


def backward_steps(result: dict) -> list[dict]:
    """The page's node gradients, once each, in the engine's backward order."""
    graph = result["graph"]
    created = {n["id"]: i for i, n in enumerate(graph["nodes"])}
    found: dict[tuple[int, str], dict] = {}
    for g in result["gradients"]:
        for call, step in _node_gradients(g.get("steps"), 1):
            node = step.get("node")
            if node not in created or (call, node) in found:
                continue
            uses = [_use(u) for u in step.get("children") or [] if u.get("kind") == "use"]
            root = str(step.get("root"))  # ids are the short names the steps use
            value = _value(step.get("result"))
            found[(call, node)] = {
                "call": call,
                "node": node,
                "root": step.get("root"),
                "value": value,
                "uses": uses,
                "text": arithmetic(node, root, uses, value),
            }
    ran = {
        (call, root): {node: i for i, node in enumerate(order(graph, root))}
        for call, root in {(s["call"], s["root"]) for s in found.values()}
    }

    def place(s: dict) -> tuple:
        at = ran[(s["call"], s["root"])].get(s["node"])  # a node the replay missed goes last
        return (s["call"], len(created) if at is None else at, -created[s["node"]])

    return sorted(found.values(), key=place)
