"""The case catalogue: every case by name, each a function ``case(T, r)``.

``T`` is a torch-like module (``engine`` or ``torch``), ``r`` a ``harness.Recorder``.
The groups live in their own modules: the op table crossed with dtypes and shapes
(``cases_ops``), dtype promotion (``cases_dtypes``), autograd semantics
(``cases_autograd``), in-place ops and custom Functions (``cases_inplace``), views that
share their base's storage and overlapping writes (``cases_aliasing``), errors and
the rest of the tensor API (``cases_errors``), regressions found by random programs
(``cases_fidelity``), second and third derivatives (``cases_higher_order``) and
``autograd.functional`` (``cases_functional``).
"""

from __future__ import annotations

from tests.engine import (
    cases_aliasing,
    cases_autograd,
    cases_dtypes,
    cases_errors,
    cases_fidelity,
    cases_functional,
    cases_higher_order,
    cases_inplace,
    cases_ops,
)


def _catalogue() -> dict:
    cases: dict = {}
    groups = (
        cases_ops.op_cases(),
        cases_dtypes.dtype_cases(),
        cases_autograd.CASES,
        cases_inplace.CASES,
        cases_aliasing.CASES,
        cases_errors.CASES,
        cases_fidelity.CASES,
        cases_higher_order.CASES,
        cases_functional.CASES,
    )
    for group in groups:
        clash = cases.keys() & group.keys()
        if clash:
            raise KeyError(f"case names defined twice: {sorted(clash)[:5]}")
        cases.update(group)
    return dict(sorted(cases.items()))


CASES = _catalogue()
