"""The graph model: what one run of a graph program made, as plain JSON-ready data.

Every value the program made is a ``Node``: leaves (``requires_grad=True`` tensors),
constants (tensors that do not require grad, such as ``Y``), literals (``2`` in ``x + 2``),
results of operations, and gradients ``torch.autograd.grad`` returned (op ``GRADIENT``:
inputs the output, then the leaves the gradient's own graph reaches; ``attrs["wrt"]`` is
the position of the input it is taken with respect to). ``Edge`` links an operand to the
value computed from it; edges that ``detach()``, ``no_grad()`` or a gradient cut carry the
reason. ``BackwardCall`` records each ``.backward(...)`` with the gradients the leaves held
right after it, and those the program changed outside backward since the call before.

Ids are symbol-safe and unique (the user's name, ``x_2`` when a name is bound again,
``t1``, ``t2`` … for unnamed intermediates); labels are what a reader sees. No engine,
sympy or flask objects live here: only numbers, strings and nested lists; ``index_key``
reads an indexing's recorded key back into the index it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import i18n
from .i18n import N_

LEAF, CONSTANT, LITERAL, OP = "leaf", "constant", "literal", "op"
# each kind of node as a reader names it
KIND_LABELS = {LEAF: N_("leaf"), CONSTANT: N_("constant"), LITERAL: N_("literal"), OP: N_("op")}
DETACH, NO_GRAD = "detach", "no_grad"
# ``torch.autograd.grad``'s results: op of their nodes, and the reason on the edges from the
# output and the input they differentiate (no gradient flows back along those)
GRADIENT = "grad"


def kind_label(kind: str) -> str:
    """A node's kind as a reader names it, in the current language.

    >>> kind_label("leaf")
    'leaf'
    """
    return i18n.translate(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def gradient_name(inputs, attrs: dict) -> str:
    """What a ``GRADIENT`` node holds, from its inputs' names: ``∂y/∂x``.

    >>> gradient_name(["y", "w", "x"], {"wrt": 2})
    '∂y/∂x'
    """
    return f"∂{inputs[0]}/∂{taken_wrt(inputs, attrs)}"


def taken_wrt(inputs, attrs: dict):
    """Which of a ``GRADIENT`` node's inputs its gradient is taken with respect to.

    >>> taken_wrt(["y", "w", "x"], {"wrt": 2})
    'x'
    """
    return inputs[attrs["wrt"]]


@dataclass
class Node:
    """One value the program made."""

    id: str
    label: str
    kind: str  # LEAF | CONSTANT | LITERAL | OP
    op: str | None = None  # key of tutor.functions.FUNCTIONS for kind OP ("mul", "mean", …)
    inputs: tuple[str, ...] = ()  # operand node ids, in argument order
    attrs: dict = field(default_factory=dict)  # non-operand arguments: {"dim": 1}
    grad_fn: str | None = None  # the engine's node name, e.g. "MulBackward0"
    shape: tuple[int, ...] = ()
    dtype: str = "float32"
    value: float | list | None = None  # forward value when it was computed
    requires_grad: bool = False
    # .grad when the program ended (leaves, retained); for a leaf a later version replaced,
    # the tensor's .grad at that moment (one tensor has one .grad over all its versions)
    grad: float | list | None = None
    has_grad: bool = False  # .grad was set when the program ended (recorded or too large)
    no_grad: bool = False  # computed while gradient recording was off
    cut: str | None = None  # DETACH for x.detach(); such a node starts a new, constant value
    line: int = 0
    col: int = 0
    replaces: str | None = None  # an in-place change's new version: the node it supersedes
    named: bool = False  # the program bound this value to a variable (``h = x @ W``)
    # (line, backward calls before it) of each statement that set, changed or cleared the
    # leaf's .grad outside backward while this was its latest version
    grad_changes: tuple[tuple[int, int], ...] = ()


@dataclass
class Edge:
    """``source`` is operand number ``position`` of ``target``."""

    source: str
    target: str
    position: int
    cut: str | None = None  # DETACH, NO_GRAD or GRADIENT when no gradient flows along this edge


@dataclass
class BackwardCall:
    """One ``root.backward(gradient)`` and the leaves' ``.grad`` right after it; before it,
    each ``.grad`` the program set, changed or cleared since the call before (or before the
    first call), as the call found it (None: cleared, or too large to record)."""

    root: str
    gradient: float | list | None
    line: int
    grads_after: dict[str, float | list | None] = field(default_factory=dict)
    gradient_of: str | None = None  # the program's constant tensor passed as ``gradient``
    grads_before: dict[str, float | list | None] = field(default_factory=dict)


@dataclass
class Graph:
    """Everything one run recorded, in creation order."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    backward_calls: list[BackwardCall] = field(default_factory=list)

    def node(self, node_id: str) -> Node:
        """The node with this id."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def versions(self, node_id: str) -> list[str]:
        """A node and the leaf versions of its tensor right before it (``w -= lr * w.grad`` under
        no_grad makes one), oldest first: one tensor, whose one ``.grad`` gathers what every
        backward call sent to any of them."""
        chain = [node_id]
        while (old := self.node(chain[-1]).replaces) is not None and self.node(old).kind == LEAF:
            chain.append(old)
        return chain[::-1]

    def consumers(self, node_id: str) -> list[Edge]:
        """Edges leaving a node (the places its value is used)."""
        return [e for e in self.edges if e.source == node_id]


def index_key(encoded: list) -> tuple:
    """The index a ``getitem`` node's ``attrs["key"]`` stands for (one item per position).

    >>> index_key([{"slice": [None, None, None]}, 1, "...", None, [0, 2]])[:4]
    (slice(None, None, None), 1, Ellipsis, None)
    """

    def item(k):
        if isinstance(k, dict):
            return slice(*k["slice"])
        if k == "...":
            return Ellipsis
        return np.asarray(k) if isinstance(k, list) else k

    return tuple(item(k) for k in encoded)
