"""The classic wrong answers for one gradient, each with what went wrong.

A gradient is the sum over the paths from the leaf to the root of the product of the local
derivatives along each path (``tutor.symbolic.nodes`` gives each edge's rule from the table). A
student's mistake is one change to that sum: the opposite sign, the gradient of another
leaf, a path left out where a value forks, the 1/N of a mean left out, one local derivative
left out or replaced by a classic wrong one (``LOCAL_MISTAKES``). Each candidate is a
closed form in the leaves' names, so it can be compared with an answer as a formula or,
evaluated, as a number. Path candidates are only offered when the path sum, substituted,
agrees with the closed form the tutor derived (checked by the caller's domain).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from .. import i18n
from ..graph import Edge
from ..i18n import N_
from ..symbolic.nodes import SLOTS, SymbolicGraph, Unsupported

MAX_PATHS = 64  # beyond this many paths, path-by-path diagnosis is not attempted

_u, _v = SLOTS[0], SLOTS[1]
# table key -> operand position -> ((a wrong local derivative in SLOTS, what is wrong), ...);
# what is wrong is translated where it is said
LOCAL_MISTAKES: dict[str, dict[int, tuple[tuple[sympy.Expr, str], ...]]] = {
    "mul": {
        0: ((_u, N_("the factor itself, not the other factor")),),
        1: ((_v, N_("the factor itself, not the other factor")),),
    },
    "div": {
        0: ((_v, N_("multiplying by the denominator instead of dividing by it")),),
        1: (
            (_u / _v**2, N_("without the minus sign: d(u/v)/dv = -u/v**2")),
            (1 / _v, N_("as if dividing were multiplying: d(u/v)/dv = -u/v**2")),
        ),
    },
    "pow": {
        0: (
            (_v * _u**_v, N_("the exponent not lowered: d(u**n)/du = n*u**(n - 1)")),
            (_u ** (_v - 1), N_("the factor n left out: d(u**n)/du = n*u**(n - 1)")),
        )
    },
    "sin": {0: ((-sympy.cos(_u), N_("d sin(u)/du = cos(u), without a minus sign")),)},
    "cos": {0: ((sympy.sin(_u), N_("d cos(u)/du = -sin(u), with a minus sign")),)},
    "tanh": {
        0: (
            (1 - sympy.tanh(_u), N_("d tanh(u)/du = 1 - tanh(u)**2: the tanh is squared")),
            (sympy.tanh(_u) ** 2, N_("d tanh(u)/du = 1 - tanh(u)**2, not tanh(u)**2")),
        )
    },
    "sigmoid": {
        0: ((1 / (1 + sympy.exp(-_u)), N_("d sigmoid(u)/du = sigmoid(u)*(1 - sigmoid(u))")),)
    },
    "log": {0: ((sympy.log(_u), N_("d log(u)/du = 1/u")),)},
    "exp": {0: ((_u * sympy.exp(_u), N_("d exp(u)/du = exp(u), with no extra factor u")),)},
    "sqrt": {0: ((1 / sympy.sqrt(_u), N_("d sqrt(u)/du = 1/(2*sqrt(u)): the 1/2 is missing")),)},
}


@dataclass(frozen=True)
class Mistake:
    """A wrong answer a student is likely to give, in the leaves' names, and what went wrong."""

    code: str  # "sign_error" | "other_leaf" | "missing_path" | "missing_mean" | "wrong_local"
    message: str
    expr: sympy.Expr


def one_call(k: int) -> str:
    """What is wrong with the contribution of backward call ``k`` (0-based) alone."""
    return i18n.gettext(
        "that is what backward call {k} alone contributes; .grad adds up the contributions of "
        "every backward call until it is zeroed",
        k=k + 1,
    )


class PathSum:
    """One leaf's gradient as a sum over paths, for one backward call."""

    def __init__(self, sg: SymbolicGraph, leaf: str, call_index: int = 0) -> None:
        self.sg, self.leaf = sg, leaf
        call = sg.graph.backward_calls[call_index]
        self.root, self.upstream = call.root, sg.upstream(call)
        self.paths = _paths(sg, leaf, self.root)
        self.rule = {sg.symbols[i]: sg.expression(i) for i in sg.expansions().values()}

    def total(self, local: Callable[[Edge], sympy.Expr], paths=None) -> sympy.Expr:
        """The sum over ``paths`` (default: all) of products of ``local(edge)``, in leaf names."""
        terms = [
            sympy.Mul(*(local(e) for e in p)) for p in (self.paths if paths is None else paths)
        ]
        return (self.upstream * sympy.Add(*terms)).xreplace(self.rule)

    def local(self, edge: Edge) -> sympy.Expr:
        """The table's local derivative along ``edge``, in the intermediate names."""
        return self.sg.local(edge).expr

    def name(self, node_id: str) -> str:
        """``t2`` with its definition, ``t2 = sin(t1)``, or a leaf's own name."""
        definition = self.sg.definition(node_id)
        return node_id if definition is None else f"{node_id} = {definition}"

    def edges(self) -> list[Edge]:
        """Every edge on some path, in graph order."""
        return [e for e in self.sg.graph.edges if any(e in p for p in self.paths)]


def _flows(sg: SymbolicGraph, e: Edge) -> bool:
    if not sg.has_local_derivative(e):
        return False
    try:
        return sg.local(e).expr is not None and sg.local(e).reduction is not None
    except Unsupported:
        return False


def _paths(sg: SymbolicGraph, leaf: str, root: str) -> list[tuple[Edge, ...]]:
    """Every path of gradient-carrying edges from ``leaf`` to ``root`` (none past MAX_PATHS)."""
    found: list[tuple[Edge, ...]] = []
    stack: list[tuple[str, tuple[Edge, ...]]] = [(leaf, ())]
    while stack:
        node, path = stack.pop()
        if node == root:
            found.append(path)
            if len(found) > MAX_PATHS:
                return []
            continue
        stack.extend((e.target, path + (e,)) for e in reversed(sg.uses[node]) if _flows(sg, e))
    return found


def likely_mistakes(
    sg: SymbolicGraph,
    leaf: str,
    expected: sympy.Expr,
    others: dict[str, sympy.Expr],
    same: Callable[[sympy.Expr, sympy.Expr], bool],
    counted: tuple[int, ...] = (),
) -> list[Mistake]:
    """The classic wrong answers for ∂root/∂leaf, most telling first (none equal to it).

    ``others`` are the other leaves' closed forms; ``same`` decides equality of two forms;
    ``counted`` are the backward calls the leaf's ``.grad`` sums (a reset drops earlier ones).
    """
    root = sg.graph.backward_calls[-1].root
    minus = {sg.nodes[n].op for n in sg.downstream(leaf)} & {"sub", "neg"}
    if minus:
        negative = N_(
            "the answer is the negative of ∂{root}/∂{leaf}: check the sign of each local "
            "derivative (for a - b, ∂/∂b = -1)"
        )
    else:
        negative = N_(
            "the answer is the negative of ∂{root}/∂{leaf}: check the sign of each local derivative"
        )
    out = [Mistake("sign_error", i18n.gettext(negative, root=root, leaf=leaf), -expected)]
    out += [
        Mistake(
            "other_leaf",
            i18n.gettext(
                "that is ∂{root}/∂{other}, the gradient of another leaf; the question asks for "
                "∂{root}/∂{leaf}",
                root=root,
                other=other,
                leaf=leaf,
            ),
            expr,
        )
        for other, expr in others.items()
    ]
    calls = len(sg.graph.backward_calls)
    if calls == 1:
        ps = PathSum(sg, leaf)
        if ps.paths and same(ps.total(ps.local), expected):
            out += path_mistakes(ps)
    for k in counted if len(counted) > 1 else ():
        for version in sg.graph.versions(leaf):  # one .grad over the tensor's versions
            ps = PathSum(sg, version, k)
            if ps.paths:
                out.append(Mistake("missing_accumulation", one_call(k), ps.total(ps.local)))
    return [m for m in out if not same(m.expr, expected)]


def path_mistakes(ps: PathSum) -> list[Mistake]:
    """Forgotten forks, a forgotten 1/N, and local derivatives left out or wrong."""
    out: list[Mistake] = []
    sg = ps.sg
    for e in ps.edges():
        uses = [u for u in sg.uses[e.source] if any(u in p for p in ps.paths)]
        if len(uses) > 1:
            kept = [p for p in ps.paths if e not in p]
            others = ", ".join(f"{e.source} → {u.target}" for u in uses)
            out.append(
                Mistake(
                    "missing_path",
                    i18n.gettext(
                        "{node} is used {n} times ({uses}) and the answer leaves out the path "
                        "through {through}: every path from {node} to {root} adds its own term "
                        "(sum over paths)",
                        node=e.source,
                        n=len(uses),
                        uses=others,
                        through=ps.name(e.target),
                        root=ps.root,
                    ),
                    ps.total(ps.local, kept),
                )
            )
    for e in ps.edges():
        local = sg.local(e)
        if local.reduction == "mean":
            out.append(
                Mistake(
                    "missing_mean",
                    i18n.gettext(
                        "the answer misses the 1/N of the mean: {mean} averages N = {n} "
                        "elements, so ∂{target}/∂{source} = 1/{n}",
                        mean=ps.name(e.target),
                        n=local.count,
                        target=e.target,
                        source=e.source,
                    ),
                    ps.total(lambda x, e=e, n=local.count: ps.local(x) * (n if x == e else 1)),
                )
            )
        elif local.expr != 1:
            out.append(
                Mistake(
                    "wrong_local",
                    i18n.gettext(
                        "the answer leaves out the local derivative ∂{target}/∂{source} = "
                        "{local} (where {definition}): the chain rule multiplies every factor "
                        "along the path",
                        target=e.target,
                        source=e.source,
                        local=local.expr,
                        definition=ps.name(e.target),
                    ),
                    ps.total(lambda x, e=e: 1 if x == e else ps.local(x)),
                )
            )
        out.extend(_wrong_rules(ps, e))
    return out


def _wrong_rules(ps: PathSum, e: Edge) -> list[Mistake]:
    sg = ps.sg
    spec = sg.spec(e.target)
    operands = sg.operands(e.target)
    slots = {s: sg.symbols[i] for s, i in zip(SLOTS, operands, strict=False)}
    out = []
    for wrong, why in LOCAL_MISTAKES.get(spec.key, {}).get(e.position, ()):
        used = wrong.xreplace(slots)
        out.append(
            Mistake(
                "wrong_local",
                i18n.gettext(
                    "the local derivative ∂{target}/∂{source} (where {definition}) looks wrong: "
                    "the answer uses {used} instead of {right}; {why}",
                    target=e.target,
                    source=e.source,
                    definition=ps.name(e.target),
                    used=used,
                    right=ps.local(e),
                    why=i18n.translate(why),
                ),
                ps.total(lambda x, e=e, used=used: used if x == e else ps.local(x)),
            )
        )
    return out
