"""Fidelity classes found by random tutorial-style programs against torch (issue 14):
``where`` with a non-bool condition, views taken under ``no_grad``, exact cancellations
and signed zeros from the order of operations in backward formulas."""

from __future__ import annotations

from tests.engine.harness import registry

CASES, case = registry("fidelity")


# ----- where: the condition must be bool -------------------------------------------------
# (uint8 still runs, with a warning PyTorch gives once per process: not a repeatable case.)
def _where_with_condition(dtype_name: str):
    def where_condition(T, r):
        condition = T.tensor([1, 0, 2]).to(getattr(T, dtype_name))
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        r.raises("function", lambda: T.where(condition, x, T.zeros(3)))
        r.raises("scalar_other", lambda: T.where(condition, x, 0.0))

    where_condition.__name__ = f"where_condition_{dtype_name}"
    return where_condition


for _name in ("float32", "float64", "float16", "int64", "int32", "bool"):
    case(_where_with_condition(_name))


@case
def where_condition_from_arithmetic(T, r):
    x = T.tensor([0.5, -1.0], requires_grad=True)
    r.raises("mask_times_one", lambda: T.where((x > 0) * 1.0, x, -x))
    r.raises("mask_as_float", lambda: T.where((x > 0).float(), x, -x))
