"""What a notebook shows for one explanation or one refusal, in every front end.

Rich HTML, Markdown and LaTeX (the standard mimebundle keys every front end knows), and a
one-line ``repr``, each in the language the explanation was made in.
"""

from __future__ import annotations

from .. import i18n
from ..errors import TutorError
from ..explain import Explanation
from ..render import Report
from ..render.numbers import clip
from ..render.numbers import value as number
from .html import compared, error_html, explanation_html, pointed, verdict, warnings

_TT = r"\mathtt{{{}.grad}}"  # a leaf's .grad, as LaTeX


def _inline(latex_text: str | None) -> str:
    """A closed form as inline Markdown math, or a dash without one."""
    return f"${latex_text}$" if latex_text else "—"


def _leaves(data: dict) -> str:
    return ", ".join(f"{g['leaf']}: {verdict(g['verdict'])}" for g in data["gradients"])


def _escaped(text: str) -> str:
    """Plain text as Markdown shows it literally (``-w1*w2`` is no emphasis)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def _markdown_steps(steps: list, depth: int = 0) -> list[str]:
    lines = []
    for step in steps:
        lines.append(f"{'   ' * depth}1. {_escaped(step['text'])}")
        lines += _markdown_steps(step.get("children") or [], depth + 1)
    return lines


class Explained:
    """One explanation: the tutoring page's parts, inline, in the language ``lang`` it was
    made in (its report is made at once, in the language current then)."""

    def __init__(
        self, explanation: Explanation, static: bool = False, lang: str = i18n.DEFAULT
    ) -> None:
        self.explanation, self.static, self.lang = explanation, static, lang
        with i18n.using(lang):
            self.data = Report(explanation).shown

    def __repr__(self) -> str:
        with i18n.using(self.lang):
            leaves = _leaves(self.data) or i18n.gettext("no leaf received a gradient")
            return i18n.gettext("<gradtutor explanation: {leaves}>", leaves=leaves)

    def _repr_html_(self) -> str:
        with i18n.using(self.lang):
            return explanation_html(self.explanation, self.data, self.static)

    def _repr_markdown_(self) -> str:
        with i18n.using(self.lang):
            return self._markdown()

    def _markdown(self) -> str:
        head = i18n.gettext("| leaf | engine `.grad` | closed form | value | verdict |")
        rows = [
            head,
            "|---|---|---|---|---|",
            *(
                f"| `{g['leaf']}` | `{number(g['numeric'])}` | {_inline(g['latex'])} | "
                f"`{compared(g, number)}` | {verdict(g['verdict'])} |"
                for g in self.data["gradients"]
            ),
        ]
        warned = warnings(self.explanation, self.data)
        if warned:
            rows.append("")
            rows += ["- " + i18n.gettext("warning: {warning}", warning=_escaped(w)) for w in warned]
        if self.data["output"]:
            output = self.data["output"].rstrip("\n")
            rows += ["", i18n.gettext("Printed output:"), "", "```", output, "```"]
        for g in self.data["gradients"]:
            leaf = "`" + g["leaf"] + "`"
            rows += ["", i18n.gettext("How {leaf}'s gradient comes about:", leaf=leaf), ""]
            rows += _markdown_steps(g.get("steps") or [])
        return "\n".join(rows)

    def _repr_latex_(self) -> str:
        lines = [
            _TT.format(g["leaf"].replace("_", "\\_")) + " &= " + g["latex"]
            for g in self.data["gradients"]
            if g["latex"]
        ]
        return "$$\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}$$" if lines else ""


class Refused:
    """An input the tutor refused: the message, and where, as the page shows it, in the
    language ``lang`` (the message itself was written in it when the input was refused)."""

    def __init__(self, error: TutorError, source: str, lang: str = i18n.DEFAULT) -> None:
        self.error, self.source, self.lang = error, source, lang

    def __repr__(self) -> str:
        with i18n.using(self.lang):
            message = clip(self.error.message, 80)
            return i18n.gettext("<gradtutor refusal: {said}>", said=message)

    def _repr_html_(self) -> str:
        with i18n.using(self.lang):
            return error_html(self.error, self.source)

    def _repr_markdown_(self) -> str:
        with i18n.using(self.lang):
            meaning = getattr(self.error, "explanation", None)  # an engine message's, in zh
        listing = pointed(self.error, self.source)
        glossed = ["", _escaped(meaning)] if meaning else []
        where = [] if listing is None else ["", "```", listing, "```"]
        return "\n".join([f"**{_escaped(self.error.message)}**", *glossed, *where])
