"""Property: any order of backward calls, in-place updates and changes of .grad outside
backward (resets, scaling, numbers set) is explained with every row agreeing with the
engine, and the engine with central differences."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.explain import explain, make_input

PRELUDE = (
    "import torch\n"
    "x = torch.tensor([1., 2.], requires_grad=True)\n"
    "w = torch.tensor([0.5, -1.], requires_grad=True)\n"
)
# each loss, and the leaves it reaches
LOSSES = {
    "(x * w).sum()": ("x", "w"),
    "(x * w * w).sum()": ("x", "w"),
    "((x * w).sum() - 1) ** 2": ("x", "w"),
    "(w * w).sum()": ("w",),
    "(x * 3).sum()": ("x",),
}
ACTIONS = (
    "backward",
    "update",
    "zero",
    "none",
    "zero inside the update",
    "update through .data",
    "scale",
    "clip",
    "set",
)


@st.composite
def training(draw) -> str:
    """A backward call, then up to 7 steps, each valid where it stands (no update of a None
    .grad)."""
    first = draw(st.sampled_from(sorted(LOSSES)))
    held = dict.fromkeys(("x", "w"), False)  # whether each .grad is a tensor (not None)
    held.update(dict.fromkeys(LOSSES[first], True))
    lines = [f"L = {first}", "L.backward()"]
    for k in range(draw(st.integers(0, 7))):
        action = draw(st.sampled_from(ACTIONS))
        leaf = draw(st.sampled_from(sorted(held)))
        if action == "backward" or (not held[leaf] and action != "set"):
            loss = draw(st.sampled_from(sorted(LOSSES)))
            lines += [f"L{k} = {loss}", f"L{k}.backward()"]
            held.update(dict.fromkeys(LOSSES[loss], True))
        elif action == "update":
            lines += ["with torch.no_grad():", f"    {leaf} -= 0.1 * {leaf}.grad"]
        elif action == "zero inside the update":
            lines += [
                "with torch.no_grad():",
                f"    {leaf} -= 0.1 * {leaf}.grad",
                f"    {leaf}.grad.zero_()",
            ]
        elif action == "update through .data":
            lines.append(f"{leaf}.data.sub_(0.1 * {leaf}.grad)")
        elif action == "zero":
            lines.append(f"{leaf}.grad.zero_()")
        elif action == "scale":
            lines.append(f"{leaf}.grad.mul_(0.5)")
        elif action == "clip":
            lines.append(f"{leaf}.grad.clamp_(-1, 1)")
        elif action == "set":
            lines.append(f"{leaf}.grad = torch.tensor([0.25, -2.])")
            held[leaf] = True
        else:
            lines.append(f"{leaf}.grad = None")
            held[leaf] = False
    return PRELUDE + "\n".join(lines) + "\n"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(training())
def test_every_row_of_a_training_program_agrees(source):
    x = explain(make_input(program=source))
    assert x.gradients
    for g in x.gradients:
        assert g.check.agrees and g.check.agrees_numerical, (g.leaf, g.check, source)
