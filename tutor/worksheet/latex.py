"""A worksheet, or its answer key, as LaTeX source: English for pdflatex, Chinese for xelatex.

Only packages of a basic TeX installation are used (``texlive-latex-base`` and
``-recommended``: geometry, amsmath, fancyvrb), and for Chinese ``ctex``
(``texlive-lang-chinese``, compiled by ``texlive-xetex``). Graphs are drawn with LaTeX's own
``picture`` environment from the layout the SVG uses (``tutor.render.svg.layout``): boxes and
straight edges, no drawing package needed. Every problem is kept on one page; the unicode
the tutor's sentences use is declared, Chinese characters and punctuation pass to xelatex,
and any other non-ASCII character is replaced, so the source always compiles. The texts are
in the sheet's language.
"""

from __future__ import annotations

import re

import sympy

from .. import i18n, render
from ..checking.feedback import VALUE_TOLERANCE
from ..i18n import N_
from ..render import numbers, svg, typeset
from .drawing import drawing
from .sheet import Problem, Worksheet

TEXT_WIDTH = 470.0  # pt: A4 with 2 cm margins, a little to spare
MAX_UNIT = 0.5  # pt per SVG pixel at most
UNICODE = {  # what the tutor's sentences use, as LaTeX
    "∂": r"\ensuremath{\partial}",
    "·": r"\ensuremath{\cdot}",
    "→": r"\ensuremath{\rightarrow}",
    "Σ": r"\ensuremath{\Sigma}",
    "×": r"\ensuremath{\times}",
    "−": r"\ensuremath{-}",
    "≤": r"\ensuremath{\leq}",
    "∇": r"\ensuremath{\nabla}",
    "ᵀ": r"\ensuremath{^{\mathsf{T}}}",
    "—": "---",
    "–": "--",
    "…": r"\ldots{}",
    "✂": "cut",
    "✓": r"\ensuremath{\checkmark}",
}
TEXT_ASCII = {c: rf"\ensuremath{{{c}}}" for c in "<>|"}  # the OT1 text font lacks them
_MATH = re.compile(r"(\\\(.*?\\\))", re.DOTALL)
_WORDS = render.LatexPrinter()
_SPACE = "\\framebox[\\linewidth]{{\\rule{{0pt}}{{{height}}}}}\\par"  # room to write

ENGINES = {"en": "pdflatex", "zh": "xelatex"}  # what compiles a sheet in each language
_CJK = re.compile("[\u2018-\u201d\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # xelatex's
PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{fancyvrb}
\usepackage{color}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\pagestyle{plain}
"""
CHINESE = "% !TEX program = xelatex\n" + PREAMBLE.replace(
    "\\usepackage[margin", "\\usepackage{ctex}\n\\usepackage[margin", 1
)


def preamble(lang: str) -> str:
    """The document's class and packages: Chinese adds ``ctex`` (and says: xelatex)."""
    return PREAMBLE if lang == i18n.DEFAULT else CHINESE


def _kept(c: str) -> bool:
    """Whether ``c`` goes to LaTeX as it is: ASCII, and in Chinese the Chinese characters."""
    return c.isascii() or (i18n.current() != i18n.DEFAULT and _CJK.match(c) is not None)


def _ascii(text: str) -> str:
    """Declared unicode as LaTeX; in Chinese the Chinese characters as they are; any other
    non-ASCII character as ``?``."""
    return "".join(UNICODE.get(c, c if _kept(c) else "?") for c in text)


def _text(latex: str) -> str:
    """LaTeX with words and ``\\( math \\)``: ASCII that the default font cannot print in text
    (``<``, ``>``, ``|``) as math, outside the math."""
    parts = _MATH.split(latex)
    return "".join(
        p if _MATH.fullmatch(p) else "".join(TEXT_ASCII.get(c, c) for c in p) for p in parts
    )


def words(text: str) -> str:
    """Plain text, escaped for LaTeX.

    >>> print(words("∂L/∂x_1 <= 50% of {a}"))
    \\ensuremath{\\partial}L/\\ensuremath{\\partial}x\\_1 \\ensuremath{<}= 50\\% of \\{a\\}
    """
    return _ascii(_text(_WORDS.words(text)))


def _say(message: str, **latex: str) -> str:
    """``message`` (marked with ``N_`` where it is written) in the current language as LaTeX
    text, its placeholders filled with LaTeX (not escaped).

    >>> print(_say("{share} of {values}", share="50%", values="$x_1$"))
    50% of $x_1$
    """
    holes = {name: f"\x00{name}\x00" for name in latex}
    text = words(i18n.gettext(message, **holes))
    for name, fragment in latex.items():
        text = text.replace(holes[name], fragment)
    return text


def _verbatim(text: str) -> str:
    return (
        "\\begin{Verbatim}[frame=single,fontsize=\\small]\n"
        + _ascii(text.rstrip("\n"))
        + "\n\\end{Verbatim}\n"
    )


def picture(graph: dict) -> str:
    """The graph in a ``picture`` environment: one framed box per value, a line per edge."""
    plan = svg.layout(graph)
    unit = min(MAX_UNIT, TEXT_WIDTH / max(plan.width, 1))
    height = plan.height
    lines = [
        f"\\setlength{{\\unitlength}}{{{unit:.4f}pt}}",
        f"\\begin{{picture}}({plan.width:.0f},{height:.0f})",
    ]
    names = {n["id"]: n for n in graph["nodes"]}
    size = "\\scriptsize" if unit >= 0.35 else "\\tiny"  # the boxes shrink with the drawing
    for index, e in enumerate(graph["edges"]):
        a, b = plan.boxes.get(e["source"]), plan.boxes.get(e["target"])
        if a is None or b is None:
            continue
        points = [(a.x + a.w, a.y + a.h / 2)]
        points += [(w.x + w.w / 2, w.y + w.h / 2) for w in plan.routes.get(index, [])]
        points.append((b.x, b.y + b.h / 2))
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            lines.append(
                f"\\qbezier({x0:.0f},{height - y0:.0f})({mx:.0f},{height - my:.0f})"
                f"({x1:.0f},{height - y1:.0f})"
            )
        x1, y1 = points[-1]
        lines.append(f"\\put({x1:.0f},{height - y1:.0f}){{\\vector(1,0){{0}}}}")
        label = _edge_label(e)
        if label:
            x0, y0 = points[-2]
            lines.append(
                f"\\put({(x0 + x1) / 2:.0f},{height - (y0 + y1) / 2:.0f})"
                f"{{\\makebox(0,0){{\\colorbox{{white}}{{\\scriptsize {words(label)}}}}}}}"
            )
    for node_id, box in plan.boxes.items():
        node = names[node_id]
        text = [f"\\textbf{{{words(node.get('label') or node_id)}}}"]
        if node.get("kind") == "op" and node.get("label") == node_id:  # a bare id: say the op
            text.append(words(node.get("op") or ""))
        if node.get("kind") != "literal":
            text.append(words("= " + numbers.short(node.get("value"), node.get("shape"), 18)))
        lines.append(
            f"\\put({box.x:.0f},{height - box.y - box.h:.0f})"
            f"{{\\framebox({box.w:.0f},{box.h:.0f}){{\\shortstack{{{size} "
            + f" \\\\ {size} ".join(text)
            + "}}}"
        )
    lines.append("\\end{picture}")
    return "\\par\\medskip\n" + "\n".join(lines) + "\n\\par\\medskip\n"


def _edge_label(edge: dict) -> str:
    if edge.get("cut"):
        return i18n.gettext("cut")  # an edge detach() or no_grad() cuts
    local = edge.get("local") or {}
    value = local.get("value")
    return "" if value is None else numbers.value(value)


def problem(p: Problem) -> str:
    """One problem as the LaTeX worksheet sets it (its graph a picture), in its language."""
    with i18n.using(p.lang):
        return _problem(p)


def _heading(p: Problem) -> str:
    heading = _say(N_("Problem {number}"), number=str(p.number))
    return f"\\subsection*{{{heading}}}"


def _problem(p: Problem) -> str:
    graph = p.report.data["graph"]
    parts = [_heading(p), f"\\textbf{{{words(p.prompt)}}}\\par"]
    if p.draft.input.kind == "program":
        parts.append(_verbatim(p.draft.shown))
    else:
        at = _say(N_("at {values}"), values=f"\\texttt{{{words(p.draft.given)}}}")
        given = f" \\quad {at}" if p.draft.given else ""
        parts.append(f"\\texttt{{{words(p.draft.shown)}}}{given}\\par")
    parts.append(picture(drawing(graph, p.kind == "graph")))
    for b in p.boxes:
        if b.kind == "output":
            parts.append(
                _say(N_("What the program prints:"))
                + "\\par\\framebox[\\linewidth]{\\rule{0pt}{7em}}\\par"
            )
        elif b.kind == "number":
            parts.append(f"\\texttt{{{words(b.label)}}} = \\underline{{\\hspace{{4cm}}}}\\quad")
        else:
            parts.append(f"\\texttt{{{words(b.label)}}} = \\par{_SPACE.format(height='4em')}")
    return "\\begin{minipage}{\\linewidth}\n" + "\n".join(parts) + "\n\\end{minipage}\n\\bigskip\n"


def _answer(p: Problem, b) -> str:
    if b.kind == "output":
        return _say(N_("Printed output:")) + "\n" + _verbatim(b.answer)
    if b.kind == "closed_form":
        return f"\\(\\displaystyle {_partial(p)} = {typeset.latex(p.gradient.symbolic)}\\)\\par"
    if b.kind == "matrix_form":
        form = typeset.latex(p.gradient.matrix.expr)
        typed = _say(N_("typed: {answer}"), answer=f"\\texttt{{{words(b.answer)}}}")
        return f"\\(\\displaystyle {_partial(p)} = {form}\\)\\par {typed}\\par"
    return f"\\texttt{{{words(b.label)}}} = \\texttt{{{words(b.answer)}}}\\par"


def _partial(p: Problem) -> str:
    root, leaf = (typeset.latex(sympy.Symbol(n)) for n in (p.root, p.wrt))
    return f"\\frac{{\\partial {root}}}{{\\partial {leaf}}}"


def key(p: Problem) -> str:
    """One problem's key entry as the LaTeX key sets it, in its language."""
    with i18n.using(p.lang):
        return _key(p)


def _key(p: Problem) -> str:
    parts = [_heading(p), f"{words(p.prompt)}\\par"]
    parts += [_answer(p, b) for b in p.boxes]
    steps = p.key_steps()
    if steps:
        parts.append("\\begin{enumerate}")
        parts += [f"\\item {_ascii(_text(render.latex(s)))}" for s in steps]
        parts.append("\\end{enumerate}")
    if p.kind == "graph":
        parts.append(picture(drawing(p.report.data["graph"], True, False)))
    parts.append(_verdict(p.verdict()))
    return "\n".join(parts) + "\n"


def _verdict(verdict: dict) -> str:
    if verdict["agrees"] and verdict["agrees_numerical"]:
        said = "✓ " + i18n.gettext(
            "The key agrees with the engine's {grad} and with central differences.", grad=".grad"
        )
    else:
        said = i18n.gettext(
            "The key DIFFERS with the engine's {grad} and with central differences.", grad=".grad"
        )
    return words(said)


def document(sheet: Worksheet, answers: bool = False) -> str:
    """The LaTeX source of the worksheet, or with ``answers`` of its key, in its language
    (``ENGINES`` says what compiles it)."""
    with i18n.using(sheet.lang):
        return _document(sheet, answers)


def _document(sheet: Worksheet, answers: bool) -> str:
    title = sheet.title
    if answers:
        title = i18n.gettext("{title} — answer key", title=title)
    head = [preamble(sheet.lang), "\\begin{document}", f"\\section*{{{words(title)}}}"]
    if not answers:
        name = _say(N_("Name: {line}"), line="\\underline{\\hspace{9cm}}")
        date = _say(N_("Date: {line}"), line="\\underline{\\hspace{3cm}}")
        head.append(f"\\noindent {name} \\hfill {date}\\par\\medskip")
    params = sheet.parameters()
    about = (
        sheet.level.description,
        i18n.gettext(
            "Seed {seed}, version {version}.", seed=params["seed"], version=params["version"]
        ),
        i18n.gettext("Values are right when {tolerance}.", tolerance=VALUE_TOLERANCE.describe()),
    )
    head.append(words(" ".join(about)) + "\\par\\bigskip")
    body = [(_key if answers else _problem)(p) for p in sheet.problems]
    return "\n".join(head + body + ["\\end{document}\n"])
