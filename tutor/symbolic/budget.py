"""Bounds on symbolic work: every limit of the symbolic side in one place.

sympy's ``simplify`` takes seconds on a 20-node graph and a fully expanded 100-node gradient
has tens of thousands of operations, so nothing symbolic runs unbounded: sizes are checked
before each costly step and one clock bounds the whole explanation. The numbers (engine,
chain of local derivatives, central differences) are always computed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..i18n import gettext
from ..limits import ends_by


@dataclass(frozen=True)
class Budget:
    """Limits for one explanation."""

    seconds: float = 2.0  # all sympy work of one explanation
    closed_form_ops: int = 400  # a larger closed form keeps intermediate names (compact)
    canonical_ops: int = 80  # factor/cancel/expand are tried only below this size
    compact_ops: int = 4000  # a larger compact form is not shown at all
    elements: int = 512  # element-by-element work: elements of all nodes together
    # a gradient worked element by element (create_graph through a matmul): operations of all
    # its elements; differentiating 1,600 again takes about 1 s
    gradient_table_ops: int = 1600
    jacobian: int = 20_000  # entries of one element-by-element Jacobian
    difference_elements: int = 64  # central differences per element up to this many
    # numbers the chain of local derivatives holds: (numbers of all nodes) x (backward calls);
    # each is kept several times (adjoint, upstream, local, contribution), so 2 million is
    # about 100 MB of float64 at the most. Counted before the work is done.
    chain_numbers: int = 2_000_000
    # numbers the steps of all leaves may show: (numbers of a leaf's path) x (its backward
    # calls), summed over leaves. Steps keep them as Python lists, ~30 bytes a number.
    step_numbers: int = 200_000
    # rendering the steps (text, LaTeX, MathML) grows with the graph's length squared, so it
    # has a clock, a count and a size of its own; past them the remaining steps are summarised
    render_seconds: float = 0.5
    render_steps: int = 600
    # characters of rendered steps in one answer: the JSON (steps three ways, with their
    # data) stays near 200 kB, the CLI's text near 150 kB, a page's MathML near 150 kB
    render_chars: int = 150_000
    # characters of one JSON answer: the graph and gradients first, the steps what is left
    answer_chars: int = 240_000


class OverBudget(Exception):
    """Symbolic work stopped at a limit; the numbers still stand."""


class Clock:
    """The deadline of one explanation's symbolic work (never past the request's)."""

    def __init__(self, seconds: float):
        self.deadline = ends_by(seconds)

    def expired(self) -> bool:
        """Whether the time is up."""
        return time.monotonic() > self.deadline

    def check(self) -> None:
        """Raise ``OverBudget`` once the time is up."""
        if self.expired():
            raise OverBudget(gettext("the symbolic time budget ran out"))
