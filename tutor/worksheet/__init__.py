"""Worksheets: seeded backpropagation problem sets whose keys come from the live tutor."""

from .levels import LEVELS, Level
from .reveal import CHOICES as REVEAL_CHOICES
from .reveal import Reveal
from .sheet import (
    MAX_PROBLEMS,
    MAX_SEED,
    MAX_VERSION,
    Problem,
    Worksheet,
    WorksheetError,
    check_box,
    hint_ladder,
    make_worksheet,
)

__all__ = [
    "LEVELS",
    "REVEAL_CHOICES",
    "Reveal",
    "MAX_PROBLEMS",
    "MAX_SEED",
    "MAX_VERSION",
    "Level",
    "Problem",
    "Worksheet",
    "WorksheetError",
    "check_box",
    "hint_ladder",
    "make_worksheet",
]
