"""Worksheets: seeded backpropagation problem sets whose keys come from the live tutor."""

from .levels import LEVELS, Level
from .sheet import (
    MAX_PROBLEMS,
    MAX_SEED,
    MAX_VERSION,
    Problem,
    Worksheet,
    WorksheetError,
    check_box,
    make_worksheet,
)

__all__ = [
    "LEVELS",
    "MAX_PROBLEMS",
    "MAX_SEED",
    "MAX_VERSION",
    "Level",
    "Problem",
    "Worksheet",
    "WorksheetError",
    "check_box",
    "make_worksheet",
]
