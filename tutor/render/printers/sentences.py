"""The sentences of every step, over a format's primitives: the base of the three printers.

Like sympy's printers, a printer finds ``_print_<ClassName>`` for what it is given. The three
formats share every ``_print_`` method — the sentences a teacher says — and differ only in
their primitives: how words, expressions, ∂-fractions, products and equalities are written.

Every sentence is one gettext message with named placeholders, translated when it is printed
(``Printer.gettext``): the message's words are written as words, its placeholders hold math,
code and nested sentences already written in the format, so a node's name in a sentence is
math and a translation may put the parts in any order.
"""

from __future__ import annotations

import re
import time

import sympy

from ... import i18n
from ... import steps as st
from ...functions import FUNCTIONS
from ...graph import GRADIENT
from ...i18n import N_
from ...limits import ends_by
from .. import typeset

# characters (in sympy's spelling) up to which a gradient is written in symbols at every step
SPELLED_OUT = 40
_FULL_WIDTH = tuple("，。；：、（）")  # Chinese punctuation, which takes no space beside it
_HOLE = re.compile(r"\{(\w+)\}")  # a message's named placeholder


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


_SYMMETRIC = ("*", "+")  # operators whose operands can swap: x·x's two uses say the same


def _carried(uses: tuple[st.Use, ...]) -> bool:
    """Whether the uses' path products are unknown only because the gradient above them is
    carried by name and value: their local derivatives are known, no copies are summed."""
    return all(u.copies == 1 and u.edge.derivative.expr is not None for u in uses)


class Words(str):
    """A placeholder's value that is words (a phrase, a count, a reason), written as the
    message's own words are; any other value is already written in the printer's format."""


class Code(str):
    """A placeholder's value that is code (``L.backward()``), written as code."""


# what a folded run of steps counts, by the phrase its steps name their operation with
_COUNTED = {spec.phrase: spec.counted for spec in FUNCTIONS.values() if spec.counted}


def counted(phrase: str, n: int) -> str:
    """``n`` of an operation, as a folded run counts them: ``3 additions``.

    >>> counted("a conversion to float32", 2), counted("addition", 1)
    ('2 conversions to float32', '1 addition')
    """
    if phrase not in _COUNTED:  # an operation that seldom hands a gradient on unchanged
        return i18n.gettext("{n} × {operation}", n=i18n.number(n), operation=i18n.translate(phrase))
    return i18n.gettext("{n} {operations}", n=i18n.number(n), operations=_COUNTED[phrase](n))


def _spaced(run: str, words) -> str:
    """``run`` written by ``words``, its leading and trailing spaces kept outside."""
    core = run.strip(" ")
    if not core:
        return run
    start = run.index(core)
    return run[:start] + words(core) + run[start + len(core) :]


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
        return i18n.translate(_OMITTED[self.spent or "time"])


_OMITTED = {  # why the steps past a RenderLimit are not shown
    "size": N_(
        "The remaining steps are not shown: they would make this answer too long to read. "
        "The closed forms, values and verdicts above cover every step."
    ),
    "steps": N_(
        "The remaining steps are not shown: there are too many of them. The closed forms, "
        "values and verdicts above cover every step."
    ),
    "time": N_(
        "The remaining steps are not shown: rendering them would take longer than the time "
        "budget. The closed forms, values and verdicts above cover every step."
    ),
}


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

    def code(self, s: str) -> str:
        """Code inside a sentence."""
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
        """Parts of a sentence one after another, a space between them (none next to a
        full-width mark: Chinese punctuation carries its own space)."""
        said = ""
        for part in filter(None, parts):
            apart = said and not (said.endswith(_FULL_WIDTH) or part.startswith(_FULL_WIDTH))
            said += " " + part if apart else part
        return said

    def name(self, node_id: str) -> str:
        return self.expr(sympy.Symbol(node_id))

    def named(self, node_id: str) -> str:
        """A node's name inside a sentence: math, as in the formulas around it."""
        return self.math(self.name(node_id))

    def gettext(self, message: str, **parts: str) -> str:
        """``message`` in the current language and in this format, as ``i18n.gettext`` fills
        it: its own words and ``Words`` parts written as words, other parts (math, nested
        sentences) as they are."""
        return self.fill(i18n.translate(message), self.words, parts)

    def fill(self, template: str, words, parts: dict[str, str]) -> str:
        """``template``'s placeholders filled with ``parts``; each run of text between the
        written parts goes through ``words`` whole (``\\text{…}`` holds a phrase, not a word),
        the spaces around it left outside."""
        out, run = [], ""
        for k, piece in enumerate(_HOLE.split(template)):
            part = parts[piece] if k % 2 else piece
            if not k % 2 or isinstance(part, Words):
                run += part
                continue
            out += [_spaced(run, words), self.code(part) if isinstance(part, Code) else part]
            run = ""
        return "".join([*out, _spaced(run, words)])

    def clauses(self, said: list[str]) -> str:
        """Clauses one after another, as the current language separates them: ``a; b``."""
        joined = said[0]
        for clause in said[1:]:
            joined = self.gettext("{clauses}; {clause}", clauses=joined, clause=clause)
        return joined

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
        if use.edge.target == use.root and (local := local_form(use.edge).expr) is not None:
            # the root's own partial: ∂L/∂node alone would read as the whole gradient
            product = self.factor(local)
        else:
            d_target = self.d(use.root, use.edge.target) if use.edge.target != use.root else ""
            product = self.times.join(p for p in (d_target, self.d(use.edge.target, node)) if p)
        if use.copies <= 1:
            return product
        return self.fill(
            i18n.translate(N_("Σ over {n} copies of {product}")),
            self.math_words,
            {"n": Words(i18n.number(use.copies)), "product": product},
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
        upstream = self.math(self.eq(self.d(s.root, s.root), *self.quantity(s.upstream)))
        if s.given:
            return self.gettext(
                "{call}: a vector-Jacobian product; the given gradient is the upstream, {upstream}",
                call=Code(f"{s.root}.backward(gradient)"),
                upstream=upstream,
            )
        return self.gettext(
            "{call} starts from {upstream}", call=Code(f"{s.root}.backward()"), upstream=upstream
        )

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
        head = self.edge_head(e)
        if e.matrix is not None:
            matrices = sorted(e.matrix.atoms(sympy.MatrixSymbol), key=str)
            shapes = ", ".join(f"{m.name}: {m.rows}×{m.cols}" for m in matrices)
            body = self.gettext(
                "in matrix form, the gradient of {source} is {form} where G is the gradient of "
                "{target} ({shapes}; the result is {shape}, checked element by element)",
                source=self.named(e.source),
                form=self.math(self.expr(e.matrix)),
                target=self.named(e.target),
                shapes=Words(shapes),
                shape=Words(f"{e.matrix.rows}×{e.matrix.cols}"),
            )
        elif e.derivative.expr is None:
            body = self.gettext("its Jacobian is worked element by element")
        else:
            body = self.math(self.eq(self.d(e.target, e.source), *self.quantity(local_form(e))))
            if e.reduction == "mean":
                body = self.gettext(
                    "{derivative} for each of the {n} elements (1/N)",
                    derivative=body,
                    n=Words(i18n.number(e.count)),
                )
            elif e.reduction == "sum":
                body = self.gettext(
                    "{derivative} for each of the {n} summed elements",
                    derivative=body,
                    n=Words(i18n.number(e.count)),
                )
        kink = ""
        if e.kink:
            kink = self.gettext(
                "(at the kink: {convention})", convention=Words(i18n.translate(e.kink))
            )
        return self.line(head, body, kink)

    def edge_head(self, e: st.EdgeDerivative) -> str:
        """``y = x2·w2 (multiplication); by the product rule:``, what the local derivative
        after it comes from."""
        definition = self.math(self.eq(self.name(e.target), self.spelled(e)))
        operation = Words(i18n.translate(e.phrase))
        if not e.rule:
            return self.gettext(
                "{definition} ({operation}):", definition=definition, operation=operation
            )
        return self.gettext(
            "{definition} ({operation}); by the {rule}:",
            definition=definition,
            operation=operation,
            rule=Words(i18n.translate(e.rule)),
        )

    def _print_Use(self, u: st.Use) -> str:
        node = u.path[-1]
        op, written = u.edge.written or ("", ())
        positions = [k for k, a in enumerate(written) if str(a) == node]
        operand = Words(i18n.number(u.edge.position + 1))
        if len(positions) < 2:
            said = self.gettext("through {edge}", edge=self.doprint(u.edge))
        elif u.edge.position == positions[0] or op not in _SYMMETRIC:
            said = self.gettext(
                "through operand {k} of {edge}", k=operand, edge=self.doprint(u.edge)
            )
        else:  # y·y: the second use is the first again, with the operands' roles swapped
            said = self.gettext(
                "through operand {k} of {definition}: the same as through operand {first}",
                k=operand,
                definition=self.math(self.eq(self.name(u.edge.target), self.spelled(u.edge))),
                first=Words(i18n.number(positions[0] + 1)),
            )
        if u.copies > 1:
            copies = self.gettext(
                "(broadcast sum: {node}'s {n} copies' gradients add up)",
                node=self.named(node),
                n=Words(i18n.number(u.copies)),
            )
            said = self.line(said, copies)
        if u.terms == 1:  # the node's own line says what it contributes
            return said
        product = self.in_symbols((u,)) if not self.by_value(u.result) else None
        if product is None:
            product = self.named_use(u, node, symbolic=False)
        return self.gettext(
            "{use}; contributes {product}", use=said, product=self.math(self.eq(*product))
        )

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
        return self.gettext(
            "{node} is used {n} times; their contributions add up: {gradient}",
            node=self.named(n.node),
            n=Words(i18n.number(len(n.uses))),
            gradient=result,
        )

    def _print_PassThrough(self, p: st.PassThrough) -> str:
        phrases: dict[str, int] = {}
        for node in p.steps:
            phrase = node.uses[0].edge.phrase
            phrases[phrase] = phrases.get(phrase, 0) + 1
        shown = [self.d(p.root, node.node) for node in p.steps]
        if len(shown) > 3:
            shown = [shown[0], shown[1], self.math_words("…"), shown[-1]]
        gradients = self.math(self.eq(*shown, *self.quantity(p.result)))
        n = Words(i18n.number(len(p.steps)))
        (phrase, *others) = phrases
        if not others and phrase in _COUNTED:
            return self.gettext(
                "… {n} more {operations} pass the gradient through unchanged: {gradients}",
                n=n,
                operations=Words(_COUNTED[phrase](len(p.steps))),
                gradients=gradients,
            )
        kinds = [counted(phrase, k) for phrase, k in phrases.items()]
        return self.gettext(
            "… {n} more steps pass the gradient through unchanged ({operations}): {gradients}",
            n=n,
            operations=Words(listed(kinds)),
            gradients=gradients,
        )

    def _print_Cut(self, c: st.Cut) -> str:
        source, target = self.named(c.source), self.named(c.target)
        if c.reason == GRADIENT:
            return self.gettext(
                "{source} → {target}: {target} is a gradient (torch.autograd.grad), not a "
                "function of {source} along this edge, so no gradient flows back to {source} "
                "through it; {target} depends on what its own graph reaches",
                source=source,
                target=target,
            )
        if c.in_place:
            return self.gettext(
                "{source} → {target}: {target} is {source} changed in place where autograd "
                "records nothing (under {no_grad}, or through {data} or {detach}), so no "
                "gradient flows back to {source} through the change",
                source=source,
                target=target,
                no_grad=Code("no_grad()"),
                data=Code(".data"),
                detach=Code("detach()"),
            )
        return self.gettext(
            "{source} → {target} is cut by {how}: {target} is a constant, so no gradient flows "
            "back to {source} through it",
            source=source,
            target=target,
            how=Code("detach()" if c.reason == "detach" else "no_grad()"),
        )

    def _print_Derivation(self, d: st.Derivation) -> str:
        call, root = Words(str(d.call)), self.named(d.start.root)
        if d.line:
            return self.gettext(
                "backward call {call} (line {line}), from {root}",
                call=call,
                line=Words(str(d.line)),
                root=root,
            )
        return self.gettext("backward call {call}, from {root}", call=call, root=root)

    def _print_Accumulation(self, a: st.Accumulation) -> str:
        parts = [self.paren(self.eq(*self.quantity(c))) for c in a.contributions]
        total = self.math(self.eq(self.plus.join(parts), self.num(a.total.value)))
        if len(parts) == 1:  # one call, reaching an earlier version: no sum to write
            total = self.math(self.eq(*self.quantity(a.contributions[0])))
        grad = Code(f"{a.leaf}.grad")
        earlier = list(dict.fromkeys(v for v in a.reached if v != a.leaf))
        if earlier:
            return self.gettext(
                "{grad} holds what the backward calls sent to this tensor, also as {earlier} "
                "before it was changed in place: {total}; a tensor keeps one .grad across its "
                "in-place changes, adding up until it is zeroed",
                grad=grad,
                earlier=listed([self.named(v) for v in earlier]),
                total=total,
            )
        return self.gettext(
            "{grad} accumulates over {n} backward calls: {total}",
            grad=grad,
            n=Words(i18n.number(len(parts))),
            total=total,
        )

    def _print_GradChanged(self, c: st.GradChanged) -> str:
        if c.to == c.NONE:
            what = self.gettext("set to None")
        elif c.to == c.ZERO:
            what = self.gettext("zeroed")
        elif c.now is not None:
            what = self.gettext("changed to {value}", value=self.math(self.num(c.now)))
        else:
            what = self.gettext("changed to other numbers")
        when = (
            self.gettext("before {leaf} was changed in place", leaf=self.named(c.leaf))
            if c.replaced
            else self.gettext("before the program ended")
        )
        return self.gettext(
            "after backward call {call}, {grad} was {what} {outside}, {when}; the check below "
            "takes {grad} as that call left it",
            call=Words(i18n.number(c.call)),
            grad=Code(f"{c.leaf}.grad"),
            what=what,
            outside=self.outside_backward(c.lines),
            when=when,
        )

    def outside_backward(self, lines: tuple[int, ...]) -> str:
        """``outside backward (lines 5, 8)``: where the program changed a ``.grad``."""
        if not lines:
            return self.gettext("outside backward")
        said = i18n.ngettext(
            "line {lines}", "lines {lines}", len(lines), lines=listed([str(n) for n in lines])
        )
        return self.gettext("outside backward ({lines})", lines=Words(said))

    def _print_GradHeld(self, h: st.GradHeld) -> str:
        parts = {
            "call": Words(i18n.number(h.call)),
            "grad": Code(f"{h.leaf}.grad"),
            "outside": self.outside_backward(h.lines),
        }
        if h.total is None:
            return self.gettext(
                "before backward call {call}, {grad} already held numbers put there {outside}; "
                "backward adds to them, so the check below compares {grad} with them plus the "
                "gradient",
                **parts,
            )
        total = self.eq(self.plus.join([self.num(h.held), self.num(h.gradient)]), self.num(h.total))
        return self.gettext(
            "before backward call {call}, {grad} already held {held}, put there {outside}; "
            "backward adds to it, so the check below compares {grad} with {total}",
            held=self.math(self.num(h.held)),
            total=self.math(total),
            **parts,
        )

    def definitions(self, pairs: tuple) -> str:
        """``t1 = x1*w1, t2 = t1*w2``: names and what they stand for."""
        return ", ".join(self.math(self.eq(self.expr(k), self.expr(v))) for k, v in pairs)

    def _print_Definitions(self, d: st.Definitions) -> str:
        return self.gettext("where {definitions}", definitions=self.definitions(d.definitions))

    def _print_Substitution(self, s: st.Substitution) -> str:
        return self.gettext(
            "substitute {definitions}: {result}",
            definitions=self.definitions(s.definitions),
            result=self.math(self.eq(self.expr(s.before), self.expr(s.after))),
        )

    def _print_Simplification(self, s: st.Simplification) -> str:
        return self.gettext(
            "simplified: {result}",
            result=self.math(self.eq(self.expr(s.before), self.expr(s.after))),
        )

    def _print_Evaluation(self, e: st.Evaluation) -> str:
        value = self.math(self.eq(self.expr(e.expr), self.num(e.value)))
        if not e.at:
            return self.gettext("a constant: {value}", value=value)
        at = ", ".join(self.math(self.eq(self.expr(k), self.num(v))) for k, v in e.at)
        return self.gettext("at {values}: {value}", values=at, value=value)

    def verdict(self, c: st.Check, engine: str) -> str:
        """What the engine's number and the closed form's say together: the verdict, or why
        there is none (``engine`` names the engine's number)."""
        closed = self.math(self.num(st.plain(c.value)))
        values = {
            "engine": Words(engine),
            "value": self.math(self.num(st.plain(c.engine))),
            "compared": self.gettext("closed form = {closed}", closed=closed)
            if c.held is None
            else self.gettext(
                "what it held + closed form = {held} + {closed}",
                held=self.math(self.num(c.held)),
                closed=closed,
            ),
        }
        if c.agrees is None:
            reason = Words(c.reason or "")
            if c.value is None or c.engine is None:
                return self.gettext("no verdict: {reason}", reason=reason)
            return self.gettext(
                "{engine} = {value}, {compared}: no verdict: {reason}",
                reason=reason,
                **values,
            )
        if c.engine is None:  # too many numbers to send: the verdict compared every one
            return self.gettext(
                N_(
                    "{engine} and the closed form agree on every number (largest difference "
                    "{difference}, allowed {tolerance})"
                )
                if c.agrees
                else N_(
                    "{engine} and the closed form differ (largest difference {difference}, "
                    "allowed {tolerance})"
                ),
                engine=values["engine"],
                difference=self.math(self.num(c.max_difference)),
                tolerance=Words(c.tolerance),
            )
        return self.gettext(
            N_(
                "{engine} = {value}, {compared}: agrees (largest difference {difference}, "
                "allowed {tolerance})"
            )
            if c.agrees
            else N_(
                "{engine} = {value}, {compared}: differs (largest difference {difference}, "
                "allowed {tolerance})"
            ),
            difference=self.math(self.num(c.max_difference)),
            tolerance=Words(c.tolerance),
            **values,
        )

    def witness(self, c: st.Check, of: str) -> str:
        """What central differences (of ``of``, when it is said) witness, or why they are no
        witness here; "" when they say nothing."""
        numerical = self.math(self.num(st.plain(c.numerical)))
        if c.agrees_numerical is not None:
            agree = c.agrees_numerical
            if c.against_engine:  # no closed form: they check the engine's .grad alone
                return self.gettext(
                    N_("central differences (float64) agree with the engine's .grad")
                    if agree
                    else N_(
                        "central differences (float64) differ from the engine's .grad: {numerical}"
                    ),
                    numerical=numerical,
                )
            if of:
                return self.gettext(
                    N_("central differences of {of} (float64) agree: {numerical}")
                    if agree
                    else N_("central differences of {of} (float64) differ: {numerical}"),
                    of=Words(of),
                    numerical=numerical,
                )
            if c.numerical is None:
                return self.gettext(
                    N_("central differences (float64) agree")
                    if agree
                    else N_("central differences (float64) differ")
                )
            return self.gettext(
                N_("central differences (float64) agree: {numerical}")
                if agree
                else N_("central differences (float64) differ: {numerical}"),
                numerical=numerical,
            )
        if c.numerical_reason:
            return self.gettext(
                "central differences are no witness here: {reason}",
                reason=Words(c.numerical_reason),
            )
        return ""

    def checked(self, c: st.Check, engine: str, of: str = "") -> str:
        """The verdict and, after it, what central differences witness."""
        witness = self.witness(c, of)
        return self.clauses([self.verdict(c, engine), *([witness] if witness else [])])

    def _print_Check(self, c: st.Check) -> str:
        return self.checked(c, i18n.gettext("engine .grad"))

    def d2(self, root: str, first: str, second: str) -> str:
        """∂²root/∂first∂second in the program's names (a square on the diagonal)."""
        return self.second_partial(
            self.name(root), self.name(first), None if first == second else self.name(second)
        )

    def _print_Differentiation(self, d: st.Differentiation) -> str:
        return self.gettext(
            "{first}; differentiate with respect to {second}: {result}",
            first=self.math(self.eq(self.d(d.root, d.first), *self.quantity(d.derivative))),
            second=self.named(d.second),
            result=self.math(self.eq(self.d2(d.root, d.first, d.second), self.expr(d.result))),
        )

    def _print_HessianCheck(self, c: st.HessianCheck) -> str:
        return self.checked(
            c,
            i18n.gettext("engine (create_graph=True)"),
            i18n.gettext("the engine's first derivative"),
        )

    def _print_ProgramWarning(self, w) -> str:
        return self.gettext(
            "line {line}: {category}: {warning}",
            line=Words(str(w.line)),
            category=Words(w.category),
            warning=Words(w.message),
        )

    def _print_NoGradient(self, n: st.NoGradient) -> str:
        none = Code(f"{n.leaf}.grad is None")  # PyTorch's words for it, as a program tests it
        if not n.cuts:
            said = self.gettext(
                "{none}: no backward call reached {node}", none=none, node=self.named(n.leaf)
            )
        else:
            cuts = self.clauses([self.doprint(c) for c in n.cuts])
            said = self.gettext("{none}: {cuts}", none=none, cuts=cuts)
        if not n.returned:
            return said
        parts = {
            "names": listed([self.named(r.name) for r in n.returned]),
            "grad": Code(f"{n.leaf}.grad"),
        }
        if len(n.returned) == 1:
            returned = self.gettext(
                "torch.autograd.grad returned its gradient as {names} instead "
                "(it never writes {grad})",
                **parts,
            )
        else:
            returned = self.gettext(
                "torch.autograd.grad returned its gradients as {names} instead "
                "(it never writes {grad})",
                **parts,
            )
        return self.clauses([said, returned, *map(self.doprint, n.returned)])

    def _print_Returned(self, r: st.Returned) -> str:
        sides = [self.name(r.name), self.d(r.output, r.leaf)]
        engine = i18n.gettext("the engine's {name}", name=r.name)
        verdict = self.verdict(r.check, engine)
        if r.weights is not None:  # Σ v·∂y/∂x: a vector-Jacobian product
            gradient = self.math(self.eq(*sides))
            weighted = self.gettext(
                "{gradient} weighted by grad_outputs = {weights}",
                gradient=gradient,
                weights=self.math(self.num(r.weights)),
            )
            if r.expr is None:
                return self.gettext("{gradient}: {verdict}", gradient=weighted, verdict=verdict)
            return self.gettext(
                "{gradient} is {form}: {verdict}",
                gradient=weighted,
                form=self.math(self.expr(r.expr)),
                verdict=verdict,
            )
        if r.expr is not None:
            sides.append(self.expr(r.expr))
        return self.gettext(
            "{gradient}: {verdict}", gradient=self.math(self.eq(*sides)), verdict=verdict
        )

    def _print_LeafGradient(self, g) -> str:
        if g.symbolic is None:
            return self.words(g.note or "")
        return self.math(self.expr(g.symbolic))


def listed(items: list[str]) -> str:
    """Items in a list, as the current language separates them: ``a, b, c``."""
    said, *rest = items or [""]
    for item in rest:
        said = i18n.gettext("{items}, {item}", items=said, item=item)
    return said
