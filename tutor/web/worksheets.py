"""Worksheet pages and endpoints: read the request, call one domain function, answer.

``/worksheet`` is the generator form; generating leads to the teacher's link. A sheet is
handed out through two signed links (``tutor.web.signing``): the teacher's
(``/worksheet/teacher``: the sheet, its key, every step, the student's link) and the
student's (``/worksheet/student``: the sheet with answer boxes, checked by a plain form POST
to the link itself, with hints and — when the sheet's ``reveal`` setting allows — the
expected answer). The key, printable, in LaTeX or in JSON, is served only with the teacher's
signature; an unsigned or changed link gets 403. A worksheet is a pure function of its
parameters, so each worker keeps recent ones in a bounded cache.

``lang`` (en or zh; without it the request's language) is a parameter of the sheet, so a zh
sheet is cached, served and checked in Chinese, but it is not signed: the problems are the
same in each language, so a reader switches a signed page's language (by the switch's form,
``tutor.web.language``) and its signature still holds, as do the student's try counters.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import i18n
from ..checking import KINDS, VALUE_TOLERANCE, Feedback, check
from ..errors import TutorError
from ..explain import ExplainInput, explain
from ..worksheet import (
    LEVELS,
    MAX_PROBLEMS,
    MAX_SEED,
    MAX_VERSION,
    REVEAL_CHOICES,
    Reveal,
    Worksheet,
    WorksheetError,
    latex,
    make_worksheet,
)
from ..worksheet.html import problem_view
from .cache import LRUCache
from .errors import RequestError
from .handout import check_answer
from .inputs import from_body, json_body, read_object
from .language import carried
from .signing import STUDENT, TEACHER, require, sheet_salt, sign

bp = Blueprint("worksheets", __name__)

NUMBERS = ("seed", "problems", "level", "version")
PARAMETERS = (*NUMBERS, "reveal", "lang")
STYLESHEETS = ("style.css", "worksheet.css")
DEFAULTS = {"problems": "10", "level": "1", "reveal": "never"}
_WHOLE = re.compile(r"[0-9]{1,10}\Z")  # ASCII digits only: \d would take ١٢ too


def _parameters(args) -> dict:
    """The worksheet's parameters from a query string (version 1, reveal never and the
    request's language by default)."""
    out: dict = {}
    for name in NUMBERS:
        text = args.get(name, "1" if name == "version" else None)
        if text is None:
            raise WorksheetError("invalid_parameter", i18n.gettext("{name} is missing", name=name))
        if not _WHOLE.match(text):
            raise WorksheetError(
                "invalid_parameter", i18n.gettext("{name} must be a whole number", name=name)
            )
        out[name] = int(text)
    out["reveal"] = args.get("reveal", DEFAULTS["reveal"])
    out["lang"] = args.get("lang", i18n.current())  # make_worksheet refuses another language
    return out


def _page_parameters() -> dict:
    """The parameters of the sheet a page or download shows: in the page's language, which
    an unknown ``lang`` does not change (``tutor.web.language`` falls back, as on every page)."""
    return {**_parameters(request.args), "lang": i18n.current()}


@bp.record_once
def _install_cache(state) -> None:
    size = state.app.config.get("WORKSHEET_CACHE_SIZE", 8)
    state.app.extensions["worksheet_cache"] = LRUCache(size)


def _worksheet(params: dict) -> Worksheet:
    key = tuple(params[n] for n in PARAMETERS)
    cache = current_app.extensions["worksheet_cache"]
    return cache.get_or_compute(key, lambda: make_worksheet(**params, salt=sheet_salt()))


def _signed(role: str) -> Worksheet:
    """The sheet a ``role`` link names: its parameters must carry that role's signature."""
    params = _page_parameters()
    require(params, role, request.args.get("sig"))
    return _worksheet(params)


def _teacher_link(params: dict) -> str:
    return url_for("worksheets.teacher", **params, sig=sign(params, TEACHER))


def _linked(sheet: Worksheet) -> dict:
    """The sheet's parameters as its links carry them: with the page's language whenever the
    page's links carry one, the downloads' links too (``url_for`` carries it to pages only)."""
    params = sheet.parameters()
    return {**params, "lang": carried()} if carried() else params


def _urls(sheet: Worksheet) -> dict:
    params = _linked(sheet)
    teacher = {**params, "sig": sign(params, TEACHER)}
    return {
        "teacher": _teacher_link(params),
        "student": url_for("worksheets.student", **params, sig=sign(params, STUDENT)),
        "new_version": _teacher_link({**params, "version": sheet.version % MAX_VERSION + 1}),
        "print": url_for("worksheets.printable", **params),
        "print_key": url_for("worksheets.printable", answers=1, **teacher),
        "tex": url_for("worksheets.tex", **params),
        "tex_key": url_for("worksheets.tex", answers=1, **teacher),
        "json": url_for("worksheets.api_worksheet", **params),
        "json_key": url_for("worksheets.api_worksheet", **teacher),
    }


def _form(form: dict, error: str | None = None, code: str = ""):
    return render_template(
        "worksheet.html",
        form=form,
        error=error,
        error_code=code,
        levels=list(LEVELS.values()),
        reveals=[(r, Reveal.parse(r).describe()) for r in REVEAL_CHOICES],
        limits={"problems": MAX_PROBLEMS},
    )


@bp.get("/worksheet")
def page():
    """The generator form; with ``problems``, ``level`` and ``reveal``, a new sheet: a redirect
    to its teacher link.

    The service picks the seed: a sheet's numbers come from the seed and the service's salt,
    and only a signed link opens its key, so nobody makes the key of a sheet from its seed.
    """
    form = {n: request.args.get(n, DEFAULTS[n]) for n in ("problems", "level", "reveal")}
    if "problems" not in request.args:
        return _form(form)
    params = {
        **form,
        "seed": str(secrets.randbelow(MAX_SEED + 1)),
        "version": "1",
        "lang": i18n.current(),
    }
    try:
        sheet = _worksheet(_parameters(params))
    except TutorError as exc:  # bad parameters, or a sheet over the request's time budget
        return _form(form, exc.message, exc.code), exc.status
    return redirect(_urls(sheet)["teacher"], 303)


def _views(sheet: Worksheet, checked: dict | None = None) -> list[dict]:
    return [problem_view(p, checked or {}) for p in sheet.problems]


@bp.get("/worksheet/teacher")
def teacher():
    """The teacher's page: the sheet, its key with every step, and the links to hand out."""
    sheet = _signed(TEACHER)
    return render_template(
        "worksheet_teacher.html",
        sheet=sheet,
        problems=_views(sheet),
        urls=_urls(sheet),
        tolerance=VALUE_TOLERANCE.describe(),
    )


def _checked(sheet: Worksheet, form) -> dict[str, dict]:
    """Every answer typed on the student's page, checked (a read error is feedback too)."""
    out = {}
    for p in sheet.problems:
        for b in p.boxes:
            text = form.get(f"a{b.id}", "")
            token = form.get(f"t{b.id}", "")
            if not text.strip():
                out[b.id] = {"typed": "", "token": token}
                continue
            try:
                out[b.id] = {"typed": text, **check_answer(sheet, b.id, text, token)}
            except TutorError as exc:
                if exc.status == 403:  # a forged try counter is no feedback: refuse the page
                    raise
                out[b.id] = {"typed": text, "token": token, "unreadable": exc.message}
    return out


@bp.route("/worksheet/student", methods=["GET", "POST"])
def student():
    """The student's page: the sheet and answer boxes, checked by a plain form POST here."""
    sheet = _signed(STUDENT)
    urls = _urls(sheet)  # the form posts to the student's link itself
    return render_template(
        "worksheet_student.html",
        sheet=sheet,
        problems=_views(sheet, _checked(sheet, request.form)),
        urls={k: urls[k] for k in ("student", "print", "tex")},
        tolerance=VALUE_TOLERANCE.describe(),
    )


def _key_wanted() -> bool:
    """Whether the request asks for the key; it then needs the teacher's signature."""
    answers = request.args.get("answers") == "1"
    if answers:
        require(_parameters(request.args), TEACHER, request.args.get("sig"))
    return answers


def printable_html(sheet: Worksheet, answers: bool, standalone: bool = False) -> str:
    """The printable sheet (or key) in its language; ``standalone`` puts the stylesheets
    inside, for a file."""
    static = Path(current_app.static_folder)
    styles = "\n".join((static / f).read_text() for f in STYLESHEETS) if standalone else None
    with i18n.using(sheet.lang):
        return _printable(sheet, answers, styles)


def _printable(sheet: Worksheet, answers: bool, styles: str | None) -> str:
    return render_template(
        "worksheet_print.html",
        sheet=sheet,
        problems=_views(sheet),
        answers=answers,
        params=sheet.parameters(),
        tolerance=VALUE_TOLERANCE.describe(),
        styles=styles,
    )


@bp.get("/worksheet/print")
def printable() -> str:
    """The printable sheet (name and date line, space to write), or with ``answers=1`` and
    the teacher's signature its key."""
    answers = _key_wanted()
    return printable_html(_worksheet(_page_parameters()), answers)


@bp.get("/worksheet.tex")
def tex() -> Response:
    """The LaTeX source of the sheet (or, signed, with ``answers=1``, of its key)."""
    answers = _key_wanted()
    sheet = _worksheet(_page_parameters())
    name = f"worksheet-{sheet.seed}-{sheet.level.number}-{sheet.version}{'-key' if answers else ''}"
    if sheet.lang != i18n.DEFAULT:
        name += f"-{sheet.lang}"
    return Response(
        latex.document(sheet, answers),
        mimetype="application/x-tex",
        headers={"Content-Disposition": f'attachment; filename="{name}.tex"'},
    )


@bp.get("/api/v1/worksheet")
def api_worksheet() -> Response:
    """The worksheet as JSON, with its key when signed by the teacher's link: the same
    parameters give the same bytes."""
    params = _parameters(request.args)
    if "sig" in request.args:
        require(params, TEACHER, request.args["sig"])
    sheet = _worksheet(params)
    text = sheet.json_text if "sig" in request.args else sheet.student_json_text
    return Response(text, mimetype="application/json")


def _check_request(body: dict) -> tuple[ExplainInput, str, str, str]:
    """The explain input, the leaf, the answer and the question kind of a practice check."""
    wrt, text = body.pop("wrt", None), body.pop("answer", None)
    kind = body.pop("kind", KINDS[0])
    if not isinstance(wrt, str) or not isinstance(text, str):
        raise RequestError(
            "invalid_request",
            i18n.gettext(
                "{wrt} (a leaf's name) and {answer} are strings", wrt='"wrt"', answer='"answer"'
            ),
        )
    if kind not in KINDS:
        raise RequestError(
            "invalid_request",
            i18n.gettext("{key} is one of {choices}", key='"kind"', choices=", ".join(KINDS)),
        )
    if "order" in body:  # an answer is checked against one first derivative
        raise RequestError(
            "invalid_request",
            i18n.gettext(
                "unexpected keys: {extra} (it is for {path})", extra="order", path="/api/v1/explain"
            ),
        )
    return from_body(body), wrt, text, kind


def _language(query: dict) -> str:
    """The language a request body or a link's query names, else the request's."""
    lang = query.get("lang")
    return lang if isinstance(lang, str) and lang in i18n.LOCALES else i18n.current()


_HANDOUT_KEYS = {"worksheet", "box", "answer", "tries"}


def _handout_check(body: dict) -> dict:
    """A check on a handed-out sheet: ``worksheet`` is the student link's parameters and sig."""
    if set(body) - _HANDOUT_KEYS:
        unexpected = ", ".join(sorted(set(body) - _HANDOUT_KEYS))
        raise RequestError(
            "invalid_request", i18n.gettext("unexpected keys: {extra}", extra=unexpected)
        )
    link = body.get("worksheet")
    if not isinstance(link, dict) or not all(isinstance(v, str) for v in link.values()):
        raise RequestError(
            "invalid_request",
            i18n.gettext(
                "{key} is the student link's query as strings, sig included", key='"worksheet"'
            ),
        )
    with i18n.using(_language(link)):  # the sheet's language, from here on
        return _handout_answer(link, body.get("box"), body.get("answer"), body.get("tries"))


def _handout_answer(link: dict, box: object, text: object, tries: object) -> dict:
    """The check of ``box`` on the sheet the student link ``link`` names."""
    if not isinstance(box, str) or not isinstance(text, str):
        raise RequestError(
            "invalid_request",
            i18n.gettext(
                "{box} (a box's id) and {answer} are strings", box='"box"', answer='"answer"'
            ),
        )
    if not text.strip():
        raise RequestError(
            "empty_answer", i18n.gettext("the answer is empty: type an answer to check")
        )
    params = _parameters(link)
    require(params, STUDENT, link.get("sig"))
    return check_answer(_worksheet(params), box, text, tries)


@bp.post("/api/v1/check")
def api_check() -> Response:
    """Check a student's answer: free practice (a program or formula, the expected answer
    given) or a handed-out worksheet's box (hints; the expected answer when allowed)."""
    body = read_object(json_body(), '{"expression": …, "wrt": …, "answer": …}')
    if "worksheet" in body:
        return jsonify(_handout_check(body))
    with i18n.using(_language(body)):  # refusals and feedback in the body's language
        inp, wrt, text, kind = _check_request(body)
        result: Feedback = check(explain(inp), wrt, text, kind)
        return jsonify(result.to_json())
