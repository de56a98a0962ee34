"""Graphs built by hand for the symbolic tests: a tiny tracer over the table and the engine.

Each call runs the operation on the engine through the table's ``engine`` column and records
the node and its edges exactly as the graph model describes them, so a test states a
program as a few lines and gets the same ``Graph`` the interpreter would record.
"""

from __future__ import annotations

import numpy as np

import engine
from tutor.functions import FUNCTIONS
from tutor.graph import (
    CONSTANT,
    DETACH,
    LEAF,
    LITERAL,
    NO_GRAD,
    OP,
    BackwardCall,
    Edge,
    Graph,
    Node,
)


def _data(t) -> float | list:
    return np.asarray(t.detach()._data).tolist()


class Builder:
    """Records a program's values as a ``Graph`` while the engine computes them."""

    def __init__(self, dtype=engine.float32):
        self.graph = Graph()
        self.tensors: dict[str, object] = {}
        self.dtype = dtype
        self._literals = 0
        self._no_grad = False

    def _add(self, node: Node, tensor) -> str:
        self.graph.nodes.append(node)
        self.tensors[node.id] = tensor
        return node.id

    def leaf(self, name: str, value, requires_grad: bool = True) -> str:
        """A tensor made by the program (a leaf when it requires grad, else a constant)."""
        t = engine.tensor(value, dtype=self.dtype, requires_grad=requires_grad)
        kind = LEAF if requires_grad else CONSTANT
        node = Node(name, name, kind, shape=tuple(t.shape), dtype=str(t.dtype)[6:])
        node.value, node.requires_grad = _data(t), requires_grad
        return self._add(node, t)

    def literal(self, value: float) -> str:
        """A Python number used as an operand."""
        self._literals += 1
        node = Node(f"c{self._literals}", repr(value), LITERAL, value=value)
        return self._add(node, value)

    def op(self, name: str, key: str, *inputs: str, **attrs) -> str:
        """``name = key(*inputs, **attrs)`` through the table's engine call."""
        t = FUNCTIONS[key].engine(*(self.tensors[i] for i in inputs), **attrs)
        node = Node(name, name, OP, op=key, inputs=tuple(inputs), attrs=attrs)
        node.grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
        node.shape, node.dtype = tuple(t.shape), str(t.dtype)[6:]
        node.value, node.requires_grad, node.no_grad = _data(t), t.requires_grad, self._no_grad
        for k, i in enumerate(inputs):
            cut = NO_GRAD if self._no_grad else None
            self.graph.edges.append(Edge(i, name, k, cut))
        return self._add(node, t)

    def detach(self, name: str, source: str) -> str:
        """``name = source.detach()``: a new constant value."""
        t = self.tensors[source].detach()
        node = Node(name, name, OP, op="detach", inputs=(source,), cut=DETACH)
        node.shape, node.dtype, node.value = tuple(t.shape), str(t.dtype)[6:], _data(t)
        self.graph.edges.append(Edge(source, name, 0, DETACH))
        return self._add(node, t)

    def no_grad(self, on: bool = True) -> None:
        """Enter (or leave) a ``with torch.no_grad():`` block."""
        self._no_grad = on
        engine.set_grad_enabled(not on)

    def backward(self, root: str, gradient=None) -> None:
        """``root.backward(gradient)``, recording the call and the leaves' grads."""
        given = None if gradient is None else engine.tensor(gradient, dtype=self.dtype)
        self.tensors[root].backward(given, retain_graph=True)
        grads = {}
        for n in self.graph.nodes:
            if n.kind == LEAF:
                g = self.tensors[n.id].grad
                n.grad, n.has_grad = (None, False) if g is None else (_data(g), True)
                grads[n.id] = n.grad
        call = BackwardCall(root, None if gradient is None else np.asarray(gradient).tolist(), 0)
        call.grads_after = grads
        self.graph.backward_calls.append(call)


def seed_b() -> Graph:
    """Seed b: ``y = x + 2; z = y * y * 3; a = z.mean(); a.backward()``."""
    b = Builder()
    b.leaf("x", np.ones((2, 2)))
    b.op("y", "add", "x", b.literal(2))
    b.op("t1", "mul", "y", "y")
    b.op("z", "mul", "t1", b.literal(3))
    b.op("a", "mean", "z")
    b.backward("a")
    return b.graph


def seed_c() -> Graph:
    """Seed c: ``L = Y - x1*w1*w2`` over 2×2 tensors, ``L.backward(ones)``."""
    b = Builder()
    b.leaf("x1", np.full((2, 2), 2.0))
    b.leaf("w1", np.full((2, 2), 5.0))
    b.op("x2", "mul", "x1", "w1")
    b.leaf("w2", np.full((2, 2), 6.0))
    b.op("y", "mul", "x2", "w2")
    b.leaf("Y", np.full((2, 2), 10.0), requires_grad=False)
    b.op("L", "sub", "Y", "y")
    b.backward("L", np.ones((2, 2)))
    return b.graph
