"""Explanations for people and programs: text, LaTeX and MathML printers, SVG, JSON report."""

from .printers import LatexPrinter, latex, mathml, text
from .report import Report, report

__all__ = ["LatexPrinter", "Report", "latex", "mathml", "report", "text"]
