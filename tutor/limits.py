"""Every limit on a graph program, in one place, and the meter that enforces them in a run.

The text comes from strangers, so each request is held to bounded time and memory. The
numbers leave a tutor plenty of room: the seed snippets use 3 statements' worth of
everything, and a 3-layer toy MLP with a few unrolled training steps uses well under a
tenth of each limit. Exceeding a limit is a ``LimitError`` naming the limit, never a hang,
a ``MemoryError`` or a crash.

Above the limits of a run, a ``deadline`` bounds everything one request does — reading,
running, deriving, rendering, drafting a worksheet — in the thread that serves it: the
symbolic and rendering clocks end no later than it, and the stages call ``check_time``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import LimitError
from .i18n import N_, gettext, number


@dataclass(frozen=True)
class Limits:
    """How much one graph program may ask for, and why each number is what it is.

    - ``source_chars``: tutorial snippets are 0.3-2 kB; 50,000 characters is a long
      notebook and keeps parsing under ~50 ms.
    - ``statements``: a tutorial is 10-50 statements, an unrolled MLP training a few hundred.
    - ``depth``: nesting of the syntax tree; real formulas nest under 20 levels, and
      Python's own parser gives up near 200 (and the walker recurses once per level).
    - ``brackets``: open brackets at once; the parser refuses more than 200 on its own terms,
      and a nested-list literal for a 4-d tensor needs 5.
    - ``graph_nodes``: values one run may make; a graph of more than a few hundred nodes is
      unreadable, and each node keeps its values for the explanation.
    - ``tensor_elements``: elements of one tensor or array (4 MB of float32); a tutor's
      tensors have tens of elements, an MNIST mini-batch 50,000. Checked *before* the
      engine allocates: factories, broadcasting, matrix products, expand, indexing.
    - ``total_elements``: elements all tensors of a run may allocate together (80 MB of
      float32), which also bounds the time of any sequence of operations.
    - ``exponent``: magnitude of a Python-number exponent; ``x**2`` and ``2**-10`` are what
      tutors write, while ``10**10**10`` would take the interpreter's memory for ever.
    - ``int_bits``: size of a Python integer result; 10,000 bits (about 3,000 digits) prints
      instantly, and repeated squaring beyond it grows without bound.
    - ``backward_calls``: a training loop unrolled by hand has a few dozen.
    - ``seconds``: wall time of one run, checked between operations; no single operation
      within the size limits takes more than a fraction of it.
    - ``output_chars``: printed text; a 1,000-element tensor prints in ~8 kB.
    - ``value_elements``: a node keeps its forward value and gradient only up to this many
      elements (PyTorch's own print threshold); larger values are left out as ``None``.
    - ``recorded_elements``: numbers the graph of one run may keep in all (values, gradients
      and the gradients after each backward call), so the graph stays a few MB.
    - ``kept_elements``: numbers too large for the graph that one run keeps aside for the
      checks, as they were before an in-place change or a reset (values of leaves and
      constants, ``.grad`` after each backward call); past it, those go unchecked.
    """

    source_chars: int = 50_000
    statements: int = 1_000
    depth: int = 100
    brackets: int = 50
    graph_nodes: int = 2_000
    tensor_elements: int = 1_000_000
    total_elements: int = 20_000_000
    exponent: int = 1_000
    int_bits: int = 10_000
    backward_calls: int = 50
    seconds: float = 5.0
    output_chars: int = 1_000_000
    value_elements: int = 1_000
    recorded_elements: int = 1_000_000
    kept_elements: int = 4_000_000


LIMITS = Limits()


# (when, seconds): the wall-clock moment the current request's work must end, and its budget
_DEADLINE: ContextVar[tuple[float, float]] = ContextVar("deadline", default=(math.inf, math.inf))


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound the work done inside (in this thread or context) by ``seconds`` of wall time.

    >>> with deadline(60):
    ...     0 < time_left() <= 60
    True
    >>> time_left()
    inf
    """
    ends = min(_DEADLINE.get()[0], time.monotonic() + seconds)
    token = _DEADLINE.set((ends, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> float:
    """Seconds until the current deadline (``inf`` when there is none)."""
    return _DEADLINE.get()[0] - time.monotonic()


def ends_by(seconds: float) -> float:
    """The ``time.monotonic()`` moment a step of ``seconds`` must end: never past the deadline."""
    return min(time.monotonic() + seconds, _DEADLINE.get()[0])


SHRINK = N_("use smaller tensors, fewer operations or backward calls")


def check_time(instead: str = SHRINK) -> None:
    """Refuse to go on once the current deadline has passed (``instead``: what to shrink, a
    message marked with ``N_``)."""
    ends, seconds = _DEADLINE.get()
    if time.monotonic() > ends:
        raise LimitError(
            "too_expensive",
            gettext(
                "this request needed more than its {seconds} seconds; {instead}",
                seconds=f"{seconds:g}",
                instead=gettext(instead),
            ),
        )


class Meter:
    """What one run has used so far of its ``Limits``; each ``take_*`` refuses the excess."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self._deadline = time.monotonic() + limits.seconds
        self._elements = 0
        self._nodes = 0
        self._backward_calls = 0
        self._recorded = 0
        self._kept = 0

    def tick(self) -> None:
        """Refuse to go on once the run's wall time (or the request's) is spent."""
        check_time()
        if time.monotonic() > self._deadline:
            raise LimitError(
                "time_limit",
                gettext(
                    "the program ran longer than {seconds} seconds; "
                    "use smaller tensors or fewer operations",
                    seconds=f"{self.limits.seconds:g}",
                ),
            )

    def take_elements(self, count: float) -> None:
        """Reserve room for a new tensor of ``count`` elements, before it is allocated."""
        limit = self.limits.tensor_elements
        if not count <= limit:  # also refuses NaN counts
            raise LimitError(
                "tensor_too_large",
                gettext(
                    "this would make a tensor of {count} elements, more than the {limit} "
                    "allowed; use smaller shapes",
                    count=_amount(count),
                    limit=number(limit),
                ),
            )
        if self._elements + count > self.limits.total_elements:
            raise LimitError(
                "memory_limit",
                gettext(
                    "the program's tensors would hold more than {limit} elements in all; "
                    "use smaller tensors or fewer operations",
                    limit=number(self.limits.total_elements),
                ),
            )
        self._elements += int(count)

    def take_node(self) -> None:
        """Count one more value in the graph."""
        self._nodes += 1
        if self._nodes > self.limits.graph_nodes:
            raise LimitError(
                "graph_too_large",
                gettext(
                    "the program makes more than {limit} values; "
                    "a graph to explain should be smaller",
                    limit=number(self.limits.graph_nodes),
                ),
            )

    def take_backward(self) -> None:
        """Count one more ``.backward()`` call."""
        self._backward_calls += 1
        if self._backward_calls > self.limits.backward_calls:
            raise LimitError(
                "too_many_backward_calls",
                gettext(
                    "the program calls backward() more than {limit} times; "
                    "fewer training steps show the same",
                    limit=self.limits.backward_calls,
                ),
            )

    def take_recorded(self, count: int) -> bool:
        """Whether a value of ``count`` numbers may be kept in the graph (then count it)."""
        if count > self.limits.value_elements:
            return False
        self._recorded += count
        if self._recorded > self.limits.recorded_elements:
            raise LimitError(
                "graph_too_large",
                gettext(
                    "the graph would keep more than {limit} numbers; "
                    "use smaller tensors or fewer operations",
                    limit=number(self.limits.recorded_elements),
                ),
            )
        return True

    def take_kept(self, count: int) -> bool:
        """Whether ``count`` numbers may still be kept aside for the checks (then count them)."""
        if self._kept + count > self.limits.kept_elements:
            return False
        self._kept += count
        return True

    def check_exponent(self, exponent: float) -> None:
        """Refuse a Python-number exponent larger in magnitude than the limit."""
        limit = self.limits.exponent
        if not abs(exponent) <= limit:
            raise LimitError(
                "exponent_too_large",
                gettext(
                    "the exponent {exponent} is too large; exponents up to {limit} "
                    "in magnitude are allowed",
                    exponent=_amount(exponent),
                    limit=number(limit),
                ),
            )

    def check_power(self, base: int, exponent: int) -> None:
        """Refuse ``base ** exponent`` of Python ints before Python computes it."""
        self.check_exponent(exponent)
        # |base| ** exponent has at least (bit_length - 1) * exponent bits
        if exponent > 0 and (abs(base).bit_length() - 1) * exponent > self.limits.int_bits:
            raise self._int_too_large()

    def check_int(self, value: int) -> None:
        """Refuse a Python integer result with more bits than the limit."""
        if value.bit_length() > self.limits.int_bits:
            raise self._int_too_large()

    def _int_too_large(self) -> LimitError:
        return LimitError(
            "number_too_large",
            gettext(
                "this integer would have more than {limit} bits; "
                "use floats (e.g. 1e30) for large numbers",
                limit=number(self.limits.int_bits),
            ),
        )

    def check_output(self, size: int) -> None:
        """Refuse printed output beyond the limit."""
        if size > self.limits.output_chars:
            raise LimitError(
                "output_too_large",
                gettext(
                    "the program printed more than {limit} characters; print less",
                    limit=number(self.limits.output_chars),
                ),
            )


def _amount(x: float) -> str:
    """A possibly astronomical count, readably.

    >>> _amount(10**12), _amount(float("inf")), _amount(12)
    ('1e+12', 'inf', '12')
    """
    if isinstance(x, int) and x < 10**9:
        return str(x)
    if isinstance(x, int):
        if x.bit_length() < 1000:
            return f"{float(x):.3g}"
        return gettext("about 2**{bits}", bits=x.bit_length())
    return f"{x:.3g}" if math.isfinite(x) else str(x)
