"""Answers in matrix form: a formula over whole tensors, checked by its numbers.

A gradient that differs element by element (a matrix product, a broadcast sum) has no single
closed form to compare with. Its answer is written over the program's tensors as a program
would — ``2/3 * X.T @ (X @ W - Y)``, ``G.sum(0)``, with ``G`` the gradient arriving at the one
operation that uses the leaf — and run on the engine in float64 at the problem's values and
at random points around them, where the chain rule's numbers are the truth. The key is the
leaf's matrix closed form written as PyTorch code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import i18n
from ..errors import ProgramError
from ..explain import Explanation
from ..graph import CONSTANT, LEAF
from ..i18n import N_
from ..lang import parse_tensor_formula
from ..render import matrices, numbers
from ..run import numeric
from ..steps import plain
from ..symbolic.accumulate import Numbers
from ..symbolic.budget import Budget
from ..symbolic.elements import ElementGraph
from ..symbolic.nodes import SymbolicGraph
from ..symbolic.walk import accumulate
from ..symbolic.witness import ReplayError, compare, replay
from .equivalence import SAME, Domain

POINTS = 6  # the problem's values and the first random points of its Domain
UPSTREAM = "G"  # the gradient arriving at the operation that uses the leaf


class TensorProblem:
    """One leaf's gradient of a one-call program, computable at any values of its sources."""

    def __init__(self, x: Explanation, leaf: str) -> None:
        self.graph, self.leaf = x.graph, leaf
        self.sg = SymbolicGraph(x.graph)
        (self.call,) = x.graph.backward_calls
        uses = [e for e in self.sg.uses[leaf] if not e.cut]
        self.consumer = uses[0].target if len(uses) == 1 else None
        sources = [n for n in x.graph.nodes if n.kind in (LEAF, CONSTANT) and n.value is not None]
        values = {n.id: np.asarray(n.value, np.float64) for n in sources}
        self.points = Domain(values, ()).points[:POINTS]
        self.expected = _expected(x, leaf, uses[0].position, self.consumer)

    def at(self, point: dict) -> tuple[dict[str, list], np.ndarray]:
        """The names an answer may use at ``point`` (values and ``G``) and the truth there."""
        values = replay(self.sg, {k: np.asarray(v, np.float64) for k, v in point.items()})
        sg = SymbolicGraph(self.graph, values)
        with np.errstate(all="ignore"):
            adjoints = accumulate(sg, self.call, Numbers(sg, ElementGraph(sg), Budget())).adjoints
        names = {
            i: np.asarray(v, np.float64).tolist() for i, v in values.items() if i in sg.symbols
        }
        if self.consumer is not None and UPSTREAM not in names:
            names[UPSTREAM] = np.asarray(adjoints[self.consumer], np.float64).tolist()
        return names, np.asarray(adjoints[self.leaf], np.float64)


def _expected(x: Explanation, leaf: str, position: int, consumer: str | None) -> str:
    """The key: the leaf's matrix closed form as code, else its matrix rule with ``G``."""
    g = x.gradient(leaf)
    written = None if g is None or g.matrix is None else matrices.code(g.matrix.expr)
    if written is not None:
        return written
    step = x.edges.get((leaf, consumer, position)) if consumer else None
    return "" if step is None or step.matrix is None else str(step.matrix)


def _run(answer: str, names: dict) -> np.ndarray | None:
    """The answer's value at ``names``; None when it is not a tensor (a number, a list)."""
    program = parse_tensor_formula(answer, names)
    result = program.statements[-1].targets[0].id
    tensor = numeric.run(program).tensors.get(result)
    return None if tensor is None else np.asarray(tensor.numpy(), np.float64)


@dataclass(frozen=True)
class TensorVerdict:
    """Right or not, what is said, the diagnosis, and the key in matrix form (if known)."""

    correct: bool
    expected: str
    feedback: str
    diagnosis: str


def check_tensor(x: Explanation, wrt: str, answer: str) -> TensorVerdict:
    """Check a matrix-form answer for ∂root/∂wrt."""
    problem = TensorProblem(x, wrt)
    d = f"∂{problem.call.root}/∂{wrt}"
    for k, point in enumerate(problem.points):
        try:
            names, truth = problem.at(point)
        except ReplayError:
            continue  # no truth at this point: it says nothing
        try:
            mine = _run(answer, names)
        except ProgramError as error:  # shapes that do not fit, in the engine's own words
            said = i18n.gettext("Not quite: {error}", error=error.message)
            return TensorVerdict(False, problem.expected, said, "wrong_shape")
        if mine is None:
            said = i18n.gettext(
                "Not quite: your answer is not a tensor; write it over the program's tensors, "
                "as PyTorch writes them."
            )
            return TensorVerdict(False, problem.expected, said, "not_equivalent")
        if mine.shape != truth.shape:
            shape, want = numbers.shape(mine.shape), numbers.shape(truth.shape)
            if mine.ndim == 2 and mine.T.shape == truth.shape:
                said = N_(
                    "Not quite: your answer has shape {shape}, {d} has shape {want} (transposed?)."
                )
            else:
                said = N_("Not quite: your answer has shape {shape}, {d} has shape {want}.")
            said = i18n.gettext(said, shape=shape, d=d, want=want)
            return TensorVerdict(False, problem.expected, said, "wrong_shape")
        if not compare(mine, truth, SAME)[0]:
            if compare(-mine, truth, SAME)[0]:
                said = i18n.gettext(
                    "Not quite: the answer is the negative of {d}: check the signs.", d=d
                )
                return TensorVerdict(False, problem.expected, said, "sign_error")
            if k == 0:
                said = N_(
                    "Not equivalent: at the given values your answer is {mine} but {d} is {theirs}."
                )
            else:
                said = N_(
                    "Not equivalent: at other values of the tensors your answer is {mine} but "
                    "{d} is {theirs}."
                )
            said = i18n.gettext(
                said, mine=numbers.short(plain(mine)), d=d, theirs=numbers.short(plain(truth))
            )
            return TensorVerdict(False, problem.expected, said, "not_equivalent")
    said = i18n.ngettext(
        "Correct: your answer equals {d} (checked by value at the given values and {n} random "
        "point).",
        "Correct: your answer equals {d} (checked by value at the given values and {n} random "
        "points).",
        len(problem.points) - 1,
        d=d,
    )
    return TensorVerdict(True, problem.expected, said, "correct")
