"""Run a case on a torch-like module, turn what it saw into plain data, compare two runs.

A case is a function ``case(T, r)``: ``T`` is ``engine`` or ``torch``, ``r`` a Recorder.
It calls ``r(key, value)`` for everything worth comparing; an exception escaping the case
is recorded too (its type and exact text), and so are warnings. ``observe`` returns plain
JSON-ready data, so a live torch run and the golden file are compared the same way.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np

# The tolerance of every comparison, stated once: (relative, absolute) per dtype.
TOLERANCE = {
    "torch.float16": (1e-3, 1e-3),
    "torch.float32": (1e-5, 1e-6),
    "torch.float64": (1e-10, 1e-12),
}
SCALAR_TOLERANCE = TOLERANCE["torch.float32"]  # bare Python floats (.item() and friends)
_SIGNIFICANT = {"torch.float16": 5, "torch.float32": 9, "torch.float64": 15}

_ADDRESS = re.compile(r" object at 0x[0-9a-f]+>")
_TRIGGERED = re.compile(r" \(Triggered internally at .*\)$", re.S)
_NUMBER = re.compile(r"-?\d+\.?\d*(e[+-]\d+)?")
_MAX_GRAPH_NODES = 40


class CaseBug(Exception):
    """A mistake in a case itself: never recorded as an observation, always raised."""


class Recorder:
    """Collects a case's observations in order, as plain data."""

    def __init__(self) -> None:
        self.seen: dict = {}

    def __call__(self, key: str, value) -> None:
        if key in self.seen:
            raise CaseBug(f"observation {key!r} recorded twice")
        self.seen[key] = plain(value)

    def raises(self, key: str, fn) -> None:
        """Call ``fn()`` and record what it raised (or that it returned normally)."""
        try:
            result = fn()
        except CaseBug:
            raise
        except Exception as error:  # the exception is the observation
            self.seen[key] = error_text(error)
            return
        self.seen[key] = {"returned": plain(result)}


def error_text(error: BaseException) -> dict:
    """An exception as its type name and exact message."""
    return {"raised": type(error).__name__, "message": str(error)}


def observe(case, T) -> dict:
    """Run ``case`` on module ``T`` and return its observations (raises only for CaseBug)."""
    r = Recorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            case(T, r)
        except CaseBug:
            raise
        except Exception as error:  # an escaping error is an observation too
            r.seen["error"] = error_text(error)
    shown = [
        [w.category.__name__, _TRIGGERED.sub("", str(w.message))]
        for w in caught
        if issubclass(w.category, (UserWarning, DeprecationWarning))
    ]
    if shown:
        r.seen["warnings"] = shown
    return r.seen


def plain(value):
    """A value as JSON-ready data; tensors become a dict of everything visible about them."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _number(value, "float")
    if isinstance(value, (np.generic, np.ndarray)):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, type):
        return {"type": value.__name__}
    if hasattr(value, "grad_fn") and hasattr(value, "detach"):
        return _tensor(value)
    if hasattr(value, "next_functions"):
        return {"node": node_name(value), "graph": graph(value)}
    return {"repr": _ADDRESS.sub(" object at 0x?>", repr(value))}


def node_name(node) -> str | None:
    """The class name PyTorch gives a backward node (``None`` for no node)."""
    return None if node is None else type(node).__name__


def graph(node) -> list:
    """``next_functions`` as nested ``[name, input_nr, children]``, depth first."""
    budget = [_MAX_GRAPH_NODES]

    def walk(fn) -> list:
        budget[0] -= 1
        if budget[0] < 0:
            return ["...", 0, []]
        return [[node_name(f), nr, walk(f) if f is not None else []] for f, nr in fn.next_functions]

    return walk(node)


def _tensor(t) -> dict:
    dtype = str(t.dtype)
    fn = t.grad_fn
    return {
        "dtype": dtype,
        "shape": list(t.shape),
        "values": _values(t.detach().tolist(), dtype),
        "requires_grad": t.requires_grad,
        "is_leaf": t.is_leaf,
        "grad_fn": node_name(fn),
        "graph": None if fn is None else graph(fn),
        "repr": repr(t),
    }


def _values(data, dtype: str):
    if isinstance(data, list):
        return [_values(v, dtype) for v in data]
    return _number(data, dtype) if isinstance(data, float) else data


def _number(x: float, dtype: str):
    """A float rounded to what its dtype can hold; non-finite values as strings (JSON has none)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float(f"{x:.{_SIGNIFICANT.get(dtype, 15)}g}")


# ----- comparison ---------------------------------------------------------------------
def differences(got: dict, want: dict) -> list[str]:
    """Where two observation dicts disagree (empty when they match within tolerance)."""
    problems: list[str] = []
    _compare(got, want, "", SCALAR_TOLERANCE, problems)
    return problems


def _compare(got, want, path: str, tol: tuple, problems: list) -> None:
    if isinstance(want, dict) and isinstance(got, dict):
        if "values" in want and "dtype" in want:
            _compare_tensor(got, want, path, problems)
            return
        for key in sorted(set(got) | set(want)):
            if key not in got or key not in want:
                side = "engine" if key in got else "torch"
                problems.append(
                    f"{path}/{key}: only {side} has it: {got.get(key, want.get(key))!r}"
                )
                continue
            _compare(got[key], want[key], f"{path}/{key}", tol, problems)
        return
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            problems.append(f"{path}: length {len(got)} != {len(want)}: {got!r} vs {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, f"{path}[{i}]", tol, problems)
        return
    if not _same_number(got, want, tol):
        problems.append(f"{path}: engine {got!r} != torch {want!r}")


def _compare_tensor(got: dict, want: dict, path: str, problems: list) -> None:
    tol = TOLERANCE.get(want["dtype"], (0.0, 0.0))
    for key in sorted(set(got) | set(want)):
        if key == "repr":
            continue
        _compare(got.get(key), want.get(key), f"{path}/{key}", tol, problems)
    if got.get("repr") == want.get("repr"):
        return
    # Values that differ in the last bits may print differently (4. against 4.0000, or a
    # printer's rounding tie); then only the layout counts, unless the difference is rounding
    # noise around zero (1 - 1 as 0 or as -4.7e-17), which switches PyTorch's printer to
    # scientific notation on its own.
    exact = (
        got.get("values") == want.get("values")
        and not _integral_flip(got, want)
        and not _tie_flip(got, want)
    )
    same_layout = _NUMBER.sub("#", got.get("repr", "")) == _NUMBER.sub("#", want.get("repr", ""))
    noise = _noise_around_zero(got.get("values"), want.get("values"), tol[1])
    if exact or not (same_layout or noise):
        problems.append(f"{path}/repr: engine {got.get('repr')!r} != torch {want.get('repr')!r}")


_TRAILING_ZEROS = re.compile(r"(\d)\.0+(?!\d)")


def _integral_flip(got: dict, want: dict) -> bool:
    """Whether the reprs differ only as ``4.`` against ``4.0000``: values equal at the
    recorded precision, one side a last bit off an integer (3.9999999999999996), which
    is enough for PyTorch's printer to leave integer mode."""
    a, b = (_TRAILING_ZEROS.sub(r"\1.", d.get("repr", "")) for d in (got, want))
    return a == b


def _flat(values) -> list:
    return [x for v in values for x in _flat(v)] if isinstance(values, list) else [values]


def _tie_flip(got: dict, want: dict) -> bool:
    """Whether the reprs differ only by one unit in the last printed digit: values equal at
    the recorded precision (last bits apart) that sit on a rounding tie of the printer
    (3.7501499999999997 against 3.7501500000000005 print as 3.7501 and 3.7502)."""
    a, b = (d.get("repr", "") for d in (got, want))
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    pairs = [
        (x.group(), y.group())
        for x, y in zip(_NUMBER.finditer(a), _NUMBER.finditer(b), strict=True)
        if x.group() != y.group()
    ]
    return bool(pairs) and all(_one_unit_apart(x, y) for x, y in pairs)


def _one_unit_apart(x: str, y: str) -> bool:
    """``3.7501`` and ``3.7502``: the same exponent and decimals, one unit in the last."""
    (mantissa_x, _, exp_x), (mantissa_y, _, exp_y) = x.partition("e"), y.partition("e")
    decimals = len(mantissa_x.partition(".")[2])
    if exp_x != exp_y or decimals != len(mantissa_y.partition(".")[2]):
        return False
    return round(abs(float(mantissa_x) - float(mantissa_y)) * 10**decimals) == 1


def _noise_around_zero(got, want, atol: float = 0.0) -> bool:
    """Whether every element that differs is, on both sides, below 1e-12 of the largest or
    below the dtype's absolute tolerance (all of a gradient can be noise: 0 against 4.7e-17)."""
    a, b = _flat(got), _flat(want)
    if len(a) != len(b) or not all(isinstance(x, float) for x in a + b):
        return False
    scale = max((abs(x) for x in a + b if math.isfinite(x)), default=0.0)
    limit = max(1e-12 * scale, atol)
    return all(x == y or max(abs(x), abs(y)) <= limit for x, y in zip(a, b, strict=True))


def _same_number(got, want, tol: tuple) -> bool:
    if type(got) is not type(want):
        return False
    if isinstance(want, float):
        rel, abs_ = tol
        return math.isclose(got, want, rel_tol=rel, abs_tol=abs_)
    return got == want


def registry(prefix: str):
    """A dict of cases and a decorator that adds ``fn`` to it as ``prefix/fn.__name__``."""
    cases: dict = {}

    def add(fn):
        name = f"{prefix}/{fn.__name__}"
        if name in cases:
            raise KeyError(f"case {name} defined twice")
        cases[name] = fn
        return fn

    return cases, add
