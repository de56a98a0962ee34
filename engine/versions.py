"""Version counters: detect a tensor written in place after backward saved it.

Each tensor's counter is a list ``[version, epoch of write 1, epoch of write 2, …]``,
shared by a tensor and its ``detach()``. Every in-place write anywhere advances one global
epoch. A node remembers the epoch it was made at, so checking it costs nothing unless some
write happened since; then the write epochs say whether, and at which version, it saved.
Only the latest ``KEPT`` to ``2 * KEPT`` epochs are kept, so a tensor updated in place at
every step of a long training loop holds a bounded list.
"""

from __future__ import annotations

import itertools

_ticks = itertools.count(1)  # next() is atomic, so threads never share an epoch
latest = [0]  # the epoch of the latest in-place write anywhere (read on hot paths)
# write epochs kept per tensor: a node's version is exact while fewer writes followed it
KEPT = 1024


def bump(counter: list) -> None:
    """Record one in-place write."""
    epoch = next(_ticks)
    counter[0] += 1
    counter.append(epoch)
    if len(counter) > 2 * KEPT:  # amortised: one cut every KEPT writes
        del counter[1 : KEPT + 1]
    latest[0] = epoch


def written_since(counter: list, since: int) -> bool:
    """Whether the tensor was written in place after epoch ``since``."""
    return counter[-1] > since if len(counter) > 1 else False


def version_at(counter: list, at: int) -> int:
    """The tensor's version as it was at epoch ``at``: its version now less the writes
    since (exact while at most ``KEPT`` writes followed ``at``)."""
    return counter[0] - sum(1 for e in counter[1:] if e > at)
