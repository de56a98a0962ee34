"""Steps and results as text, LaTeX and presentation MathML.

Like sympy's printers, a printer finds ``_print_<ClassName>`` for what it is given. The
three formats share every ``_print_`` method — the sentences a teacher says — and differ
only in their primitives: how words, expressions, ∂-fractions, products and equalities are
written. MathML comes from sympy's presentation printer and is meant for HTML: words are
escaped text and math sits in ``<math>`` elements (no scripts, no CDN).
"""

from __future__ import annotations

import html
import re
import time

import sympy

from .. import steps as st
from ..graph import GRADIENT, gradient_name
from ..limits import ends_by
from . import matrices, numbers, typeset

# characters (in sympy's spelling) up to which a gradient is written in symbols at every step
SPELLED_OUT = 40
# characters of a closed form that fit the CLI's side-by-side table; a longer one is written
# under its leaf's steps, wrapped to LINE characters (an ordinary terminal's width)
CLOSED_COLUMN = 60
LINE = 100
# where a long step line is broken: after a clause, else after a list's comma, else before an
# equals sign, else before a sum's term
STEP_BREAKS = (r"(?<=; )|(?<=: )", r"(?<=, )", r"(?= = )", r"(?= [-+] )")
_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\~{}", "^": r"\^{}", "\\": r"\\"}


def _needs_parens(e: sympy.Basic) -> bool:
    """Whether ``e`` is bracketed as one factor of a product written with ·: a sum, a negative
    or fractional number, a negative product, and a product of a sum (``(p*(1 - p))``)."""
    if isinstance(e, sympy.Add):
        return True
    if e.is_Number:
        return bool(e.is_negative) or not e.is_Integer
    if not isinstance(e, sympy.Mul):
        return False
    return e.could_extract_minus_sign() or any(a.is_Add for a in e.args)


def local_form(e: st.EdgeDerivative) -> st.Quantity:
    """An edge's local derivative as steps write it: the textbook form when there is one."""
    if e.textbook is None:
        return e.derivative
    return st.Quantity(e.textbook, e.derivative.value)


def _plain_product(factors: tuple) -> str:
    """A path product in sympy's spelling, to weigh it against its sum (``(-1)*w2*w1``)."""
    kept = [f for f in factors if f != 1] or [sympy.S.One]
    return "*".join(
        f"({typeset.text(f)})" if _needs_parens(f) and not f.is_Mul else typeset.text(f)
        for f in kept
    )


_GOES_ON = "    "  # the indent of a step's continuation lines
_SYMMETRIC = ("*", "+")  # operators whose operands can swap: x·x's two uses say the same


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
    """
    return _wrap(text.strip(), width, (*breaks, r"(?<= )"))


def _wrap(text: str, width: int, levels: tuple[str, ...]) -> list[str]:
    if len(text) <= width:
        return [text]
    if not levels:
        return [text[k : k + width] for k in range(0, len(text), width)]
    lines, line = [], ""
    for piece in re.split(levels[0], text):
        if len(line.strip()) >= width // 4 and len((line + piece).rstrip()) > width:
            lines.append(line)
            line = piece
        else:
            line += piece
        if len(line.strip()) > width:  # broken further; its last part takes what follows
            *done, last = _wrap(line.strip(), width, levels[1:])
            lines += done
            line = last + line[len(line.rstrip()) :]
    lines.append(line)
    return [one.strip() for one in lines if one.strip()]


def _carried(uses: tuple[st.Use, ...]) -> bool:
    """Whether the uses' path products are unknown only because the gradient above them is
    carried by name and value: their local derivatives are known, no copies are summed."""
    return all(u.copies == 1 and u.edge.derivative.expr is not None for u in uses)


def _plural(phrase: str, count: int) -> str:
    """An operation's phrase for ``count`` of them, without its article.

    >>> _plural("addition", 7), _plural("a conversion to float32", 2), _plural("a copy", 1)
    ('additions', 'conversions to float32', 'copy')
    """
    words = phrase.split(" ")
    if words[0] in ("a", "an", "the"):
        words = words[1:]
    if count != 1:
        first = words[0]
        words[0] = first[:-1] + "ies" if first.endswith("y") else first + "s"
    return " ".join(words)


class RenderLimit:
    """A clock, a step count and a size in characters, shared by all steps of one answer."""

    def __init__(self, seconds: float, steps: int, chars: int):
        self.deadline, self.left, self.chars = ends_by(seconds), steps, chars
        self.spent: str | None = None  # what ran out: "time", "steps" or "size"

    @classmethod
    def of(cls, budget) -> RenderLimit:
        """The rendering limits of a ``tutor.symbolic.budget.Budget``."""
        return cls(budget.render_seconds, budget.render_steps, budget.render_chars)

    def take(self, chars: int) -> bool:
        """Spend one step of ``chars`` characters; False (and ``spent`` set) once over."""
        self.left -= 1
        self.chars -= chars
        if self.left < 0:
            self.spent = "steps"
        elif self.chars < 0:
            self.spent = "size"
        elif time.monotonic() > self.deadline:
            self.spent = "time"
        return self.spent is None

    def omitted(self) -> str:
        """The note that ends the steps shown."""
        why = {
            "size": "they would make this answer too long to read",
            "steps": "there are too many of them",
            "time": "rendering them would take longer than the time budget",
        }[self.spent or "time"]
        return (
            f"The remaining steps are not shown: {why}. The closed forms, values and "
            "verdicts above cover every step."
        )


class Printer:
    """The sentences of every step, over a format's primitives (subclasses give those)."""

    times = plus = equals = ""

    # primitives -------------------------------------------------------------------------
    def words(self, s: str) -> str:
        raise NotImplementedError

    def expr(self, e: sympy.Basic) -> str:
        raise NotImplementedError

    def math(self, content: str) -> str:
        raise NotImplementedError

    def math_words(self, s: str) -> str:
        """Words inside a formula."""
        return self.words(s)

    def partial(self, top: str, bottom: str) -> str:
        raise NotImplementedError

    def num(self, v) -> str:
        raise NotImplementedError

    def paren(self, content: str) -> str:
        raise NotImplementedError

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        """∂²top/∂a∂b, or ∂²top/∂a² when ``b`` is None."""
        raise NotImplementedError

    def binary(self, op: str, a: str, b: str) -> str:
        """``a op b`` as the program wrote it (``a`` empty: the unary ``op b``)."""
        raise NotImplementedError

    def call(self, name: str, a: str) -> str:
        """``name(a)``, a function applied as the program wrote it."""
        raise NotImplementedError

    # composition ------------------------------------------------------------------------
    def doprint(self, obj: object) -> str:
        """``obj`` in this format, by the printer method named for its class."""
        return getattr(self, f"_print_{type(obj).__name__}")(obj)

    def line(self, *parts: str) -> str:
        return " ".join(p for p in parts if p)

    def name(self, node_id: str) -> str:
        return self.expr(sympy.Symbol(node_id))

    def d(self, top: str, bottom: str) -> str:
        return self.partial(self.name(top), self.name(bottom))

    def factor(self, e: sympy.Basic) -> str:
        return self.paren(self.expr(e)) if _needs_parens(e) else self.expr(e)

    def eq(self, *parts: str) -> str:
        """``a = b = c``, each side once (a product of one factor is its factor)."""
        kept: list[str] = []
        for p in parts:
            if p and (not kept or p != kept[-1]):
                kept.append(p)
        return self.equals.join(kept)

    def quantity(self, q: st.Quantity) -> list[str]:
        """An expression and, when it says more, its number."""
        parts = [self.expr(q.expr)] if q.expr is not None else []
        if q.value is not None and not (q.expr is not None and q.expr.is_Number):
            parts.append(self.num(q.value))
        return parts

    def by_value(self, q: st.Quantity) -> bool:
        """Whether a gradient is carried by name and value (CS231n's staged computation):
        it is known as numbers and too long to write in symbols at every step."""
        too_long = q.expr is None or len(str(q.expr)) > SPELLED_OUT
        return too_long and q.value is not None

    def path_product(self, factors: tuple) -> str:
        """A path's factors as the chain rule multiplies them: ``(-1)·w2·w1``."""
        kept = [f for f in factors if f != 1] or [sympy.S.One]
        if len(kept) == 1:
            return self.expr(kept[0])
        return self.times.join(self.factor(f) for f in kept)

    def use_product(self, use: st.Use, node: str, named: bool = False) -> str:
        """∂R/∂target·∂target/∂node, as the path's factors when they are known (and not
        ``named``)."""
        if use.factors is not None and not named:
            return self.path_product(use.factors)
        d_target = self.d(use.root, use.edge.target) if use.edge.target != use.root else ""
        local = self.d(use.edge.target, node)
        copies = use.copies
        product = self.times.join(p for p in (d_target, local) if p)
        return (
            self.line(self.math_words(f"Σ over {copies} copies of"), product)
            if copies > 1
            else product
        )

    def in_symbols(self, uses: tuple[st.Use, ...], *sides: str) -> list[str] | None:
        """The sides of a gradient written in symbols — the path products, their sum when
        that is shorter, the number — or None when it is not short enough to write at every
        step (steps then carry it by name and value)."""
        total = st.path_sum(uses)
        if total is None or len(str(total)) > SPELLED_OUT:
            return None
        products = [_plain_product(u.factors) for u in uses]
        shorter = len(typeset.text(total)) < len(" + ".join(products))
        written = self.plus.join(self.path_product(u.factors) for u in uses)
        value = uses[0].result.value if len(uses) == 1 else None
        return [
            *sides,
            written,
            self.expr(total) if shorter else "",
            "" if total.is_Number else self.num(value) if value is not None else "",
        ]

    def signed(self, value: st.Value) -> str:
        """A number as a factor or term: in parentheses when negative."""
        text = self.num(value)
        return self.paren(text) if isinstance(value, float) and value < 0 else text

    def named_use(self, use: st.Use, node: str, symbolic: bool = True) -> list[str]:
        """The sides of ``∂R/∂t·∂t/∂n = upstream·local = upstream·value = result``, the
        upstream gradient's number standing for its expression (without ``symbolic``, the
        local derivative only by its value)."""
        local = local_form(use.edge)
        upstream = None if use.edge.target == use.root or use.copies > 1 else use.upstream.value
        sides = [self.use_product(use, node, named=True)]
        if isinstance(upstream, float) and local.expr is not None and local.expr != 1:
            # single numbers only: a tensor's numbers are written once, in the result
            if symbolic and not local.expr.is_Number:
                sides.append(self.times.join((self.signed(upstream), self.factor(local.expr))))
            if isinstance(local.value, float):
                sides.append(self.times.join((self.signed(upstream), self.signed(local.value))))
        return [*sides, self.num(use.result.value)]

    # steps ------------------------------------------------------------------------------
    def _print_Start(self, s: st.Start) -> str:
        upstream = self.eq(self.d(s.root, s.root), *self.quantity(s.upstream))
        if s.given:
            say = f"{s.root}.backward(gradient): a vector-Jacobian product; the given gradient is"
            return self.line(self.words(say), self.words("the upstream,"), self.math(upstream))
        return self.line(self.words(f"{s.root}.backward() starts from"), self.math(upstream))

    def spelled(self, e: st.EdgeDerivative) -> str:
        """The target's operation as the program wrote it, else in sympy's form."""
        if e.written is None:
            return self.expr(e.definition)
        op, args = e.written
        parts = [self.factor(a) for a in args]
        if op == "-u":
            return self.binary("-", "", parts[0])
        if len(parts) == 2:
            return self.binary(op, *parts)
        return self.call(op, parts[0])

    def _print_EdgeDerivative(self, e: st.EdgeDerivative) -> str:
        definition = self.eq(self.name(e.target), self.spelled(e))
        rule = f"; by the {e.rule}:" if e.rule else ":"
        head = self.line(self.math(definition), self.words(f"({e.phrase}){rule}"))
        if e.matrix is not None:
            matrices = sorted(e.matrix.atoms(sympy.MatrixSymbol), key=str)
            shapes = ", ".join(f"{m.name}: {m.rows}×{m.cols}" for m in matrices)
            body = self.line(
                self.words(f"in matrix form, the gradient of {e.source} is"),
                self.math(self.expr(e.matrix)),
                self.words(
                    f"where G is the gradient of {e.target} ({shapes}; the result is "
                    f"{e.matrix.rows}×{e.matrix.cols}, checked element by element)"
                ),
            )
        elif e.derivative.expr is None:
            body = self.words("its Jacobian is worked element by element")
        else:
            body = self.math(self.eq(self.d(e.target, e.source), *self.quantity(local_form(e))))
            if e.reduction == "mean":
                body = self.line(body, self.words(f"for each of the {e.count} elements (1/N)"))
            elif e.reduction == "sum":
                body = self.line(body, self.words(f"for each of the {e.count} summed elements"))
        kink = self.words(f"(at the kink: {e.kink})") if e.kink else ""
        return self.line(head, body, kink)

    def _print_Use(self, u: st.Use) -> str:
        node = u.path[-1]
        op, written = u.edge.written or ("", ())
        positions = [k for k, a in enumerate(written) if str(a) == node]
        copies = ""
        if u.copies > 1:
            copies = self.words(f"(broadcast sum: {node}'s {u.copies} copies' gradients add up)")
        if len(positions) < 2:
            said = self.line(self.words("through"), self.doprint(u.edge), copies)
        elif u.edge.position == positions[0] or op not in _SYMMETRIC:
            where = self.words(f"through operand {u.edge.position + 1} of")
            said = self.line(where, self.doprint(u.edge), copies)
        else:  # y·y: the second use is the first again, with the operands' roles swapped
            definition = self.math(self.eq(self.name(u.edge.target), self.spelled(u.edge)))
            where = self.words(f"through operand {u.edge.position + 1} of")
            same = self.words(f": the same as through operand {positions[0] + 1}")
            said = self.line(where, definition) + same
        if u.terms == 1:  # the node's own line says what it contributes
            return said
        product = self.in_symbols((u,)) if not self.by_value(u.result) else None
        if product is None:
            product = self.named_use(u, node, symbolic=False)
        return said + self.line(self.words("; contributes"), self.math(self.eq(*product)))

    def _print_NodeGradient(self, n: st.NodeGradient) -> str:
        gradient = self.d(n.root, n.node)
        sides = self.in_symbols(n.uses, gradient)
        if sides is not None:
            if len(n.uses) > 1:
                sides[-1] = self.num(n.result.value)
        elif not self.by_value(n.result) and not _carried(n.uses):
            # no path product (a broadcast's copies), but short in symbols: sum(X)
            products = self.plus.join(self.use_product(u, n.node) for u in n.uses)
            sides = [gradient, products, *self.quantity(n.result)]
        elif len(n.uses) == 1:
            sides = [gradient, *self.named_use(n.uses[0], n.node)]
        else:
            products = self.plus.join(self.use_product(u, n.node, named=True) for u in n.uses)
            terms = self.plus.join(self.signed(u.result.value) for u in n.uses)
            sides = [gradient, products, terms, self.num(n.result.value)]
        result = self.math(self.eq(*sides))
        if len(n.uses) == 1:
            return result
        say = f"{n.node} is used {len(n.uses)} times; their contributions add up:"
        return self.line(self.words(say), result)

    def _print_PassThrough(self, p: st.PassThrough) -> str:
        phrases: dict[str, int] = {}
        for node in p.steps:
            phrase = node.uses[0].edge.phrase
            phrases[phrase] = phrases.get(phrase, 0) + 1
        count = len(p.steps)
        if len(phrases) == 1:
            what = f"{count} more {_plural(next(iter(phrases)), count)} pass"
        else:
            kinds = ", ".join(f"{k} {_plural(phrase, k)}" for phrase, k in phrases.items())
            what = f"{count} more steps pass"
        names = [node.node for node in p.steps]
        shown = [self.d(p.root, name) for name in names]
        if len(shown) > 3:
            shown = [shown[0], shown[1], self.math_words("…"), shown[-1]]
        equal = self.eq(*shown, *self.quantity(p.result))
        say = f"… {what} the gradient through unchanged"
        say += f" ({kinds}):" if len(phrases) > 1 else ":"
        return self.line(self.words(say), self.math(equal))

    def _print_Cut(self, c: st.Cut) -> str:
        if c.reason == GRADIENT:
            return self.words(
                f"{c.source} → {c.target}: {c.target} is a gradient (torch.autograd.grad), not "
                f"a function of {c.source} along this edge, so no gradient flows back to "
                f"{c.source} through it; {c.target} depends on what its own graph reaches"
            )
        how = "detach()" if c.reason == "detach" else "no_grad()"
        return self.words(
            f"{c.source} → {c.target} is cut by {how}: {c.target} is a constant, "
            f"so no gradient flows back to {c.source} through it"
        )

    def _print_Derivation(self, d: st.Derivation) -> str:
        where = f" (line {d.line})" if d.line else ""
        return self.words(f"backward call {d.call}{where}, from {d.start.root}")

    def _print_Accumulation(self, a: st.Accumulation) -> str:
        parts = [self.paren(self.eq(*self.quantity(c))) for c in a.contributions]
        total = self.eq(self.plus.join(parts), self.num(a.total.value))
        say = f"{a.leaf}.grad accumulates over {len(parts)} backward calls:"
        return self.line(self.words(say), self.math(total))

    def definitions(self, pairs: tuple) -> str:
        """``t1 = x1*w1, t2 = t1*w2``: names and what they stand for."""
        return ", ".join(self.math(self.eq(self.expr(k), self.expr(v))) for k, v in pairs)

    def _print_Definitions(self, d: st.Definitions) -> str:
        return self.line(self.words("where"), self.definitions(d.definitions))

    def _print_Substitution(self, s: st.Substitution) -> str:
        result = self.eq(self.expr(s.before), self.expr(s.after))
        defs = self.definitions(s.definitions)
        return self.line(self.words("substitute"), defs, self.words(":"), self.math(result))

    def _print_Simplification(self, s: st.Simplification) -> str:
        return self.line(
            self.words("simplified:"), self.math(self.eq(self.expr(s.before), self.expr(s.after)))
        )

    def _print_Evaluation(self, e: st.Evaluation) -> str:
        value = self.math(self.eq(self.expr(e.expr), self.num(e.value)))
        if not e.at:
            return self.line(self.words("a constant:"), value)
        at = ", ".join(self.math(self.eq(self.expr(k), self.num(v))) for k, v in e.at)
        return self.line(self.words("at"), at, self.words(":"), value)

    def _print_Check(self, c: st.Check) -> str:
        engine, closed = numbers.value(st.plain(c.engine)), numbers.value(st.plain(c.value))
        if c.agrees is None:
            say = f"no verdict: {c.reason}"
            if c.value is not None and c.engine is not None:
                say = f"engine .grad = {engine}, closed form = {closed}: " + say
        else:
            say = (
                f"engine .grad = {engine}, closed form = {closed}: "
                f"{'agrees' if c.agrees else 'differs'} "
                f"(largest difference {numbers.value(c.max_difference)}, allowed {c.tolerance})"
            )
        if c.agrees_numerical is not None:
            witness = "agree" if c.agrees_numerical else "differ"
            say += f"; central differences (float64) {witness}"
            if c.numerical is not None:
                say += f": {numbers.value(st.plain(c.numerical))}"
        elif c.numerical_reason:
            say += f"; central differences are no witness here: {c.numerical_reason}"
        return self.words(say)

    def d2(self, root: str, first: str, second: str) -> str:
        """∂²root/∂first∂second in the program's names (a square on the diagonal)."""
        return self.second_partial(
            self.name(root), self.name(first), None if first == second else self.name(second)
        )

    def _print_Differentiation(self, d: st.Differentiation) -> str:
        first = self.eq(self.d(d.root, d.first), *self.quantity(d.derivative))
        result = self.eq(self.d2(d.root, d.first, d.second), self.expr(d.result))
        say = f"differentiate with respect to {d.second}:"
        return self.line(self.math(first) + self.words(";"), self.words(say), self.math(result))

    def _print_HessianCheck(self, c: st.HessianCheck) -> str:
        engine, closed = numbers.value(c.engine), numbers.value(c.value)
        if c.agrees is None:
            say = f"no verdict: {c.reason}"
            if c.value is not None and c.engine is not None:
                say = f"engine (create_graph=True) = {engine}, closed form = {closed}: " + say
        else:
            say = (
                f"engine (create_graph=True) = {engine}, closed form = {closed}: "
                f"{'agrees' if c.agrees else 'differs'} "
                f"(largest difference {numbers.value(c.max_difference)}, allowed {c.tolerance})"
            )
        if c.agrees_numerical is not None:
            witness = "agree" if c.agrees_numerical else "differ"
            say += (
                f"; central differences of the engine's first derivative (float64) {witness}: "
                f"{numbers.value(c.numerical)}"
            )
        elif c.numerical_reason:
            say += f"; central differences are no witness here: {c.numerical_reason}"
        return self.words(say)

    def _print_NoGradient(self, n: st.NoGradient) -> str:
        if not n.cuts:
            return self.words(f"{n.leaf}.grad is None: no backward call reached {n.leaf}")
        cuts = "; ".join(self.doprint(c) for c in n.cuts)
        return self.line(self.words(f"{n.leaf}.grad is None:"), cuts)

    def _print_LeafGradient(self, g) -> str:
        if g.symbolic is None:
            return self.words(g.note or "")
        return self.math(self.expr(g.symbolic))


VERDICT_WORDS = {
    "agrees": "agrees",
    "differs": "DIFFERS",
    "overflow": "overflow",
    "not_checked": "—",
}


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
        return numbers.value(v)

    def paren(self, content: str) -> str:
        return f"({content})"

    def _print_Explanation(self, x) -> str:
        """The CLI's report: output, the side-by-side table, the steps per leaf, notes.

        A closed form too wide for the table is written, wrapped, under its leaf's steps; a
        node whose step an earlier leaf already showed (the same backward call) is named, not
        shown again.
        """
        rows = [("leaf", "engine .grad", "closed form", "value", "verdict")]
        for g in x.gradients:
            closed = "—" if g.symbolic is None else str(g.symbolic)
            if g.matrix is not None:  # over whole tensors: Xᵀ @ G, not an array of elements
                closed = matrices.text(g.matrix.expr)
            if len(closed) > CLOSED_COLUMN:
                closed = f"in the steps for {g.leaf}"
            verdict = VERDICT_WORDS[g.check.verdict]
            rows.append(
                (
                    g.leaf,
                    numbers.value(st.plain(g.numeric)),
                    closed,
                    numbers.value(st.plain(g.value)),
                    verdict,
                )
            )
        widths = [max(len(r[k]) for r in rows) for k in range(5)]
        table = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        table.insert(1, "-+-".join("-" * w for w in widths))
        parts = [x.output.rstrip("\n"), "\n".join(table)] if x.output else ["\n".join(table)]
        limit = RenderLimit.of(x.budget)
        shown: dict[tuple[int, str], str] = {}  # (call, node) -> the leaf whose steps show it
        defined: dict[tuple[str, str], str] = {}  # a compact form's definition -> its leaf
        for g in x.gradients:
            lines = [f"steps for {g.leaf}:"]
            for step in g.steps:
                if isinstance(step, st.Derivation):
                    lines += self.derivation_lines(step, limit, shown, g.leaf)
                else:
                    lines += self.indented(step, 1, limit)
                if limit.spent:
                    lines.append("  " + limit.omitted())
                    break
            lines += self.closed_lines(g, defined)
            parts.append("\n".join(lines + ([f"  note: {g.note}"] if g.note else [])))
        if x.hessian is not None:
            parts += self.hessian_parts(x.hessian, limit)
        parts += [self.doprint(n) for n in x.no_gradient]
        parts += [f"warning: {w}" for w in x.warnings]
        parts += [f"note: {n}" for n in x.notes]
        return "\n\n".join(parts)

    def hessian_parts(self, h, limit: RenderLimit) -> list[str]:
        """Order 2: the engine's Hessian as a matrix, one row per entry (closed form beside
        the engine's and central differences), then each entry's steps."""
        cells = [["", *h.leaves]]
        for a in h.leaves:
            cells.append([a, *(numbers.value(h.entry(a, b).numeric) for b in h.leaves)])
        widths = [max(len(r[k]) for r in cells) for k in range(len(cells[0]))]
        matrix = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        head = f"second derivatives of {h.root} (Hessian), engine by create_graph=True:"
        rows = [("entry", "engine", "closed form", "value", "differences", "verdict")]
        for e in h.entries:
            closed = "—" if e.closed is None else str(e.closed)
            rows.append(
                (
                    self.d2(h.root, e.first, e.second),
                    numbers.value(e.numeric),
                    closed if len(closed) <= CLOSED_COLUMN else "in its steps",
                    numbers.value(e.value),
                    numbers.value(e.check.numerical),
                    VERDICT_WORDS[e.check.verdict],
                )
            )
        widths = [max(len(r[k]) for r in rows) for k in range(6)]
        table = [
            " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        table.insert(1, "-+-".join("-" * w for w in widths))
        parts = ["\n".join([head, *matrix]), "\n".join(table)]
        for e in h.entries:
            lines = [f"steps for {self.d2(h.root, e.first, e.second)}:"]
            for step in e.steps:
                lines += self.indented(step, 1, limit)
                if limit.spent:
                    lines.append("  " + limit.omitted())
                    break
            parts.append("\n".join(lines))
            if limit.spent:
                break
        return parts + [f"note: {n}" for n in h.notes]

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
        count = f"{len(nodes)} steps " if len(nodes) > 1 else ""
        line = f"    {', '.join(names)}: {count}as in the steps for {', '.join(leaves)} above"
        seen.clear()
        return [line]

    def closed_lines(self, g, defined: dict) -> list[str]:
        """A closed form too wide for the table, wrapped (unless a step evaluates it), and the
        names a compact one keeps (``defined``: those shown so far, and for which leaf)."""
        if g.matrix is not None:
            return self.matrix_lines(g, defined)
        lines = []
        closed = None if g.symbolic is None else str(g.symbolic)
        evaluated = any(isinstance(s, st.Evaluation) and s.expr == g.symbolic for s in g.steps)
        if closed is not None and len(closed) > CLOSED_COLUMN and not evaluated:
            lines.append(f"  closed form of the gradient of {g.leaf}:")
            lines += ["    " + part for part in wrap(closed, LINE - 4, r"(?= [-+] )")]
        if g.closed is not None and g.closed.compact:
            pairs = [(str(k), f"{k} = {v}") for k, v in g.closed.definitions]
            earlier = [defined.get(pair) for pair in pairs]
            if all(earlier):
                names = [k for k, _ in pairs]
                names = names if len(names) <= 3 else [names[0], "…", names[-1]]
                leaves = ", ".join(dict.fromkeys(earlier))
                lines.append(
                    f"  compact form: it keeps intermediate names ({', '.join(names)}), "
                    f"defined for {leaves} above"
                )
            else:
                defs = ", ".join(text for _, text in pairs)
                lines.append("  compact form: it keeps intermediate names:")
                lines += ["    " + part for part in wrap(defs, LINE - 4, r"(?<=, )")]
                defined.update({pair: g.leaf for pair in pairs})
        return lines

    def matrix_lines(self, g, defined: dict) -> list[str]:
        """A matrix form too wide for the table, wrapped, with its shape, and the program's
        named values it keeps (each defined once, under the first leaf that uses it)."""
        form = matrices.text(g.matrix.expr)
        shape = "×".join(map(str, g.matrix.expr.shape)) or "a number"
        lines = []
        if len(form) > CLOSED_COLUMN:
            lines.append(f"  closed form of the gradient of {g.leaf} ({shape}):")
            lines += ["    " + part for part in wrap(form, LINE - 4, r"(?= [−+@⊙] )")]
        new = [(n, f) for n, f in g.matrix.definitions if (n, "matrix") not in defined]
        if new:
            where = ", ".join(f"{n} = {matrices.text(f)}" for n, f in new)
            lines.append("  where:")
            lines += ["    " + part for part in wrap(where, LINE - 4, r"(?<=, )")]
            defined.update({(n, "matrix"): g.leaf for n, _ in new})
        return lines

    def _print_Graph(self, graph) -> str:
        """``gradtutor run``'s table of the graph: node, op, shape, value, grad."""
        rows = [("node", "op", "shape", "value", "grad")]
        for node in graph.nodes:
            name = node.id if node.label == node.id else f"{node.id} ({node.label})"
            op = node.op or ("detach" if node.cut else node.kind)
            if node.op == GRADIENT:  # ∂L/∂x, reading the leaves its graph reaches
                op = gradient_name(node.inputs, node.attrs)
                reads = [e.source for e in graph.edges if e.target == node.id and not e.cut]
                op += f" (reads {', '.join(reads)})" if reads else ""
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
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
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


class LatexPrinter(Printer):
    """LaTeX: words as text, math inline in ``\\( … \\)``."""

    times, plus, equals = r" \cdot ", " + ", " = "

    def words(self, s: str) -> str:
        return "".join(_LATEX_SPECIAL.get(c, c) for c in s)

    def expr(self, e: sympy.Basic) -> str:
        return typeset.latex(e)

    def math(self, content: str) -> str:
        return rf"\({content}\)"

    def math_words(self, s: str) -> str:
        return rf"\text{{{self.words(s)}}}"

    def partial(self, top: str, bottom: str) -> str:
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        below = rf"\partial {a}^{{2}}" if b is None else rf"\partial {a} \, \partial {b}"
        return rf"\frac{{\partial^{{2}} {top}}}{{{below}}}"

    def binary(self, op: str, a: str, b: str) -> str:
        if op == "**":
            return f"{{{a}}}^{{{b}}}"
        glyph = {"*": r"\cdot", "@": r"\mathbin{@}"}.get(op, op)
        return f"{glyph} {b}" if not a else f"{a} {glyph} {b}"

    def call(self, name: str, a: str) -> str:
        return rf"\operatorname{{{name}}}\left({a}\right)"

    def num(self, v) -> str:
        return numbers.value(v)

    def paren(self, content: str) -> str:
        return rf"\left({content}\right)"


class MathMLPrinter(Printer):
    """HTML with presentation MathML: escaped words, math in ``<math>`` elements."""

    times, plus, equals = "<mo>·</mo>", "<mo>+</mo>", "<mo>=</mo>"

    def words(self, s: str) -> str:
        return html.escape(s)

    def expr(self, e: sympy.Basic) -> str:
        if isinstance(e, sympy.NDimArray) and e.rank() <= 2:
            e = sympy.ImmutableMatrix(e.tolist() if e.rank() == 2 else [e.tolist()])
        return typeset.mathml(e)

    def math(self, content: str) -> str:
        return f'<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow>{content}</mrow></math>'

    def math_words(self, s: str) -> str:
        return f"<mtext>&#xA0;{html.escape(s)}&#xA0;</mtext>"  # MathML drops plain spaces

    def partial(self, top: str, bottom: str) -> str:
        return f"<mfrac><mrow><mo>∂</mo>{top}</mrow><mrow><mo>∂</mo>{bottom}</mrow></mfrac>"

    def second_partial(self, top: str, a: str, b: str | None) -> str:
        below = f"<msup><mrow>{a}</mrow><mn>2</mn></msup>" if b is None else f"{a}<mo>∂</mo>{b}"
        head = "<msup><mo>∂</mo><mn>2</mn></msup>"
        return f"<mfrac><mrow>{head}{top}</mrow><mrow><mo>∂</mo>{below}</mrow></mfrac>"

    def binary(self, op: str, a: str, b: str) -> str:
        if op == "**":
            return f"<msup><mrow>{a}</mrow><mrow>{b}</mrow></msup>"
        glyph = {"*": "·", "-": "−"}.get(op, op)
        return f"<mrow>{a}<mo>{html.escape(glyph)}</mo>{b}</mrow>"

    def call(self, name: str, a: str) -> str:
        return f"<mrow><mi>{html.escape(name)}</mi><mo>(</mo>{a}<mo>)</mo></mrow>"

    def num(self, v) -> str:
        return f"<mn>{html.escape(numbers.value(v)).replace('-', '&#x2212;')}</mn>"

    def paren(self, content: str) -> str:
        return f"<mrow><mo>(</mo>{content}<mo>)</mo></mrow>"


_TEXT, _LATEX, _MATHML = TextPrinter(), LatexPrinter(), MathMLPrinter()


def text(obj: object) -> str:
    """``obj`` (a step, a leaf's gradient) as plain text."""
    return _TEXT.doprint(obj)


def latex(obj: object) -> str:
    """``obj`` as LaTeX (words, with math inline)."""
    return _LATEX.doprint(obj)


def mathml(obj: object) -> str:
    """``obj`` as HTML with presentation MathML."""
    return _MATHML.doprint(obj)
