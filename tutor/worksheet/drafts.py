"""Random problem drafts for worksheets: what to explain, as a formula or a small program.

A draft is only the input: ``tutor.worksheet.sheet`` explains it on the live tutor path and keeps
it when the answers come out clean. Formulas are built as small trees and printed with the
fewest brackets; programs are written line by line in the tutorial's vocabulary. Every
choice comes from the ``random.Random`` passed in, so a draft is a pure function of it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..explain.inputs import ExplainInput, make_input

Tree = tuple  # ("name", "x") | ("num", 2) | (op, left, right) | ("**", base, n) | ("call", f, arg)

_PRECEDENCE = {"name": 9, "num": 9, "call": 9, "**": 4, "*": 2, "/": 2, "+": 1, "-": 1}
_LITERAL = re.compile(r"\b\d+(\.\d+)?\b")  # an unsigned number a draft writes: 2, 0.5


@dataclass(frozen=True)
class Draft:
    """A problem's input, as the student reads it, and the leaves a question may ask about."""

    input: ExplainInput
    shown: str  # the formula (``L = Y - x1*w1*w2``) or the program
    given: str  # the values of a formula's names, ``x1 = 2, w1 = 5`` ("" for a program)
    leaves: tuple[str, ...]

    @property
    def structure(self) -> str:
        """The draft with its numbers masked: two drafts alike but for numbers share it."""
        return _LITERAL.sub("#", self.shown)


def text(tree: Tree) -> str:
    """A formula tree as Python text with the fewest brackets.

    >>> text(("-", ("name", "Y"), ("*", ("*", ("name", "x1"), ("name", "w1")), ("name", "w2"))))
    'Y - x1*w1*w2'
    >>> text(("/", ("name", "x"), ("+", ("name", "x"), ("num", 1))))
    'x/(x + 1)'
    >>> text(("**", ("+", ("name", "a"), ("num", 1)), 2))
    '(a + 1)**2'
    """
    kind = tree[0]
    if kind == "name":
        return tree[1]
    if kind == "num":
        return str(tree[1])
    if kind == "call":
        return f"{tree[1]}({text(tree[2])})"
    if kind == "**":
        base = text(tree[1])
        return f"{base if _PRECEDENCE[tree[1][0]] > 4 else f'({base})'}**{tree[2]}"
    op, left, right = tree
    p = _PRECEDENCE[op]
    lhs, rhs = text(left), text(right)
    if _PRECEDENCE[left[0]] < p:
        lhs = f"({lhs})"
    if _PRECEDENCE[right[0]] < p or (_PRECEDENCE[right[0]] == p and op in "-/"):
        rhs = f"({rhs})"
    spaced = f" {op} " if p == 1 else op
    return f"{lhs}{spaced}{rhs}"


def combine(rng: random.Random, items: list[Tree], ops: str) -> Tree:
    """Join trees two at a time with random operators until one is left (a random shape)."""
    items = list(items)
    while len(items) > 1:
        i, j = rng.sample(range(len(items)), 2)
        tree = (rng.choice(ops), items[i], items[j])
        items = [t for k, t in enumerate(items) if k not in (i, j)] + [tree]
    return items[0]


def operations(tree: Tree) -> int:
    """Operations in a tree (each operator, power and function once)."""
    if tree[0] in ("name", "num"):
        return 0
    if tree[0] in ("call", "**"):
        return 1 + operations(tree[2] if tree[0] == "call" else tree[1])
    return 1 + operations(tree[1]) + operations(tree[2])


def number(value: float) -> str:
    """A value as a program writes a float: ``2.0``, ``-0.5``.

    >>> number(2), number(-0.5), number([1, 2.5])
    ('2.0', '-0.5', '[1.0, 2.5]')
    """
    if isinstance(value, list):
        return "[" + ", ".join(number(v) for v in value) + "]"
    return repr(float(value))


def _short(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def formula_draft(tree: Tree, leaves: dict[str, float], constants: dict[str, float]) -> Draft:
    """A formula with values; ``leaves`` need gradients, ``constants`` do not."""
    formula = text(tree)
    values = {**leaves, **constants}
    used = [n for n in values if re.search(rf"\b{n}\b", formula)]
    given = ", ".join(f"{n} = {_short(values[n])}" for n in used)
    return Draft(
        make_input(
            expression=formula,
            values={n: values[n] for n in used},
            requires_grad=[n for n in used if n in leaves],
        ),
        f"L = {formula}",
        given,
        tuple(n for n in used if n in leaves),
    )


def program_draft(
    leaves: dict[str, float | list],
    constants: dict[str, float | list],
    body: list[str],
    asked: tuple[str, ...] | None = None,
) -> Draft:
    """A program: one tensor per leaf and constant, then ``body`` (its backward and prints)."""
    lines = ["import torch"]
    lines += [f"{n} = torch.tensor({number(v)}, requires_grad=True)" for n, v in leaves.items()]
    lines += [f"{n} = torch.tensor({number(v)})" for n, v in constants.items()]
    source = "\n".join(lines + body) + "\n"
    return Draft(make_input(program=source), source, "", asked or tuple(leaves))
