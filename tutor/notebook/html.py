"""One explanation (or one error) as a self-contained HTML fragment for a notebook's output.

The same parts as the tutoring page, in the same order: the gradients table (the engine's
``.grad`` beside the closed form, its value and the verdict), the Hessian for order 2, what
PyTorch would print, the graph (the page's SVG) and the chain-rule steps, each leaf's
behind a ``<details>``. No network: a ``<style>`` scoped to ``.gradtutor`` and presentation
MathML, which every current notebook front end renders. Where the front end runs scripts,
Back and Next step through the backward pass on the graph, as on the page; ``static`` leaves
the script out.
"""

from __future__ import annotations

import itertools
import json
from html import escape
from importlib import resources

from .. import i18n
from ..errors import TutorError
from ..explain import Explanation
from ..i18n import N_
from ..render import mathml, svg, text, typeset
from ..render.numbers import summary
from ..render.numbers import value as number
from ..render.stepping import backward_steps
from ..steps import kind_label

MATHML = "http://www.w3.org/1998/Math/MathML"
STYLE = (resources.files(__package__) / "notebook.css").read_text(encoding="utf-8")
STEPPER = (resources.files(__package__) / "stepper.js").read_text(encoding="utf-8")
_DRAWINGS = itertools.count(1)  # ids of one kernel's drawings stay apart in one document
# a verdict in words (translated where shown), and the mark before it
VERDICTS = {
    "agrees": N_("agrees"),
    "differs": N_("differs"),
    "overflow": N_("overflow"),
    "not_checked": N_("not checked"),
}
MARKS = {"agrees": "✓ ", "differs": "✗ "}


def verdict(code: str) -> str:
    """A verdict as the reader reads it, in the current language (an unknown code as it is)."""
    return i18n.translate(VERDICTS[code]) if code in VERDICTS else code


def _math(expr) -> str:
    """A closed form as a MathML element (escaped by the printer), or an empty string."""
    if expr is None:
        return ""
    return f'<math xmlns="{MATHML}"><mrow>{typeset.mathml(expr)}</mrow></math>'


def _fragment(*parts: str) -> str:
    """The output's block, which says its language (the notebook's page may speak another)."""
    tag = i18n.HTML_TAGS[i18n.current()]
    return f'<div class="gradtutor" lang="{tag}"><style>{STYLE}</style>{"".join(parts)}</div>'


def _gradients(explanation: Explanation, data: dict) -> str:
    if not explanation.gradients:
        said = i18n.gettext(
            "No leaf received a gradient: no <code>.backward()</code> call reached a tensor "
            "with <code>requires_grad=True</code>."
        )
        return f'<p class="empty">{said}</p>'
    rows = []
    for leaf, g in zip(explanation.gradients, data["gradients"], strict=True):
        why = f' title="{escape(g["reason"])}"' if g.get("reason") else ""
        rows.append(
            f"<tr><th><code>{escape(g['leaf'])}</code></th>"
            f"<td><pre>{escape(summary(g['numeric']))}</pre></td>"
            f"<td>{mathml(leaf)}</td>"
            f"<td><pre>{escape(compared(g, summary))}</pre></td>"
            f'<td class="verdict {escape(g["verdict"])}"{why}>{_verdict(g["verdict"])}</td></tr>'
        )
    return _table(
        i18n.gettext("Gradients: engine beside closed form"),
        (
            i18n.gettext("Leaf"),
            i18n.gettext("Engine <code>.grad</code>"),
            i18n.gettext("Closed form"),
            i18n.gettext("Value"),
            i18n.gettext("Verdict"),
        ),
        rows,
    )


def compared(g: dict, write) -> str:
    """A gradient's closed-form value as its check compares it with ``.grad``: after the
    numbers ``.grad`` held when backward added to them, if it held any."""
    value = write(g["value"])
    if g["held"] is None:
        return value
    return i18n.gettext("held {held} + {value}", held=write(g["held"]), value=value)


def _verdict(code: str) -> str:
    """A verdict cell's content: its mark and its word."""
    return MARKS.get(code, "") + escape(verdict(code))


def _table(title: str, heads: tuple[str, ...], rows: list[str]) -> str:
    """A titled table: its column titles (HTML) and its rows."""
    head = "".join(f"<th>{h}</th>" for h in heads)
    body = "".join(rows)
    return f"<h4>{title}</h4><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _hessian(explanation: Explanation, data: dict) -> str:
    if explanation.hessian is None:
        return ""
    rows = [
        f"<tr><th>∂²/∂{escape(e.first)}∂{escape(e.second)}</th><td>{_math(e.closed)}</td>"
        f"<td><code>{escape(number(d['numeric']))}</code></td>"
        f'<td class="verdict {escape(d["verdict"])}">{_verdict(d["verdict"])}</td></tr>'
        for e, d in zip(explanation.hessian.entries, data["hessian"]["entries"], strict=True)
    ]
    return _table(
        i18n.gettext("Second derivatives (the Hessian)"),
        (
            i18n.gettext("Entry"),
            i18n.gettext("Closed form"),
            i18n.gettext("Engine"),
            i18n.gettext("Verdict"),
        ),
        rows,
    )


def _steps(steps: list) -> str:
    items = "".join(
        f'<li><span class="kind">{escape(kind_label(s["kind"]))}</span> {s["mathml"]}'
        f"{_steps(s['children']) if s.get('children') else ''}</li>"
        for s in steps
    )
    return f"<ol>{items}</ol>"


def _stepper(steps: list[dict]) -> tuple[str, str]:
    """Back and Next through the backward pass (hidden until its script runs), and the
    script with its data, which go last: it runs on the drawing above it."""
    if not steps:
        return "", ""
    island = json.dumps(steps).replace("</", "<\\/")
    words = {  # what the script writes, in the current language ({pos}, {n} filled by it)
        "data-count": i18n.gettext("step {pos} of {n}", pos="{pos}", n="{n}"),
        "data-start": i18n.gettext("Next runs the backward pass one node at a time."),
    }
    said = " ".join(f'{k}="{escape(v)}"' for k, v in words.items())
    back, forward = escape(i18n.gettext("◀ Back")), escape(i18n.gettext("Next ▶"))
    controls = (
        f'<div class="stepper" hidden {said}><button type="button" class="step-back">{back}'
        f'</button><button type="button" class="step-next">{forward}</button>'
        '<span class="step-count"></span><p class="step-now" aria-live="polite"></p></div>'
    )
    script = (
        f'<script type="application/json" class="gradtutor-steps">{island}</script>'
        f"<script>{STEPPER}</script>"
    )
    return controls, script


def warnings(explanation: Explanation, data: dict) -> list[str]:
    """Every warning, as text: what PyTorch warns of the code, by line, then of the values."""
    return [*map(text, explanation.program_warnings), *data["warnings"]]


def explanation_html(explanation: Explanation, data: dict, static: bool = False) -> str:
    """The explanation (``data``: its JSON report) as the notebook shows it; ``static``:
    without the stepper's script."""
    parts = [_gradients(explanation, data), _hessian(explanation, data)]
    warned = warnings(explanation, data)
    if warned:
        items = "".join(f"<li>{escape(w)}</li>" for w in warned)
        title = i18n.gettext("Warnings")
        parts.append(f'<div class="warnings"><h4>{title}</h4><ul>{items}</ul></div>')
    script = ""
    if explanation.output:
        title = i18n.gettext("Printed output")
        parts.append(f'<h4>{title}</h4><pre class="console">{escape(data["output"])}</pre>')
    if data["graph"] is not None:
        drawing = svg.render(data["graph"], prefix=f"gradtutor{next(_DRAWINGS)}")
        controls, script = _stepper([] if static else backward_steps(data))
        title = i18n.gettext("Graph")
        parts.append(f'<h4>{title}</h4>{controls}<div class="graph">{drawing}</div>')
    parts += [
        f"<details><summary>{escape(how(g['leaf']))}</summary>{_steps(g['steps'])}</details>"
        for g in data["gradients"]
        if g.get("steps")
    ]
    if data["notes"]:
        notes = "".join(f"<li>{escape(n)}</li>" for n in data["notes"])
        title = i18n.gettext("Notes")
        parts.append(f'<details class="notes"><summary>{title}</summary><ul>{notes}</ul></details>')
    return _fragment(*parts, script)


def how(leaf: str) -> str:
    """The title of a leaf's steps."""
    return i18n.gettext("How {leaf}'s gradient comes about", leaf=leaf)


def pointed(error: TutorError, source: str) -> str | None:
    """The source line a refusal points at, and a caret under its column (None without one)."""
    lines = source.splitlines()
    if not error.line or not 0 < error.line <= len(lines):
        return None
    return f"{lines[error.line - 1]}\n{' ' * ((error.col or 1) - 1)}^"


def error_html(error: TutorError, source: str) -> str:
    """A refusal as the page shows it: the message, and the line it points at with a caret."""
    parts = [f'<p class="error"><strong>{escape(error.message)}</strong></p>']
    meaning = getattr(error, "explanation", None)  # what an engine message means, in zh
    if meaning:
        parts.append(f'<p class="meaning">{escape(meaning)}</p>')
    listing = pointed(error, source)
    if listing is not None:
        at = i18n.gettext("At line {line}, column {col}.", line=error.line, col=error.col or 1)
        parts.append(f'<pre class="listing">{escape(listing)}</pre><p>{at}</p>')
    code = f"<code>{escape(error.code)}</code>"
    said = i18n.gettext("Error code {code}.", code=code)
    parts.append(f"<p>{said}</p>")
    return _fragment(*parts)
