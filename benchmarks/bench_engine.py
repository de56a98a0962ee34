"""Time forward+backward in engine vs torch vs hand-written numpy, one BLAS thread each.

For a fair numpy (and engine) measurement, run without the OpenBLAS overrides:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_engine.py

Flags: ``--quick`` (smoke run), ``--json PATH`` (save results), ``--profile`` (cProfile
the engine on the seed graphs and the 100-op chain).  Every case asserts once, before
timing, that the three implementations agree on outputs and gradients.
"""

from __future__ import annotations

import os
import sys

# One BLAS/OpenMP thread everywhere (one thread per service worker); must precede numpy.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402

try:
    import torch
except ImportError:
    torch = None
try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:
    threadpool_info = threadpool_limits = None

SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
IMPLS = ("engine", "torch", "numpy")
F32 = np.float32


# ---- the graphs, once for engine/torch (same code: engine is a drop-in) and once by hand


def seed_b(T):
    """Seed b: y = x + 2; out = (y * y * 3).mean(); out.backward()."""
    x = T.ones(2, 2, requires_grad=True)

    def run():
        x.grad = None
        y = x + 2
        out = (y * y * 3).mean()
        out.backward()
        return out, x.grad

    return run, run


def seed_b_numpy():
    """Seed b by hand."""
    x = np.ones((2, 2), F32)

    def run():
        y = x + 2
        out = (y * y * 3).mean()
        g = np.full_like(x, 1 / x.size)  # d mean
        return out, g * 3 * 2 * y

    return run, run


def seed_c(T):
    """Seed c: L = Y - x1 * w1 * w2; L.backward(ones)."""
    x1, w1, w2 = (T.from_numpy(np.full((2, 2), v, F32)).requires_grad_(True) for v in (2, 5, 6))
    Y, ones = T.from_numpy(np.full((2, 2), 10, F32)), T.ones(2, 2)

    def run():
        x1.grad = w1.grad = w2.grad = None
        L = Y - x1 * w1 * w2
        L.backward(ones)
        return L, x1.grad, w1.grad, w2.grad

    return run, run


def seed_c_numpy():
    """Seed c by hand."""
    x1, w1, w2, Y = (np.full((2, 2), v, F32) for v in (2, 5, 6, 10))
    ones = np.ones((2, 2), F32)

    def run():
        x2 = x1 * w1
        L = Y - x2 * w2
        gy = -ones
        gx2 = gy * w2
        return L, gx2 * w1, gx2 * x1, gy * x2

    return run, run


def chain_input(numel):
    """Inputs in [-1, 1) for the elementwise chains."""
    return np.random.default_rng(0).uniform(-1, 1, numel).astype(F32)


def chain(T, cycles, numel):
    """``cycles`` x 10 elementwise ops (mul add tanh mul exp mul sub sigmoid mul mul)."""
    x = T.from_numpy(chain_input(numel)).requires_grad_(True)
    ones = T.ones(numel)

    def run():
        x.grad = None
        y = x
        for _ in range(cycles):
            y = (y * 0.9 + 0.1).tanh()
            y = (y * 1.5).exp()
            y = (y * 0.5 - 0.2).sigmoid() * 2.0
            y = y * y
        y.backward(ones)
        return y, x.grad

    return run, run


def chain_numpy(cycles, numel):
    """The chain by hand: forward keeps what backward needs, backward applies the chain rule."""
    x = chain_input(numel)
    ones = np.ones_like(x)

    def run():
        y, saved = x, []
        for _ in range(cycles):
            t = np.tanh(y * 0.9 + 0.1)
            e = np.exp(t * 1.5)
            s = 1 / (1 + np.exp(-(e * 0.5 - 0.2)))
            u = s * 2.0
            y = u * u
            saved.append((t, e, s, u))
        g = ones
        for t, e, s, u in reversed(saved):
            g = g * (2 * u) * 2.0
            g = g * (s * (1 - s)) * 0.5
            g = g * e * 1.5
            g = g * (1 - t * t) * 0.9
        return y, g

    return run, run


def mlp_data():
    """Batch 64 of 784 features, 10 classes, and 784-256-10 weights (float32)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 784), F32)
    y = rng.integers(0, 10, 64)
    params = [
        rng.standard_normal((784, 256), F32) / 28,
        np.zeros(256, F32),
        rng.standard_normal((256, 10), F32) / 16,
        np.zeros(10, F32),
    ]
    return x, y, params


def mlp(T, lr=0.01):
    """relu(x @ w1 + b1) @ w2 + b2, cross_entropy, backward, then SGD under no_grad."""
    x, y, params = mlp_data()
    x, y = T.from_numpy(x), T.from_numpy(y)
    params = [T.from_numpy(p).requires_grad_(True) for p in params]
    F = T.nn.functional

    def forward_backward():
        w1, b1, w2, b2 = params
        for p in params:
            p.grad = None
        loss = F.cross_entropy(F.relu(x @ w1 + b1) @ w2 + b2, y)
        loss.backward()
        return loss, *(p.grad for p in params)

    def run():
        forward_backward()
        with T.no_grad():
            for p in params:
                p -= lr * p.grad

    return run, forward_backward


def mlp_numpy(lr=0.01):
    """The MLP step by hand: softmax cross-entropy gradient, relu mask, SGD in place."""
    x, y, params = mlp_data()
    rows = np.arange(len(y))

    def forward_backward():
        w1, b1, w2, b2 = params
        pre = x @ w1 + b1
        h = np.maximum(pre, 0)
        logits = h @ w2 + b2
        z = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(z)
        total = p.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]) - z[rows, y]).mean()
        g = p / total
        g[rows, y] -= 1
        g /= len(y)
        gh = (g @ w2.T) * (pre > 0)
        return loss, x.T @ gh, gh.sum(axis=0), h.T @ g, g.sum(axis=0)

    def run():
        _, *grads = forward_backward()
        for p, g in zip(params, grads, strict=True):
            p -= lr * g

    return run, forward_backward


# name, unit, seconds -> unit factor, divisor (ops per run), builders
CASES = [
    ("seed b, 2x2", "µs/graph", 1e6, 1, seed_b, seed_b_numpy),
    ("seed c, 2x2", "µs/graph", 1e6, 1, seed_c, seed_c_numpy),
    (
        "100-op chain, 1 elem",
        "µs/op",
        1e6,
        100,
        lambda T: chain(T, 10, 1),
        lambda: chain_numpy(10, 1),
    ),
    (
        "10-op chain, 1M elems",
        "ms/run",
        1e3,
        1,
        lambda T: chain(T, 1, 1_000_000),
        lambda: chain_numpy(1, 1_000_000),
    ),
    ("MLP step, 64x784-256-10", "ms/step", 1e3, 1, mlp, mlp_numpy),
]


# ---- harness


def to_numpy(t):
    """A tensor's values (engine, torch or numpy) as a numpy array."""
    return np.asarray(t) if isinstance(t, np.ndarray | np.generic) else t.detach().numpy()


def check(name, results):
    """Assert that every implementation's outputs and gradients match the reference's."""
    refs = [impl for impl in ("engine", "torch") if impl in results]
    if not refs:
        return  # numpy alone: nothing to compare with
    ref_impl = refs[0]
    ref = [to_numpy(t) for t in results[ref_impl]]
    for impl, values in results.items():
        assert len(values) == len(ref), (name, impl)
        for i, (got, want) in enumerate(zip(map(to_numpy, values), ref, strict=True)):
            np.testing.assert_allclose(
                got, want, rtol=2e-4, atol=1e-6, err_msg=f"{name}: {impl} vs {ref_impl} [{i}]"
            )


def calls_per_batch(run, min_time):
    """Warm ``run`` up for ``min_time`` seconds; how many calls then last ``min_time``."""
    calls, start = 0, time.perf_counter_ns()
    while calls < 3 or time.perf_counter_ns() - start < min_time * 1e9:
        run()
        calls += 1
    return max(1, round(min_time * 1e9 * calls / (time.perf_counter_ns() - start)))


def measure(runs, repeat, min_time):
    """Median seconds per call of each run, all warmed up first and then timed in turns
    (``repeat`` rounds of one batch each), so every implementation meets the same load and
    the same process state (e.g. glibc's malloc thresholds, which big frees raise for good)."""
    numbers = {impl: calls_per_batch(run, min_time) for impl, run in runs.items()}
    samples = {impl: [] for impl in runs}
    for _ in range(repeat):
        for impl, run in runs.items():
            t0 = time.perf_counter_ns()
            for _ in range(numbers[impl]):
                run()
            samples[impl].append((time.perf_counter_ns() - t0) / numbers[impl])
    return {impl: statistics.median(times) / 1e9 for impl, times in samples.items()}


def build(impl, make, make_numpy):
    """(run, forward_backward) of one implementation."""
    if impl == "numpy":
        return make_numpy()
    return make(engine if impl == "engine" else torch)


def run_case(case, impls, repeat, min_time):
    """Check then time one case; errors (e.g. an unsupported op) are recorded, not raised."""
    name, unit, factor, per, make, make_numpy = case
    runs, checked, errors = {}, {}, {}
    for impl in impls:
        try:
            run, forward_backward = build(impl, make, make_numpy)
            checked[impl] = forward_backward()
            runs[impl] = run
        except Exception as exc:  # reported in the table
            errors[impl] = f"{type(exc).__name__}: {exc}"
    check(name, checked)
    row = {"case": name, "unit": unit, "errors": errors}
    for impl, seconds in measure(runs, repeat, min_time).items():
        row[impl] = seconds * factor / per
    return row


def blas_report():
    """Lines describing the BLAS libraries, their threads and the environment overrides."""
    lines = []
    if threadpool_info is None:
        lines.append("threadpoolctl not installed (pip install threadpoolctl): BLAS info unknown")
    else:
        for lib in threadpool_info():
            arch = lib.get("architecture") or "-"
            lines.append(
                f"{lib['internal_api']} {lib.get('version') or '?'} arch={arch} "
                f"threads={lib['num_threads']} ({Path(lib['filepath']).name})"
            )
    for var in SLOW_BLAS_VARS:
        if var in os.environ:
            lines.append(
                f"WARNING: {var}={os.environ[var]} is set; it changes OpenBLAS's kernels for numpy "
                "(and so engine). For a fair run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "
                "python benchmarks/bench_engine.py"
            )
    return lines


def fmt(value):
    """Three significant figures, or n/a."""
    return "n/a" if value is None else f"{value:.3g}"


def ratio(row, a, b):
    """row[a] / row[b] formatted, or n/a."""
    if row.get(a) is None or row.get(b) is None:
        return "n/a"
    return f"{row[a] / row[b]:.2f}x"


def table(rows):
    """The results as a markdown table."""
    out = [
        "| case | engine | torch | numpy | engine/torch | engine/numpy |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        cells = [fmt(r.get(impl)) for impl in IMPLS]
        ratios = [ratio(r, "engine", "torch"), ratio(r, "engine", "numpy")]
        out.append(f"| {r['case']} ({r['unit']}) | " + " | ".join(cells + ratios) + " |")
    return "\n".join(out)


PROFILED = {  # the tiny graphs, where the engine's Python overhead is the whole cost
    "seed b, 2x2": seed_b,
    "seed c, 2x2": seed_c,
    "100-op chain, 1 elem": lambda T: chain(T, 10, 1),
}


def profile_tiny(runs, top=15):
    """cProfile the engine on each tiny graph: the ``top`` functions by tottime."""
    import cProfile
    import pstats

    for name, make in PROFILED.items():
        run, _ = make(engine)
        for _ in range(100):
            run()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(runs):
            run()
        prof.disable()
        print(f"\ncProfile, engine {name} x {runs} runs, top {top} by tottime:")
        pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def main(argv=None):
    """Parse flags, print the environment, run every case, print (and save) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few short repeats (smoke run)")
    parser.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the engine on the seed graphs and chain"
    )
    args = parser.parse_args(argv)
    repeat, min_time = (3, 0.01) if args.quick else (15, 0.1)

    if threadpool_limits is not None:
        threadpool_limits(1)
    impls = [impl for impl in IMPLS if impl != "torch" or torch is not None]
    versions = f"python {platform.python_version()}, numpy {np.__version__}"
    if torch is not None:
        torch.set_num_threads(1)
        mkl = "MKL" if torch.backends.mkl.is_available() else "no MKL"
        cpu = torch.backends.cpu.get_cpu_capability()
        versions += f", torch {torch.__version__} ({mkl}, {cpu}, {torch.get_num_threads()} thread)"
    else:
        versions += ", torch not importable: its column is skipped"
    blas = blas_report()
    print(f"# engine benchmark ({'quick' if args.quick else 'full'})\n\n{versions}")
    print("One BLAS/OpenMP thread for all three (OMP/OPENBLAS/MKL_NUM_THREADS=1, threadpoolctl,")
    print("torch.set_num_threads(1)), matching the service's one thread per worker.")
    print("\n".join(blas))
    print(
        f"Median of {repeat} rounds, each timing a batch of calls lasting >= {min_time * 1e3:g} ms "
        "of every implementation in turn.\n"
    )

    sys.stdout.flush()
    rows = []
    for case in CASES:
        rows.append(run_case(case, impls, repeat, min_time))
        print(f"  done: {case[0]}", file=sys.stderr, flush=True)
    print(table(rows))
    for r in rows:
        for impl, err in r["errors"].items():
            print(f"\nNOTE {r['case']}: {impl} failed, not timed: {err}")
    print("\nAll cases are forward+backward; numpy is written by hand (same outputs and grads,")
    print("asserted before timing). MLP: cross_entropy, then a plain SGD update under no_grad.")

    if args.json:
        meta = {"versions": versions, "blas": blas, "repeat": repeat, "min_time_s": min_time}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n")
        print(f"saved {args.json}")
    if args.profile:
        profile_tiny(200 if args.quick else 2000)


if __name__ == "__main__":
    main()
