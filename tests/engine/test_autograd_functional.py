"""What the case catalogue (``cases_functional``) cannot observe of
``engine.autograd.functional``: its public names and the modes it refuses."""

from __future__ import annotations

import pytest

import engine
from tests.engine.cases_functional import _x


def test_functional_is_reachable_like_torchs():
    assert engine.autograd.functional.__all__ == [
        "hessian",
        "hvp",
        "jacobian",
        "jvp",
        "vhp",
        "vjp",
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda F, x: F.jacobian(lambda a: a * a, x, vectorize=True),
        lambda F, x: F.jacobian(lambda a: a * a, x, strategy="forward-mode"),
        lambda F, x: F.hessian(lambda a: (a * a).sum(), x, vectorize=True),
        lambda F, x: F.hessian(lambda a: (a * a).sum(), x, outer_jacobian_strategy="forward-mode"),
    ],
)
def test_vectorize_and_forward_mode_are_refused(call):
    with pytest.raises(NotImplementedError, match="vectorize=False, reverse mode"):
        call(engine.autograd.functional, _x(engine, "float64"))
