"""Checking a student's answer on a handed-out worksheet: teach, and tell only when allowed.

Free practice (``POST /api/v1/check`` with a program or formula) answers with the expected
answer at once. A handed-out sheet answers with the verdict, the diagnosis and a hint ladder
that grows one rung per wrong try (``tutor.checking.hints``), and adds the expected answer
only when the sheet's signed ``reveal`` setting allows it after the tries counted so far. The
count travels in a signed token (``tutor.web.signing``) that each answer returns and the next
check sends back; the service keeps no state.
"""

from __future__ import annotations

from .. import i18n
from ..checking.hints import WITHOUT_ANSWER
from ..worksheet import Problem, Worksheet, WorksheetError, check_box, hint_ladder
from .signing import read_tries, tries_token

MAX_HINTS = 3  # the rule or the paths, one local derivative, one upstream value


def problem_of(sheet: Worksheet, box: str) -> Problem:
    """The problem that has the answer box ``box``."""
    for p in sheet.problems:
        if any(b.id == box for b in p.boxes):
            return p
    missing = i18n.gettext("this worksheet has no answer box {box}", box=repr(box))
    raise WorksheetError("invalid_parameter", missing)


def check_answer(sheet: Worksheet, box: str, answer: str, token: object) -> dict:
    """The answer to one check of box ``box``: verdict, diagnosis, hints, the next token, and
    ``expected`` only when the sheet's reveal setting allows it.

    Everything it says is in the sheet's language. An answer that cannot be read raises its
    ``TutorError`` and counts no try.
    """
    with i18n.using(sheet.lang):
        return _checked(sheet, box, answer, token)


def _checked(sheet: Worksheet, box: str, answer: str, token: object) -> dict:
    params = sheet.parameters()
    before = read_tries(params, box, token)
    problem = problem_of(sheet, box)
    result = check_box(problem, box, answer)
    tries = before.after(answer, result.correct)
    hints = () if result.correct else hint_ladder(problem, box, result.diagnosis)
    reveal = sheet.reveal.allows(tries.count)
    told = reveal or result.correct
    said = result.feedback if told else WITHOUT_ANSWER.get(result.diagnosis, result.feedback)
    out = {
        "correct": result.correct,
        "feedback": said,
        "diagnosis": result.diagnosis,
        "method": result.method,
        "hints": list(hints[: min(tries.count, MAX_HINTS)]),
        "hints_left": max(0, min(len(hints), MAX_HINTS) - tries.count),
        "tries": tries.count,
        "token": tries_token(params, box, tries),
    }
    if reveal:
        out["expected"] = result.expected
    return out
