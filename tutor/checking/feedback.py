"""Answer checking: is a student's answer right, and if not, what is the likely mistake.

Closed forms are read by the safe parser (``tutor.checking.answers``), compared with the closed form
of the live tutor path (``tutor.explain``) by ``tutor.checking.equivalence``, and a wrong one is
matched against the classic mistakes of ``tutor.checking.mistakes``; failing those, the feedback
gives a point where the two differ. Values (numbers or nested lists) are right within
``VALUE_TOLERANCE``; printed output is compared line by line, ignoring spacing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import sympy

from .. import i18n
from ..errors import TutorError
from ..explain import Explanation, LeafGradient
from ..i18n import N_
from ..render import numbers
from ..steps import GradHeld, plain
from ..symbolic.nodes import SymbolicGraph
from ..symbolic.witness import Tolerance, compare
from .answers import read_formula, read_number
from .equivalence import Domain, agree, equivalent
from .mistakes import Mistake, likely_mistakes, one_call
from .tensors import check_tensor

VALUE_TOLERANCE = Tolerance(rtol=1e-3, atol=5e-3)  # two decimals are enough
KINDS = ("closed_form", "value", "matrix_form")
_PRINTED_NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")  # as PyTorch prints: -24., 1e-05


class NotCheckable(TutorError):
    """The question cannot be asked of this program (no such gradient, no closed form)."""

    status = 422


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, the expected answer, what went wrong."""

    correct: bool
    expected: str
    feedback: str
    diagnosis: str  # "correct", a Mistake code, "not_equivalent", "wrong_value", …
    method: str | None = None  # "symbolic" | "numeric" | "tolerance" | "text"
    counterexample: dict | None = None  # name -> value where the answer differs

    def to_json(self) -> dict:
        """The answer of ``POST /api/v1/check``."""
        return {
            "correct": self.correct,
            "expected": self.expected,
            "feedback": self.feedback,
            "diagnosis": self.diagnosis,
            "method": self.method,
            "counterexample": self.counterexample,
        }


def _gradient(x: Explanation, wrt: str) -> LeafGradient:
    g = x.gradient(wrt)
    if g is None:
        leaves = ", ".join(g.leaf for g in x.gradients) or i18n.gettext("none")
        raise NotCheckable(
            "no_gradient",
            i18n.gettext(
                "`{wrt}` received no gradient; leaves with a gradient: {leaves}",
                wrt=wrt,
                leaves=leaves,
            ),
        )
    return g


def closed_form(g: LeafGradient) -> sympy.Expr | None:
    """A leaf's closed form when it is one readable expression (not compact, not per element)."""
    if g.closed is None or g.closed.compact or not isinstance(g.symbolic, sympy.Expr):
        return None
    return g.symbolic


def _point(point: dict, symbols: set) -> dict:
    return {str(s): plain(np.round(point[s], 4)) for s in sorted(symbols, key=str) if s in point}


def _said(point: dict) -> str:
    return ", ".join(f"{k} = {numbers.value(v)}" for k, v in point.items())


class _Problem:
    """One gradient of one explanation, with the domain its answers are compared over."""

    def __init__(self, x: Explanation, wrt: str) -> None:
        self.x, self.g = x, _gradient(x, wrt)
        self.sg = SymbolicGraph(x.graph)
        calls = self.g.calls or (len(x.graph.backward_calls) - 1,)
        self.root = x.graph.backward_calls[calls[-1]].root
        self.held = any(isinstance(s, GradHeld) for s in self.g.steps)
        self.expected = closed_form(self.g)
        self.domain = Domain(self.sg.values, tuple(self.g.shape))
        self.value = np.asarray(self.g.value if self.g.value is not None else self.g.numeric)

    @property
    def d(self) -> str:
        """``∂L/∂x`` for messages: ``x.grad`` when several backward calls add up in it, and
        what they add when the program had put numbers there."""
        if self.held and len(self.g.calls) > 1:
            return i18n.gettext("what the backward calls add to {grad}", grad=f"{self.g.leaf}.grad")
        if len(self.g.calls) > 1:
            return f"{self.g.leaf}.grad"
        return f"∂{self.root}/∂{self.g.leaf}"

    def names(self) -> dict[str, sympy.Expr]:
        """The names an answer may use: the leaves and constants the roots are computed from,
        each value the graph names (standing for its definition, so ``-x2`` in tutorial c
        means ``-x1*w1``), and whatever the closed form itself uses."""
        roots = {c.root for c in self.x.graph.backward_calls}
        names: dict[str, sympy.Expr] = {}
        for root in roots:
            names.update({str(s): s for s in self.sg.expression(root).free_symbols})
        for n in self.x.graph.nodes:
            if n.id not in names and self.sg.spec(n.id) is not None:
                names[n.id] = self.sg.expression(n.id)
        names.update({str(s): s for s in self.expected.free_symbols})
        return names

    def same(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        """Whether two forms agree at every point of the domain."""
        return agree(self.domain.values(a), self.domain.values(b)) is None

    def mistakes(self) -> list[Mistake]:
        """The classic wrong closed forms of this gradient."""
        others = {}
        graph, leaf = self.x.graph, self.g.leaf
        earlier = graph.versions(leaf)
        for g in self.x.gradients:
            form = closed_form(g)
            same_tensor = g.leaf in earlier or leaf in graph.versions(g.leaf)
            if not same_tensor and form is not None and tuple(g.shape) == self.domain.shape:
                others[g.leaf] = form
        return likely_mistakes(self.sg, leaf, self.expected, others, self.same, self.g.calls)


def check(x: Explanation, wrt: str, answer: str, kind: str = "closed_form") -> Feedback:
    """Check an answer for ∂root/∂wrt: its closed form (``kind="closed_form"``), its matrix
    form over whole tensors (``"matrix_form"``) or its value."""
    p = _Problem(x, wrt)
    if kind == "value":
        return _check_value(p, answer)
    if p.expected is None or kind == "matrix_form":  # over whole tensors, checked by value
        if len(x.graph.backward_calls) != 1:
            raise NotCheckable(
                "no_closed_form",
                i18n.gettext(
                    "{d} has no single closed form and adds up several backward calls; "
                    "check its value instead",
                    d=p.d,
                ),
            )
        v = check_tensor(x, wrt, answer)
        return Feedback(v.correct, v.expected, v.feedback, v.diagnosis, "numeric")
    mine = read_formula(answer, p.names())
    expected = str(p.expected)
    verdict = equivalent(mine, p.expected, p.domain)
    if verdict.equal:
        return Feedback(True, expected, _equal(p, verdict.method), "correct", verdict.method)
    for m in p.mistakes():  # a classic mistake says more than "not a constant"
        if p.same(mine, m.expr):
            return Feedback(False, expected, not_quite(m.message), m.code, "numeric")
    if not mine.free_symbols and p.expected.free_symbols:
        return Feedback(
            False, expected, _not_a_formula(p, mine), "value_not_closed_form", "tolerance"
        )
    symbols = mine.free_symbols | p.expected.free_symbols
    point = _point(verdict.point, symbols)
    said = i18n.gettext(
        "Not equivalent: at {point} your answer is {mine} but {d} is {theirs}.",
        point=_said(point),
        mine=numbers.value(plain(verdict.mine)),
        d=p.d,
        theirs=numbers.value(plain(verdict.theirs)),
    )
    return Feedback(False, expected, said, "not_equivalent", "numeric", point)


def not_quite(what: str) -> str:
    """A wrong answer's feedback: ``what`` is the mistake, a clause of its own."""
    return i18n.gettext("Not quite: {what}.", what=what)


def _equal(p: _Problem, method: str) -> str:
    """The feedback on a right closed form, with how it was found equal."""
    if method == "symbolic":
        return i18n.gettext(
            "Correct: your answer equals {d} (the difference simplifies to 0).", d=p.d
        )
    return i18n.ngettext(
        "Correct: your answer equals {d} (they agree at the given values and {n} random point).",
        "Correct: your answer equals {d} (they agree at the given values and {n} random points).",
        len(p.domain.points) - 1,
        d=p.d,
    )


def _not_a_formula(p: _Problem, mine: sympy.Expr) -> str:
    """The feedback on a number where the question asks for a formula."""
    names = ", ".join(sorted(str(s) for s in p.expected.free_symbols))
    if compare(p.domain.at(mine, 0), p.value, VALUE_TOLERANCE)[0]:
        return i18n.gettext(
            "Not quite: that is the value of {d} at the given values; the question asks for "
            "the closed form, a formula in {names}.",
            d=p.d,
            names=names,
        )
    return i18n.gettext(
        "Not quite: {d} is not a constant; the question asks for the closed form, a formula "
        "in {names}.",
        d=p.d,
        names=names,
    )


def _check_value(p: _Problem, answer: str) -> Feedback:
    mine = read_number(answer)
    expected = numbers.value(plain(p.value))
    shape = numbers.shape(p.value.shape)
    uniform = mine.ndim == 0 and isinstance(plain(p.value), float)  # one number for equal elements
    if mine.shape != p.value.shape and not uniform:
        if p.value.shape:
            said = N_("Not quite: {d} has shape {shape}; write a nested list of {shape} numbers.")
        else:
            said = N_("Not quite: {d} has shape {shape}; write one number.")
        return Feedback(
            False,
            expected,
            i18n.gettext(said, d=p.d, shape=shape),
            "wrong_shape",
            "tolerance",
        )
    tolerance = VALUE_TOLERANCE.describe()
    if compare(mine, p.value, VALUE_TOLERANCE)[0]:
        said = i18n.gettext(
            "Correct: {d} = {value} ({tolerance}).", d=p.d, value=expected, tolerance=tolerance
        )
        return Feedback(True, expected, said, "correct", "tolerance")
    for code, message, value in _value_mistakes(p):
        if compare(mine, value, VALUE_TOLERANCE)[0]:
            return Feedback(False, expected, not_quite(message), code, "tolerance")
    said = i18n.gettext(
        "Not equal to {d} at the given values ({tolerance}); work through the chain rule one "
        "local derivative at a time.",
        d=p.d,
        tolerance=tolerance,
    )
    return Feedback(False, expected, said, "wrong_value", "tolerance")


def _value_mistakes(p: _Problem) -> list[tuple[str, str, np.ndarray]]:
    """(code, message, value) of the classic wrong values, most telling first."""
    if p.expected is not None:  # the closed-form mistakes, evaluated
        return [(m.code, m.message, p.domain.at(m.expr, 0)) for m in p.mistakes()]
    negative = i18n.gettext("the answer is the negative of {d}: check the signs", d=p.d)
    out = [("sign_error", negative, -p.value)]
    for g in p.x.gradients:
        if g.leaf != p.g.leaf and tuple(g.shape) == p.value.shape and g.value is not None:
            said = i18n.gettext(
                "that is ∂{root}/∂{leaf}, another leaf's gradient", root=p.root, leaf=g.leaf
            )
            out.append(("other_leaf", said, np.asarray(g.value)))
    calls = p.x.graph.backward_calls
    held = [s.held for s in p.g.steps if isinstance(s, GradHeld) and s.held is not None]
    before = np.asarray(held[0], np.float64) if held else np.zeros_like(p.value)
    for k in p.g.calls if len(p.g.calls) > 1 else ():
        after = calls[k].grads_after.get(p.g.leaf)
        if after is not None:
            out.append(("missing_accumulation", one_call(k), np.asarray(after) - before))
            before = np.asarray(after, dtype=np.float64)
    return out


def check_number(expected: float, answer: str, what: str) -> Feedback:
    """A number on a worksheet (a forward value, a local derivative), within the tolerance."""
    mine = read_number(answer)
    text = numbers.value(expected)
    if mine.ndim != 0:
        said = i18n.gettext("Not quite: {what} is one number.", what=what)
        return Feedback(False, text, said, "wrong_shape", "tolerance")
    if compare(mine, expected, VALUE_TOLERANCE)[0]:
        said = i18n.gettext("Correct: {what} = {value}.", what=what, value=text)
        return Feedback(True, text, said, "correct", "tolerance")
    if expected != 0 and compare(mine, -expected, VALUE_TOLERANCE)[0]:
        said = i18n.gettext("Not quite: check the sign of {what}.", what=what)
        return Feedback(False, text, said, "sign_error", "tolerance")
    said = i18n.gettext(
        "Not equal to {what} ({tolerance}).", what=what, tolerance=VALUE_TOLERANCE.describe()
    )
    return Feedback(False, text, said, "wrong_value", "tolerance")


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def check_output(expected: str, answer: str) -> Feedback:
    """What a program prints, line by line; spacing does not matter, the text does."""
    want, got = _lines(expected), _lines(answer if isinstance(answer, str) else "")
    if [w.replace(" ", "") for w in want] == [g.replace(" ", "") for g in got]:
        said = i18n.gettext("Correct: that is exactly what PyTorch prints.")
        return Feedback(True, expected, said, "correct", "text")
    if len(got) != len(want):
        said = i18n.ngettext(
            "Not quite: the program prints {n} line; your answer has {got}.",
            "Not quite: the program prints {n} lines; your answer has {got}.",
            len(want),
            got=len(got),
        )
        return Feedback(False, expected, said, "wrong_output", "text")
    line = next(
        i
        for i, (w, g) in enumerate(zip(want, got, strict=True))
        if w.replace(" ", "") != g.replace(" ", "")
    )
    same_numbers = [float(n) for n in _PRINTED_NUMBER.findall(want[line])] == [
        float(n) for n in _PRINTED_NUMBER.findall(got[line])
    ]
    if same_numbers:
        said = N_(
            "Not quite: line {line} differs: the numbers are right, but PyTorch writes them "
            "differently (e.g. tensor(4.) for a float tensor)."
        )
    else:
        said = N_("Not quite: line {line} differs: the values differ.")
    return Feedback(False, expected, i18n.gettext(said, line=line + 1), "wrong_output", "text")
