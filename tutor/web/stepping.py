"""The backward pass as the page's script steps through it: one entry per node gradient.

The entries come from the chain-rule steps the page already shows (each leaf's
``node_gradient`` steps), merged across leaves and put in the engine's backward order: per
``backward()`` call, the most recently created node first — ``engine.autograd`` runs the
most recently created ready node first, and a node is created after everything it uses, so
that order is the graph's node order reversed. The page carries the entries as a JSON
island (``<script type="application/json">``, data the CSP never runs).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..render import numbers


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
    return numbers.value(quantity.get("value")) if quantity else "—"


def _use(use: dict) -> dict:
    """One path's share: upstream × local = contribution, and the edge it crosses."""
    edge = use.get("edge") or {}
    derivative = edge.get("derivative") or {}
    local = derivative.get("value")
    if local is None:  # a matrix rule: name the derivative instead of a number
        local_text = ((derivative.get("expr") or {}).get("symbolic")) or "?"
    else:
        local_text = numbers.value(local)
    return {
        "source": edge.get("source"),
        "target": edge.get("target"),
        "position": edge.get("position"),
        "upstream": _value(use.get("upstream")),
        "local": local_text,
        "contribution": _value(use.get("result")),
    }


def arithmetic(name: str, root: str, uses: list[dict], result: str) -> str:
    """The step as a student works it: ``∂L/∂x2: upstream -1 × local 6 = -6``.

    >>> arithmetic("x2", "L", [{"upstream": "-1", "local": "6", "contribution": "-6"}], "-6")
    '∂L/∂x2: upstream -1 × local 6 = -6'
    >>> arithmetic("x", "L", [{"upstream": "1", "local": "2", "contribution": "2"},
    ...                       {"upstream": "1", "local": "3", "contribution": "3"}], "5")
    '∂L/∂x: upstream 1 × local 2 = 2; + upstream 1 × local 3 = 3; sum = 5'
    """
    parts = [f"upstream {u['upstream']} × local {u['local']} = {u['contribution']}" for u in uses]
    head = f"∂{root}/∂{name}: "
    if len(parts) == 1:
        return head + parts[0]
    if not parts:
        return head + result
    return head + "; + ".join(parts) + f"; sum = {result}"


def backward_steps(result: dict) -> list[dict]:
    """The page's node gradients, once each, in the engine's backward order."""
    nodes = result["graph"]["nodes"]
    created = {n["id"]: i for i, n in enumerate(nodes)}
    names = {n["id"]: n.get("label") or n["id"] for n in nodes}
    found: dict[tuple[int, str], dict] = {}
    for g in result["gradients"]:
        for call, step in _node_gradients(g.get("steps"), 1):
            node = step.get("node")
            if node not in created or (call, node) in found:
                continue
            uses = [_use(u) for u in step.get("children") or [] if u.get("kind") == "use"]
            root = names.get(step.get("root"), str(step.get("root")))
            value = _value(step.get("result"))
            found[(call, node)] = {
                "call": call,
                "node": node,
                "name": names[node],
                "root": step.get("root"),
                "value": value,
                "uses": uses,
                "text": arithmetic(names[node], root, uses, value),
            }
    return sorted(found.values(), key=lambda s: (s["call"], -created[s["node"]]))
