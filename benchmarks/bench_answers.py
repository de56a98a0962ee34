"""Time and size of a whole answer, by graph size, in each front end: library, API, CLI.

For generated programs (tame and wild, scalars and tensors; ``tests/tutor/programs.py``)
grouped by the number of graph nodes, it reports p50/p99 wall time and the largest answer:
the library's ``explain`` plus its JSON report, ``POST /api/v1/explain`` through Flask's
test client (in process: the app's own work, no network), and ``gradtutor explain`` as a
process (its start-up, about a second of imports, included). Targets: p99 under 2 s and
answers under 256 kB.

    python benchmarks/bench_answers.py            # a few minutes
    python benchmarks/bench_answers.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tutor.programs import generate  # noqa: E402
from tutor.explain import explain, make_input  # noqa: E402
from tutor.jsonio import dumps_strict  # noqa: E402
from tutor.render import report  # noqa: E402
from tutor.web import create_app  # noqa: E402

BUCKETS = (10, 20, 50, 100, 200, 400, 600)  # graph nodes, about


def _programs(target: int, count: int) -> list[str]:
    """Generated programs whose graphs have between 0.75 and 1.5 times ``target`` nodes."""
    found, seed = [], 0
    while len(found) < count and seed < 40 * count:
        size = max(1, target // 2)
        source = generate(seed, size=size, tensors=seed % 2 == 0, wild=seed % 3 == 0).source
        seed += 1
        try:
            nodes = len(explain(make_input(program=source)).graph.nodes)
        except Exception:  # a program the engine refuses is no sample
            continue
        if 0.75 * target <= nodes <= 1.5 * target:
            found.append(source)
    return found


def _measure(work, sources: list[str]) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for source in sources:
        start = time.perf_counter()
        sizes.append(work(source))
        times.append(time.perf_counter() - start)
    return times, sizes


def _library(source: str) -> int:
    return len(dumps_strict(report(explain(make_input(program=source)))))


def _api(client):
    def post(source: str) -> int:
        response = client.post("/api/v1/explain", json={"program": source})
        assert response.status_code in (200, 422), response.status_code
        return len(response.get_data())

    return post


def _cli(source: str) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".py") as f:
        f.write(source)
        f.flush()
        gradtutor = Path(sys.executable).parent / "gradtutor"
        done = subprocess.run([gradtutor, "explain", f.name], capture_output=True, timeout=120)
    return len(done.stdout)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer programs and sizes")
    args = parser.parse_args()
    count, cli_count = (3, 1) if args.quick else (12, 3)
    client = create_app({"TESTING": True, "EXPLAIN_CACHE_SIZE": 0}).test_client()
    print("| nodes | front end | programs | p50 s | p99 s | max s | largest kB |")
    print("|---|---|---|---|---|---|---|")
    for target in BUCKETS[:4] if args.quick else BUCKETS:
        sources = _programs(target, count)
        for name, work, sample in (
            ("library", _library, sources),
            ("API", _api(client), sources),
            ("CLI", _cli, sources[:cli_count]),
        ):
            times, sizes = _measure(work, sample)
            if times:
                print(
                    f"| ~{target} | {name} | {len(times)} | {statistics.median(times):.2f} | "
                    f"{_p(times, 0.99):.2f} | {max(times):.2f} | {max(sizes) / 1024:.0f} |"
                )


if __name__ == "__main__":
    main()
