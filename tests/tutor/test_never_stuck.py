"""No unexpected exception anywhere: random programs and formulas, wild ones included (out of
domains, onto kinks, through where() and non-uniform gradients), through the library, the
API and the command line. A program the engine refuses is a located TutorError; everything
else is explained, and no note admits an internal error."""

from __future__ import annotations

import random

import pytest

from tests.tutor.programs import generate
from tutor.cli import main
from tutor.errors import TutorError
from tutor.explain import explain, make_input
from tutor.render import report, text
from tutor.web import create_app

FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "sign", "cosh")
NUMBERS = (-2.0, -0.5, 0.0, 0.5, 1.0, 3.0, 100.0)


def _explained(inp):
    try:
        x = explain(inp)
    except TutorError as error:  # the engine (or the language) refused the program: located
        assert error.message and error.status in (400, 413, 422)
        return None
    assert report(x) and text(x)
    assert not [n for n in x.notes if "internal error" in n], x.notes
    return x


@pytest.mark.parametrize("seed", range(80))
def test_generated_programs_are_explained(seed):
    source = generate(seed, size=10, tensors=seed % 2 == 0, wild=seed % 3 != 0).source
    _explained(make_input(program=source))


def _formula(rng: random.Random) -> str:
    expr = rng.choice(("x", "y", "x*y", "x - y", "x/y"))
    for _ in range(rng.randint(1, 4)):
        f = rng.choice(FUNCTIONS)
        expr = rng.choice((f"{f}({expr})", f"{f}({expr}) + x", f"y*{f}({expr})", f"({expr})**2"))
    return expr


@pytest.mark.parametrize("seed", range(60))
def test_random_formulas_are_explained(seed):
    rng = random.Random(seed)
    values = {"x": rng.choice(NUMBERS), "y": rng.choice(NUMBERS)}
    _explained(make_input(expression=_formula(rng), values=values))


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize("seed", range(20))
def test_the_api_answers_without_a_server_error(client, seed):
    rng = random.Random(seed)
    body = (
        {"program": generate(seed, size=8, wild=True).source}
        if seed % 2
        else {"expression": _formula(rng), "values": {"x": rng.choice(NUMBERS), "y": 0.0}}
    )
    response = client.post("/api/v1/explain", json=body)
    assert response.status_code in (200, 400, 413, 422), response.get_data(as_text=True)[:500]
    page = client.get("/", query_string=body if "program" in body else {**body, "values": ""})
    assert page.status_code < 500


@pytest.mark.parametrize("seed", range(6))
def test_the_command_line_answers_without_a_traceback(seed, tmp_path, capsys):
    program = tmp_path / "program.py"
    program.write_text(generate(seed, size=8, wild=True).source)
    assert main(["explain", str(program)]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


# PyTorch's own autograd tutorial ("Automatic Differentiation with torch.autograd"), as written
QUICKSTART = """\
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w)+b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z_det = z.detach()
print(z_det.requires_grad)
"""


def test_pytorchs_own_autograd_tutorial_is_explained():
    x = explain(make_input(program=QUICKSTART))
    assert "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object" in x.output
    assert x.output.endswith("True\nFalse\nFalse\n")
    rows = {g.leaf: g for g in x.gradients}
    assert sorted(rows) == ["b", "w"]
    for g in rows.values():
        assert g.check.agrees and g.check.agrees_numerical, g.check
    # (σ(z) − y)/3, element by element in the leaves' names
    assert str(rows["b"].symbolic).startswith("[(-y[0] + 1/(1 + exp(-(b[0] + w[0, 0]*x[0] +")
