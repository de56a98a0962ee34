"""``explain()``: the one entry point for the web, the API, the CLI and worksheets.

One run of the program on the engine gives the graph; the graph gives, per leaf that
received a gradient, the engine's ``.grad`` beside the closed form derived along the graph,
its value, the verdict (against the engine and against central differences) and the steps.
Symbolic work is bounded (``tutor.symbolic.budget``): when it stops, the numbers still
stand and a note says why.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from .. import lang
from ..graph import LEAF, Graph
from ..lang.program import Program
from ..run import numeric
from ..steps import Accumulation, Check, NoGradient, Quantity, Value
from ..symbolic.accumulate import Adjoints, Elements, Generic, NotElementwise, Numbers, accumulate
from ..symbolic.budget import Budget, Clock, OverBudget
from ..symbolic.closed import ClosedForm, Closer
from ..symbolic.elements import ElementGraph
from ..symbolic.evaluate import Unevaluable, evaluate
from ..symbolic.nodes import SymbolicGraph, Unsupported
from ..symbolic.witness import DIFFERENCES, ReplayError, compare, differences, replay, tolerance
from .derivation import Symbols, cuts, derivation, downstream, edge_derivative
from .explanation import ELEMENTS, GENERIC, NUMERIC, Explanation, LeafGradient
from .inputs import ExplainInput

_SYMBOLIC_FAILURES = (OverBudget, Unsupported, Unevaluable, ReplayError)


def _full(a) -> Value:
    return None if a is None else np.asarray(a, dtype=np.float64).tolist()


def _first_use_order(graph: Graph) -> list[str]:
    first: dict[str, int] = {}
    for k, e in enumerate(graph.edges):
        first.setdefault(e.source, k)
    leaves = [n.id for n in graph.nodes if n.kind == LEAF]
    return sorted(leaves, key=lambda i: (first.get(i, len(graph.edges)), leaves.index(i)))


def _total(parts: list):
    return sum(parts[1:], parts[0]) if parts else None


class _Explainer:
    """The work of one ``explain``: accumulations, closed forms, witnesses, steps."""

    def __init__(self, graph: Graph, budget: Budget):
        self.graph, self.budget, self.clock = graph, budget, Clock(budget.seconds)
        self.notes: list[str] = []
        try:
            self.numbers = replay(SymbolicGraph(graph))
        except ReplayError as error:
            self.numbers = None
            self.notes.append(f"no numeric check: {error}")
        self.sg = SymbolicGraph(graph, self.numbers)
        self.eg = ElementGraph(self.sg)
        self.closer = Closer(self.sg, budget, self.clock)
        self.chains = self._accumulate(Numbers(self.sg, self.eg, budget), "chain values", None)
        self.mode, self.symbolic = self._symbolic()

    def _accumulate(self, algebra, what: str, clock: Clock | None) -> list[Adjoints] | None:
        try:
            calls = self.graph.backward_calls
            return [accumulate(self.sg, call, algebra, clock) for call in calls]
        except _SYMBOLIC_FAILURES as error:
            self.notes.append(f"no {what}: {error}")
            return None

    def _symbolic(self) -> tuple[str, list[Adjoints] | None]:
        try:
            accumulations = self._accumulate(Generic(self.sg), "closed forms", self.clock)
            return (GENERIC, accumulations) if accumulations is not None else (NUMERIC, None)
        except NotElementwise:
            pass
        elements = sum(math.prod(n.shape) for n in self.graph.nodes)
        if elements > self.budget.elements:
            self.notes.append(
                f"no closed forms: element-by-element work over {elements} elements is over "
                f"the budget of {self.budget.elements}; the numbers are still checked"
            )
            return NUMERIC, None
        accumulations = self._accumulate(Elements(self.eg), "closed forms", self.clock)
        return (ELEMENTS, accumulations) if accumulations is not None else (NUMERIC, None)

    def calls_for(self, leaf: str) -> list[int]:
        """The backward calls whose contributions make up the leaf's final ``.grad``.

        Several calls accumulate; a call whose ``.grad`` afterwards is its contribution
        alone (not the sum) came after a reset (``x.grad.zero_()``, ``x.grad = None``).
        """
        accumulations = self.chains or self.symbolic or []
        hits = [k for k, a in enumerate(accumulations) if leaf in a.adjoints]
        if self.chains is None or len(hits) < 2:
            return hits
        tol = tolerance(self.sg.nodes[leaf].dtype)
        kept: list[int] = []
        for k in hits:
            part = self.chains[k].adjoints[leaf]
            recorded = self.graph.backward_calls[k].grads_after.get(leaf)
            if kept and recorded is not None:
                so_far = _total([self.chains[j].adjoints[leaf] for j in kept])
                if not compare(so_far + part, recorded, tol)[0] and compare(part, recorded, tol)[0]:
                    kept = []  # .grad was reset before this call
            kept.append(k)
        return kept

    def reached(self, leaf: str) -> bool:
        """Whether a backward call's gradient reached the leaf (recorded or not)."""
        if self.sg.nodes[leaf].grad is not None:
            return True
        return any(leaf in a.adjoints for a in self.chains or self.symbolic or ())

    def leaf(self, leaf: str) -> LeafGradient:
        """Everything about one leaf that received a gradient."""
        node = self.sg.nodes[leaf]
        calls = self.calls_for(leaf)
        closed = self._closed(leaf, calls)
        value = closed.value if closed is not None else None
        note = None
        if closed is None or closed.expr is None:
            value = _total([self.chains[k].adjoints[leaf] for k in calls]) if self.chains else None
            note = (
                "no closed form within the budget; the value is the chain of local "
                "derivatives, evaluated"
                if value is not None
                else "no symbolic derivation for this graph (see the notes)"
            )
        if node.grad is None or value is None:
            note = "values too large to record: the verdict cannot be taken (see the notes)"
        check = self._check(node, value, calls)
        return LeafGradient(
            leaf,
            tuple(node.shape),
            node.dtype,
            node.grad,
            closed,
            _full(value),
            check,
            self._steps(leaf, calls, closed, check),
            note,
        )

    def _closed(self, leaf: str, calls: list[int]) -> ClosedForm | None:
        if self.symbolic is None or not calls:
            return None
        total = _total([self.symbolic[k].adjoints[leaf] for k in calls])
        try:
            if self.mode == GENERIC:
                return self.closer.generic(total, tuple(self.sg.nodes[leaf].shape))
            return self.closer.elements(self.eg, total)
        except _SYMBOLIC_FAILURES as error:
            self.notes.append(f"no closed form for {leaf}: {error}")
            return None

    def _check(self, node, value, calls: list[int]) -> Check:
        tol = tolerance(node.dtype)
        known = value is not None and node.grad is not None
        agrees, worst = compare(value, node.grad, tol) if known else (False, np.inf)
        numerical = agrees_numerical = worst_numerical = None
        if self.numbers is not None and value is not None:
            elementwise = math.prod(node.shape) <= self.budget.difference_elements
            roots = [self.graph.backward_calls[k] for k in calls]
            try:
                diff = differences(self.sg, self.numbers, node.id, roots, elementwise)
            except ReplayError as error:
                self.notes.append(f"no central differences for {node.id}: {error}")
            else:
                agrees_numerical, worst_numerical = compare(
                    diff.project(value), diff.slopes, DIFFERENCES
                )
                numerical = _full(diff.gradient())
        return Check(
            engine=node.grad,
            value=_full(value),
            agrees=agrees,
            max_difference=worst,
            tolerance=tol.describe(),
            numerical=numerical,
            agrees_numerical=agrees_numerical,
            max_difference_numerical=worst_numerical,
        )

    def _steps(self, leaf: str, calls: list[int], closed: ClosedForm | None, check: Check):
        steps: list = []
        contributions = []
        for k in calls if self.chains else ():
            symbols = Symbols(self.symbolic[k] if self.symbolic else None, self.eg)
            steps.append(derivation(self.sg, self.chains[k], symbols, k + 1, leaf))
            part = self.chains[k].adjoints[leaf]
            contributions.append(Quantity(symbols.adjoint(leaf), _full(part)))
        if len(contributions) > 1:
            steps.append(Accumulation(leaf, tuple(contributions), Quantity(None, check.value)))
        steps.extend(closed.steps if closed is not None else ())
        steps.append(check)
        return tuple(steps)

    def edges(self) -> dict:
        """The local derivative of every edge along which a gradient can flow."""
        out = {}
        for e in self.graph.edges:
            source_is_value = isinstance(self.sg.symbols[e.source], sympy.Symbol)
            if e.cut or self.sg.spec(e.target) is None or not source_is_value:
                continue
            local = self.sg.local(e)
            value = None
            if local.expr is not None and self.numbers is not None:
                value = np.broadcast_to(evaluate(local.expr, self.sg.values), local.shape)
            out[(e.source, e.target, e.position)] = edge_derivative(self.sg, e, value)
        return out


def explain_graph(graph: Graph, output: str = "", budget: Budget | None = None) -> Explanation:
    """The explanation of one recorded run."""
    budget = budget or Budget()
    x = _Explainer(graph, budget)
    order = _first_use_order(graph)
    definitions = {n.id: x.sg.definition(n.id) for n in graph.nodes}
    return Explanation(
        output=output,
        graph=graph,
        gradients=tuple(x.leaf(i) for i in order if x.reached(i)),
        no_gradient=tuple(
            NoGradient(i, cuts(x.sg, downstream(x.sg, i))) for i in order if not x.reached(i)
        ),
        edges=x.edges(),
        definitions={k: v for k, v in definitions.items() if v is not None},
        mode=x.mode,
        notes=tuple(x.notes),
        budget=budget,
    )


def explain_program(program: Program, budget: Budget | None = None) -> Explanation:
    """Run a checked program on the engine and explain every gradient it computed."""
    run = numeric.run(program)
    return explain_graph(run.graph, run.output, budget)


def explain(inp: ExplainInput, budget: Budget | None = None) -> Explanation:
    """Read, run and explain one input: the entry point every caller uses."""
    if inp.program is not None:
        program = lang.parse_program(inp.program)
    else:
        program = lang.parse_expression(
            inp.expression,
            inp.values,
            requires_grad=None if inp.requires_grad is None else list(inp.requires_grad),
            constants=None if inp.constants is None else list(inp.constants),
        )
    return explain_program(program, budget)
