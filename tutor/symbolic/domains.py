"""Where the program's own values leave a function's domain, overflow, or sit on a kink.

A forward value that is NaN or infinite while its operands are finite is where the trouble
starts (later values only inherit it): ``warnings`` names that operation, the operand
values there, and what the operation needs (the table's ``domain``) or the dtype it
overflowed. ``kinks`` names the operations on a path whose operands sit exactly on a kink
(relu at 0, a tie of max), where central differences straddle two slopes.
"""

from __future__ import annotations

import numpy as np

from ..graph import LITERAL, OP, Node
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
    operands = " and ".join(sg.nodes[i].label for i in node.inputs)
    return f"{node.id} ({sg.spec(node.id).phrase} of {operands})"


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
        at = _where(sg, node, index)
        head = f"{_described(sg, node)} is {what}" + (f" at {at}" if at else "")
        if value.size > 1:
            head += f" ({int(bad.sum())} of its {value.size} elements are not finite)"
        exact = np.broadcast_to(np.asarray(sg.number(node.id), np.float64), value.shape)[index]
        if what != "nan" and np.isfinite(exact):  # finite in float64: too large for the dtype
            largest = LARGEST.get(node.dtype, LARGEST["float32"])
            found.append(
                f"{head}: the result, {_number(exact)}, overflows {node.dtype}, whose largest "
                f"number is {_number(largest)}"
            )
        elif spec.domain is not None:
            found.append(f"{head}: {spec.phrase} needs {spec.domain}")
        else:
            found.append(f"{head}: {spec.phrase} is not defined there")
    for step in edges.values():
        value = step.derivative.value
        target = sg.nodes[step.target]
        if value is None or np.all(np.isfinite(value)) or not _operands_finite(sg, target):
            continue
        if not np.all(np.isfinite(np.asarray(target.value, np.float64))):
            continue  # the value itself is not finite: said above
        what = "nan" if np.any(np.isnan(value)) else "infinite"
        at = _where(sg, target, ()) if not target.shape else ""
        found.append(
            f"the local derivative ∂{step.target}/∂{step.source} on {_described(sg, target)} is "
            f"{what}" + (f" at {at}" if at else "") + ": the gradient is not defined there, "
            "though the value is"
        )
    return tuple(found)


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
            found.append(f"{_described(sg, node)} sits on its kink: {spec.kink}")
    return tuple(found)
