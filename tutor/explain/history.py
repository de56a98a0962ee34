"""Which backward calls make up each leaf version's ``.grad``, and what it held when.

A tensor keeps one ``.grad`` across its in-place versions (``w``, ``w_2`` …): backward calls
add to it, also those that reached an earlier version, and a change outside backward
(``x.grad.zero_()``, ``x.grad = None``, ``x.grad = torch.ones(2)``) starts it over, from
what the program left there. A version's row is its ``.grad`` as the last backward call
counted in it left it. The graph records ``.grad`` after each call (``grads_after``) and,
where the program changed it, before one (``grads_before``); the run keeps the numbers too
large for the graph.
"""

from __future__ import annotations

import numpy as np

from ..graph import Graph
from ..run.recorder import Unrecorded
from ..steps import GradChanged, GradHeld, Value
from ..symbolic.nodes import SymbolicGraph
from ..symbolic.walk import Adjoints

Part = tuple[int, str]  # (backward call, leaf version): one contribution to a .grad


def _total(parts: list):
    return sum(parts[1:], parts[0]) if parts else None


def calls_of(parts: list[Part]) -> list[int]:
    """The backward calls among ``parts``, in order."""
    return sorted({k for k, _ in parts})


def summed(accumulations: list[Adjoints], parts: list[Part]):
    """The contributions of ``parts`` added up, from one kind of accumulation."""
    return _total([accumulations[k].adjoints[v] for k, v in parts])


class GradHistory:
    """The ``.grad`` of every leaf version of one explained run."""

    def __init__(
        self,
        graph: Graph,
        sg: SymbolicGraph,
        unrecorded: Unrecorded,
        accumulations: list[Adjoints] | None,
    ):
        """``accumulations``: one per backward call, of any kind (what reached what)."""
        self.graph, self.sg, self.unrecorded = graph, sg, unrecorded
        self.accumulations = accumulations or []
        self.replaced = {n.replaces for n in graph.nodes if n.replaces is not None}
        self._parts: dict[str, list[Part]] = {}

    def _left(self, leaf: str) -> tuple[int, Value | np.ndarray] | None:
        """The last backward call counted in the leaf's ``.grad`` and that ``.grad`` right
        after it: as recorded, or in full when too large to record (None: no call counted,
        or its numbers not kept)."""
        parts = self.parts(leaf)
        if not parts:
            return None
        k = max(k for k, _ in parts)
        grad = self._after(k, self.graph.versions(leaf))
        return None if grad is None else (k, grad)

    def _after(self, k: int, versions: list[str]) -> Value | np.ndarray:
        """The tensor's ``.grad`` right after backward call ``k``, as recorded for the one of
        its ``versions`` that was the latest then, or in full when too large to record."""
        after, kept = self.graph.backward_calls[k].grads_after, self.unrecorded.grads_after
        for v in versions:
            if after.get(v) is not None:
                return after[v]
            if (k, v) in kept:
                return kept[k, v]
        return None

    def engine_grad(self, leaf: str) -> Value | np.ndarray:
        """The engine's .grad of a leaf as the backward calls left it, whatever reset it
        afterwards; else as the graph holds it. An array when too large to record."""
        left = self._left(leaf)
        if left is not None:
            return left[1]
        return self._grad_now(leaf)

    def _grad_now(self, leaf: str) -> Value | np.ndarray:
        """The leaf's .grad at the end, or when a later version replaced it."""
        node = self.sg.nodes[leaf]
        return node.grad if node.grad is not None else self.unrecorded.grads.get(leaf)

    def shown_grad(self, leaf: str) -> Value:
        """The engine's .grad as the answer shows it (None: too large to show)."""
        grad = self.engine_grad(leaf)
        return None if isinstance(grad, np.ndarray) else grad

    def changed_after(self, leaf: str) -> tuple[GradChanged, ...]:
        """The step that says the leaf's ``.grad`` changed outside backward after the calls
        counted in it, when it did (reset before the end, or before an in-place change)."""
        left = self._left(leaf)
        node = self.sg.nodes[leaf]
        now = self._grad_now(leaf)
        if left is None or (node.has_grad and now is None):  # afterwards: not kept
            return ()
        if now is not None and np.array_equal(np.asarray(now), np.asarray(left[1])):
            return ()
        if now is None:
            to = GradChanged.NONE
        else:
            to = GradChanged.OTHER if np.any(np.asarray(now)) else GradChanged.ZERO
        shown = None if isinstance(now, np.ndarray) else now
        lines = tuple(line for line, calls in self.graph.node(leaf).grad_changes if calls > left[0])
        return (GradChanged(leaf, left[0] + 1, to, shown, leaf in self.replaced, lines),)

    def _window(self, leaf: str, versions: list[str]) -> range:
        """The backward calls made before a later version replaced the leaf (all of them
        for the latest): those that found one of ``versions`` the tensor's latest."""
        calls = self.graph.backward_calls
        if leaf not in self.replaced:
            return range(len(calls))
        held = [k for k, c in enumerate(calls) if any(v in c.grads_after for v in versions)]
        return range(held[-1] + 1 if held else 0)

    def parts(self, leaf: str) -> list[Part]:
        """The (backward call, version) pairs whose gradients make up the leaf's ``.grad``.

        Several calls accumulate, also those that reached an earlier version of the tensor;
        a call whose ``.grad`` afterwards is its contribution alone (not the sum) came after
        a reset (``x.grad.zero_()``, ``x.grad = None``).
        """
        if leaf not in self._parts:
            self._parts[leaf] = self._find_parts(leaf)
        return self._parts[leaf]

    def _find_parts(self, leaf: str) -> list[Part]:
        versions = self.graph.versions(leaf)
        window, start = self._window(leaf, versions), self._start(versions)
        hits = [
            (k, v)
            for k, a in enumerate(self.accumulations)
            if k in window and k >= start
            for v in versions
            if v in a.adjoints
        ]
        restart = self._restart(versions, hits)
        return hits if restart is None else [(k, v) for k, v in hits if k >= restart]

    def _restart(self, versions: list[str], hits: list[Part]) -> int | None:
        """The last backward call, up to the last of ``hits``, before which the program
        changed the tensor's ``.grad`` outside backward: its ``.grad`` starts over there."""
        calls = self.graph.backward_calls
        last = max((k for k, _ in hits), default=-1)
        changed = [k for k in range(last + 1) if any(v in calls[k].grads_before for v in versions)]
        return changed[-1] if changed else None

    def _held(self, leaf: str) -> tuple[int, Value, Value | np.ndarray] | None:
        """The backward call from which the leaf's ``.grad`` counts, what it held before
        that call as recorded, and in full, when the program had put numbers there (None:
        it held nothing, or zeros)."""
        versions, parts = self.graph.versions(leaf), self.parts(leaf)
        k = self._restart(versions, parts)
        if k is None or not parts:
            return None
        before = self.graph.backward_calls[k].grads_before
        v = next(v for v in versions if v in before)
        value = before[v] if before[v] is not None else self.unrecorded.grads_before.get((k, v))
        if value is None or not np.any(np.asarray(value)):
            return None
        return k, before[v], value

    def held_before(self, leaf: str, gradient: Value) -> tuple[GradHeld, ...]:
        """The step that says backward added ``gradient`` (as shown) to numbers the program
        had put in ``.grad``."""
        held = self._held(leaf)
        if held is None:
            return ()
        total = None
        if held[1] is not None and gradient is not None:
            total = (np.asarray(held[1], np.float64) + np.asarray(gradient, np.float64)).tolist()
        changes = [c for v in self.graph.versions(leaf) for c in self.graph.node(v).grad_changes]
        lines = tuple(sorted(line for line, calls in changes if calls == held[0]))
        return (GradHeld(leaf, held[0] + 1, held[1], gradient, total, lines),)

    def held(self, leaf: str) -> Value:
        """The numbers the program had put in the leaf's ``.grad`` before the backward calls
        counted in it, as recorded (None: nothing, zeros, or too many to record)."""
        held = self._held(leaf)
        return None if held is None else held[1]

    def expected(self, leaf: str, gradient):
        """What ``.grad`` should hold when the counted calls add ``gradient`` to it."""
        held = self._held(leaf)
        if held is None or gradient is None:
            return gradient
        return np.asarray(gradient, np.float64) + np.asarray(held[2], np.float64)

    def contribution(self, leaf: str) -> Value | np.ndarray:
        """The engine's ``.grad`` less what the program had put there: what the counted
        backward calls added."""
        grad, held = self.engine_grad(leaf), self._held(leaf)
        if held is None or grad is None:
            return grad
        return np.asarray(grad, np.float64) - np.asarray(held[2], np.float64)

    def _start(self, versions: list[str]) -> int:
        """The first backward call that counts for the last of ``versions``: the one after
        a change of ``.grad`` outside backward (a reset) found when an earlier version was
        replaced, since the tensor's ``.grad`` starts over there."""
        start = 0
        for v in versions[:-1]:
            if self.changed_after(v):
                start = self._left(v)[0] + 1
        return start

    def only_call(self, leaf: str) -> list[int]:
        """The one backward call the engine's record shows reaching ``leaf``, when nothing was
        derived to tell the calls apart (with several, which ones sum up is not known)."""
        hits = [k for k, c in enumerate(self.graph.backward_calls) if leaf in c.grads_after]
        return hits if len(hits) == 1 else []

    def reached(self, leaf: str) -> bool:
        """Whether the leaf held a gradient: derived for its ``.grad``, or recorded (but not
        one a reset left behind, before this version of the tensor was made, nor numbers the
        program put in a ``.grad`` no backward call reached)."""
        if self.parts(leaf):
            return True
        versions = self.graph.versions(leaf)
        found = (v in a.adjoints for a in self.accumulations for v in versions)
        if not self.graph.backward_calls or (self.accumulations and not any(found)):
            return False
        return self.sg.nodes[leaf].has_grad and not self._reset_before(leaf)

    def _reset_before(self, leaf: str) -> bool:
        return self._start(self.graph.versions(leaf)) > 0

    def touched(self, leaf: str) -> bool:
        """Whether a backward call's gradient reached the leaf (recorded or not); one that
        is touched but not ``reached`` was replaced before its tensor's ``.grad`` held the
        gradient, which the row of a later version counts, or holds only what a reset left
        of the gradients of an earlier version, whose row shows them."""
        if self.reached(leaf) or self._reset_before(leaf):
            return True
        return any(leaf in a.adjoints for a in self.accumulations)
