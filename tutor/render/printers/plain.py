"""Plain text for the command line and the golden files: wrapped steps and text tables.

Steps are wrapped to a terminal's width (a Chinese character takes two cells); the gradients
beside their closed forms and the graph are tables.
"""

from __future__ import annotations

import re

import sympy

from ... import i18n
from ... import steps as st
from ...graph import GRADIENT, gradient_name, kind_label
from ...i18n import N_
from .. import matrices, numbers, typeset
from ..labels import cells
from .sentences import Printer, RenderLimit, listed

# characters of a closed form that fit the CLI's side-by-side table; a longer one is written
# under its leaf's steps, wrapped to LINE characters (an ordinary terminal's width)
CLOSED_COLUMN = 60
TENSOR_COLUMN = 64  # a tensor wider than this in the table, or elided, is read in its steps
LINE = 100
# where a long step line is broken: after a clause, else after a list's comma, else before an
# equals sign, else before a sum's term (Chinese clauses end in full-width marks, no space)
STEP_BREAKS = (r"(?<=; )|(?<=: )|(?<=；)|(?<=：)", r"(?<=, )|(?<=，)", r"(?= = )", r"(?= [-+] )")
# the last places a line breaks: at a space, else after a Chinese character (which needs none)
_LAST_BREAKS = (r"(?<= )", r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_GOES_ON = "    "  # the indent of a step's continuation lines


def _nodes(step: object) -> tuple:
    """The node gradients a chain step shows: itself, or a folded run's."""
    if isinstance(step, st.NodeGradient):
        return (step,)
    return step.steps if isinstance(step, st.PassThrough) else ()


def wrap(text: str, width: int, *breaks: str) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at the places the zero-width
    pattern ``breaks[0]`` matches, a piece still too long at ``breaks[1]``'s, and so on, then
    at spaces (a word longer than a line is cut where it must). A line is not ended before it
    holds a quarter of ``width``: ``simplified:`` stays with what it says.

    >>> wrap("a + b + c - d", 6, r"(?= [-+] )")
    ['a + b', '+ c', '- d']
    >>> wrap("x1 = 1, x2 = 2", 8, r"(?<=, )")
    ['x1 = 1,', 'x2 = 2']
    >>> wrap("so: a = 1 + 2 = 3", 9, r"(?<=: )", r"(?= = )")
    ['so:', 'a = 1 + 2', '= 3']
    >>> wrap("so: a = 1 + 2 = 3", 16, r"(?<=: )", r"(?= = )")
    ['so: a = 1 + 2', '= 3']
    >>> wrap("one two three", 5)
    ['one', 'two', 'three']

    Widths are counted in a terminal's cells: a Chinese character takes two, and a line of
    them breaks between any two.

    >>> wrap("链式法则的局部导数", 8)
    ['链式法则', '的局部导', '数']
    """
    return _wrap(text.strip(), width, (*breaks, *_LAST_BREAKS))


def _wrap(text: str, width: int, levels: tuple[str, ...]) -> list[str]:
    if cells(text) <= width:
        return [text]
    if not levels:
        return _cut(text, width)
    lines, line = [], ""
    for piece in re.split(levels[0], text):
        if cells(line.strip()) >= width // 4 and cells((line + piece).rstrip()) > width:
            lines.append(line)
            line = piece
        else:
            line += piece
        if cells(line.strip()) > width:  # broken further; its last part takes what follows
            *done, last = _wrap(line.strip(), width, levels[1:])
            lines += done
            line = last + line[len(line.rstrip()) :]
    lines.append(line)
    return [one.strip() for one in lines if one.strip()]


def _cut(text: str, width: int) -> list[str]:
    """``text`` in pieces of at most ``width`` cells (a word longer than a line)."""
    pieces, piece = [], ""
    for c in text:
        if piece and cells(piece + c) > width:
            pieces.append(piece)
            piece = ""
        piece += c
    return [*pieces, piece]


VERDICT_WORDS = {  # a verdict as the CLI's table says it
    "agrees": N_("agrees"),
    "differs": N_("DIFFERS"),
    "overflow": N_("overflow"),
    "not_checked": "—",
}


def _headings(*names: str) -> tuple[str, ...]:
    """A table's column headings in the current language."""
    return tuple(i18n.translate(n) for n in names)


def _pad(cell: str, width: int) -> str:
    """``cell`` filled with spaces to ``width`` terminal cells (a Chinese character takes two)."""
    return cell + " " * (width - cells(cell))


def _tensor_cell(value, shape: tuple, held=None) -> str:
    """A gradient as the table shows it: its numbers (after ``held``, the numbers ``.grad``
    held when backward added to them), or, when they are too many to show whole or would
    make the table too wide to read, its shape and where they are."""
    if value is None and shape:
        return i18n.gettext("{shape}: too many numbers to show", shape=numbers.shape(shape))
    said = numbers.summary(st.plain(value), numbers.value)
    if held is not None:
        held = numbers.summary(st.plain(held), numbers.value)
        said = i18n.gettext("held {held} + {value}", held=held, value=said)
    if "…" not in said and cells(said) <= TENSOR_COLUMN:
        return said
    return i18n.gettext("{shape}: see its steps", shape=numbers.shape(shape))


def _table(rows: list[tuple[str, ...]], trimmed: bool = False) -> str:
    """A text table: columns as wide as their widest cell, a rule under the headings (with
    ``trimmed``, no spaces after a row's last cell). A table wider than a line is written
    as blocks instead, so that no terminal wraps its rows into each other."""
    widths = [max(cells(r[k]) for r in rows) for k in range(len(rows[0]))]
    if sum(widths) + 3 * (len(widths) - 1) > LINE:
        return _blocks(rows)
    lines = [" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines = [line.rstrip() for line in lines] if trimmed else lines
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _blocks(rows: list[tuple[str, ...]]) -> str:
    """A table as one block per row: its first and last cells (a leaf and its verdict)
    head the block, and every other cell follows on a line of its own under its heading.

    >>> print(_blocks([("leaf", "engine .grad", "verdict"), ("w", "[1, 2]", "agrees")]))
    w: agrees
      engine .grad  [1, 2]
    """
    headings = rows[0][1:-1]
    width = max(cells(h) for h in headings)
    lines = []
    for first, *middle, last in rows[1:]:
        lines.append(i18n.gettext("{name}: {verdict}", name=first, verdict=last))
        lines += [f"  {_pad(h, width)}  {c}" for h, c in zip(headings, middle, strict=True)]
    return "\n".join(lines)


class TextPrinter(Printer):
    """Plain text (the CLI, golden files)."""

    times, plus, equals = "·", " + ", " = "

    def words(self, s: str) -> str:
        return s

    def expr(self, e: sympy.Basic) -> str:
        return typeset.text(e)

    def math(self, content: str) -> str:
        return content

    def partial(self, top: str, bottom: str) -> str:
        return f"∂{top}/∂{bottom}"

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        return f"∂²{top}/∂{a}²" if b is None else f"∂²{top}/∂{a}∂{b}"

    def binary(self, op: str, a: str, b: str) -> str:
        if op == "*":
            return f"{a}{self.times}{b}"
        return f"{op}{b}" if not a else f"{a} {op} {b}"

    def call(self, name: str, a: str) -> str:
        return f"{name}({a})"

    def num(self, v) -> str:
        return numbers.summary(v, numbers.value)

    def paren(self, content: str) -> str:
        return f"({content})"

    def _print_Explanation(self, x) -> str:
        """The CLI's report: output, the side-by-side table, the steps per leaf, notes.

        A closed form too wide for the table is written, wrapped, under its leaf's steps; a
        node whose step an earlier leaf already showed (the same backward call) is named, not
        shown again.
        """
        rows = [
            _headings(N_("leaf"), N_("engine .grad"), N_("closed form"), N_("value"), N_("verdict"))
        ]
        for g in x.gradients:
            no_form = g.symbolic is None and g.matrix is None
            closed = "—" if g.symbolic is None else str(g.symbolic)
            if g.matrix is not None:  # over whole tensors: Xᵀ @ G, not an array of elements
                closed = matrices.text(g.matrix.expr)
            if len(closed) > CLOSED_COLUMN:
                closed = i18n.gettext("in the steps for {leaf}", leaf=g.leaf)
            rows.append(
                (
                    g.leaf,
                    _tensor_cell(g.numeric, g.shape),
                    closed,
                    "—"
                    if g.numeric is None or no_form
                    else _tensor_cell(g.value, g.shape, g.check.held),
                    i18n.translate(VERDICT_WORDS[g.check.verdict]),
                )
            )
        parts = [x.output.rstrip("\n"), _table(rows)] if x.output else [_table(rows)]
        limit = RenderLimit.of(x.budget)
        shown: dict[tuple[int, str], str] = {}  # (call, node) -> the leaf whose steps show it
        defined: dict[tuple[str, str], str] = {}  # a compact form's definition -> its leaf
        for g in x.gradients:
            lines = [i18n.gettext("steps for {leaf}:", leaf=g.leaf)]
            for step in g.steps:
                if isinstance(step, st.Derivation):
                    lines += self.derivation_lines(step, limit, shown, g.leaf)
                else:
                    lines += self.indented(step, 1, limit)
                if limit.spent:
                    lines.append("  " + limit.omitted())
                    break
            lines += self.closed_lines(g, defined)
            if g.note:
                lines.append("  " + i18n.gettext("note: {note}", note=g.note))
            parts.append("\n".join(lines))
        if x.hessian is not None:
            parts += self.hessian_parts(x.hessian, limit)
        parts += [self.doprint(n) for n in x.no_gradient]
        warned = (*map(self.doprint, x.program_warnings), *x.warnings)
        parts += [i18n.gettext("warning: {warning}", warning=w) for w in warned]
        parts += [i18n.gettext("note: {note}", note=n) for n in x.notes]
        return "\n\n".join(parts)

    def hessian_parts(self, h, limit: RenderLimit) -> list[str]:
        """Order 2: the engine's Hessian as a matrix, one row per entry (closed form beside
        the engine's and central differences), then each entry's steps."""
        cells = [["", *h.leaves]]
        for a in h.leaves:
            cells.append([a, *(numbers.value(h.entry(a, b).numeric) for b in h.leaves)])
        widths = [max(len(r[k]) for r in cells) for k in range(len(cells[0]))]
        matrix = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        head = i18n.gettext(
            "second derivatives of {root} (Hessian), engine by create_graph=True:", root=h.root
        )
        rows = [
            _headings(
                N_("entry"),
                N_("engine"),
                N_("closed form"),
                N_("value"),
                N_("differences"),
                N_("verdict"),
            )
        ]
        for e in h.entries:
            closed = "—" if e.closed is None else str(e.closed)
            rows.append(
                (
                    self.d2(h.root, e.first, e.second),
                    numbers.value(e.numeric),
                    closed if len(closed) <= CLOSED_COLUMN else i18n.gettext("in its steps"),
                    numbers.value(e.value),
                    numbers.value(e.check.numerical),
                    i18n.translate(VERDICT_WORDS[e.check.verdict]),
                )
            )
        parts = ["\n".join([head, *matrix]), _table(rows, trimmed=True)]
        for e in h.entries:
            entry = self.d2(h.root, e.first, e.second)
            lines = [i18n.gettext("steps for {leaf}:", leaf=entry)]
            for step in e.steps:
                lines += self.indented(step, 1, limit)
                if limit.spent:
                    lines.append("  " + limit.omitted())
                    break
            parts.append("\n".join(lines))
            if limit.spent:
                break
        return parts + [i18n.gettext("note: {note}", note=n) for n in h.notes]

    def derivation_lines(
        self, d: st.Derivation, limit: RenderLimit, shown: dict, leaf: str
    ) -> list[str]:
        """A backward call's steps for ``leaf``, naming in one line each run of nodes whose
        steps an earlier leaf's showed (``shown`` records the nodes shown here)."""
        line = "  " + self.doprint(d)
        if not limit.take(len(line)):
            return []
        lines, seen = [line], []
        for step in st.children(d):
            nodes = [n.node for n in _nodes(step)]
            if nodes and all((d.call, n) in shown for n in nodes):
                seen.append((step, shown[d.call, nodes[0]]))
                continue
            lines += self.seen_line(seen, d)
            lines += self.indented(step, 2, limit)
            shown.update({(d.call, n): leaf for n in nodes})
            if limit.spent:
                return lines
        return lines + self.seen_line(seen, d)

    def seen_line(self, seen: list, d: st.Derivation) -> list[str]:
        """One line for the steps already shown for another leaf (``seen`` is emptied)."""
        if not seen:
            return []
        nodes = [n.node for step, _ in seen for n in _nodes(step)]
        names = [self.d(d.start.root, n) for n in nodes]
        if len(names) > 3:
            names = [names[0], "…", names[-1]]
        leaves = sorted({leaf for _, leaf in seen}, key=[leaf for _, leaf in seen].index)
        said = {"names": ", ".join(names), "leaves": listed(leaves)}
        if len(nodes) > 1:
            line = i18n.gettext(
                "{names}: {n} steps as in the steps for {leaves} above",
                n=i18n.number(len(nodes)),
                **said,
            )
        else:
            line = i18n.gettext("{names}: as in the steps for {leaves} above", **said)
        seen.clear()
        return ["    " + line]

    def closed_lines(self, g, defined: dict) -> list[str]:
        """A closed form too wide for the table, wrapped (unless a step evaluates it), and the
        names a compact one keeps (``defined``: those shown so far, and for which leaf)."""
        if g.matrix is not None:
            return self.matrix_lines(g, defined)
        lines = []
        closed = None if g.symbolic is None else str(g.symbolic)
        evaluated = any(isinstance(s, st.Evaluation) and s.expr == g.symbolic for s in g.steps)
        if closed is not None and len(closed) > CLOSED_COLUMN and not evaluated:
            lines.append("  " + i18n.gettext("closed form of the gradient of {leaf}:", leaf=g.leaf))
            lines += ["    " + part for part in wrap(closed, LINE - 4, r"(?= [-+] )")]
        if g.closed is not None and g.closed.compact:
            pairs = [(str(k), f"{k} = {v}") for k, v in g.closed.definitions]
            earlier = [defined.get(pair) for pair in pairs]
            if all(earlier):
                names = [k for k, _ in pairs]
                names = names if len(names) <= 3 else [names[0], "…", names[-1]]
                said = i18n.gettext(
                    "compact form: it keeps intermediate names ({names}), defined for {leaves} "
                    "above",
                    names=", ".join(names),
                    leaves=listed(list(dict.fromkeys(earlier))),
                )
                lines.append("  " + said)
            else:
                defs = ", ".join(text for _, text in pairs)
                lines.append("  " + i18n.gettext("compact form: it keeps intermediate names:"))
                lines += ["    " + part for part in wrap(defs, LINE - 4, r"(?<=, )")]
                defined.update({pair: g.leaf for pair in pairs})
        return lines

    def matrix_lines(self, g, defined: dict) -> list[str]:
        """A matrix form too wide for the table, wrapped, with its shape, and the program's
        named values it keeps (each defined once, under the first leaf that uses it)."""
        form = matrices.text(g.matrix.expr)
        shape = "×".join(map(str, g.matrix.expr.shape)) or i18n.gettext("a number")
        lines = []
        if len(form) > CLOSED_COLUMN:
            said = i18n.gettext(
                "closed form of the gradient of {leaf} ({shape}):", leaf=g.leaf, shape=shape
            )
            lines.append("  " + said)
            lines += ["    " + part for part in wrap(form, LINE - 4, r"(?= [−+@⊙] )")]
        new = [(n, f) for n, f in g.matrix.definitions if (n, "matrix") not in defined]
        if new:
            where = ", ".join(f"{n} = {matrices.text(f)}" for n, f in new)
            lines.append("  " + i18n.gettext("where:"))
            lines += ["    " + part for part in wrap(where, LINE - 4, r"(?<=, )")]
            defined.update({(n, "matrix"): g.leaf for n, _ in new})
        return lines

    def _print_Graph(self, graph) -> str:
        """``gradtutor run``'s table of the graph: node, op, shape, value, grad."""
        rows = [_headings(N_("node"), N_("op"), N_("shape"), N_("value"), N_("grad"))]
        for node in graph.nodes:
            name = node.id if node.label == node.id else f"{node.id} ({node.label})"
            op = node.op or ("detach" if node.cut else kind_label(node.kind))
            if node.op == GRADIENT:  # ∂L/∂x, reading the leaves its graph reaches
                op = gradient_name(node.inputs, node.attrs)
                reads = [e.source for e in graph.edges if e.target == node.id and not e.cut]
                if reads:
                    op = i18n.gettext(
                        "{gradient} (reads {leaves})", gradient=op, leaves=", ".join(reads)
                    )
            elif node.inputs:
                op += f"({', '.join(node.inputs)})"
            rows.append(
                (
                    name,
                    op + (" no_grad" if node.no_grad else ""),
                    numbers.shape(node.shape),
                    numbers.short(node.value, node.shape, 28),
                    "" if node.grad is None else numbers.short(node.grad, node.shape, 28),
                )
            )
        widths = [max(cells(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join(
            "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )

    def indented(self, step: object, depth: int, limit: RenderLimit) -> list[str]:
        """A step and its nested steps, two spaces deeper per level, within ``limit``; a long
        step goes on in lines two spaces deeper still."""
        line = self.doprint(step)
        if not limit.take(len(line)):
            return []
        indent = "  " * depth
        first, *rest = wrap(line, LINE - len(indent) - len(_GOES_ON), *STEP_BREAKS)
        lines = [indent + first, *(indent + _GOES_ON + part for part in rest)]
        # a folded run is one line here: its steps are there to unfold on a page
        for child in () if isinstance(step, st.PassThrough) else st.children(step):
            lines += self.indented(child, depth + 1, limit)
            if limit.spent:
                break
        return lines
