"""Worksheet pages and endpoints: read the request, call one domain function, answer.

``/worksheet`` is the generator form, the sheet with answer boxes (checked by a plain form
POST to the sheet's own shareable address: no JavaScript needed) and the key; the printable
sheet and key and the LaTeX come from the same parameters. The API gives the worksheet as
JSON (``GET /api/v1/worksheet``) and checks one answer (``POST /api/v1/check``). A worksheet
is a pure function of its parameters, so each worker keeps recent ones in a bounded cache.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from ..checking import KINDS, VALUE_TOLERANCE, Feedback, check
from ..errors import TutorError
from ..explain import ExplainInput, explain
from ..worksheet import (
    LEVELS,
    MAX_PROBLEMS,
    MAX_SEED,
    MAX_VERSION,
    Worksheet,
    WorksheetError,
    check_box,
    latex,
    make_worksheet,
)
from ..worksheet.html import problem_view
from .cache import LRUCache
from .errors import RequestError
from .inputs import from_body, json_body, read_object

bp = Blueprint("worksheets", __name__)

PARAMETERS = ("seed", "problems", "level", "version")
STYLESHEETS = ("style.css", "worksheet.css")
DEFAULTS = {"seed": "1", "problems": "10", "level": "1", "version": "1"}
_WHOLE = re.compile(r"[0-9]{1,10}\Z")  # ASCII digits only: \d would take ١٢ too


def _parameters(args) -> dict[str, int]:
    """The worksheet's parameters from a query string (version defaults to 1)."""
    out = {}
    for name in PARAMETERS:
        text = args.get(name, "1" if name == "version" else None)
        if text is None:
            raise WorksheetError("invalid_parameter", f"{name} is missing")
        if not _WHOLE.match(text):
            raise WorksheetError("invalid_parameter", f"{name} must be a whole number")
        out[name] = int(text)
    return out


@bp.record_once
def _install_cache(state) -> None:
    size = state.app.config.get("WORKSHEET_CACHE_SIZE", 8)
    state.app.extensions["worksheet_cache"] = LRUCache(size)


def _worksheet(params: dict[str, int]) -> Worksheet:
    key = tuple(params[n] for n in PARAMETERS)
    cache = current_app.extensions["worksheet_cache"]
    return cache.get_or_compute(key, lambda: make_worksheet(**params))


def _feedback(sheet: Worksheet, answers) -> tuple[dict[str, str], dict[str, Feedback]]:
    """Every answer typed on the page, and its feedback (a read error is feedback too)."""
    typed, feedback = {}, {}
    for p in sheet.problems:
        for b in p.boxes:
            text = answers.get(f"a{b.id}", "")
            if not text.strip():
                continue
            typed[b.id] = text
            try:
                feedback[b.id] = check_box(p, b.id, text)
            except TutorError as exc:
                feedback[b.id] = Feedback(False, "", f"Cannot read this: {exc.message}", exc.code)
    return typed, feedback


def _urls(params: dict) -> dict:
    return {
        "share": url_for("worksheets.page", **params),
        "print": url_for("worksheets.printable", **params),
        "print_key": url_for("worksheets.printable", answers=1, **params),
        "tex": url_for("worksheets.tex", **params),
        "tex_key": url_for("worksheets.tex", answers=1, **params),
        "json": url_for("worksheets.api_worksheet", **params),
    }


def _page(
    sheet: Worksheet | None, form: dict, error: str | None = None, answers=None, code: str = ""
):
    problems = []
    if sheet is not None:
        typed, feedback = _feedback(sheet, answers or {})
        problems = [problem_view(p, typed, feedback) for p in sheet.problems]
    return render_template(
        "worksheet.html",
        sheet=sheet,
        problems=problems,
        form=form,
        error=error,
        error_code=code,
        levels=list(LEVELS.values()),
        limits={"seed": MAX_SEED, "problems": MAX_PROBLEMS, "version": MAX_VERSION},
        urls=_urls(sheet.parameters()) if sheet else {},
        tolerance=VALUE_TOLERANCE.describe(),
    )


@bp.route("/worksheet", methods=["GET", "POST"])
def page():
    """The generator form; with parameters, the sheet, its answer boxes and the key.

    The parameters are the query string (the shareable address); answers come as a form POST
    to that address, so a sheet of any size can be checked without JavaScript.
    """
    form = {n: request.args.get(n, DEFAULTS[n]) for n in PARAMETERS}
    if "seed" not in request.args:
        return _page(None, form)
    try:
        sheet = _worksheet(_parameters(request.args))
    except TutorError as exc:  # bad parameters, or a sheet over the request's time budget
        return _page(None, form, exc.message, code=exc.code), exc.status
    return _page(sheet, form, answers=request.form)


def printable_html(sheet: Worksheet, answers: bool, standalone: bool = False) -> str:
    """The printable sheet (or key); ``standalone`` puts the stylesheets inside, for a file."""
    params = sheet.parameters()
    static = Path(current_app.static_folder)
    styles = "\n".join((static / f).read_text() for f in STYLESHEETS) if standalone else None
    return render_template(
        "worksheet_print.html",
        sheet=sheet,
        problems=[problem_view(p, {}, {}) for p in sheet.problems],
        answers=answers,
        params=params,
        tolerance=VALUE_TOLERANCE.describe(),
        styles=styles,
        back=None if standalone else url_for("worksheets.page", **params),
    )


@bp.get("/worksheet/print")
def printable() -> str:
    """The printable sheet (name and date line, space to write), or with ``answers=1`` its key."""
    sheet = _worksheet(_parameters(request.args))
    return printable_html(sheet, request.args.get("answers") == "1")


@bp.get("/worksheet.tex")
def tex() -> Response:
    """The LaTeX source of the sheet (or, with ``answers=1``, of its key) for pdflatex."""
    sheet = _worksheet(_parameters(request.args))
    answers = request.args.get("answers") == "1"
    name = f"worksheet-{sheet.seed}-{sheet.level.number}-{sheet.version}{'-key' if answers else ''}"
    return Response(
        latex.document(sheet, answers),
        mimetype="application/x-tex",
        headers={"Content-Disposition": f'attachment; filename="{name}.tex"'},
    )


@bp.get("/api/v1/worksheet")
def api_worksheet() -> Response:
    """The worksheet with its answer key as JSON: the same parameters give the same bytes."""
    sheet = _worksheet(_parameters(request.args))
    return Response(sheet.json_text, mimetype="application/json")


def _check_request() -> tuple[ExplainInput, str, str, str]:
    """The explain input, the leaf, the answer and the question kind of a check request."""
    body = read_object(json_body(), '{"expression": …, "wrt": …, "answer": …}')
    wrt, text = body.pop("wrt", None), body.pop("answer", None)
    kind = body.pop("kind", KINDS[0])
    if not isinstance(wrt, str) or not isinstance(text, str):
        raise RequestError("invalid_request", '"wrt" (a leaf\'s name) and "answer" are strings')
    if kind not in KINDS:
        raise RequestError("invalid_request", f'"kind" is one of {", ".join(KINDS)}')
    if "order" in body:  # an answer is checked against one first derivative
        raise RequestError("invalid_request", "unexpected keys: order (it is for /api/v1/explain)")
    return from_body(body), wrt, text, kind


@bp.post("/api/v1/check")
def api_check() -> Response:
    """Check a student's answer for one gradient of a program or formula."""
    inp, wrt, text, kind = _check_request()
    result: Feedback = check(explain(inp), wrt, text, kind)
    return jsonify(result.to_json())
