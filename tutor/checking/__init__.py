"""A student's answer checked against the live tutor: safe parse, equivalence, mistakes."""

from .answers import read_formula, read_number
from .feedback import (
    KINDS,
    VALUE_TOLERANCE,
    Feedback,
    NotCheckable,
    check,
    check_number,
    check_output,
    closed_form,
)
from .hints import ladder

__all__ = [
    "KINDS",
    "VALUE_TOLERANCE",
    "Feedback",
    "NotCheckable",
    "check",
    "check_number",
    "check_output",
    "closed_form",
    "ladder",
    "read_formula",
    "read_number",
]
