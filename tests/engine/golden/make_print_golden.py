"""Regenerate print_cases.json: seeded random tensors and the repr torch gives them.

Run from the repository root with torch installed:

    python -m tests.engine.golden.make_print_golden

The output is deterministic for a given torch version (cases, order and key order are fixed),
so a diff of the JSON shows exactly which reprs changed. The test module imports the case
generator and the JSON codec from here, and runs the same generator live against torch.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

SEED = 20260613
N_CASES = 300
OUT = Path(__file__).with_name("print_cases.json")

NP_DTYPES = {
    "float32": np.float32,
    "float64": np.float64,
    "float16": np.float16,
    "int64": np.int64,
    "int32": np.int32,
    "uint8": np.uint8,
    "bool": np.bool_,
}
_DTYPE_WEIGHTS = {
    "float32": 0.40,
    "float64": 0.20,
    "float16": 0.05,
    "int64": 0.13,
    "int32": 0.08,
    "uint8": 0.04,
    "bool": 0.10,
}
# Values sitting on the formatter's thresholds: ratio 1000, 1e8, 1e-4 and rounding at 4 digits.
# fmt: off
_BORDER_VALUES = (
    1.0, 1000.0, 1001.0, 0.5, 500.0, 501.0, 0.1, 100.0, 100.1, 1e-4, 1.1e-4, 1e8, 1e8 + 8,
    99999999.5, 12345678.0, 1.00005, 0.99999, 9.99995, 1.5e-4, 0.25, 1 / 3, 2.0**24 + 2,
)
# fmt: on
# Ops that keep every value bit-exact but give the result a grad_fn.
_GRAD_FN_OPS = (
    lambda t: t * 1,
    lambda t: t.clone(),
    lambda t: t.view(t.shape),
    lambda t: t.unsqueeze(0).squeeze(0),
    lambda t: t[...],
)


def random_shape(rng: np.random.Generator, compact: bool = False) -> tuple[int, ...]:
    """A shape: mostly small, sometimes empty, sometimes past the 1000-element threshold.

    ``compact`` keeps shapes smaller so that the stored JSON stays small.
    """
    r = rng.random()
    if r < 0.05:
        shape = [int(n) for n in rng.integers(1, 5, size=rng.integers(1, 4))]
        shape[rng.integers(len(shape))] = 0
        return tuple(shape)
    if r < (0.08 if compact else 0.12):
        i = lambda lo, hi: int(rng.integers(lo, hi))  # noqa: E731
        if compact:
            big = [(i(1001, 1100),), (2, i(501, 540)), (11, 10, 10), (6, 6, 6, 6), (1000,)]
        else:
            big = [
                (i(1001, 2500),),
                (i(2, 8), i(170, 400)),
                (i(30, 60), i(30, 60)),
                (i(8, 14), i(8, 14), i(8, 14)),
                (i(6, 9), i(6, 9), i(6, 9), i(6, 9)),
                (1000,),
                (10, 100),
            ]
        return big[rng.integers(len(big))]
    ndim = int(rng.choice(5, p=[0.12, 0.36, 0.30, 0.14, 0.08]))
    if ndim == 2:
        return (
            int(rng.integers(1, 7 if compact else 8)),
            int(rng.integers(1, 17 if compact else 41)),
        )
    limit = (1, 24 if compact else 40, 0, 5 if compact else 7, 3 if compact else 4)[ndim]
    return tuple(int(n) for n in rng.integers(1, limit + 1, size=ndim))


def _random_floats(rng: np.random.Generator, n: int, dtype: str) -> np.ndarray:
    top = 4.5 if dtype == "float16" else 10.5
    style = rng.integers(7)
    if style == 0:
        vals = rng.integers(-20, 21, size=n).astype(np.float64)
    elif style == 1:
        k = rng.uniform(2, top)
        vals = np.round(rng.uniform(-(10**k), 10**k, size=n))
    elif style in (2, 3):
        lo = rng.uniform(-6.5, top)
        hi = rng.uniform(lo, min(lo + rng.choice([1.0, 3.0, 8.0]), top))
        vals = rng.choice([-1.0, 1.0], size=n) * 10 ** rng.uniform(lo, hi, size=n)
        if style == 3:
            vals = np.round(vals, int(rng.integers(0, 4)))
    elif style == 4:
        vals = rng.integers(-40, 41, size=n) * rng.choice([0.5, 0.25, 0.125, 0.1])
    elif style == 5:
        vals = rng.choice(_BORDER_VALUES, size=n) * rng.choice([1.0, -1.0, 10.0, 0.01], size=n)
    else:
        vals = np.full(n, rng.choice(_BORDER_VALUES + (0.0, -0.0)))
    if n and rng.random() < 0.3:
        k = int(rng.integers(1, max(2, n // 3) + 1))
        specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e6, 1e-6]
        vals[rng.integers(n, size=k)] = rng.choice(specials, size=k)
    if dtype == "float16":
        vals = np.clip(vals, -60000, 60000)
    return vals.astype(NP_DTYPES[dtype])


def random_array(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Random values of ``dtype`` in ``shape``, biased towards the printer's edge cases."""
    n = math.prod(shape)
    if dtype.startswith("float"):
        vals = _random_floats(rng, n, dtype)
    elif dtype == "bool":
        vals = rng.random(n) < rng.random()
    elif dtype == "uint8":
        vals = rng.integers(0, 256, size=n).astype(np.uint8)
    else:
        k = int(rng.integers(1, 19 if dtype == "int64" else 10))
        vals = rng.integers(-(10**k), 10**k, size=n).astype(NP_DTYPES[dtype])
        if rng.random() < 0.5:
            vals = np.abs(vals)
    return vals.reshape(shape)


def random_case(rng: np.random.Generator, compact: bool = False) -> dict:
    """One case: array, dtype name and suffix kind ("requires_grad", "grad_fn" or None)."""
    dtype = str(rng.choice(list(_DTYPE_WEIGHTS), p=list(_DTYPE_WEIGHTS.values())))
    array = random_array(rng, random_shape(rng, compact), dtype)
    suffix = None
    if dtype.startswith("float"):
        suffix = rng.choice(["none", "none", "requires_grad", "grad_fn"])
        suffix = None if suffix == "none" else str(suffix)
    return {"array": array, "dtype": dtype, "suffix": suffix, "op": int(rng.integers(5))}


def random_options(rng: np.random.Generator) -> dict:
    """Keyword arguments for set_printoptions, identical for torch and the engine."""
    return {
        "precision": int(rng.integers(0, 9)),
        "threshold": int(rng.choice([0, 5, 50, 1000])),
        "edgeitems": int(rng.integers(0, 5)),
        "linewidth": int(rng.integers(20, 150)),
        "sci_mode": (None, True, False)[rng.integers(3)],
    }


def torch_repr(case: dict) -> tuple[str, str | None, bool]:
    """Return (repr, grad_fn name, requires_grad) of the torch tensor made from ``case``."""
    import torch

    t = torch.from_numpy(case["array"].copy())  # copy(): ascontiguousarray would make 0-d 1-d
    if case["suffix"] is not None:
        t = t.requires_grad_()
        if case["suffix"] == "grad_fn":
            t = _GRAD_FN_OPS[case["op"]](t)
    name = None if t.grad_fn is None else type(t.grad_fn).__name__
    return repr(t), name, t.requires_grad


def _encode_float(v: float, np_type: type) -> float | str:
    if math.isnan(v) or math.isinf(v):
        return str(v)
    short = float(str(np_type(v)))  # shortest text of the narrow value, if it reads back exactly
    return short if np_type(short) == np_type(v) else v


def encode(array: np.ndarray) -> list | float | int | bool | str:
    """Nested lists for JSON; nan and infinities become the strings "nan", "inf", "-inf"."""
    if array.dtype.kind != "f":
        return array.tolist()
    np_type = array.dtype.type
    flat = [_encode_float(v, np_type) for v in array.ravel().tolist()]
    return np.array(flat, dtype=object).reshape(array.shape).tolist()


def decode(data, shape: list[int], dtype: str) -> np.ndarray:
    """Inverse of ``encode``: the exact array back, shape kept even when empty."""
    flat = np.array(data, dtype=object).ravel().tolist()
    flat = [float(v) if isinstance(v, str) else v for v in flat]
    return np.array(flat, dtype=NP_DTYPES[dtype]).reshape(shape)


def main() -> None:
    """Write print_cases.json from torch."""
    import torch

    rng = np.random.default_rng(SEED)
    lines = []
    for i in range(N_CASES):
        case = random_case(rng, compact=True)
        options = random_options(rng) if i % 8 == 7 else {}
        torch.set_printoptions(**options)
        expected, grad_fn, requires_grad = torch_repr(case)
        torch.set_printoptions(profile="default")
        array = case["array"]
        back = decode(encode(array), list(array.shape), case["dtype"])
        if back.tobytes() != array.tobytes():
            raise AssertionError(f"case {i}: encode/decode does not round-trip exactly")
        record = {
            "data": encode(array),
            "shape": list(array.shape),
            "dtype": case["dtype"],
            "suffix": {"grad_fn": grad_fn, "requires_grad": requires_grad},
            "options": options,
            "expected": expected,
        }
        lines.append(json.dumps(record, sort_keys=True))
    header = {"torch": torch.__version__, "seed": SEED}
    OUT.write_text(
        '{"meta": '
        + json.dumps(header, sort_keys=True)
        + ',\n"cases": [\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    print(f"wrote {len(lines)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
