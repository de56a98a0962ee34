"""The tutoring pages: read the query string, call one domain function, render HTML.

Every result is a plain GET (``/?program=…`` or ``/?expression=…&values=…``), so it works
with JavaScript off, is shareable, and can be cached by its input. Errors are shown next to
the input with the offending line marked, under the error's own HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from .. import examples, graph, steps
from ..errors import ProgramError, TutorError
from ..explain import ExplainInput
from ..i18n import N_, translate
from ..lang.values import format_values
from ..render import numbers
from ..render.stepping import backward_steps
from . import language, links
from .answers import page_answer
from .inputs import from_query

bp = Blueprint("web", __name__)

VALUE_ERRORS = {"invalid_values", "invalid_value", "invalid_name"}  # about the values field
FIELD_NAMES = {"program": N_("program"), "formula": N_("formula"), "values": N_("values")}
TITLES = {
    400: N_("This input could not be read"),
    413: N_("This input is too large"),
    422: N_("The engine refused this program"),
}
UNEXPLAINED = N_("This input could not be explained")  # any other status
# the site's pages, in the header of every page (worksheets only where they are served)
NAVIGATION = (
    ("web.index", N_("Tutor")),
    ("worksheets.page", N_("Worksheets")),
    ("api.docs", N_("API")),
)


@bp.app_template_filter("value")
def _value_filter(v) -> str:
    return numbers.value(v)


@bp.app_template_filter("block")
def _block_filter(v) -> str:
    return numbers.block(v)


@bp.app_template_filter("shape")
def _shape_filter(dims) -> str:
    return numbers.shape(dims)


bp.add_app_template_filter(numbers.summary, "summary")
bp.add_app_template_filter(numbers.count, "count")
bp.add_app_template_filter(steps.kind_label, "step_kind")  # in the page's language
bp.add_app_template_filter(graph.kind_label, "node_kind")


@bp.app_context_processor
def _site() -> dict:
    shown = [(e, translate(text)) for e, text in NAVIGATION if e in current_app.view_functions]
    return {"nav_links": shown}


def _address(fields: dict[str, str]) -> str:
    """The page's address for these fields: readable when short, else packed."""
    readable = url_for("web.index", **fields)
    if len(readable) <= links.READABLE:
        return readable
    return url_for("web.index", z=links.pack(fields))


def _share_url(inp: ExplainInput) -> str:
    if inp.program is not None:
        return _address({"program": inp.program})
    fields = {"expression": inp.expression, "values": format_values(inp.values)}
    if inp.requires_grad is not None:
        fields["requires_grad"] = ",".join(inp.requires_grad)
    if inp.order != 1:  # order 1 is the default: its addresses stay as they were
        fields["order"] = str(inp.order)
    return _address(fields)


def _example_links() -> list[dict]:
    shown = [
        {
            "title": translate(s.title),
            "description": translate(s.description),
            "url": url_for("web.index", program=s.program),
        }
        for s in examples.SNIPPETS
    ]
    for f in examples.FORMULAS:
        args = {"expression": f.expression, "values": f.values}
        if f.requires_grad:
            args["requires_grad"] = f.requires_grad
        if f.order:
            args["order"] = f.order
        shown.append(
            {
                "title": translate(f.title),
                "description": translate(f.description),
                "url": url_for("web.index", **args),
            }
        )
    return shown


@dataclass(frozen=True)
class Editor:
    """The editor's fields: what the user sent, or a ready-to-run example."""

    kind: str | None  # "program", "expression", or None before anything was asked
    program: str
    expression: str
    leaf_values: str
    requires_grad: str
    order: str = "1"  # the formula's: "2" asks for second derivatives too

    @property
    def rows(self) -> int:
        """Height of the program box: the program plus a blank line, within reason."""
        return min(max(self.program.count("\n") + 2, 8), 30)


def _editor(args) -> Editor:
    kind = "program" if "program" in args else "expression" if "expression" in args else None
    loss = examples.FORMULAS[0]
    return Editor(
        kind=kind,
        program=args.get("program", examples.seed("c") if kind is None else ""),
        expression=args.get("expression", loss.expression if kind is None else ""),
        leaf_values=args.get("values", loss.values if kind is None else ""),
        requires_grad=args.get("requires_grad", loss.requires_grad if kind is None else ""),
        order=args.get("order", "1"),
    )


def _error(exc: TutorError, form: Editor) -> dict:
    """What the page says about an error, with the text it points into."""
    field = "program" if form.kind == "program" else "formula"
    if form.kind == "expression" and exc.code in VALUE_ERRORS:
        field = "values"
    listing = form.program if field == "program" else form.expression
    return {
        "title": translate(TITLES.get(exc.status, UNEXPLAINED)),
        "code": exc.code,
        "message": exc.message,
        "line": exc.line or None,
        "col": exc.col or None,
        # the tutor's messages name their place already; the engine's own words do not
        "say_where": bool(exc.line) and isinstance(exc, ProgramError),
        "field": field,
        "field_name": translate(FIELD_NAMES[field]),
        "listing": listing.splitlines() if exc.line and field != "values" else None,
    }


def _fields(args) -> dict[str, str]:
    """What a page address asks for: its query string, or what its packed ``z`` holds."""
    return links.unpack(args["z"]) if "z" in args else dict(args)


@bp.get("/")
def index():
    """The tutor: the editor, and the explanation of whatever the address asks for."""
    fields: dict[str, str] = {}
    result = error = None
    status = 200
    try:
        fields = _fields(request.args)
        inp = from_query(fields)
        if inp is not None:
            form, share = _editor(fields), _share_url(inp)
            result = Markup(
                page_answer(
                    inp,
                    current_app.extensions["explain_cache"],
                    lambda page: render_template(
                        "_result.html",
                        result=page,
                        form=form,
                        share_url=share,
                        stepping=backward_steps(page),
                    ),
                    language.carried(),
                )
            )
    except TutorError as exc:
        error, status = _error(exc, _editor(fields)), exc.status
    page = render_template(
        "index.html",
        form=_editor(fields),
        result=result,
        error=error,
        examples=_example_links(),
    )
    return page, status


@bp.post("/")
def submit():
    """The editor's forms, sent by POST (a long program fits in no address bar): the answer
    is at the shareable address this redirects to, scrolled to the result."""
    fields = {k: v for k, v in request.form.items() if k in links.FIELDS and v.strip()}
    if "program" in fields:
        fields = {"program": fields["program"]}
    try:  # the input's normal form: the same address as its shareable link
        inp = from_query(fields)
        address = _address(fields) if inp is None else _share_url(inp)
    except TutorError:  # the address's page shows what is wrong
        address = _address(fields)
    return redirect(address + "#result", 303)
