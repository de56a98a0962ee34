"""gradtutor in a notebook: ``%load_ext tutor``, then ``%%explain`` or ``%explain``.

``%%explain`` takes a cell of PyTorch code, ``%explain 'formula' x=1 y=2`` a formula; from
Python, ``tutor.notebook.explain(...)``. Each takes a language (``--lang zh``, ``lang="zh"``):
the explanation and the output's own words are in it.

The answer is the tutoring page's, inline: what PyTorch would print, the graph, the engine's
gradients beside their closed forms with the verdicts, and the steps. Errors show as the page
shows them (the message, the line, a caret), never as a traceback of the tutor. IPython is an
optional extra (``pip install -e ".[notebook]"``): only the magics need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import i18n
from ..errors import TutorError
from ..explain import explain as explain_input
from ..explain import make_input
from ..lang.values import parse_names, parse_values
from ..limits import deadline
from .display import Explained, Refused

SECONDS = 15.0  # one explanation's wall time, as the service's requests


def _names(names: str | list[str] | None) -> list[str] | None:
    return parse_names(names) if isinstance(names, str) else names


def explain(
    program: str | None = None,
    expression: str | None = None,
    values: str | Mapping[str, Any] | None = None,
    requires_grad: str | list[str] | None = None,
    constants: str | list[str] | None = None,
    order: int = 1,
    static: bool = False,
    lang: str = i18n.DEFAULT,
) -> Explained | Refused:
    """Explain a program (PyTorch code) or a formula with its ``values`` (``"x1=2, w1=5"`` or
    a dict); the result displays itself in a notebook (``static``: HTML without a script), in
    ``lang`` (``"en"`` or ``"zh"``)."""
    source = program if program is not None else expression or ""
    if lang not in i18n.LOCALES:
        raise ValueError(f"lang is one of {', '.join(i18n.LOCALES)}, not {lang!r}")
    try:
        with i18n.using(lang), deadline(SECONDS):
            inp = make_input(
                program=program,
                expression=expression,
                values=parse_values(values) if isinstance(values, str) else values,
                requires_grad=_names(requires_grad),
                constants=_names(constants),
                order=order,
                lang=lang,
            )
            return Explained(explain_input(inp), static, lang)
    except TutorError as error:
        return Refused(error, source, lang)


__all__ = ["Explained", "Refused", "explain"]
