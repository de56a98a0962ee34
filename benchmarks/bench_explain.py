"""Time ``explain`` for the seed snippets and for random graphs of about 10, 50 and 200 nodes.

Each row runs the program once on the engine (the graph), then times ``explain_graph`` on it
(median of ``--repeat`` runs, the first, cold one reported apart: sympy caches derivative
rules across requests) and says how the closed forms came out: ``generic`` (a tensor's name
for a generic element), ``elements`` (element by element), ``numeric`` (over the budget:
numbers only), and whether every verdict agrees with the engine and central differences.

    python benchmarks/bench_explain.py            # about half a minute
    python benchmarks/bench_explain.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tutor.programs import generate  # noqa: E402
from tutor import examples, lang  # noqa: E402
from tutor.explain import explain_graph  # noqa: E402
from tutor.run import numeric  # noqa: E402

TARGETS = (10, 50, 200)


def _graph(source: str):
    return numeric.run(lang.parse_program(source))


def _near(target: int, tensors: bool, tries: int) -> list:
    """Generated programs whose graphs have about ``target`` nodes."""
    found = []
    for seed in range(tries):
        for size in range(1, target):
            run = _graph(generate(seed, size=size, tensors=tensors).source)
            if len(run.graph.nodes) >= target:
                found.append((f"seed {seed}", run))
                break
    return found


def _time(run, repeat: int) -> tuple[float, float, object]:
    start = time.perf_counter()
    explanation = explain_graph(run.graph, run.output)
    cold = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        explain_graph(run.graph, run.output)
        times.append(time.perf_counter() - start)
    return cold, statistics.median(times), explanation


def _row(name: str, run, repeat: int) -> str:
    cold, warm, x = _time(run, repeat)
    ok = all(g.check.agrees and g.check.agrees_numerical for g in x.gradients)
    compact = sum(bool(g.closed and g.closed.compact) for g in x.gradients)
    return (
        f"| {name} | {len(run.graph.nodes)} | {len(x.gradients)} | {x.mode} | {compact} | "
        f"{cold * 1000:.0f} | {warm * 1000:.0f} | {'yes' if ok else 'NO'} |"
    )


def main() -> None:
    """Print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer graphs and repeats")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repeat, tries = (1, 1) if args.quick else (args.repeat, 3)
    print("| graph | nodes | leaves | mode | compact | cold ms | median ms | verdicts agree |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("a", "b", "c"):
        print(_row(f"seed {name}", _graph(examples.seed(name)), repeat))
    for target in TARGETS:
        for tensors in (False, True):
            kind = "tensors" if tensors else "scalars"
            for label, run in _near(target, tensors, tries):
                print(_row(f"~{target} nodes, {kind}, {label}", run, repeat))


if __name__ == "__main__":
    main()
