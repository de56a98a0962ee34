"""``explain()``: the one entry point every caller uses, returning an ``Explanation``."""

from .explainer import explain, explain_graph, explain_program
from .explanation import ELEMENTS, GENERIC, NUMERIC, Explanation, LeafGradient
from .inputs import ExplainInput, make_input

__all__ = [
    "ELEMENTS",
    "GENERIC",
    "NUMERIC",
    "ExplainInput",
    "Explanation",
    "LeafGradient",
    "explain",
    "explain_graph",
    "explain_program",
    "make_input",
]
