"""``explain()``: the one entry point for the web, the API, the CLI and worksheets.

One run of the program on the engine gives the graph; the graph gives, per leaf that
received a gradient, the engine's ``.grad`` beside the closed form derived along the graph,
its value, the verdict (against the engine and against central differences) and the steps.
Symbolic work is bounded (``tutor.symbolic.budget``): when it stops, the numbers still
stand and a note says why.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import numpy as np

from .. import lang
from ..errors import LimitError
from ..graph import GRADIENT, LEAF, Graph, taken_wrt
from ..i18n import gettext, ngettext, number
from ..lang.program import Program
from ..limits import check_time
from ..run import numeric
from ..run.recorder import Unrecorded
from ..steps import (
    Accumulation,
    Check,
    Derivation,
    NodeGradient,
    NoGradient,
    Quantity,
    Returned,
    Substitution,
    Value,
    path_sum,
    plain,
)
from ..symbolic import domains
from ..symbolic.accumulate import Numbers
from ..symbolic.budget import Budget, Clock, OverBudget
from ..symbolic.closed import ClosedForm, Closer, as_expr
from ..symbolic.elements import ElementGraph, Elements, objects
from ..symbolic.evaluate import Unevaluable, evaluate
from ..symbolic.matrix_calculus import Matrices, MatrixForm, matrix_closed_form, value_names
from ..symbolic.nodes import SymbolicGraph, Unsupported
from ..symbolic.walk import Adjoints, Generic, NotElementwise, accumulate
from ..symbolic.witness import (
    DIFFERENCES,
    NOT_CHECKED,
    ReplayError,
    compare,
    differences,
    judge,
    replay,
    tolerance,
)
from .derivation import Symbols, cuts, derivation, edge_derivative
from .explanation import (
    ELEMENTS,
    GENERIC,
    NUMERIC,
    Explanation,
    LeafGradient,
    ProgramWarning,
)
from .history import GradHistory, Part, calls_of, summed
from .inputs import ExplainInput
from .second_order import check_order, explain_second_order

log = logging.getLogger(__name__)
T = TypeVar("T")
# How the symbolic side refuses an input: our own bounds and limits, and sympy's many ways of
# refusing an expression (a non-real Heaviside, a NaN in a Max, a polynomial it cannot treat).
# Any of them costs a closed form, a step or an edge label; never the numbers or the page.
REFUSALS = (
    OverBudget,
    Unsupported,
    Unevaluable,
    ReplayError,
    ValueError,
    TypeError,
    ArithmeticError,
    RecursionError,
    NotImplementedError,
)


def _why(error: Exception) -> str:
    """A refusal in a line: our own errors say it themselves, sympy's get its name."""
    text = str(error).split("\n")[0][:160]
    if isinstance(error, (OverBudget, Unsupported, Unevaluable, ReplayError)):
        return text
    return gettext("sympy cannot build it ({error})", error=f"{type(error).__name__}: {text}")


def _full(a) -> Value:
    return None if a is None else np.asarray(a, dtype=np.float64).tolist()


def _first_use_order(graph: Graph) -> list[str]:
    first: dict[str, int] = {}
    for k, e in enumerate(graph.edges):
        first.setdefault(e.source, k)
    leaves = [n.id for n in graph.nodes if n.kind == LEAF]
    return sorted(leaves, key=lambda i: (first.get(i, len(graph.edges)), leaves.index(i)))


class _Explainer:
    """The work of one ``explain``: accumulations, closed forms, witnesses, steps."""

    def __init__(self, graph: Graph, budget: Budget, unrecorded: Unrecorded | None = None):
        self.graph, self.budget, self.clock = graph, budget, Clock(budget.seconds)
        self.notes: list[str] = []
        self.unrecorded = unrecorded or Unrecorded()
        try:
            self.numbers = replay(SymbolicGraph(graph), self.unrecorded.values)
        except ReplayError as error:
            self.numbers = None
            self.notes.append(gettext("no numeric check: {why}", why=error))
        self.sg = SymbolicGraph(graph, self.numbers)
        self.eg = ElementGraph(self.sg)
        self.closer = Closer(self.sg, budget, self.clock)
        self.chains = self._chain_values()
        self.mode, self.symbolic = self._symbolic()
        self.matrices = Matrices(self.sg)
        self.matrix_adjoints = self._matrix_adjoints()
        self.step_numbers = budget.step_numbers  # what the steps of the leaves may still show
        accumulations = self.chains or self.symbolic or self.matrix_adjoints
        self.history = GradHistory(graph, self.sg, self.unrecorded, accumulations)

    def attempt(self, what: str, work: Callable[[], T]) -> T | None:
        """``work()``, or None and a note "no {what}: why" when it cannot be done (``what``:
        what the work makes, in the current language).

        Past the request's deadline nothing more is attempted: the whole answer is refused.
        """
        check_time()
        try:
            return work()
        except (NotElementwise, LimitError):
            raise  # not a failure of this part: element by element instead, or no answer
        except REFUSALS as error:
            self.notes.append(gettext("no {what}: {why}", what=what, why=_why(error)))
        except Exception as error:  # a bug of ours: the numbers still stand, the log tells why
            log.exception("explain: %s failed", what)
            why = gettext("an internal error ({kind}), logged", kind=type(error).__name__)
            self.notes.append(gettext("no {what}: {why}", what=what, why=why))
        return None

    def _accumulate(self, algebra, what: str, clock: Clock | None) -> list[Adjoints] | None:
        calls = self.graph.backward_calls
        return self.attempt(what, lambda: [accumulate(self.sg, c, algebra, clock) for c in calls])

    def _chain_values(self) -> list[Adjoints] | None:
        """The numbers of every step, for every backward call, unless they would be too many."""
        numbers = sum(math.prod(n.shape) for n in self.graph.nodes)
        calls = len(self.graph.backward_calls)
        if numbers * calls > self.budget.chain_numbers:
            self.notes.append(
                ngettext(
                    "no chain values: {n} backward call over {numbers} numbers would hold "
                    "{total} numbers, over the budget of {budget}",
                    "no chain values: {n} backward calls over {numbers} numbers would hold "
                    "{total} numbers, over the budget of {budget}",
                    calls,
                    numbers=number(numbers),
                    total=number(numbers * calls),
                    budget=number(self.budget.chain_numbers),
                )
            )
            return None
        chain_values = gettext("chain values")
        return self._accumulate(Numbers(self.sg, self.eg, self.budget), chain_values, None)

    def _symbolic(self) -> tuple[str, list[Adjoints] | None]:
        try:
            accumulations = self._accumulate(Generic(self.sg), gettext("closed forms"), self.clock)
            return (GENERIC, accumulations) if accumulations is not None else (NUMERIC, None)
        except NotElementwise:
            pass
        elements = sum(math.prod(n.shape) for n in self.graph.nodes)
        if elements > self.budget.elements:
            self.notes.append(
                gettext(
                    "no element-by-element closed forms: work over {elements} elements is over "
                    "the budget of {budget}",
                    elements=elements,
                    budget=self.budget.elements,
                )
            )
            return NUMERIC, None
        accumulations = self._accumulate(Elements(self.eg), gettext("closed forms"), self.clock)
        return (ELEMENTS, accumulations) if accumulations is not None else (NUMERIC, None)

    def _matrix_adjoints(self) -> list[Adjoints] | None:
        """Adjoints over whole tensors, where elementwise closed forms fall short: matrix
        products, broadcast sums that differ from copy to copy, tensors past the budget."""
        if self.mode == GENERIC or all(not n.shape for n in self.graph.nodes):
            return None
        try:
            calls = self.graph.backward_calls
            return [accumulate(self.sg, c, self.matrices, self.clock) for c in calls]
        except REFUSALS:
            return None  # some operation has no whole-tensor rule: elements only

    def _matrix(self, leaf: str, parts: list[Part]) -> MatrixForm | None:
        """The leaf's gradient in matrix notation, when its numbers match the engine's."""
        engine = self.history.engine_grad(leaf)
        if self.matrix_adjoints is None or self.numbers is None or not parts or engine is None:
            return None
        total = summed(self.matrix_adjoints, parts)
        form = matrix_closed_form(self.matrices, total, value_names(self.sg))
        expected = self.history.expected(leaf, form.value)
        if not compare(expected, engine, tolerance(self.sg.nodes[leaf].dtype))[0]:
            log.error("explain: the matrix form of %s disagrees with the engine", leaf)
            self.notes.append(
                gettext(
                    "no matrix form for {leaf}: it disagrees with the engine (logged)", leaf=leaf
                )
            )
            return None
        return form

    def leaf(self, leaf: str) -> LeafGradient:
        """Everything about one leaf that received a gradient."""
        node = self.sg.nodes[leaf]
        parts = self.history.parts(leaf)
        closed = self._closed(leaf, parts)
        matrix = self.attempt(
            gettext("matrix form for {leaf}", leaf=leaf), lambda: self._matrix(leaf, parts)
        )
        value = closed.value if closed is not None else None
        note = None
        if (closed is None or closed.expr is None) and matrix is not None:
            value = matrix.value
        elif closed is None or closed.expr is None:
            value = summed(self.chains, parts) if self.chains else None
            note = (
                gettext(
                    "no closed form (the notes say why); the value is the chain of local "
                    "derivatives, evaluated"
                )
                if value is not None
                else gettext(
                    "neither a closed form nor the chain of local derivatives could be "
                    "worked out within the budget (the notes say why), so no verdict is taken"
                )
            )
        shown = self.history.shown_grad(leaf)
        if shown is None and self.history.engine_grad(leaf) is not None:
            note = gettext(
                "the engine's .grad has {count} numbers, too many to show; "
                "the verdict compares every one of them",
                count=number(math.prod(node.shape)),
            )
        elif shown is None:
            note = gettext("the engine's .grad was too large to record, so no verdict is taken")
        check = self._check(node, value, parts, note)
        return LeafGradient(
            leaf,
            tuple(node.shape),
            node.dtype,
            shown,
            closed,
            _full(value) if shown is not None else None,
            check,
            self._steps(leaf, parts, closed, matrix, check),
            note,
            matrix,
            tuple(calls_of(parts)),
        )

    def _closed(self, leaf: str, parts: list[Part]) -> ClosedForm | None:
        if self.symbolic is None or not parts:
            return None
        total = summed(self.symbolic, parts)
        shape, what = tuple(self.sg.nodes[leaf].shape), gettext("closed form for {leaf}", leaf=leaf)
        if self.mode == GENERIC:
            return self.attempt(what, lambda: self.closer.generic(total, shape))
        return self.attempt(what, lambda: self.closer.elements(self.eg, total))

    def returned(self, leaf: str) -> tuple[Returned, ...]:
        """The gradients with respect to ``leaf`` that ``torch.autograd.grad`` returned, each
        in closed form beside the engine's value."""
        return tuple(
            self._returned(n)
            for n in self.graph.nodes
            if n.op == GRADIENT and taken_wrt(n.inputs, n.attrs) == leaf
        )

    def _returned(self, node) -> Returned:
        found = self.attempt(
            gettext("closed form of the gradient {node}", node=node.label),
            lambda: self._returned_form(node),
        )
        expr, value = found if found is not None else (None, None)
        verdict = judge(value, node.value, node.dtype)
        reason = (
            verdict.reason if found is not None else gettext("no closed form (the notes say why)")
        )
        check = Check(
            engine=node.value,
            value=_full(value),
            agrees=verdict.agrees,
            verdict=verdict.kind,
            reason=reason if verdict.agrees is None else None,
            max_difference=verdict.max_difference,
            tolerance=tolerance(node.dtype).describe(),
            numerical=None,
            agrees_numerical=None,
            max_difference_numerical=None,
        )
        given = node.attrs.get("grad_outputs")
        weights = None if given is None or np.all(np.asarray(given) == 1) else given
        leaf = taken_wrt(node.inputs, node.attrs)
        return Returned(node.id, node.inputs[0], leaf, expr, check, weights)

    def _returned_form(self, node) -> tuple[object, np.ndarray]:
        """A returned gradient's closed form and its value."""
        form, shape = self.sg.gradient_form(node.id), tuple(node.shape)
        if isinstance(form, np.ndarray):  # element by element
            env = self.eg.env
            value = objects(shape, lambda i: float(evaluate(form[i], env)))
            return as_expr(self.eg, form), np.asarray(value, dtype=np.float64)
        return form, np.broadcast_to(evaluate(form, self.sg.values), shape)

    def _check(self, node, value, parts: list[Part], missing: str | None) -> Check:
        shown = self.history.shown_grad(node.id)
        expected = self.history.expected(node.id, value)
        verdict = judge(expected, self.history.engine_grad(node.id), node.dtype)
        if verdict.kind == NOT_CHECKED and missing:
            verdict = replace(verdict, reason=missing)
        numerical = agrees_numerical = worst_numerical = why_numerical = None
        # without a closed form, central differences still check the engine, in its dtype
        against_engine = value is None
        reference = self.history.contribution(node.id) if against_engine else value
        witness = tolerance(node.dtype) if against_engine else DIFFERENCES
        calls = calls_of(parts) or self.history.only_call(node.id)
        roots = [self.graph.backward_calls[k] for k in calls]
        versions = sorted(
            {v for _, v in parts} or {node.id}, key=self.graph.versions(node.id).index
        )
        if self.numbers is not None and reference is not None and roots:
            elementwise = math.prod(node.shape) <= self.budget.difference_elements
            diff = self.attempt(
                gettext("central differences for {leaf}", leaf=node.id),
                lambda: differences(self.sg, self.numbers, versions, roots, elementwise),
            )
            if diff is not None and not np.all(np.isfinite(diff.slopes)):
                why_numerical = gettext("the program's value is not finite near these values")
            elif diff is not None:
                agrees_numerical, worst_numerical = compare(
                    diff.project(reference), diff.slopes, witness
                )
                numerical = _full(diff.gradient()) if shown is not None else None
                downstream = set().union(*(self.sg.downstream(v) for v in versions))
                kinks = () if agrees_numerical else domains.kinks(self.sg, downstream)
                if kinks:  # two slopes meet there: the differences average them
                    why_numerical = gettext("they straddle a kink: {kink}", kink=kinks[0])
                    agrees_numerical = None
        return Check(  # past the recording limit, numbers are compared, not sent
            engine=shown,
            value=_full(value) if shown is not None else None,
            agrees=verdict.agrees,
            verdict=verdict.kind,
            reason=verdict.reason,
            max_difference=verdict.max_difference,
            tolerance=tolerance(node.dtype).describe(),
            numerical=numerical,
            agrees_numerical=agrees_numerical,
            max_difference_numerical=worst_numerical,
            numerical_reason=why_numerical,
            against_engine=against_engine and agrees_numerical is not None,
            held=self.history.held(node.id) if shown is not None and value is not None else None,
        )

    def _steps(
        self,
        leaf: str,
        parts: list[Part],
        closed: ClosedForm | None,
        matrix: MatrixForm | None,
        check: Check,
    ):
        numbers = sum(
            math.prod(self.sg.nodes[n].shape) for _, v in parts for n in self.sg.downstream(v)
        )
        derived = None
        if numbers > self.step_numbers:
            self.notes.append(
                ngettext(
                    "no chain-rule steps for {leaf}: {n} backward call over its paths would "
                    "show {numbers} numbers, over what is left of the budget ({left} of {budget})",
                    "no chain-rule steps for {leaf}: {n} backward calls over its paths would "
                    "show {numbers} numbers, over what is left of the budget ({left} of {budget})",
                    len(calls_of(parts)),
                    leaf=leaf,
                    numbers=number(numbers),
                    left=number(self.step_numbers),
                    budget=number(self.budget.step_numbers),
                )
            )
        else:
            self.step_numbers -= numbers
            what = gettext("steps for {leaf}", leaf=leaf)
            derived = self.attempt(what, lambda: self._chain_steps(leaf, parts))
        closing = closed.steps if closed is not None else ()
        if matrix is not None:  # over whole tensors, not element by element
            closing = matrix.steps
        elif self.mode == GENERIC and derived and closing:
            closing = (self._substituted_as_written(closing[0], derived), *closing[1:])
        history = (*self.history.held_before(leaf, check.value), *self.history.changed_after(leaf))
        return (*(derived or ()), *closing, *history, check)

    def _substituted_as_written(self, first, derived: list):
        """A closed form's substitution, started from the leaf's gradient as its last step
        wrote it (``(h*t3 + 2*h + t3)·(1 - h**2)·w``) rather than from the adjoint's own
        spelling of it (``w*(1 - tanh(t1)**2)*(h*exp(h) + 2*h + t3)``), which no step shows;
        with the definitions that form uses. ``first`` when it is not a substitution or
        the steps do not end on the same gradient."""
        if not isinstance(first, Substitution) or len(derived) != 1:
            return first
        (derivation,) = derived
        if not isinstance(derivation, Derivation) or not derivation.chain:
            return first
        step = derivation.chain[-1]
        if not isinstance(step, NodeGradient) or step.result.expr != first.before:
            return first
        written = path_sum(step.uses)
        if written is None:
            return first
        rule = self.closer.rule(self.closer.intermediates(written))
        return replace(first, before=written, definitions=tuple(rule.items()))

    def _chain_steps(self, leaf: str, parts: list[Part]) -> list:
        steps: list = []
        contributions = []
        for k, v in parts if self.chains else ():
            symbols = Symbols(self.symbolic[k] if self.symbolic else None, self.eg)
            steps.append(derivation(self.sg, self.chains[k], symbols, k + 1, v))
            part = self.chains[k].adjoints[v]
            contributions.append(Quantity(symbols.adjoint(v), plain(part)))
        reached = tuple(v for _, v in parts)
        if len(contributions) > 1 or any(v != leaf for v in reached):
            total = Quantity(None, plain(summed(self.chains, parts)))
            steps.append(Accumulation(leaf, tuple(contributions), total, reached))
        return steps

    def edges(self) -> dict:
        """The local derivative of every edge along which a gradient can flow."""
        out = {}
        for e in self.graph.edges:
            if self.sg.has_local_derivative(e):
                what = gettext(
                    "local derivative on {source} → {target}", source=e.source, target=e.target
                )
                step = self.attempt(what, lambda e=e: self._edge(e))
                if step is not None:
                    out[(e.source, e.target, e.position)] = step
        return out

    def _edge(self, e):
        local = self.sg.local(e)
        value = None
        if local.expr is not None and self.numbers is not None:
            value = np.broadcast_to(evaluate(local.expr, self.sg.values), local.shape)
        return edge_derivative(self.sg, e, value)

    def definitions(self) -> dict:
        """Each operation in its operands' names (those sympy can write down)."""
        out = {}
        for n in self.graph.nodes:
            definition = self.attempt(
                gettext("definition of {node}", node=n.id), lambda n=n: self.sg.definition(n.id)
            )
            if definition is not None:
                out[n.id] = definition
        return out


def explain_graph(
    graph: Graph,
    output: str = "",
    budget: Budget | None = None,
    unrecorded: Unrecorded | None = None,
) -> Explanation:
    """The explanation of one recorded run (``unrecorded``: the numbers too large for it)."""
    budget = budget or Budget()
    x = _Explainer(graph, budget, unrecorded)
    order = _first_use_order(graph)
    edges = x.edges()
    return Explanation(
        output=output,
        graph=graph,
        gradients=tuple(x.leaf(i) for i in order if x.history.reached(i)),
        no_gradient=tuple(
            NoGradient(i, cuts(x.sg, x.sg.downstream(i)), x.returned(i))
            for i in order
            if not x.history.touched(i)
        ),
        edges=edges,
        definitions=x.definitions(),
        mode=x.mode,
        warnings=x.attempt(gettext("value warnings"), lambda: domains.warnings(x.sg, edges)) or (),
        notes=tuple(x.notes),
        budget=budget,
    )


def explain_program(program: Program, budget: Budget | None = None) -> Explanation:
    """Run a checked program on the engine and explain every gradient it computed."""
    run = numeric.run(program)
    x = explain_graph(run.graph, run.output, budget, run.unrecorded)
    return replace(x, program_warnings=tuple(ProgramWarning(*w) for w in run.warnings))


def explain(inp: ExplainInput, budget: Budget | None = None) -> Explanation:
    """Read, run and explain one input: the entry point every caller uses."""
    check_order(inp)
    if inp.program is not None:
        program = lang.parse_program(inp.program)
    else:
        program = lang.parse_expression(
            inp.expression,
            inp.values,
            requires_grad=None if inp.requires_grad is None else list(inp.requires_grad),
            constants=None if inp.constants is None else list(inp.constants),
        )
    explanation = explain_program(program, budget)
    if inp.order == 2 and explanation.gradients:
        hessian = explain_second_order(program, explanation, explanation.budget)
        return replace(explanation, hessian=hessian)
    return explanation
