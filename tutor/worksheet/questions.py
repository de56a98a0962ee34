"""Questions a draft can be asked as, when its explanation is clean enough to ask them.

A draft's explanation is *clean* when every gradient agrees with the engine and with central
differences, every value is finite, small and (outside level 3) a multiple of 1/48, no
kink of relu or abs is hit, and the tutor took no symbolic shortcut. Each question kind then
makes its answer boxes, or none when the draft does not suit it: a closed form must be short,
in the leaves' and constants' names, and read back by the student's own parser; a value
must be small to write and not just zeros and ones; a fill-in graph is scalar and small; a
printed output is a few lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import checking, i18n
from ..checking import answers
from ..errors import TutorError
from ..explain.explainer import Explanation
from ..functions import FUNCTIONS, MATRIX
from ..graph import CONSTANT, LEAF, OP
from ..render import matrices, numbers
from ..steps import plain
from ..symbolic.canonical import ops
from .drafts import Draft

MAX_CLOSED_OPS = 16  # a closed form a student writes on one line
MAX_MAGNITUDE = 100.0
LETTERS = "abcdefghijklmnopqrstuvwxyz"  # the boxes of a fill-in graph: 3a, 3b, …


@dataclass(frozen=True)
class Box:
    """One answer box: what it asks for and the key's answers."""

    id: str
    label: str
    kind: str  # "closed_form" | "matrix_form" | "value" | "number" | "output"
    answer: str
    value: float | None = None  # a "number" box's value


def _simple(values: np.ndarray, level: int) -> bool:
    """Small, and (but for level 3's transcendental values) a multiple of 1/48."""
    if not np.all(np.isfinite(values)) or np.any(np.abs(values) > MAX_MAGNITUDE):
        return False
    if level == 3:
        return bool(np.all((values == 0) | (np.abs(values) >= 0.01)))
    return bool(np.allclose(values * 48, np.round(values * 48), atol=1e-6))


def clean(x: Explanation, level: int) -> bool:
    """Every gradient finite, simple and agreeing; no kink hit; no symbolic shortcut taken."""
    if x.notes or not x.gradients:
        return False
    for g in x.gradients:
        if not (g.check.agrees and g.check.agrees_numerical is not False and g.value is not None):
            return False
        value = np.asarray(g.value, dtype=np.float64)
        if not _simple(value, level) or not np.any(value != 0):
            return False
    nodes = {n.id: n for n in x.graph.nodes}
    for n in x.graph.nodes:
        if n.value is None or not np.all(np.isfinite(np.asarray(n.value, dtype=np.float64))):
            return False
        spec = FUNCTIONS.get(n.op or "") if n.kind == OP else None
        if spec is not None and spec.kink:
            operands = [np.asarray(nodes[i].value, dtype=np.float64) for i in n.inputs]
            if any(np.any(o == 0) for o in operands) or (
                len(operands) == 2 and np.any(operands[0] == operands[1])
            ):
                return False
    return True


def _closed_form_box(x: Explanation, draft: Draft, wrt: str, number: int) -> tuple[Box, ...]:
    g = x.gradient(wrt)
    expr = None if g is None else checking.closed_form(g)
    if expr is None or not expr.free_symbols or ops(expr) > MAX_CLOSED_OPS:
        return ()
    names = {n.id for n in x.graph.nodes if n.kind in (LEAF, CONSTANT)}
    if not {str(s) for s in expr.free_symbols} <= names:
        return ()
    try:  # the key's answer must be one a student can type: it reads back as itself
        symbols = {str(s): s for s in expr.free_symbols}
        if answers.read_formula(str(expr), symbols) - expr != 0:
            return ()
    except TutorError:
        return ()
    root = x.graph.backward_calls[-1].root
    return (Box(str(number), f"∂{root}/∂{wrt}", "closed_form", str(expr)),)


def _matrix_form_box(x: Explanation, draft: Draft, wrt: str, number: int) -> tuple[Box, ...]:
    g = x.gradient(wrt)
    products = any(n.op in FUNCTIONS and FUNCTIONS[n.op].kind == MATRIX for n in x.graph.nodes)
    if g is None or g.matrix is None or not products or len(x.graph.backward_calls) != 1:
        return ()
    written = matrices.code(g.matrix.expr)
    if written is None:
        return ()
    root = x.graph.backward_calls[-1].root
    return (Box(str(number), f"∂{root}/∂{wrt}", "matrix_form", written),)


def _value_box(x: Explanation, draft: Draft, wrt: str, number: int) -> tuple[Box, ...]:
    g = x.gradient(wrt)
    if g is None or np.size(g.value) > 6 or np.all(np.isin(np.abs(g.value), (0, 1))):
        return ()  # too big to write, or only zeros and ones: nothing to work out
    program = draft.input.kind == "program"
    label = f"{wrt}.grad" if program else f"∂{x.graph.backward_calls[-1].root}/∂{wrt}"
    return (Box(str(number), label, "value", numbers.value(plain(g.value))),)


def _graph_boxes(x: Explanation, draft: Draft, wrt: str, number: int) -> tuple[Box, ...]:
    graph = x.graph
    ops_nodes = [n for n in graph.nodes if n.kind == OP]
    if (
        len(graph.backward_calls) != 1
        or not 2 <= len(ops_nodes) <= 7
        or any(n.shape for n in graph.nodes)
    ):
        return ()
    asked = [(n.id, float(n.value)) for n in ops_nodes]
    pairs = [(source, target) for source, target, _ in x.edges]
    for (source, target, position), e in x.edges.items():
        if e.derivative.value is None:
            return ()
        label = f"∂{target}/∂{source}"
        if pairs.count((source, target)) > 1:  # x*x: one edge per operand
            label = i18n.gettext(
                "{derivative} (operand {position})", derivative=label, position=position + 1
            )
        asked.append((label, float(e.derivative.value)))
    if len(asked) > len(LETTERS):
        return ()
    return tuple(
        Box(f"{number}{LETTERS[k]}", label, "number", numbers.number(v), v)
        for k, (label, v) in enumerate(asked)
    )


def _output_box(x: Explanation, draft: Draft, wrt: str, number: int) -> tuple[Box, ...]:
    lines = x.output.splitlines()
    if not lines or len(lines) > 10 or len(x.output) > 500:
        return ()
    return (Box(str(number), i18n.gettext("printed output"), "output", x.output),)


BOXES = {  # question kind -> (explanation, draft, leaf, number) -> its boxes
    "closed_form": _closed_form_box,
    "matrix_form": _matrix_form_box,
    "value": _value_box,
    "graph": _graph_boxes,
    "output": _output_box,
}
