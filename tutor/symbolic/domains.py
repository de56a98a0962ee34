"""Where the program's own values leave a function's domain, overflow, or sit on a kink.

A forward value that is NaN or infinite while its operands are finite is where the trouble
starts (later values only inherit it): ``warnings`` names that operation, the operand
values there, and what the operation needs (the table's ``domain``) or the dtype it
overflowed. ``kinks`` names the operations on a path whose operands sit exactly on a kink
(relu at 0, a tie of max), where central differences straddle two slopes.
"""

from __future__ import annotations

import functools

import numpy as np

from ..graph import LITERAL, OP, Node
from ..i18n import N_, gettext, translate
from .nodes import SymbolicGraph
from .witness import LARGEST


def _number(x: float) -> str:
    return f"{x:.4g}"


def _where(sg: SymbolicGraph, node: Node, index: tuple) -> str:
    """The operands' values at one element of ``node``: ``x = -1`` (literals left out)."""
    shape = tuple(node.shape)
    parts = []
    for i in node.inputs:
        operand = sg.nodes[i]
        if operand.kind == LITERAL or operand.value is None:
            continue
        value = np.broadcast_to(np.asarray(operand.value, np.float64), shape)
        parts.append(f"{i} = {_number(float(value[index]))}")
    return ", ".join(parts)


def _operands_finite(sg: SymbolicGraph, node: Node) -> bool:
    values = [sg.nodes[i].value for i in node.inputs]
    return all(v is not None and np.all(np.isfinite(np.asarray(v, np.float64))) for v in values)


def _described(sg: SymbolicGraph, node: Node) -> str:
    """``L (the natural logarithm of x)``: the node, its operation and operands by name."""
    labels = [sg.nodes[i].label for i in node.inputs]
    both = lambda a, b: gettext("{a} and {b}", a=a, b=b)  # noqa: E731
    return gettext(
        "{node} ({operation} of {operands})",
        node=node.id,
        operation=_phrase(sg, node),
        operands=functools.reduce(both, labels) if labels else "",
    )


def _phrase(sg: SymbolicGraph, node: Node) -> str:
    """How the reader's language names the operation of ``node``."""
    return translate(sg.spec(node.id).phrase)


def warnings(sg: SymbolicGraph, edges: dict) -> tuple[str, ...]:
    """Every operation whose value turned NaN or infinite from finite operands, and why; then
    every local derivative in ``edges`` (EdgeDerivative steps) that is not finite where the
    values it joins are."""
    found = []
    for node in sg.graph.nodes:
        spec = sg.spec(node.id)
        if node.kind != OP or spec is None or node.value is None:
            continue
        value = np.asarray(node.value, np.float64)
        bad = ~np.isfinite(value)
        if not np.any(bad) or not _operands_finite(sg, node):
            continue
        index = tuple(int(k) for k in np.argwhere(bad)[0]) if value.ndim else ()
        what = "nan" if np.isnan(value[index]) else "inf" if value[index] > 0 else "-inf"
        head = _head(sg, node, what, _where(sg, node, index))
        if value.size > 1:
            head = gettext(
                "{head} ({count} of its {size} elements are not finite)",
                head=head,
                count=int(bad.sum()),
                size=value.size,
            )
        exact = np.broadcast_to(np.asarray(sg.number(node.id), np.float64), value.shape)[index]
        if what != "nan" and np.isfinite(exact):  # finite in float64: too large for the dtype
            largest = LARGEST.get(node.dtype, LARGEST["float32"])
            found.append(
                gettext(
                    "{head}: the result, {exact}, overflows {dtype}, whose largest number is "
                    "{largest}",
                    head=head,
                    exact=_number(exact),
                    dtype=node.dtype,
                    largest=_number(largest),
                )
            )
        elif spec.domain is not None:
            found.append(
                gettext(
                    "{head}: {operation} needs {domain}",
                    head=head,
                    operation=_phrase(sg, node),
                    domain=translate(spec.domain),
                )
            )
        else:
            found.append(
                gettext(
                    "{head}: {operation} is not defined there",
                    head=head,
                    operation=_phrase(sg, node),
                )
            )
    for step in edges.values():
        value = step.derivative.value
        target = sg.nodes[step.target]
        if value is None or np.all(np.isfinite(value)) or not _operands_finite(sg, target):
            continue
        if not np.all(np.isfinite(np.asarray(target.value, np.float64))):
            continue  # the value itself is not finite: said above
        at = _where(sg, target, ()) if not target.shape else ""
        found.append(_undefined_slope(sg, step, target, bool(np.any(np.isnan(value))), at))
    return tuple(found)


def _head(sg: SymbolicGraph, node: Node, what: str, at: str) -> str:
    """``L (the natural logarithm of x) is nan at x = -1``: where a warning starts."""
    described = _described(sg, node)
    if at:
        return gettext("{node} is {value} at {values}", node=described, value=what, values=at)
    return gettext("{node} is {value}", node=described, value=what)


def _undefined_slope(sg: SymbolicGraph, step, target: Node, nan: bool, at: str) -> str:
    """A local derivative that is nan or infinite where the value it belongs to is finite."""
    names = {
        "derivative": f"∂{step.target}/∂{step.source}",
        "node": _described(sg, target),
        "values": at,
    }
    if nan and at:
        message = N_(
            "the local derivative {derivative} on {node} is nan at {values}: the gradient "
            "is not defined there, though the value is"
        )
    elif nan:
        message = N_(
            "the local derivative {derivative} on {node} is nan: the gradient is not "
            "defined there, though the value is"
        )
    elif at:
        message = N_(
            "the local derivative {derivative} on {node} is infinite at {values}: the "
            "gradient is not defined there, though the value is"
        )
    else:
        message = N_(
            "the local derivative {derivative} on {node} is infinite: the gradient is not "
            "defined there, though the value is"
        )
    return gettext(message, **names)


def kinks(sg: SymbolicGraph, nodes: set[str]) -> tuple[str, ...]:
    """The operations among ``nodes`` whose operands sit exactly on the rule's kink."""
    found = []
    for node in sg.graph.nodes:
        spec = sg.spec(node.id) if node.id in nodes else None
        if spec is None or spec.at_kink is None:
            continue
        values = [sg.number(i) for i in node.inputs]
        if any(v is None for v in values):
            continue
        if spec.at_kink(*values, **sg.params(node.id)):
            found.append(
                gettext(
                    "{node} sits on its kink: {convention}",
                    node=_described(sg, node),
                    convention=translate(spec.kink),
                )
            )
    return tuple(found)
