"""Second derivatives on the engine: a formula's Hessian by its own higher-order autograd.

``hessian`` runs the formula's program up to its result (no ``backward``), then does what a
PyTorch user does: ``g = torch.autograd.grad(L, leaves, create_graph=True)``, and for each
component ``torch.autograd.grad(g[i], leaves, retain_graph=True, allow_unused=True)``.
``gradient_at`` is the first derivative alone, at other values and in float64: the numbers
central differences of the first derivative are taken from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

import engine

from ..errors import ProgramError
from ..lang import program as ir
from .numeric import run


@dataclass(frozen=True)
class EngineHessian:
    """The engine's first and second derivatives of a formula's result, leaf by leaf."""

    gradient: list[float]  # ∂L/∂leaf, in leaf order
    matrix: list[list[float]]  # ∂²L/∂leaf_i∂leaf_j: row i is the gradient of ∂L/∂leaf_i
    dtype: str


def _is_tensor_call(value: object) -> bool:
    return isinstance(value, ir.Call) and value.kind == "factory" and value.name == "torch.tensor"


def with_values(program: ir.Program, values: dict[str, float], dtype=None) -> ir.Program:
    """The formula's program with some leaves' values replaced (and every value made in
    ``dtype`` when given): the same statements, only the numbers of ``torch.tensor`` differ."""
    statements = []
    for s in program.statements:
        if isinstance(s, ir.Assign) and _is_tensor_call(s.value) and len(s.targets) == 1:
            name, call = s.targets[0].id, s.value
            if name in values:
                call = dataclasses.replace(call, args=(ir.Const(values[name], call.at),))
            if dtype is not None:
                call = dataclasses.replace(
                    call, kwargs=(*call.kwargs, ("dtype", ir.Const(dtype, call.at)))
                )
            s = dataclasses.replace(s, value=call)
        statements.append(s)
    return dataclasses.replace(program, statements=tuple(statements))


def _forward(program: ir.Program, leaves: list[str]):
    """The result and leaf tensors of the program, run without its ``backward``."""
    done = run(dataclasses.replace(program, backward_root=None))
    return done.tensors[program.backward_root], [done.tensors[n] for n in leaves]


def _numbers(tensors) -> list[float]:
    """One-element tensors as floats; a leaf the result does not depend on (None) is 0."""
    return [0.0 if t is None else float(t.detach().numpy()) for t in tensors]


def hessian(program: ir.Program, leaves: list[str]) -> EngineHessian:
    """The engine's gradient and Hessian of the program's result over ``leaves`` (scalars).

    What the engine itself refuses comes out as a ``ProgramError`` in its own words.
    """
    root, xs = _forward(program, leaves)
    try:
        with engine.enable_grad():
            first = engine.autograd.grad(root, xs, create_graph=True, allow_unused=True)
            rows = []
            for g in first:
                if g is None or not g.requires_grad:  # a constant: its derivatives are 0
                    rows.append([0.0] * len(xs))
                    continue
                again = engine.autograd.grad(g, xs, retain_graph=True, allow_unused=True)
                rows.append(_numbers(again))
    except Exception as error:  # the engine's refusal, word for word
        raise ProgramError.from_exception(error) from None
    return EngineHessian(_numbers(first), rows, str(root.dtype).removeprefix("torch."))


def gradient_at(program: ir.Program, leaves: list[str], values: dict[str, float]) -> np.ndarray:
    """The engine's ∂L/∂leaf for every leaf, in float64, with ``values`` for some leaves."""
    done = run(with_values(program, values, engine.float64))
    return np.array(_numbers(done.tensors[n].grad for n in leaves))
