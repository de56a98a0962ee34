"""The five worksheet levels, each a clear step up, and the scalar drafts of levels 1-3.

A level names what it practises, how often it asks each kind of question, and the function
that drafts its problems from a ``random.Random``. Levels 4 and 5 (tensors, layers and
PyTorch semantics) draft programs in ``tutor.worksheet.tensor_levels``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .. import i18n
from ..i18n import N_
from . import tensor_levels
from .drafts import Draft, Tree, combine, formula_draft, operations, program_draft, text

NAME_SETS = (
    ("x1", "w1", "w2"),
    ("x", "w", "b"),
    ("a", "b", "c"),
    ("u", "v", "w"),
    ("p", "q", "r"),
    ("x", "y", "z"),
)
CONSTANT_NAMES = ("Y", "k", "t", "c")
CHAIN_FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu")


def _names(rng: random.Random, count: int) -> list[str]:
    return list(rng.choice(NAME_SETS)[:count])


def _values(rng: random.Random, names: list[str], choices: tuple) -> dict[str, float]:
    return {n: rng.choice(choices) for n in names}


def _leaves(names: list[str]) -> list[Tree]:
    return [("name", n) for n in names]


def single_path(rng: random.Random) -> Draft:
    """Level 1: every leaf used once, joined by + - * with a constant or a number."""
    names = _names(rng, rng.randint(2, 3))
    constant = rng.choice([c for c in CONSTANT_NAMES if c not in names])
    items = _leaves(names)
    if rng.random() < 0.6:
        items.append(("name", constant))
    if len(items) < 3 or rng.random() < 0.4:
        items.append(("num", rng.randint(2, 5)))
    tree = combine(rng, items, "+-**")
    values = _values(rng, names, (-4, -3, -2, -1, 1, 2, 3, 4, 5))
    return formula_draft(tree, values, {constant: rng.randint(1, 10)})


def forks(rng: random.Random) -> Draft:
    """Level 2: a leaf used twice, or an intermediate used twice (a diamond); ÷ and powers."""
    if rng.random() < 0.5:
        names = _names(rng, rng.randint(2, 3))
        items = [*_leaves(names), ("name", rng.choice(names))]
        if rng.random() < 0.5:
            items.append(("num", rng.randint(2, 4)))
        if rng.random() < 0.4:
            k = rng.randrange(len(names) + 1)  # a name, never a number
            items[k] = ("**", items[k], rng.choice((2, 3)))
        tree = combine(rng, items, "+-*/")
        return formula_draft(tree, _values(rng, names, (-3, -2, -1, 1, 2, 3)), {})
    names = _names(rng, 2)
    shared = "h" if "u" in names else "u"
    inner = combine(rng, [*_leaves(names), *([("num", 2)] if rng.random() < 0.3 else [])], "+-*")
    uses: list[Tree] = [("name", shared), ("name", shared)]
    uses += rng.choice(([], [("num", rng.randint(2, 3))], [("name", names[0])]))
    if rng.random() < 0.3:
        uses[0] = ("**", uses[0], 2)
    outer = combine(rng, uses, "+-*/")
    body = [f"{shared} = {text(inner)}", f"L = {text(outer)}", "L.backward()"]
    return program_draft(_values(rng, names, (-2, -1, 1, 2, 3)), {}, body)


def chains(rng: random.Random) -> Draft:
    """Level 3: exp/log/sin/cos/tanh/sigmoid/relu in a chain of 3-6 operations."""
    names = _names(rng, rng.randint(1, 3))
    items = _leaves(names) + ([("num", rng.randint(2, 3))] if len(names) == 1 else [])
    tree = combine(rng, items, "+-*")
    target, last = rng.randint(3, 6), None
    while operations(tree) < target:
        if last in (None, "scale") or rng.random() < 0.65:  # never two scalings in a row
            last = rng.choice([f for f in CHAIN_FUNCTIONS if f != last])
            tree = ("call", last, tree)
        else:
            last = "scale"
            tree = (rng.choice("*+"), ("num", rng.randint(2, 3)), tree)
    return formula_draft(tree, _values(rng, names, (-1.5, -1, -0.5, 0.5, 1, 1.5, 2)), {})


@dataclass(frozen=True)
class Level:
    """What a level practises, how often it asks each question kind, how it drafts.

    ``name`` and ``summary`` are the English messages; ``title`` and ``description`` say them
    in the current language.
    """

    number: int
    name: str
    summary: str  # may name {functions} and {last}: the chain functions of level 3
    kinds: tuple[tuple[str, int], ...]  # (question kind, weight)
    draft: Callable[[random.Random], Draft]

    @property
    def title(self) -> str:
        """What the level practises, in a few words."""
        return i18n.translate(self.name)

    @property
    def description(self) -> str:
        """What the level practises, in a sentence."""
        return i18n.gettext(
            self.summary, functions=", ".join(CHAIN_FUNCTIONS[:-1]), last=CHAIN_FUNCTIONS[-1]
        )


LEVELS: dict[int, Level] = {
    level.number: level
    for level in (
        Level(
            1,
            N_("Single paths"),
            N_(
                "Scalar formulas where every leaf is used once — one path from each leaf to L "
                "through +, − and × and constants (the Y − x1·w1·w2 kind)."
            ),
            (("closed_form", 4), ("value", 3), ("graph", 3)),
            single_path,
        ),
        Level(
            2,
            N_("Forks and reuse"),
            N_(
                "A value used twice (y*y) or a shared intermediate (a diamond): the gradient is "
                "the sum over paths; with division and powers."
            ),
            (("closed_form", 4), ("value", 3), ("graph", 3)),
            forks,
        ),
        Level(
            3,
            N_("Function chains"),
            N_(
                "{functions} and {last} in chains of 3–6 operations: one local derivative per link."
            ),
            (("closed_form", 4), ("value", 3), ("graph", 3)),
            chains,
        ),
        Level(
            4,
            N_("Tensors"),
            N_(
                "Elementwise graphs on vectors and matrices with mean and sum, broadcasting, and "
                "backward with a gradient argument — the tutorial's graphs."
            ),
            (("closed_form", 2), ("value", 4), ("output", 4)),
            tensor_levels.tensors,
        ),
        Level(
            5,
            N_("Layers and PyTorch semantics"),
            N_(
                "Matrix-product layers and their gradients in matrix form (Xᵀ G), detach() and "
                "no_grad() cuts, gradients accumulating over two backward calls, and .grad of "
                "leaves versus non-leaves."
            ),
            (("value", 3), ("output", 5), ("matrix_form", 2)),
            tensor_levels.semantics,
        ),
    )
}
