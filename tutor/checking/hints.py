"""A hint ladder for a wrong gradient: the rule or the paths, one local derivative, one upstream.

A gradient is the sum over the paths from the leaf to the root of the products of the local
derivatives along each path (``tutor.checking.mistakes.PathSum``). The ladder leads a student
back into that sum one rung at a time, starting where the diagnosed mistake is:

1. the rule or the paths: "x reaches L along two paths (x → t1 → L; x → L) …";
2. the local derivative of one edge, in the problem's names and its value at the given values;
3. the upstream value at that edge's end, ∂L/∂t, at the given values.

The edge is the one the mistake is about (a path left out, the 1/N of a mean, a minus sign),
else the first on the way from the leaf. A rung never states the answer: an edge whose local
derivative or upstream value equals the gradient (as a function or at the given values) is
passed over, and when every edge would say it, the ladder stops after the first rung.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import sympy

from .. import i18n
from ..explain import Explanation
from ..graph import Edge
from ..i18n import N_
from ..render import numbers
from ..steps import plain
from ..symbolic.evaluate import Unevaluable, evaluate
from ..symbolic.nodes import SymbolicGraph, Unsupported
from ..symbolic.witness import compare
from .equivalence import Domain, agree
from .feedback import VALUE_TOLERANCE
from .mistakes import PathSum

# "along two paths" reads better than 2 (translated where said)
COUNTS = {2: N_("two"), 3: N_("three"), 4: N_("four"), 5: N_("five")}


class _Said(Mapping[str, str]):
    """Messages by key, each in the language current when it is looked up."""

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages

    def __getitem__(self, key: str) -> str:
        return i18n.translate(self.messages[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)


# What a diagnosis says when the answer must stay hidden: the full messages name local
# derivatives and values, which for a one-edge gradient are the answer itself. The hints say
# the rest, each checked not to state it.
WITHOUT_ANSWER = _Said(
    {
        "sign_error": N_("Not quite: a sign is off somewhere."),
        "other_leaf": N_("Not quite: that is the gradient of another leaf."),
        "missing_path": N_("Not quite: a path from the leaf to the result is left out."),
        "missing_mean": N_("Not quite: the 1/N of a mean is left out."),
        "wrong_local": N_("Not quite: a local derivative is left out or wrong."),
        "missing_accumulation": N_(
            "Not quite: .grad adds up every backward call until it is zeroed."
        ),
        "not_equivalent": N_("Not quite: your answer is another function."),
        "value_not_closed_form": N_("Not quite: the question asks for the closed form, a formula."),
        "wrong_value": N_("Not quite: that is not the value."),
    }
)


def _at(expr: sympy.Expr, sg: SymbolicGraph) -> np.ndarray | None:
    try:
        value = evaluate(expr, sg.values)
    except (Unevaluable, ValueError):
        return None
    return value if np.all(np.isfinite(value)) else None


def _path(ps: PathSum, path: tuple[Edge, ...]) -> str:
    """``x → t1 → L``; an operand used twice by one operation says which use (``x * x``)."""

    def step(e: Edge) -> str:
        twice = sum(u.target == e.target for u in ps.sg.uses[e.source]) > 1
        if twice:
            return i18n.gettext("{node} (as operand {k})", node=e.target, k=e.position + 1)
        return e.target

    return " → ".join([ps.leaf, *(step(e) for e in path)])


class _Ladder:
    """The pieces one ladder is made of: the path sum, the gradient, and what would give it away."""

    def __init__(self, x: Explanation, wrt: str) -> None:
        self.sg = SymbolicGraph(x.graph)
        self.ps = PathSum(self.sg, wrt)
        g = x.gradient(wrt)
        self.expected = g.symbolic if isinstance(g.symbolic, sympy.Expr) else None
        self.value = np.asarray(g.value if g.value is not None else g.numeric, dtype=np.float64)
        self.domain = Domain(self.sg.values, self.value.shape)

    def upstream(self, node: str) -> sympy.Expr:
        """∂root/∂node in the leaves' names: the gradient that arrives at ``node``."""
        return PathSum(self.sg, node).total(self.ps.local)

    def gives_away(self, expr: sympy.Expr) -> bool:
        """Whether stating ``expr`` (in the leaves' names) or its value states the answer."""
        value = _at(expr, self.sg)
        if value is None or compare(value, self.value, VALUE_TOLERANCE)[0]:
            return True
        if self.expected is None:
            return False
        return agree(self.domain.values(expr), self.domain.values(self.expected)) is None

    def order(self, diagnosis: str) -> list[Edge]:
        """The path sum's edges, the ones the diagnosed mistake is about first."""
        edges, sg, ps = self.ps.edges(), self.sg, self.ps

        def forks(e: Edge) -> bool:
            return sum(any(u in p for p in ps.paths) for u in sg.uses[e.source]) > 1

        def negative(e: Edge) -> bool:
            value = _at(ps.local(e), sg)
            return value is not None and bool(np.all(value < 0))

        first = {
            "missing_path": lambda e: forks(e) and e != sg.uses[e.source][0],
            "missing_mean": lambda e: sg.local(e).reduction == "mean",
            "sign_error": negative,
        }.get(diagnosis, lambda e: False)
        return sorted(edges, key=lambda e: (not first(e), e.target == ps.root))

    def where(self, nodes) -> str:
        """``t1 = sin(x), t2 = x*t1``: the values on the way, each in the leaves' names."""
        inner = [n for n in dict.fromkeys(nodes) if n not in (self.ps.leaf, self.ps.root)]
        said = [f"{n} = {self.sg.expression(n)}" for n in inner if self.sg.spec(n) is not None]
        return i18n.gettext(", where {definitions}", definitions=", ".join(said)) if said else ""

    def rule(self, diagnosis: str) -> str:
        """Rung 1: how the leaf reaches the root, and the rule that combines it."""
        ps, paths = self.ps, self.ps.paths
        d = f"∂{ps.root}/∂{ps.leaf}"
        on_the_way = self.where(e.target for p in paths for e in p)
        if len(paths) > 1:
            count = COUNTS.get(len(paths))
            text = i18n.gettext(
                "{leaf} reaches {root} along {count} paths ({paths}{where}): {d} adds one term "
                "per path, each the product of the local derivatives along it.",
                leaf=ps.leaf,
                root=ps.root,
                count=str(len(paths)) if count is None else i18n.translate(count),
                paths="; ".join(_path(ps, p) for p in paths),
                where=on_the_way,
                d=d,
            )
        else:
            text = i18n.gettext(
                "{leaf} reaches {root} along one path ({path}{where}): {d} is the product of "
                "the local derivatives along it (the chain rule).",
                leaf=ps.leaf,
                root=ps.root,
                path=_path(ps, paths[0]),
                where=on_the_way,
                d=d,
            )
        means = [e for e in ps.edges() if self.sg.local(e).reduction == "mean"]
        if diagnosis == "missing_mean" and means:
            n = self.sg.local(means[0]).count
            text = i18n.sentences(
                text,
                i18n.gettext(
                    "{mean} is a mean of N = {n} elements: its local derivative has 1/{n}.",
                    mean=means[0].target,
                    n=n,
                ),
            )
        if diagnosis == "sign_error":
            text = i18n.sentences(text, i18n.gettext("Check the sign of each local derivative."))
        return text

    def local(self, e: Edge) -> str:
        """Rung 2: the local derivative along ``e``, in the leaves' names."""
        expr = self.ps.local(e).xreplace(self.ps.rule)
        return i18n.gettext(
            "Along {source} → {target}{where}: ∂{target}/∂{source} = {local}, which is {value} "
            "at the given values.",
            source=e.source,
            target=e.target,
            where=self.where([e.source, e.target]),
            local=expr,
            value=_said(_at(expr, self.sg)),
        )

    def arriving(self, e: Edge) -> str:
        """Rung 3: the upstream value at the end of ``e``."""
        ps = self.ps
        if e.target == ps.root:
            said = N_(
                "The gradient arriving at {target} from {root} (backward starts from it): "
                "∂{root}/∂{target} = {value} at the given values; the path's term multiplies it "
                "by ∂{target}/∂{source}."
            )
        else:
            said = N_(
                "The gradient arriving at {target} from {root}: ∂{root}/∂{target} = {value} at "
                "the given values; the path's term multiplies it by ∂{target}/∂{source}."
            )
        value = _said(_at(self.upstream(e.target), self.sg))
        return i18n.gettext(said, target=e.target, root=ps.root, value=value, source=e.source)


def _said(value: np.ndarray | None) -> str:
    return (
        i18n.gettext("not defined") if value is None else numbers.value(plain(np.round(value, 4)))
    )


def ladder(x: Explanation, wrt: str, diagnosis: str) -> tuple[str, ...]:
    """Up to three hints for a wrong answer to ∂root/∂wrt, none of which states the answer.

    Empty when the gradient is not a sum over paths of elementwise local derivatives (several
    backward calls, matrix products) or has no gradient at all.
    """
    if len(x.graph.backward_calls) != 1 or x.gradient(wrt) is None:
        return ()
    try:
        steps = _Ladder(x, wrt)
        if not steps.ps.paths:
            return ()
        hints = [steps.rule(diagnosis)]
        for e in steps.order(diagnosis):
            local = steps.ps.total(lambda d, e=e: steps.ps.local(d) if d == e else 1, [(e,)])
            if not steps.gives_away(local) and not steps.gives_away(steps.upstream(e.target)):
                return (*hints, steps.local(e), steps.arriving(e))
    except Unsupported:
        return ()
    return tuple(hints)
