"""Running a checked program on the engine: its printed output, its graph, its tensors.

``run(program)`` is the numeric half of the tutor's data flow (DESIGN.md): the program's
statements run on ``engine`` exactly as ``import engine as torch`` would run them, with
``print`` writing into a buffer of this run (never ``sys.stdout``, so concurrent runs on
threads do not mix), and every tensor recorded into a ``tutor.graph.Graph``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

import engine
from engine.factories import START_SEED
from engine.warn import collecting

from ..errors import ProgramError, TutorError
from ..graph import Graph
from ..lang.program import Program
from ..limits import LIMITS, Limits, Meter
from .interpreter import Interpreter
from .recorder import Recorder, Unrecorded


@dataclass
class NumericRun:
    """What one run produced."""

    output: str  # exactly what the program printed
    graph: Graph
    tensors: dict[str, engine.Tensor]  # the final binding of each name bound to a tensor
    node_ids: dict[str, str]  # the graph node each name in ``tensors`` stands for
    unrecorded: Unrecorded  # the numbers the graph was too large to keep, for the checks
    warnings: tuple[tuple[int, str], ...] = ()  # (line, what the engine warned, as PyTorch)


def run(program: Program, limits: Limits = LIMITS) -> NumericRun:
    """Run a checked program; only a ``TutorError`` can come out of it."""
    meter = Meter(limits)
    recorder = Recorder(meter)
    out = io.StringIO()
    interpreter = Interpreter(recorder, meter, out, formula=program.form == "expression")
    grad_mode = engine.is_grad_enabled()  # a program may switch it; this thread gets it back
    # a run starts as a fresh process would: grad mode on, the generator at its start (a
    # thread serves many requests; one's manual_seed must not fix the next one's randn)
    engine.set_grad_enabled(True)
    engine.manual_seed(START_SEED)
    try:
        # PyTorch makes NaN and inf silently, and so does the engine; its warnings (PyTorch's
        # UserWarnings) are the program's, for its answer
        with np.errstate(all="ignore"), collecting(interpreter.heard):
            interpreter.run(program.statements)
            if program.backward_root is not None:
                interpreter.auto_backward(program.backward_root)
        graph, unrecorded = recorder.graph(), recorder.unrecorded()
    except TutorError:
        raise
    except Exception as error:  # a failure outside any statement: still the program's error
        raise ProgramError.from_exception(error) from None
    finally:
        engine.set_grad_enabled(grad_mode)
    tensors = {n: v for n, v in interpreter.env.items() if isinstance(v, engine.Tensor)}
    node_ids = _node_ids(graph, tensors, recorder)
    warned = tuple(interpreter.warned)
    return NumericRun(out.getvalue(), graph, tensors, node_ids, unrecorded, warned)


def _node_ids(graph: Graph, tensors: dict, recorder: Recorder) -> dict[str, str]:
    ids = [node.id for node in graph.nodes]
    return {name: ids[recorder.latest(tensor)] for name, tensor in tensors.items()}
