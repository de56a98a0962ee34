"""What to explain: a program, or a formula with its values, as one hashable ``ExplainInput``.

Every caller (the page, the API, the CLI, worksheets) reduces its request to an
``ExplainInput``. Normalisation keeps every line and column where the user put it, so a
result can be cached by its normalised input and still point at the user's own text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import i18n


@dataclass(frozen=True)
class ExplainInput:
    """One thing to explain; ``values`` is canonical JSON text so the input is hashable."""

    program: str | None = None
    expression: str | None = None
    values_json: str = "{}"
    requires_grad: tuple[str, ...] | None = None
    constants: tuple[str, ...] | None = None
    order: int = 1  # 2: second derivatives (the Hessian) too; expressions only
    lang: str = i18n.DEFAULT  # the reader's language (the step texts are English for now)

    @property
    def values(self) -> dict[str, Any]:
        """Leaf values by name (numbers or nested lists)."""
        return json.loads(self.values_json)

    @property
    def kind(self) -> str:
        """``"program"`` or ``"expression"``."""
        return "program" if self.program is not None else "expression"


def normalise_source(text: str) -> str:
    """Line ends and trailing blanks removed; every character keeps its line and column.

    >>> normalise_source("x = 1  \\r\\ny = x\\r\\n\\n\\n")
    'x = 1\\ny = x\\n'
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


def make_input(
    program: str | None = None,
    expression: str | None = None,
    values: Mapping[str, Any] | None = None,
    requires_grad: list[str] | None = None,
    constants: list[str] | None = None,
    order: int = 1,
    lang: str = i18n.DEFAULT,
) -> ExplainInput:
    """Normalise the parts of a request into an ``ExplainInput`` (a hashable cache key).

    Names and numbers are judged by ``tutor.lang``, which reads them into tensors; ``order``
    (1 or 2) by ``tutor.explain.second_order``, which refuses a program with order 2; ``lang``
    is one of ``tutor.i18n.LOCALES``, checked by the caller that reads it.
    """
    if program is not None:
        return ExplainInput(program=normalise_source(program), order=order, lang=lang)
    return ExplainInput(
        expression=(expression or "").strip(),
        values_json=json.dumps(dict(values or {}), sort_keys=True),
        requires_grad=None if requires_grad is None else tuple(requires_grad),
        constants=None if constants is None else tuple(constants),
        order=order,
        lang=lang,
    )
