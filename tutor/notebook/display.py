"""What a notebook shows for one explanation or one refusal, in every front end.

Rich HTML, Markdown and LaTeX (the standard mimebundle keys every front end knows), and a
one-line ``repr``.
"""

from __future__ import annotations

from ..errors import TutorError
from ..explain import Explanation
from ..render import Report
from ..render.numbers import clip
from ..render.numbers import value as number
from .html import error_html, explanation_html, pointed

_TT = r"\mathtt{{{}.grad}}"  # a leaf's .grad, as LaTeX


def _inline(latex_text: str | None) -> str:
    """A closed form as inline Markdown math, or a dash without one."""
    return f"${latex_text}$" if latex_text else "—"


def _leaves(data: dict) -> str:
    return ", ".join(f"{g['leaf']}: {g['verdict'].replace('_', ' ')}" for g in data["gradients"])


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
    """One explanation: the tutoring page's parts, inline."""

    def __init__(self, explanation: Explanation, static: bool = False) -> None:
        self.explanation, self.static = explanation, static
        self.data = Report(explanation).data

    def __repr__(self) -> str:
        return f"<gradtutor explanation: {_leaves(self.data) or 'no leaf received a gradient'}>"

    def _repr_html_(self) -> str:
        return explanation_html(self.explanation, self.data, self.static)

    def _repr_markdown_(self) -> str:
        rows = [
            "| leaf | engine `.grad` | closed form | value | verdict |",
            "|---|---|---|---|---|",
            *(
                f"| `{g['leaf']}` | `{number(g['numeric'])}` | {_inline(g['latex'])} | "
                f"`{number(g['value'])}` | {g['verdict'].replace('_', ' ')} |"
                for g in self.data["gradients"]
            ),
        ]
        if self.data["output"]:
            rows += ["", "Printed output:", "", "```", self.data["output"].rstrip("\n"), "```"]
        for g in self.data["gradients"]:
            rows += ["", f"How `{g['leaf']}`'s gradient comes about:", ""]
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
    """An input the tutor refused: the message, and where, as the page shows it."""

    def __init__(self, error: TutorError, source: str) -> None:
        self.error, self.source = error, source

    def __repr__(self) -> str:
        return f"<gradtutor refusal: {clip(self.error.message, 80)}>"

    def _repr_html_(self) -> str:
        return error_html(self.error, self.source)

    def _repr_markdown_(self) -> str:
        listing = pointed(self.error, self.source)
        where = [] if listing is None else ["", "```", listing, "```"]
        return "\n".join([f"**{_escaped(self.error.message)}**", *where])
