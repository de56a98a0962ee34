"""Worksheets: seeded backpropagation problem sets whose answer keys come from the live tutor.

``make_worksheet(seed, problems, level, version, reveal, salt, lang)`` is a pure function of
its parameters: one ``random.Random`` seeded by the numbers (and the salt) drafts problems
(``tutor.worksheet.levels``), each draft is explained by ``tutor.explain.explain`` — the
path the tutor page and the API take — and kept only when it is clean (every gradient
agrees with the engine and with central differences, values are finite and simple, no kink
is hit, the closed form is short and a student could type it) and unlike the problems
before it. Question kinds: the closed form of ∂L/∂leaf, its value, the forward values and
local derivatives of a drawn graph, and what a program prints. ``lang`` chooses the
language of every text (questions, labels, the key's steps, checks) and nothing else: a
sheet has the same problems in each language.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

from .. import checking, i18n, render, steps
from ..errors import TutorError
from ..explain import Explanation, LeafGradient, explain
from ..jsonio import dumps_strict
from ..limits import check_time
from ..render import Report
from ..steps import (
    Accumulation,
    Check,
    Definitions,
    Evaluation,
    GradChanged,
    GradHeld,
    NodeGradient,
    Simplification,
    Substitution,
)
from .drafts import Draft
from .levels import LEVELS, Level
from .questions import BOXES, Box, clean
from .reveal import NEVER, Reveal

log = logging.getLogger(__name__)
FORMAT = "gradtutor-worksheet/1"
MAX_PROBLEMS, MAX_SEED, MAX_VERSION = 50, 2**31 - 1, 999
STALE = 150  # draws in a row without a new problem before "unlike" means "not identical"
MAX_DRAWS = 5_000  # a level that cannot pose a kind of question is a bug, not a long wait
ASKS_A_LEAF = ("closed_form", "matrix_form", "value")  # kinds whose question names one leaf
_KEY_STEPS = (
    Accumulation,
    Substitution,
    Simplification,
    Evaluation,
    GradHeld,
    GradChanged,
    Check,
)
_SHORT_NAME = re.compile(r"t\d+")  # what the tutor calls a value the program did not name


class WorksheetError(TutorError):
    """Worksheet parameters out of range (400)."""

    status = 400


@dataclass(frozen=True)
class Problem:
    """One problem: the draft, the question, its boxes, and the explanation behind its key."""

    number: int
    kind: str  # "closed_form" | "matrix_form" | "value" | "graph" | "output"
    draft: Draft
    wrt: str | None
    explanation: Explanation  # the live tutor's explanation of the problem's input
    boxes: tuple[Box, ...]
    lang: str = i18n.DEFAULT  # the sheet's language, which every text of the problem speaks

    @cached_property
    def report(self) -> Report:
        """The explanation's JSON report (graph, steps), made once for every page that shows it."""
        with i18n.using(self.lang):
            return Report(self.explanation)

    @property
    def root(self) -> str:
        """The value backward starts from (``L`` for formulas)."""
        return self.explanation.graph.backward_calls[-1].root

    @property
    def gradient(self) -> LeafGradient | None:
        """The asked leaf's gradient (closed-form and value questions)."""
        return self.explanation.gradient(self.wrt)

    @property
    def prompt(self) -> str:
        """The question in words, in the current language."""
        d = f"∂{self.root}/∂{self.wrt}"
        if self.kind == "closed_form":
            names = ", ".join(sorted(str(s) for s in self.gradient.symbolic.free_symbols))
            if names:
                return i18n.gettext(
                    "Give the closed form of {derivative} in terms of {names}.",
                    derivative=d,
                    names=names,
                )
            return i18n.gettext("Give the closed form of {derivative}.", derivative=d)
        if self.kind == "matrix_form":
            named = ", ".join(n for n, _ in self.gradient.matrix.definitions)
            if named:
                return i18n.gettext(
                    "Give {derivative} in matrix form, over the program's tensors as PyTorch "
                    "writes them (@ for matrix products, .T, .sum(0), * element by element); "
                    "you may use {names}.",
                    derivative=d,
                    names=named,
                )
            return i18n.gettext(
                "Give {derivative} in matrix form, over the program's tensors as PyTorch writes "
                "them (@ for matrix products, .T, .sum(0), * element by element).",
                derivative=d,
            )
        if self.kind == "value":
            if self.draft.input.kind == "program":
                grad = f"{self.wrt}.grad"
                return i18n.gettext("What does {grad} hold when the program ends?", grad=grad)
            return i18n.gettext("Give the value of {derivative} at the given values.", derivative=d)
        if self.kind == "graph":
            return i18n.gettext(
                "Fill in the forward value of every operation and the local derivative on "
                "every edge."
            )
        return i18n.gettext("Predict exactly what the program prints.")

    def key_steps(self) -> list:
        """The key's steps: the intermediate names it uses, the chain rule at the leaf
        (unsimplified), then the closed form."""
        g = self.gradient
        if g is None:
            return []
        chain = [
            n
            for d in g.steps
            for n in getattr(d, "chain", ())
            if isinstance(n, NodeGradient) and n.node == g.leaf
        ]
        rest = [s for s in g.steps if isinstance(s, _KEY_STEPS)]
        names = _intermediates(chain, rest, self.explanation)
        return ([Definitions(names)] if names else []) + chain + rest

    def verdict(self) -> dict:
        """Whether every gradient behind the key agrees with the engine and central differences."""
        leaves = [
            {
                "leaf": g.leaf,
                "engine": g.numeric,
                "value": g.value,
                "closed_form": None if g.symbolic is None else str(g.symbolic),
                "agrees": g.check.agrees,
                "agrees_numerical": g.check.agrees_numerical,
            }
            for g in self.explanation.gradients
            if self.wrt is None or g.leaf == self.wrt
        ]
        return {
            "agrees": all(v["agrees"] for v in leaves),
            "agrees_numerical": all(v["agrees_numerical"] is not False for v in leaves),
            "leaves": leaves,
        }

    def to_json(self, answers: bool = True) -> dict:
        """The problem, and with ``answers`` its key, as plain JSON data in its language."""
        with i18n.using(self.lang):
            return self._json(answers)

    def _json(self, answers: bool) -> dict:
        inp = self.draft.input
        request = (
            {"program": inp.program}
            if inp.kind == "program"
            else {
                "expression": inp.expression,
                "values": inp.values,
                "requires_grad": list(inp.requires_grad or ()),
            }
        )
        if self.lang != i18n.DEFAULT:  # a check of the problem answers in its language
            request["lang"] = self.lang
        problem = {
            "number": self.number,
            "kind": self.kind,
            "prompt": self.prompt,
            "shown": self.draft.shown,
            "given": self.draft.given,
            "input": request,
            "wrt": self.wrt,
            "boxes": [{"id": b.id, "label": b.label, "kind": b.kind} for b in self.boxes],
        }
        if not answers:
            return problem
        return {
            **problem,
            "key": {
                "answers": [{"box": b.id, "answer": b.answer} for b in self.boxes],
                "verdict": self.verdict(),
                "steps": [
                    {"kind": steps.kind(s), "text": render.text(s), "latex": render.latex(s)}
                    for s in self.key_steps()
                ],
            },
        }


@dataclass(frozen=True)
class Worksheet:
    """A seeded set of problems with their keys."""

    seed: int
    level: Level
    version: int
    problems: tuple[Problem, ...]
    reveal: Reveal = Reveal(None)  # when a student checking answers sees the expected one
    lang: str = i18n.DEFAULT  # the language of its texts: the problems are the same in each

    @property
    def title(self) -> str:
        """The sheet's heading, in the current language."""
        return i18n.gettext(
            "Backpropagation worksheet · level {number}: {title}",
            number=self.level.number,
            title=self.level.title,
        )

    def parameters(self) -> dict:
        """What regenerates this sheet; ``lang`` only when it is not English, so English
        sheets keep the links and bytes they always had."""
        params = {
            "seed": self.seed,
            "problems": len(self.problems),
            "level": self.level.number,
            "version": self.version,
            "reveal": str(self.reveal),
        }
        return params if self.lang == i18n.DEFAULT else {**params, "lang": self.lang}

    def to_json(self, answers: bool = True) -> dict:
        """The sheet with (``answers``) its key, as ``GET /api/v1/worksheet`` sends it, in the
        sheet's language."""
        with i18n.using(self.lang):
            return self._json(answers)

    def _json(self, answers: bool) -> dict:
        return {
            "format": FORMAT,
            "parameters": self.parameters(),
            "title": self.title,
            "level": {
                "number": self.level.number,
                "title": self.level.title,
                "description": self.level.description,
            },
            "tolerance": checking.VALUE_TOLERANCE.describe(),
            "problems": [p.to_json(answers) for p in self.problems],
        }

    @cached_property
    def json_text(self) -> str:
        """The JSON text with the key: the same parameters give the same bytes."""
        return dumps_strict(self.to_json())

    @cached_property
    def student_json_text(self) -> str:
        """The JSON text without the key, as bytes as stable as ``json_text``."""
        return dumps_strict(self.to_json(answers=False))


def _intermediates(
    chain: list, rest: list, x: Explanation
) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
    """The definitions of the unnamed values (``t3``) the key's steps use, and of those their
    definitions use, in the program's order: a key defines a name before it uses it."""
    used: set[str] = set()
    for n in chain:
        exprs = [n.result.expr] + [e for u in n.uses for e in (u.factors or ()) + (u.result.expr,)]
        used |= {str(s) for e in exprs if e is not None for s in e.free_symbols}
        used |= {u.edge.target for u in n.uses}
    for step in rest:
        if isinstance(step, Substitution):
            used |= {str(s) for _, e in step.definitions for s in e.free_symbols}
    defined = dict(x.definitions)
    for n in x.graph.nodes:  # a detached copy is a constant: t2 = detach(y)
        if n.cut and n.inputs and n.id not in defined:
            defined[n.id] = sympy.Function(n.cut)(sympy.Symbol(n.inputs[0], real=True))
    unnamed = {n.id for n in x.graph.nodes if n.label != n.id or _SHORT_NAME.fullmatch(n.id)}
    wanted: set[str] = set()
    stack = [i for i in used if i in unnamed and i in defined]
    while stack:
        node = stack.pop()
        if node not in wanted:
            wanted.add(node)
            free = {str(s) for s in defined[node].free_symbols}
            stack += [i for i in free if i in unnamed and i in defined]
    return tuple(
        (sympy.Symbol(n.id, real=True), defined[n.id]) for n in x.graph.nodes if n.id in wanted
    )


def _integer(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WorksheetError(
            "invalid_parameter",
            i18n.gettext(
                "{name} must be a whole number from {low} to {high}", name=name, low=low, high=high
            ),
        )
    return value


def _language(lang: object) -> str:
    if lang not in i18n.LOCALES:
        choices = ", ".join(i18n.LOCALES)
        raise WorksheetError(
            "invalid_parameter", i18n.gettext("lang must be one of: {choices}", choices=choices)
        )
    return lang


def make_worksheet(
    seed: int,
    problems: int,
    level: int,
    version: int = 1,
    reveal: str = NEVER,
    salt: str = "",
    lang: str = i18n.DEFAULT,
) -> Worksheet:
    """A worksheet of ``problems`` problems at ``level`` (1-5), reproducible from its parameters.

    ``reveal`` (never, after-N, always) does not change the problems, only what a student who
    checks an answer is shown; nor does ``lang`` (en, zh), only the language of every text.
    ``salt``, a secret of the service, makes the numbers depend on more than the parameters:
    a student who reads a handed-out sheet's seed cannot make its key with the command line.
    """
    lang = _language(lang)
    with i18n.using(lang):
        return _make(seed, problems, level, version, reveal, salt, lang)


def _make(
    seed: int, problems: int, level: int, version: int, reveal: str, salt: str, lang: str
) -> Worksheet:
    try:
        setting = Reveal.parse(reveal)
    except ValueError as exc:
        raise WorksheetError("invalid_parameter", str(exc)) from None
    seed = _integer("seed", seed, 0, MAX_SEED)
    problems = _integer("problems", problems, 1, MAX_PROBLEMS)
    spec = LEVELS[_integer("level", level, 1, len(LEVELS))]
    version = _integer("version", version, 1, MAX_VERSION)
    text = f"gradtutor worksheet {seed} {spec.number} {version}"
    # unsalted: the command line's sheets, the same as before salts existed
    rng = random.Random(f"{text} {salt}" if salt else text)
    kinds, weights = zip(*spec.kinds, strict=True)
    made: list[Problem] = []
    seen: set[tuple] = set()
    while len(made) < problems:
        kind = rng.choices(kinds, weights)[0]  # drawn once per problem: the mix follows weights
        made.append(_draw(rng, spec, kind, len(made) + 1, seen, lang))
    return Worksheet(seed, spec, version, tuple(made), setting, lang)


def _draw(
    rng: random.Random, spec: Level, kind: str, number: int, seen: set[tuple], lang: str
) -> Problem:
    """Draft until a draft makes a clean question of ``kind`` unlike the ones ``seen``."""
    for stale in range(1, MAX_DRAWS + 1):
        check_time("ask for fewer problems")  # a sheet is one request's work: it ends in time
        draft = spec.draft(rng)
        wrt = rng.choice(draft.leaves)
        asked = wrt if kind in ASKS_A_LEAF else None
        if _identities(draft, kind, asked, stale) & seen:
            continue
        problem = _pose(number, kind, draft, wrt, spec.number, lang)
        if problem is not None:
            seen |= _identities(draft, kind, asked, 0)
            return problem
    raise RuntimeError(f"level {spec.number} drafted no {kind} question in {MAX_DRAWS} tries")


def _identities(draft: Draft, kind: str, wrt: str | None, stale: int) -> set[tuple]:
    """What makes a problem a duplicate: the same text, or (while drafts are fresh enough) the
    same structure with other numbers."""
    exact = {("text", draft.shown, draft.given, kind, wrt)}
    return exact if stale >= STALE else exact | {("structure", draft.structure, kind, wrt)}


def _pose(number: int, kind: str, draft: Draft, wrt: str, level: int, lang: str) -> Problem | None:
    """The draft as a clean question of ``kind`` (None: it does not make one)."""
    try:
        with np.errstate(all="ignore"):  # a draft may overflow; it is then not clean
            x = explain(draft.input)
    except TutorError:
        return None
    except Exception:  # a bug of ours must not cost the sheet: the next draft stands in
        log.exception("worksheet: draft %r could not be explained", draft.shown)
        return None
    boxes = BOXES[kind](x, draft, wrt, number) if clean(x, level) else ()
    if not boxes:
        return None
    return Problem(number, kind, draft, wrt if kind in ASKS_A_LEAF else None, x, boxes, lang)


def _box(problem: Problem, box_id: str) -> Box:
    box = next((b for b in problem.boxes if b.id == box_id), None)
    if box is None:
        raise WorksheetError(
            "invalid_parameter",
            i18n.gettext(
                "problem {number} has no box {box}", number=problem.number, box=repr(box_id)
            ),
        )
    return box


def check_box(problem: Problem, box_id: str, text: str) -> checking.Feedback:
    """Check one answer box of a worksheet problem; the feedback speaks the sheet's language."""
    with i18n.using(problem.lang):
        return _check(problem, _box(problem, box_id), text)


def _check(problem: Problem, box: Box, text: str) -> checking.Feedback:
    if box.kind == "number":
        return checking.check_number(box.value, text, box.label)
    if box.kind == "output":
        return checking.check_output(box.answer, text)
    return checking.check(problem.explanation, problem.wrt, text, box.kind)


def hint_ladder(problem: Problem, box_id: str, diagnosis: str) -> tuple[str, ...]:
    """The hints for a wrong answer in a box that asks for a gradient (none for other boxes:
    a forward value or a local derivative is one rung already)."""
    if _box(problem, box_id).kind not in ("closed_form", "value"):
        return ()
    with i18n.using(problem.lang):
        return checking.ladder(problem.explanation, problem.wrt, diagnosis)
