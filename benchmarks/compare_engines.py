"""Time two checkouts' engines against each other, paired, in one process.

    python benchmarks/compare_engines.py DIR_A DIR_B [ROUNDS]

Each directory is a checkout (``git worktree add /tmp/base REV`` makes one). Both
``engine`` packages are copied under other names into a temporary directory and imported
side by side; the tiny graphs of ``bench_engine.py`` (seed b, seed c, the 100-op chain)
and its MLP step then run in short batches, A then B or B then A by turns (the second
runner of a round can gain from its position alone), for ROUNDS rounds (default 60). The
ratio A/B is taken per round and its median printed with its quartiles, so machine drift
cancels out: changes of 1-2% show, which separate process runs on a shared machine hide.
An A/A run (the same directory twice) gives 1.00 within about 1-2%.
"""

from __future__ import annotations

import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import chain, mlp, seed_b, seed_c  # noqa: E402

# name, builder, ops per run (for µs/op), runs per batch
CASES = (
    ("seed b", seed_b, 1, 500),
    ("seed c", seed_c, 1, 500),
    ("100-op chain", None, 100, 40),
    ("MLP step", mlp, 1, 10),
)


def load(checkout: str, name: str, into: Path):
    """``checkout``'s engine package, imported as ``name``."""
    shutil.copytree(Path(checkout) / "engine", into / name)
    return importlib.import_module(name)


def runners(T) -> list:
    return [(builder or (lambda T: chain(T, 10, 1)))(T)[0] for _, builder, _, _ in CASES]


def main(a: str, b: str, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, tmp)
        sides = (runners(load(a, "engine_a", Path(tmp))), runners(load(b, "engine_b", Path(tmp))))
        times = [([], []) for _ in CASES]
        for r in range(rounds):
            for k, (_, _, ops, batch) in enumerate(CASES):
                for side in (0, 1) if r % 2 else (1, 0):  # who runs first alternates
                    run = sides[side][k]
                    start = time.perf_counter()
                    for _ in range(batch):
                        run()
                    times[k][side].append((time.perf_counter() - start) / batch / ops * 1e6)
    print(f"A = {a}, B = {b}, {rounds} rounds")
    for (name, _, ops, _), (ta, tb) in zip(CASES, times, strict=True):
        ratios = sorted(x / y for x, y in zip(ta, tb, strict=True))
        q = len(ratios) // 4
        unit = "µs/op" if ops > 1 else "µs/graph"
        print(
            f"{name:13s} A {statistics.median(ta):6.2f}  B {statistics.median(tb):6.2f} {unit}  "
            f"A/B {statistics.median(ratios):.3f} (quartiles {ratios[q]:.3f}-{ratios[-q - 1]:.3f})"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 60)
