"""The language of each request: ``?lang=`` over ``Accept-Language``, carried in the links.

``?lang=zh`` or ``?lang=en`` is the reader's explicit choice; without it, the best match of
``Accept-Language`` decides, and English is the default. No cookie: a page's language lives
in its address. Links to the site's pages carry ``lang`` whenever it was asked for or is not
the default, so navigating, sharing a result or opening an example keeps the language, and
English pages keep the addresses they always had.
"""

from __future__ import annotations

from flask import Flask, g, request, url_for

from .. import i18n
from ..i18n import N_

# the HTML pages whose links carry the language (a worksheet's downloads carry it as a parameter
# of the sheet, in tutor/web/worksheets.py)
PAGES = frozenset(
    {
        "web.index",
        "api.docs",
        "worksheets.page",
        "worksheets.teacher",
        "worksheets.student",
        "worksheets.printable",
    }
)
NAMES = {"en": "English", "zh": "中文"}  # each language in its own words, for the switch
# what the page's script (static/app.js) writes, which the page translates for it
SCRIPT_TEXTS = (
    N_("☀ Light"),
    N_("☾ Dark"),
    N_("Dark colour scheme"),
    N_("Dark colours"),
    N_("Light colours"),
    N_("copy LaTeX"),
    N_("copied"),
    N_("select and copy"),
    N_("LaTeX copied"),
    N_("Copy as LaTeX"),
    N_("Copied"),
    N_("Selected: press Ctrl+C"),
    N_("The LaTeX is selected below: copy it with Ctrl+C"),
    N_("On the graph: {nodes}"),
    N_("Shown on the graph: {node}"),
    N_("{node}: go to its chain-rule steps"),
    N_("No chain-rule step is about {node}."),
    N_("Step through the backward pass"),
    N_("◀ Back"),
    N_("Next ▶"),
    N_("Play"),
    N_("Pause"),
    N_("keys ← →"),
    N_("step {pos} of {n}"),
    N_("Press Next (or →) to run the backward pass one node at a time."),
)


def _choose() -> None:
    asked = request.args.get("lang")
    if asked in i18n.LOCALES:
        language, g.carried = asked, asked
    else:
        language = i18n.negotiate(request.accept_languages.values())
        g.carried = None if language == i18n.DEFAULT else language
    g.language_token = i18n.begin(language)


def _forget(_exc: BaseException | None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        i18n.end(token)


def carried() -> str | None:
    """The language this request's links carry, or None when they carry none."""
    return g.get("carried")


def _carry(endpoint: str, values: dict) -> None:
    if carried() and endpoint in PAGES:
        values.setdefault("lang", carried())


def switch() -> dict:
    """The language switch: this page in each language (the tutor's, for pages that are not
    one of ``PAGES``).

    Its ``links`` are addresses with ``lang`` set. A signed address (a worksheet link's
    ``sig``) is never repeated in a link, where it would travel on (a student's page links
    to nothing signed): the switch is then a form that sends the page's query (``fields``)
    back with another ``lang``.
    """
    endpoint = request.endpoint if request.endpoint in PAGES else "web.index"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if endpoint != request.endpoint:
        args = {}
    signed = "sig" in args
    return {
        "action": url_for(endpoint, lang=None),
        "fields": sorted(args.items()) if signed else None,
        "links": [
            {
                "lang": code,
                "tag": i18n.HTML_TAGS[code],
                "name": name,
                "url": None if signed else url_for(endpoint, **args, lang=code),
                "current": code == i18n.current(),
            }
            for code, name in NAMES.items()
        ],
    }


def script_texts() -> dict[str, str]:
    """The script's texts in this page's language, by their English; none for English."""
    if i18n.current() == i18n.DEFAULT:
        return {}
    return {text: i18n.translate(text) for text in SCRIPT_TEXTS}


def _context() -> dict:
    return {
        "html_lang": i18n.HTML_TAGS[i18n.current()],
        "language_switch": switch,
        "script_texts": script_texts,
    }


def install(app: Flask) -> None:
    """Choose every request's language, carry it in ``url_for``, translate the templates."""
    app.before_request(_choose)
    app.teardown_request(_forget)
    app.url_defaults(_carry)
    app.context_processor(_context)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # msgids without the layout's line breaks
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.translate,
        ngettext=i18n.translate_plural,
        pgettext=i18n.translate_in_context,
        newstyle=True,
    )
