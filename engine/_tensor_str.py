"""Tensor printing: reproduces ``repr(torch_tensor)`` of torch 2.13 byte for byte.

Layout of the module: one options object (``PRINT_OPTS``), one formatter that picks
integer/fixed/scientific mode and a column width from the shown data (``_format_elements``),
a recursive row formatter (``_render``) and a suffix step (``_add_suffixes``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["PRINT_OPTS", "PrintOptions", "format_tensor", "set_printoptions"]


@dataclass
class PrintOptions:
    """Print options, with the same names and defaults as torch's ``PRINT_OPTS``."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = PrintOptions()

# profile -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}

# Dtypes whose name is left out of a non-empty tensor's repr.
_IMPLIED_DTYPES = frozenset({"float32", "int64", "bool"})

_PREFIX = "tensor("


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change print options like ``torch.set_printoptions`` (a profile first, then overrides)."""
    opts = PRINT_OPTS
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"unknown print profile {profile!r}; use one of {sorted(_PROFILES)}")
        opts.precision, opts.threshold, opts.edgeitems, opts.linewidth = _PROFILES[profile]
    if precision is not None:
        opts.precision = precision
    if threshold is not None:
        opts.threshold = threshold
    if edgeitems is not None:
        opts.edgeitems = edgeitems
    if linewidth is not None:
        opts.linewidth = linewidth
    # torch assigns sci_mode on every call, so any call without it resets it to automatic.
    opts.sci_mode = sci_mode


def format_tensor(
    data: np.ndarray,
    dtype_name: str,
    grad_fn_name: str | None = None,
    requires_grad: bool = False,
) -> str:
    """Return the text ``repr()`` gives for a torch tensor holding ``data`` as ``dtype_name``."""
    data = np.asarray(data)
    shape = data.shape
    suffixes = []
    if data.size == 0:
        body = "[]"
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dtype_name != "float32":
            suffixes.append("dtype=torch." + dtype_name)
    else:
        edge = PRINT_OPTS.edgeitems
        if not edge:
            # torch shows the shape whenever edgeitems is 0, summarized or not.
            suffixes.append(f"size={shape}")
        if dtype_name not in _IMPLIED_DTYPES:
            suffixes.append("dtype=torch." + dtype_name)
        body = _tensor_body(data, dtype_name, edge)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes)


def _tensor_body(data: np.ndarray, dtype_name: str, edge: int) -> str:
    """The bracketed contents of a non-empty tensor, summarized past the threshold."""
    shape = data.shape
    summarize = data.size > PRINT_OPTS.threshold
    if summarize and data.ndim and not edge:
        return "[...]"
    cut = tuple(summarize and n > 2 * edge for n in shape)
    shown = data
    for axis, n in enumerate(shape):
        if cut[axis]:
            shown = shown.take(np.r_[0:edge, n - edge : n], axis=axis)
    floating = dtype_name.startswith(("float", "bfloat"))
    if floating and shown.dtype.kind != "f":
        shown = shown.astype(np.float64)
    # The formatter sees only the shown elements, so hidden values never change mode or width.
    texts, width = _format_elements(shown.ravel().tolist(), floating)
    return _render(texts, 0, shown.shape, cut, len(_PREFIX), width, edge)


def _format_elements(values: list, floating: bool) -> tuple[list[str], int]:
    """Format every element right-aligned to one shared width; return (texts, width)."""
    if not floating:
        texts = [str(v) for v in values]
        width = max(map(len, texts))
        return [t.rjust(width) for t in texts], width

    finite = [v for v in values if v != 0 and v - v == 0]  # v - v is nan for inf and nan
    precision = PRINT_OPTS.precision
    if not finite:
        # Nothing to measure: torch keeps integer mode and ignores sci_mode here.
        int_mode, sci = True, False
    else:
        int_mode = all(v.is_integer() for v in finite)
        lo = min(map(abs, finite))
        hi = max(map(abs, finite))
        sci = PRINT_OPTS.sci_mode
        if sci is None:
            sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4

    if sci:
        spec = f".{precision}e"
        texts = [format(v, spec) for v in values]
    elif int_mode:
        texts = [f"{v:.0f}." if v - v == 0 else f"{v:.0f}" for v in values]
    else:
        spec = f".{precision}f"
        texts = [format(v, spec) for v in values]
    # Only nonzero finite values set the width; zeros, nan and inf are padded to it or overflow.
    width = max([1] + [len(t) for v, t in zip(values, texts, strict=True) if v != 0 and v - v == 0])
    return [t.rjust(width) for t in texts], width


def _render(
    texts: list[str],
    start: int,
    shape: tuple[int, ...],
    cut: tuple[bool, ...],
    indent: int,
    width: int,
    edge: int,
) -> str:
    """Lay out the shown block of ``texts`` starting at ``start`` as nested rows."""
    if not shape:
        return texts[start]
    n = shape[0]
    if len(shape) == 1:
        items = texts[start : start + n]
        if cut[0]:
            items.insert(edge, " ...")
        per_line = max(1, (PRINT_OPTS.linewidth - indent) // (width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    step = math.prod(shape[1:])
    parts = [
        _render(texts, start + i * step, shape[1:], cut[1:], indent + 1, width, edge)
        for i in range(n)
    ]
    if cut[0]:
        parts.insert(edge, "...")
    sep = "," + "\n" * (len(shape) - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def _add_suffixes(text: str, suffixes: list[str]) -> str:
    """Append ``, suffix`` items, wrapping one under ``[`` when the line would get too long."""
    indent = len(_PREFIX)
    # torch counts the last line plus 2, so a line ending in ", suffix)" stays below linewidth.
    line_len = len(text) - text.rfind("\n") + 1
    pieces = [text]
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line_len += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)
