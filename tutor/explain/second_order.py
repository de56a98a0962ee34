"""Order 2: a formula's second derivatives, each first derivative differentiated again.

Three witnesses per entry ∂²L/∂xᵢ∂xⱼ, as for the first derivatives: the closed form
(``sympy.diff`` of the first derivative's closed form, in the user's names), the engine's
own higher-order autograd (``create_graph=True``, then ``grad`` of each component), and
central differences of the engine's first derivative in float64. Only formulas over single
numbers, and at most ``MAX_LEAVES`` of them, are differentiated twice.
"""

from __future__ import annotations

import logging

import numpy as np
import sympy

from ..errors import LimitError, ParseError, TutorError
from ..i18n import gettext
from ..lang.program import Program
from ..limits import check_time
from ..run import hessian as engine_side
from ..steps import HessianCheck
from ..symbolic import domains
from ..symbolic.budget import Budget, Clock, OverBudget
from ..symbolic.hessian import SecondForm, first_derivative, of_scalars, second_form
from ..symbolic.nodes import SymbolicGraph
from ..symbolic.witness import DIFFERENCES, STEP, compare, judge, tolerance
from .explanation import GENERIC, Explanation, Hessian, SecondDerivative
from .inputs import ExplainInput

log = logging.getLogger(__name__)

ORDERS = (1, 2)  # first derivatives; first and second (the Hessian)
# leaves requiring grad in an order-2 formula: 6 give 21 distinct entries, each one sympy
# differentiation, two engine runs per column for central differences, and a matrix that
# still reads on a phone; more is a worksheet of its own, not one explanation
MAX_LEAVES = 6


def check_order(inp: ExplainInput) -> None:
    """Refuse an ``order`` the tutor cannot explain, before anything is run."""
    if inp.order not in ORDERS:
        raise ParseError(
            "invalid_order",
            gettext("{key} must be 1 or 2, not {order}", key='"order"', order=repr(inp.order)),
        )
    if inp.order == 1:
        return
    if inp.program is not None:
        raise ParseError(
            "invalid_order",
            gettext(
                '{order} applies to formulas only; send "expression" and "values" '
                "(a program explains first derivatives)",
                order='"order": 2',
            ),
        )
    values = inp.values
    leaves = (
        list(inp.requires_grad)
        if inp.requires_grad is not None
        else [n for n in values if n not in (inp.constants or ())]
    )
    if len(leaves) > MAX_LEAVES:
        raise LimitError(
            "too_many_leaves",
            gettext(
                "{order} differentiates at most {most} leaves twice ({entries} distinct second "
                "derivatives); this formula has {count}; name at most {most} in requires_grad",
                order='"order": 2',
                most=MAX_LEAVES,
                entries=MAX_LEAVES * (MAX_LEAVES + 1) // 2,
                count=len(leaves),
            ),
        )
    tensors = [n for n in leaves if isinstance(values.get(n), list)]
    if tensors:
        raise LimitError(
            "order_2_tensor",
            gettext(
                "{order} takes single numbers; {name} is a list; give each leaf "
                "one number (a tensor's Hessian is not shown)",
                order='"order": 2',
                name=tensors[0],
            ),
        )


def _float(v) -> float:
    return float(np.asarray(v, dtype=np.float64).reshape(-1)[0])


class _SecondOrder:
    """The work of one order-2 explanation."""

    def __init__(self, program: Program, x: Explanation, budget: Budget):
        self.program, self.x, self.budget = program, x, budget
        self.clock = Clock(budget.seconds)
        self.sg = SymbolicGraph(x.graph)
        self.root = x.graph.backward_calls[0].root
        self.leaves = [g.leaf for g in x.gradients if not g.shape]
        self.notes: list[str] = []

    def attempt(self, what: str, work):
        """``work()``, or None and a note saying why not (as the first derivatives do;
        ``what``: what the work makes, in the current language)."""
        check_time()
        try:
            return work()
        except LimitError:
            raise
        except TutorError as error:
            self.notes.append(gettext("no {what}: {why}", what=what, why=error.message))
        except Exception as error:  # sympy's refusals, our budget: the numbers still stand
            expected = (OverBudget, ValueError, TypeError, ArithmeticError, RecursionError)
            if not isinstance(error, expected):
                log.exception("order 2: %s failed", what)
            text = str(error).split("\n")[0][:160]
            why = f"{type(error).__name__}: {text}"
            self.notes.append(gettext("no {what}: {why}", what=what, why=why))
        return None

    def differences(self) -> np.ndarray:
        """Central differences of the engine's first derivatives: column j is ∂/∂xⱼ of ∂L/∂x."""
        values = {n: _float(self.sg.values[self.sg.symbols[n]]) for n in self.leaves}
        columns = []
        for leaf in self.leaves:
            h = STEP * max(1.0, abs(values[leaf]))
            up = engine_side.gradient_at(self.program, self.leaves, {leaf: values[leaf] + h})
            down = engine_side.gradient_at(self.program, self.leaves, {leaf: values[leaf] - h})
            with np.errstate(all="ignore"):
                columns.append((up - down) / (2 * h))
        return np.column_stack(columns) if columns else np.zeros((0, 0))

    def derivative(self, leaf: str, root: sympy.Expr) -> sympy.Expr | None:
        """∂L/∂leaf as the first-order table shows it, else derived here."""
        g = self.x.gradient(leaf)
        closed = g.closed if g is not None else None
        if self.x.mode == GENERIC and closed is not None and closed.expr is not None:
            if not closed.compact and isinstance(closed.expr, sympy.Expr):
                return closed.expr
        symbol = self.sg.symbols[leaf]
        values, budget, clock = self.sg.values, self.budget, self.clock
        return self.attempt(
            gettext("closed form of {derivative}", derivative=f"∂{self.root}/∂{leaf}"),
            lambda: first_derivative(root, symbol, values, budget, clock),
        )

    def hessian(self) -> Hessian:
        """Every entry i <= j, the diagonal first, with the engine's and the differences'."""
        engine = self.attempt(
            gettext("second derivatives from the engine (create_graph=True)"),
            lambda: engine_side.hessian(self.program, self.leaves),
        )
        numerical = self.attempt(
            gettext("central differences of the engine's first derivatives"), self.differences
        )
        root = self.attempt(
            gettext("formula of {node}", node=self.root),
            lambda: of_scalars(self.sg.expression(self.root)),
        )
        firsts = {n: self.derivative(n, root) if root is not None else None for n in self.leaves}
        n = len(self.leaves)
        pairs = [(i, i) for i in range(n)] + [(i, j) for i in range(n) for j in range(i + 1, n)]
        dtype = engine.dtype if engine else self.x.gradients[0].dtype
        entries = []
        for i, j in pairs:
            first, second = self.leaves[i], self.leaves[j]
            form = None
            if firsts[first] is not None:
                form = self.attempt(
                    gettext(
                        "closed form of {derivative}",
                        derivative=f"∂²{self.root}/∂{first}∂{second}",
                    ),
                    lambda f=first, s=second: second_form(
                        self.root,
                        f,
                        firsts[f],
                        self.sg.symbols[s],
                        self.sg.values,
                        self.budget,
                        self.clock,
                    ),
                )
            on_engine = engine.matrix[i][j] if engine else None
            by_differences = None if numerical is None else float(numerical[i, j])
            check = self.check(form, on_engine, by_differences, dtype)
            entries.append(
                SecondDerivative(
                    first,
                    second,
                    firsts[first],
                    form.expr if form else None,
                    on_engine,
                    form.value if form else None,
                    check,
                    (*(form.steps if form else ()), check),
                )
            )
        symmetric = None
        if engine is not None:
            matrix = np.asarray(engine.matrix, dtype=np.float64)
            symmetric = compare(matrix, matrix.T, tolerance(dtype))[0]
        return Hessian(
            self.root,
            tuple(self.leaves),
            dtype,
            engine.matrix if engine else None,
            numerical.tolist() if numerical is not None else [],
            tuple(entries),
            symmetric,
            tuple(self.notes),
        )

    def check(
        self, form: SecondForm | None, engine: float | None, differences: float | None, dtype: str
    ) -> HessianCheck:
        """The closed form's value beside the engine's and beside central differences."""
        value = form.value if form else None
        verdict = judge(value, engine, dtype)
        reason = verdict.reason
        if form is not None and value is None:
            reason = gettext("the closed form has no number here (a DiracDelta on its kink)")
        elif form is None:
            reason = gettext("no closed form (the notes say why)")
        elif engine is None:
            reason = gettext("the engine computed no second derivatives (the notes say why)")
        agrees_numerical = worst = why = None
        if differences is not None and not np.isfinite(differences):
            why = gettext("the first derivative is not finite near these values")
        elif differences is not None and value is not None:
            agrees_numerical, worst = compare(value, differences, DIFFERENCES)
            kinks = () if agrees_numerical else domains.kinks(self.sg, set(self.sg.nodes))
            if kinks:
                agrees_numerical = None
                why = gettext("they straddle a kink: {kink}", kink=kinks[0])
        return HessianCheck(
            engine=engine,
            value=value,
            agrees=verdict.agrees,
            verdict=verdict.kind,
            reason=reason if verdict.agrees is None else None,
            max_difference=verdict.max_difference,
            tolerance=tolerance(dtype).describe(),
            numerical=differences,
            agrees_numerical=agrees_numerical,
            max_difference_numerical=worst,
            numerical_reason=why,
        )


def explain_second_order(program: Program, x: Explanation, budget: Budget) -> Hessian:
    """The Hessian of a formula's result, beside the first-order explanation ``x``."""
    return _SecondOrder(program, x, budget).hessian()
