"""Generated programs: the closed form equals sympy.diff of the flattened program, the
engine's .grad, real torch's .grad and central differences — for every leaf.

The programs (``tests/tutor/programs.py``, seeded) use every covered function on scalars,
vectors and matrices, with reuse, diamonds, broadcasting, detach and no_grad, non-scalar
backward with a gradient, and two backward calls.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from tests.tutor.programs import generate
from tutor import lang
from tutor.explain import explain_program
from tutor.symbolic.elements import ElementGraph
from tutor.symbolic.evaluate import evaluate
from tutor.symbolic.nodes import SymbolicGraph
from tutor.symbolic.witness import TOLERANCE

TENSOR_SEEDS = range(120)
SCALAR_SEEDS = range(1000, 1060)
EXACT = {"rtol": 1e-7, "atol": 1e-9}  # two float64 evaluations of the same derivative


def flattened_gradients(graph) -> dict[str, np.ndarray]:
    """sympy.diff of the whole program, flattened to leaf elements, at the recorded values."""
    eg = ElementGraph(SymbolicGraph(graph))
    objective = sympy.Integer(0)
    for call in graph.backward_calls:
        root = eg.forward(call.root)
        given = np.broadcast_to(1.0 if call.gradient is None else call.gradient, root.shape)
        objective += sum((g * e for g, e in zip(given.flat, root.flat, strict=True)), 0)
    out = {}
    for leaf in {n.id for n in graph.nodes if n.kind == "leaf" and n.grad is not None}:
        elements = eg.symbols(leaf)
        out[leaf] = np.vectorize(
            lambda s: float(evaluate(sympy.diff(objective, s), eg.env)), otypes=[float]
        )(elements)
    return out


def torch_gradients(torch, source: str) -> dict[str, np.ndarray]:
    scope: dict = {}
    exec(compile(source, "<generated>", "exec"), scope)  # the oracle runs the same text
    tensors = {k: v for k, v in scope.items() if isinstance(v, torch.Tensor) and v.is_leaf}
    return {k: v.grad.numpy() for k, v in tensors.items() if v.grad is not None}


def check_program(seed: int, tensors: bool, torch) -> set[str]:
    program = generate(seed, size=8, tensors=tensors)
    explanation = explain_program(lang.parse_program(program.source))
    flat = flattened_gradients(explanation.graph)
    oracle = torch_gradients(torch, program.source)
    f32 = TOLERANCE["float32"]
    assert {g.leaf for g in explanation.gradients} == set(oracle) == set(flat)
    for g in explanation.gradients:
        where = f"seed {seed}, leaf {g.leaf}\n{program.source}"
        value = np.asarray(g.value)
        np.testing.assert_allclose(value, flat[g.leaf], **EXACT, err_msg=where)
        np.testing.assert_allclose(value, g.numeric, rtol=f32.rtol, atol=f32.atol, err_msg=where)
        np.testing.assert_allclose(
            value, oracle[g.leaf], rtol=f32.rtol, atol=f32.atol, err_msg=where
        )
        assert g.check.agrees and g.check.agrees_numerical, where
        assert g.symbolic is not None, where
    return program.functions


@pytest.mark.oracle
def test_generated_tensor_programs(torch):
    covered = set()
    for seed in TENSOR_SEEDS:
        covered |= check_program(seed, True, torch)
    from tests.tutor.programs import BINARY, REDUCE, UNARY

    losses = {"mse_loss", "binary_cross_entropy_with_logits"}
    assert covered >= set(UNARY) | set(BINARY) | set(REDUCE) | {"matmul"} | losses
    assert covered >= {"detach", "no_grad"}


@pytest.mark.oracle
def test_generated_scalar_programs(torch):
    for seed in SCALAR_SEEDS:
        check_program(seed, False, torch)
