"""Every answer key comes from the live tutor path and carries a verdict that agrees.

200 sheets, 40 per level, 3 problems each (600 problems): each key is re-derived from the
problem's own input through ``tutor.explain.explain``, its verdict must agree with the
engine and with central differences, and every box's key answer must pass the checker
a student's answer goes through (closed forms re-read by the safe parser).
"""

from __future__ import annotations

import pytest

from tutor import checking
from tutor.explain import explain, make_input
from tutor.worksheet import check_box, make_worksheet

pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor:UserWarning")

SHEETS = [(seed, 3, seed % 5 + 1) for seed in range(200)]


@pytest.mark.parametrize("level", range(1, 6))
def test_every_key_of_200_sheets_agrees(level):
    for seed, problems, sheet_level in SHEETS:
        if sheet_level != level:
            continue
        sheet = make_worksheet(seed, problems, level)
        for p in sheet.to_json()["problems"]:
            where = f"seed {seed} level {level} problem {p['number']}"
            assert p["key"]["verdict"]["agrees"], where
            assert p["key"]["verdict"]["agrees_numerical"], where
            assert all(leaf["agrees"] for leaf in p["key"]["verdict"]["leaves"]), where
        for p in sheet.problems:
            again = explain(make_input(**_input(p.to_json()["input"])))
            if p.wrt is not None:  # the key is what the tutor says today for the same input
                g = again.gradient(p.wrt)
                assert g.value == p.gradient.value
                assert str(checking.closed_form(g)) == str(checking.closed_form(p.gradient))
            else:
                assert again.output == p.explanation.output
            for box in p.boxes:
                assert check_box(p, box.id, box.answer).correct, (seed, level, box)


def _input(request: dict) -> dict:
    return {k: request.get(k) for k in ("program", "expression", "values", "requires_grad")}
