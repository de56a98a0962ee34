"""Text → a checked ``Program`` (or ``Formula``): parsed with ``ast``, never evaluated.

Three forms: ``parse_program`` (a restricted Python in PyTorch vocabulary),
``parse_expression`` (a formula with values, as the equivalent program) and
``parse_formula`` (one formula, such as a student's answer).
"""

from .formulas import parse_expression, parse_formula, parse_tensor_formula
from .statements import parse_program

__all__ = ["parse_expression", "parse_formula", "parse_program", "parse_tensor_formula"]
