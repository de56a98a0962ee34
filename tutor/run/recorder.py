"""Recording one run as a ``tutor.graph.Graph``: every tensor the program makes is a node.

Operands are connected to nodes by tensor *identity* (the same ``Tensor`` object is the
same value), so ``(x + x) * x`` has one node ``x`` with three edges out. Python numbers
and numpy arrays used as operands become literal nodes, one per use.

What in-place statements record (a tensor whose value changes gets a new node, the
*version*, with ``replaces`` naming the old one; later uses connect to the version):

- ``w -= lr * w.grad`` under ``no_grad``: a version of ``w`` of kind ``leaf`` (it still is
  one) with ``op="sub"``, inputs ``(w, lr * w.grad)``, ``no_grad=True`` and cut edges;
  outside ``no_grad`` on a non-leaf, an ``op`` version with the engine's ``grad_fn``.
  The versions are one tensor with one ``.grad``: the old node keeps the ``.grad`` it had
  when it was replaced, the latest the one it has at the end.
- ``x.grad.zero_()``, ``t.fill_(v)``: a ``constant`` version without op, when the tensor
  has a node already (a gradient the program has not used yet gets no node).
- ``x.requires_grad_(True)`` / ``x.requires_grad = True``: a leaf not used yet simply
  becomes a ``leaf``; one already used gets a new ``leaf`` version, so operations before
  the change keep seeing a constant, as the engine did.
- ``.grad`` read after a later ``backward()``: the gradient tensor is accumulated in place
  by the engine, so it gets a new ``constant`` version when next read.
- A statement that sets, changes or clears a leaf's ``.grad`` outside backward
  (``x.grad = …``, ``x.grad.clamp_(-1, 1)``, ``x.grad.data.mul_(2)``) is noted on the leaf's
  latest node, with its line and how many backward calls ran before it (``grad_changes``),
  for the steps that say so.

A gradient ``torch.autograd.grad`` returns (or ``backward(create_graph=True)`` leaves in
``.grad``) is a ``GRADIENT`` node: cut edges from the output and from the input it is taken
with respect to, and, when it carries a graph (``create_graph=True``), plain edges from
every recorded leaf that graph reaches (the engine's ``next_functions`` tell), so a later
``backward`` on it reaches those leaves as it does in the engine.

``x.detach()`` and ``x.data`` are op-less ``constant`` nodes with ``cut="detach"`` and one
cut edge from ``x``. ``attrs`` hold the row's other parameters as plain data: dims and
shapes as lists, tensors as nested lists (``where``'s ``condition``), the ``getitem`` key
as one item per position (slices as ``{"slice": [start, stop, step]}``, ``...`` as the
string; ``tutor.graph.index_key`` turns it back), and ``output`` for each result of ``max(dim)``.

A value or gradient over ``Limits.value_elements`` numbers is left out of the graph
(``None``); while the run's ``kept_elements`` last, a copy is kept aside for the checks
(``Recorder.unrecorded``): the values the checks take as given (leaves, constants, what ran
under ``no_grad``), as they were before any in-place change, a replaced leaf's ``.grad``, and
the leaves' ``.grad`` right after each backward call.

Ids are chosen at the end: the user's name for the first tensor bound to it, ``x_2``,
``x_3`` for later ones, and ``t1``, ``t2``, … for unnamed values, never clashing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import engine
import engine.function

from ..errors import TutorError
from ..graph import (
    CONSTANT,
    DETACH,
    GRADIENT,
    LEAF,
    LITERAL,
    NO_GRAD,
    OP,
    BackwardCall,
    Edge,
    Graph,
    Node,
    gradient_name,
)
from ..i18n import gettext
from ..lang.program import Span
from ..limits import Meter

LABEL_CHARS = 20  # a sub-expression's text is its label up to this length


@dataclass
class _Entry:
    """A node before ids are final."""

    kind: str
    value_of: object  # the Tensor (kept alive: its id stays unique), or the literal value
    at: Span
    value: object
    shape: tuple
    dtype: str
    requires_grad: bool
    grad_fn: str | None
    epoch: int  # backward calls before it was made
    op: str | None = None
    inputs: tuple[int, ...] = ()
    attrs: dict = field(default_factory=dict)
    no_grad: bool = False
    cut: str | None = None
    replaces: int | None = None
    severed: frozenset[int] = frozenset()  # input positions whose edges GRADIENT cuts
    name: str | None = None
    ordinal: int = 1
    used: bool = False
    version: int = 0  # the tensor's in-place version when this node was made
    # a leaf a later version replaced: (whether the tensor had a .grad then, that .grad)
    grad_when_replaced: tuple | None = None
    # (line, backward calls before it) of each statement that changed the leaf's .grad
    # outside backward while this was its latest version
    grad_changes: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Unrecorded:
    """A run's numbers too large for its graph, by node id, for the checks: the values of
    leaves and constants, a leaf's ``.grad`` at the end (or when a later version replaced
    it), and its ``.grad`` right after each backward call, and right before one when the
    program changed it outside backward (both keyed ``(call, node id)``)."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray] = field(default_factory=dict)
    grads_after: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)
    grads_before: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)


class Recorder:
    """Collects the nodes, edges and backward calls of one run."""

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self._entries: list[_Entry] = []
        self._latest: dict[int, int] = {}  # id(tensor) -> its latest entry
        self._origin: dict[int, tuple] = {}  # id(tensor) -> (tensor, Span) where the program got it
        self._named: dict[str, int] = {}  # user name -> tensors it has named so far
        # (root entry, gradient, line, {leaf entry: grad}, the gradient's entry or None,
        # {leaf entry: grad the program set before the call})
        self._calls: list[tuple] = []
        self._left: dict[int, object] = {}  # id(leaf) -> a copy of .grad as the last call left it
        self._set_before: dict[int, float | list | None] = {}  # the next call's grads_before
        # id(leaf) -> its .grad as last seen (``_grad_state``), to place a change outside
        # backward at its line
        self._grad_seen: dict[int, tuple | None] = {}
        self._wrote = False  # the running statement wrote in place or assigned a .grad
        self._epoch = 0
        # copies of what was too large to record, while the meter's kept budget lasts: the
        # values of leaves and constants (a later in-place change overwrites the tensor), a
        # replaced leaf's .grad, and the leaves' .grad after each call and before one when
        # the program changed it, by (call, entry)
        self._kept_values: dict[int, np.ndarray] = {}
        self._kept_grads: dict[int, np.ndarray] = {}
        self._kept_after: dict[tuple[int, int], np.ndarray] = {}
        self._kept_before: dict[tuple[int, int], np.ndarray] = {}

    # ----- making entries ----------------------------------------------------------------
    def _add(self, obj, kind: str, at: Span, **fields) -> int:
        self.meter.take_node()
        if isinstance(obj, engine.Tensor):
            self._latest[id(obj)] = len(self._entries)
            grad_fn = None if obj.grad_fn is None else type(obj.grad_fn).__name__
            meta = (tuple(obj.shape), obj.dtype.name, obj.requires_grad, grad_fn)
        else:  # a literal: a Python number or a numpy array
            meta = (np.shape(obj), np.asarray(obj).dtype.name, False, None)
        entry = _Entry(kind, obj, at, self._snapshot(obj), *meta, self._epoch, **fields)
        if isinstance(obj, engine.Tensor):
            entry.version = obj._version
            if _is_source(entry) and entry.value is None:
                self._keep(self._kept_values, len(self._entries), obj)
        self._entries.append(entry)
        return len(self._entries) - 1

    def _keep(self, store: dict, key, tensor: engine.Tensor) -> None:
        """Keep a copy of a tensor too large to record, while the kept budget lasts."""
        if self.meter.take_kept(tensor.numel()):
            store[key] = np.array(tensor.detach().numpy())

    def _snapshot(self, value) -> float | list | None:
        """A value as plain numbers, if the graph may keep it."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (engine.Tensor, np.ndarray, np.generic)):
            return value.tolist() if self.meter.take_recorded(int(np.prod(value.shape))) else None
        return None

    def note(self, tensor: engine.Tensor, at: Span) -> None:
        """The program got a tensor it did not make (``.variable``): where, for its node."""
        if id(tensor) not in self._latest:
            self._origin.setdefault(id(tensor), (tensor, at))

    def note_grad(self, grad: engine.Tensor, at: Span) -> None:
        """The program read a ``.grad``; one accumulated into since its node was made is new."""
        latest = self._latest.get(id(grad))
        if latest is not None and self._entries[latest].epoch != self._epoch:
            self._version(grad, CONSTANT, at, latest)
        self.note(grad, at)

    def operand(self, value, at: Span) -> int:
        """The entry an operand stands for: a tensor's latest node, or a new literal."""
        if isinstance(value, engine.Tensor):
            index = self._entry_of(value, at)
            self._refuse_changed_through_another_name(value, index)
        else:
            index = self._add(value, LITERAL, at)
        self._entries[index].used = True
        return index

    def _refuse_changed_through_another_name(self, tensor: engine.Tensor, index: int) -> None:
        """A view and its base (or a tensor and its ``detach()``) share memory: an in-place
        write to one changes the other without a statement of its own, which the graph
        (one node per value a statement made) cannot show, so the program is refused."""
        if tensor._version != self._entries[index].version:
            name = self._entries[index].name
            raise TutorError(
                "changed_through_another_name",
                gettext(
                    "{name} shares its memory with a tensor that was changed in place after "
                    "{name} was made, so its value changed without a statement of its own; "
                    "make {name} again after the change, or take it with .clone() before",
                    name=f"`{name}`" if name else gettext("this value"),
                ),
            )

    def _entry_of(self, tensor: engine.Tensor, at: Span) -> int:
        """A tensor's latest entry; one made now if the program got it from the engine."""
        index = self._latest.get(id(tensor))
        if index is None:
            origin = self._origin.get(id(tensor), (None, at))[1]
            kind = LEAF if tensor.requires_grad and tensor.is_leaf else CONSTANT
            index = self._add(tensor, kind, origin)
        return index

    def made(self, tensor, at: Span) -> None:
        """A factory made a tensor: a leaf if it requires grad, else a constant."""
        if isinstance(tensor, engine.Tensor) and id(tensor) not in self._latest:
            self._add(tensor, LEAF if tensor.requires_grad else CONSTANT, at)

    def op(self, result, key: str, operands: tuple, params: dict, at: Span) -> None:
        """An operation of the table returned ``result`` (a tensor or a tuple of them)."""
        outputs = result if isinstance(result, tuple) else (result,)
        new = {id(t) for t in outputs if isinstance(t, engine.Tensor) and id(t) not in self._latest}
        if not new:
            return  # e.g. x.float() of a float32 tensor is x itself
        inputs = tuple(self.operand(x, at) for x in operands)
        attrs = {name: self._jsonable(value) for name, value in params.items()}
        for number, tensor in enumerate(outputs):
            if id(tensor) in new:
                extra = {"output": number} if len(outputs) > 1 else {}
                self._add(
                    tensor,
                    OP,
                    at,
                    op=key,
                    inputs=inputs,
                    attrs=attrs | extra,
                    no_grad=not engine.is_grad_enabled(),
                )

    def gradient(self, results: tuple, output, inputs, grad_outputs, at: Span) -> None:
        """``torch.autograd.grad(output, inputs, grad_outputs)`` returned ``results``."""
        inputs = (inputs,) if isinstance(inputs, engine.Tensor) else tuple(inputs)
        root = self.operand(output, at)
        attrs = {} if grad_outputs is None else {"grad_outputs": self._jsonable(grad_outputs)}
        for tensor, result in zip(inputs, results, strict=True):
            if result is not None:  # allow_unused: an input the output does not depend on
                self._gradient(result, root, self.operand(tensor, at), attrs, at)

    def _gradient(self, result: engine.Tensor, root: int, wrt: int, attrs: dict, at) -> None:
        reached = self._reached(result)
        inputs = (root, *reached) if wrt in reached else (root, wrt, *reached)
        position = inputs.index(wrt)
        self._add(
            result,
            OP if result.requires_grad else CONSTANT,
            at,
            op=GRADIENT,
            inputs=inputs,
            attrs=attrs | {"wrt": position},
            severed=frozenset({0} if wrt in reached else {0, position}),
        )

    def _reached(self, tensor: engine.Tensor) -> tuple[int, ...]:
        """The entries of the recorded leaves the tensor's graph reaches, in program order."""
        found, seen, stack = set(), set(), [tensor.grad_fn]
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, engine.function.AccumulateGrad):
                index = self._latest.get(id(node.variable))
                if index is not None:
                    found.add(index)
            else:
                stack.extend(function for function, _ in node.next_functions)
        return tuple(sorted(found))

    def detach(self, result: engine.Tensor, source: engine.Tensor, at: Span) -> None:
        """``source.detach()`` (or ``.data``): a constant cut from its source."""
        self._add(result, CONSTANT, at, inputs=(self.operand(source, at),), cut=DETACH)

    def inplace(
        self, tensor: engine.Tensor, key: str | None, operands: tuple, at: Span, params=None
    ) -> None:
        """``tensor`` was overwritten in place by ``key(*operands, **params)`` (None: a
        fill)."""
        self._wrote = True
        latest = self._latest.get(id(tensor))
        if latest is None:
            return  # no node yet: it gets one, with the new value, when it is used
        inputs = ()
        if key:  # the written tensor is read as it was before this write: its latest node
            inputs = tuple(latest if x is tensor else self.operand(x, at) for x in operands)
            self._entries[latest].used = True
        kind = LEAF if tensor.requires_grad and tensor.is_leaf else OP if key else CONSTANT
        attrs = {name: self._jsonable(value) for name, value in (params or {}).items()}
        grad_mode = engine.is_grad_enabled()
        self._version(
            tensor, kind, at, latest, op=key, inputs=inputs, attrs=attrs, no_grad=not grad_mode
        )
        for other, old in self._other_names(tensor):
            kind = LEAF if other.requires_grad else CONSTANT
            ins = tuple(old if i == latest else i for i in inputs)
            self._version(other, kind, at, old, op=key, inputs=ins, attrs=attrs, no_grad=True)

    def _other_names(self, tensor: engine.Tensor) -> list[tuple[engine.Tensor, int]]:
        """The recorded leaves and constants that are ``tensor``'s very memory under another
        name (``w`` when ``w.data`` or ``w.detach()`` was written), with their latest
        entries: the write changed them as ``w -= …`` under no_grad would, so they get a
        version of their own (the graph of a non-leaf would not match its new value)."""
        layout = (tensor.data_ptr(), tensor.shape, tensor.stride())
        found = []
        for index in set(self._latest.values()):
            other = self._entries[index].value_of
            if (
                other is not tensor
                and isinstance(other, engine.Tensor)
                and other.is_leaf
                and (other.data_ptr(), other.shape, other.stride()) == layout
            ):
                found.append((other, index))
        return sorted(found, key=lambda pair: pair[1])

    def flag(self, tensor: engine.Tensor, at: Span) -> None:
        """``requires_grad`` of a tensor may have changed."""
        latest = self._latest.get(id(tensor))
        if latest is None or not tensor.is_leaf:
            return
        entry = self._entries[latest]
        kind = LEAF if tensor.requires_grad else CONSTANT
        if entry.requires_grad == tensor.requires_grad:
            return
        if entry.used or entry.kind not in (LEAF, CONSTANT):
            self._version(tensor, kind, at, latest)
        else:
            entry.kind, entry.requires_grad = kind, tensor.requires_grad

    def _version(self, tensor, kind: str, at: Span, old: int, **fields) -> None:
        if self._entries[old].kind == LEAF:  # its .grad from now on is the new version's
            grad = tensor.grad
            snapshot = self._snapshot(grad)
            self._entries[old].grad_when_replaced = (grad is not None, snapshot)
            if grad is not None and snapshot is None:
                self._keep(self._kept_grads, old, grad)
        index = self._add(tensor, kind, at, replaces=old, **fields)
        name = self._entries[old].name
        if name is not None:
            self._name(index, name)

    # ----- names and backward ------------------------------------------------------------
    def bind(self, name: str, value, at: Span) -> None:
        """The program assigned ``value`` to ``name``: a tensor's node takes the first name."""
        if isinstance(value, engine.Tensor):
            index = self._entry_of(value, at)
            if self._entries[index].name is None:
                self._name(index, name)

    def _name(self, index: int, name: str) -> None:
        self._named[name] = self._named.get(name, 0) + 1
        self._entries[index].name, self._entries[index].ordinal = name, self._named[name]

    def leaves(self) -> list[engine.Tensor]:
        """The leaf tensors recorded so far."""
        return [self._entries[index].value_of for index in self._leaf_entries()]

    def _leaf_entries(self) -> list[int]:
        """The latest entries of the leaf tensors, in the order they were made."""
        return sorted(i for i in self._latest.values() if self._entries[i].kind == LEAF)

    def grad_assigned(self) -> None:
        """The program assigned a ``.grad`` (``x.grad = …``)."""
        self._wrote = True

    def statement_done(self, line: int) -> None:
        """A statement ran: note its line on each leaf whose ``.grad`` it set, changed or
        cleared (only a write in place or an assignment can; a backward call is no change:
        ``backward`` notes what it leaves)."""
        if not self._wrote:
            return
        self._wrote = False
        for index in self._leaf_entries():
            tensor = self._entries[index].value_of
            state = self._grad_state(tensor.grad)
            if self._grad_seen.get(id(tensor)) != state:
                self._entries[index].grad_changes.append((line, len(self._calls)))
                self._grad_seen[id(tensor)] = state

    def _grad_state(self, grad: engine.Tensor | None) -> tuple | None:
        """What tells a ``.grad`` changed: its numbers' bytes (a write through ``.data``
        leaves the version as it was), or, when too large to compare cheaply, its identity
        and version."""
        if grad is None:
            return None
        data = grad.detach().numpy()
        if data.size > self.meter.limits.value_elements:
            return (id(grad), grad._version)
        return (data.shape, data.dtype.str, data.tobytes())

    def before_backward(self) -> None:
        """A backward call is about to run: note each leaf's ``.grad`` the program set,
        changed or cleared outside backward since the call before (``x.grad = …``,
        ``x.grad.mul_(…)``), which backward now adds to."""
        k, self._set_before = len(self._calls), {}
        for index in self._leaf_entries():
            tensor = self._entries[index].value_of
            left, grad = self._left.get(id(tensor)), tensor.grad
            if left is _UNKNOWN or (grad is None and left is None):
                continue
            if grad is not None and left is not None and _same(left, grad.detach().numpy()):
                continue
            self._set_before[index] = self._snapshot(grad)
            if grad is not None and self._set_before[index] is None:
                self._keep(self._kept_before, (k, index), grad)

    def backward(
        self, root: engine.Tensor, gradient, line: int, at: Span, create_graph: bool = False
    ) -> None:
        """``root.backward(gradient)`` ran: keep the leaves' gradients right after it; with
        ``create_graph`` each leaf's new ``.grad`` is a gradient node."""
        root_index = self.operand(root, at)
        leaves = self._leaf_entries()
        grads = {index: self._snapshot(self._entries[index].value_of.grad) for index in leaves}
        for index in leaves:
            tensor = self._entries[index].value_of
            grad = tensor.grad
            self._grad_seen[id(tensor)] = self._grad_state(grad)
            if grad is not None and grads[index] is None:
                self._keep(self._kept_after, (len(self._calls), index), grad)
            if grad is None:
                self._left[id(tensor)] = None
            elif grads[index] is not None:
                self._left[id(tensor)] = np.array(grad.detach().numpy())
            else:
                self._left[id(tensor)] = self._kept_after.get((len(self._calls), index), _UNKNOWN)
        given = self._latest.get(id(gradient))  # a constant the program named: its name
        if given is not None and (
            self._entries[given].name is None or self._entries[given].value_of.requires_grad
        ):
            given = None
        before, self._set_before = self._set_before, {}
        self._calls.append((root_index, self._snapshot(gradient), line, grads, given, before))
        self._epoch += 1
        attrs = {} if gradient is None else {"grad_outputs": self._jsonable(gradient)}
        for index in leaves if create_graph else ():
            grad = self._entries[index].value_of.grad
            if grad is not None:
                self._gradient(grad, root_index, index, attrs, at)

    # ----- the graph ---------------------------------------------------------------------
    def latest(self, tensor: engine.Tensor) -> int:
        """Where in the graph's nodes a (bound) tensor's latest node is."""
        return self._latest[id(tensor)]

    def graph(self) -> Graph:
        """The finished graph, with final ids, labels and gradients."""
        ids = self._ids()
        nodes, edges = [], []
        for index, entry in enumerate(self._entries):
            nodes.append(self._node(entry, ids, index))
            cut = DETACH if entry.cut else NO_GRAD if entry.no_grad else None
            edges.extend(
                Edge(ids[source], ids[index], k, GRADIENT if k in entry.severed else cut)
                for k, source in enumerate(entry.inputs)
            )
        calls = [
            BackwardCall(
                ids[root],
                gradient,
                line,
                {ids[i]: g for i, g in grads.items()},
                None if given is None else ids[given],
                {ids[i]: g for i, g in before.items()},
            )
            for root, gradient, line, grads, given, before in self._calls
        ]
        return Graph(nodes, edges, calls)

    def unrecorded(self) -> Unrecorded:
        """What the graph was too large to keep, for the checks (float values in float64): the
        values the checks take as given, and the leaves' gradients."""
        ids, out = self._ids(), Unrecorded()
        for index, entry in enumerate(self._entries):
            tensor = entry.value_of
            if not _is_source(entry) or not isinstance(tensor, engine.Tensor):
                continue
            latest = self._latest.get(id(tensor)) == index
            value = tensor.detach().numpy() if latest else self._kept_values.get(index)
            if entry.value is None and value is not None:
                floating = value.dtype.kind == "f"
                out.values[ids[index]] = value.astype(np.float64) if floating else value
            if entry.kind != LEAF:
                continue
            if latest:
                grad = None if tensor.grad is None else tensor.grad.detach().numpy()
            else:
                grad = self._kept_grads.get(index)
            if grad is not None and grad.size > self.meter.limits.value_elements:
                out.grads[ids[index]] = grad
        for (k, index), grad in self._kept_after.items():
            out.grads_after[(k, ids[index])] = grad
        for (k, index), grad in self._kept_before.items():
            out.grads_before[(k, ids[index])] = grad
        return out

    def _node(self, entry: _Entry, ids: list[str], index: int) -> Node:
        tensor = entry.value_of
        keeps_grad = isinstance(tensor, engine.Tensor) and (
            entry.kind == LEAF or (tensor.grad_fn is not None and tensor.retains_grad)
        )
        if entry.grad_when_replaced is not None:  # not the final .grad, so not recorded
            has_grad, grad = entry.grad_when_replaced
        else:
            has_grad = keeps_grad and tensor.grad is not None
            grad = self._snapshot(tensor.grad) if has_grad else None
        return Node(
            id=ids[index],
            label=self._label(entry, ids, index),
            kind=entry.kind,
            op=entry.op,
            inputs=tuple(ids[i] for i in entry.inputs),
            attrs=entry.attrs,
            grad_fn=entry.grad_fn,
            shape=entry.shape,
            dtype=entry.dtype,
            value=entry.value,
            requires_grad=entry.requires_grad,
            grad=grad,
            has_grad=has_grad,
            no_grad=entry.no_grad,
            cut=entry.cut,
            line=entry.at.line,
            col=entry.at.col,
            replaces=None if entry.replaces is None else ids[entry.replaces],
            named=entry.name is not None,
            grad_changes=tuple(entry.grad_changes),
        )

    @staticmethod
    def _label(entry: _Entry, ids: list[str], index: int) -> str:
        node_id = ids[index]
        if entry.name:
            return entry.name
        if entry.kind == LITERAL and isinstance(entry.value_of, (bool, int, float)):
            return repr(entry.value_of)
        if entry.op == GRADIENT:
            return gradient_name([ids[i] for i in entry.inputs], entry.attrs)
        text = entry.at.text
        return text if text and len(text) <= LABEL_CHARS else node_id

    def _ids(self) -> list[str]:
        """User names (``x``, ``x_2``) first, then ``t1``, ``t2``, … for the rest."""
        taken: set[str] = set()
        ids: list = [None] * len(self._entries)
        for index, entry in enumerate(self._entries):
            if entry.name is not None:
                base = entry.name if entry.ordinal == 1 else f"{entry.name}_{entry.ordinal}"
                ids[index] = _unique(base, taken)
        counter = 0
        for index, node_id in enumerate(ids):
            while node_id is None:
                counter += 1
                node_id = f"t{counter}" if f"t{counter}" not in taken else None
            ids[index] = node_id
            taken.add(node_id)
        return ids

    def _jsonable(self, value):
        """A parameter as plain data: tensors as bounded lists, slices as dicts, dtypes by name."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, (engine.Tensor, np.ndarray, np.generic)):
            return self._snapshot(value)
        if isinstance(value, (list, tuple)):
            return [self._jsonable(v) for v in value]
        if isinstance(value, slice):
            return {"slice": [self._jsonable(v) for v in (value.start, value.stop, value.step)]}
        if value is Ellipsis:
            return "..."
        return str(value)


_UNKNOWN = object()  # a .grad too large to keep a copy of: whether it changed is not known


def _same(left: np.ndarray, now: np.ndarray) -> bool:
    """Whether a .grad still holds what a backward call left in it."""
    return left.shape == now.shape and np.array_equal(left, now, equal_nan=True)


def _is_source(entry: _Entry) -> bool:
    """Whether the checks take the entry's value as given rather than recompute it: leaves,
    constants, and what was computed where autograd records nothing."""
    return entry.kind in (LEAF, CONSTANT) or entry.no_grad or entry.cut is not None


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name
