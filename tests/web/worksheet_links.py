"""Signed worksheet links for the tests, made the way the worksheet page makes them."""

from __future__ import annotations

from urllib.parse import urlencode

from tutor.web.signing import STUDENT, TEACHER, sheet_salt, sign

__all__ = ["STUDENT", "TEACHER", "parameters", "query", "sheet", "student", "teacher"]
from tutor.worksheet import Worksheet, make_worksheet

# as Worksheet.parameters() has them; lang (not signed) only when given
ORDER = ("seed", "problems", "level", "version", "reveal", "lang")
DEFAULTS = {"version": 1, "reveal": "never"}


def parameters(**params) -> dict:
    """A sheet's full parameters, in their order: version 1 and reveal never unless given."""
    full = {**DEFAULTS, **params}
    return {name: full[name] for name in ORDER if name in full}


def query(app, role: str = TEACHER, **params) -> str:
    """The query string of ``role``'s link to the sheet ``params`` (signed with app's key)."""
    full = parameters(**params)
    with app.app_context():
        return urlencode({**full, "sig": sign(full, role)})


def teacher(app, **params) -> str:
    """The teacher's link to a sheet."""
    return "/worksheet/teacher?" + query(app, TEACHER, **params)


def student(app, **params) -> str:
    """The student's link to a sheet."""
    return "/worksheet/student?" + query(app, STUDENT, **params)


def sheet(app, **params) -> Worksheet:
    """The sheet the service serves for ``params`` (its numbers salted with app's key)."""
    with app.app_context():
        return make_worksheet(**parameters(**params), salt=sheet_salt())
