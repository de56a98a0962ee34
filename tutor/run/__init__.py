"""A checked program on the engine: what it prints, its tensors and its recorded ``Graph``."""

from .numeric import NumericRun, run

__all__ = ["NumericRun", "run"]
