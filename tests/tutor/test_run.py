"""tutor.run: programs print what PyTorch prints, and their graph records every value."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict

import pytest

import engine
from engine.function import SECOND_BACKWARD
from tests.conftest import SEED_NAMES, seed_output, seed_source
from tutor import lang
from tutor.errors import LimitError, ProgramError
from tutor.graph import CONSTANT, DETACH, LEAF, LITERAL, NO_GRAD, OP, index_key
from tutor.limits import LIMITS, Limits
from tutor.run import numeric

ADDRESS = re.compile(r" object at 0x[0-9a-f]+>")


def run(source: str, limits: Limits = LIMITS) -> numeric.NumericRun:
    return numeric.run(lang.parse_program(source), limits)


def shape(graph) -> list[tuple]:
    """(id, kind, op, inputs) of every node, the graph's skeleton."""
    return [(n.id, n.kind, n.op, n.inputs) for n in graph.nodes]


def cuts(graph) -> dict[tuple[str, str], str | None]:
    return {(e.source, e.target): e.cut for e in graph.edges}


# ----- output -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_snippets_print_pytorch_output(name):
    output = run(seed_source(name)).output
    assert ADDRESS.sub(" object at 0x…>", output) == ADDRESS.sub(
        " object at 0x…>", seed_output(name)
    )


def test_grad_fn_prints_with_an_address():
    line = run(seed_source("a")).output.splitlines()[8]
    assert re.fullmatch(r"<AddBackward0 object at 0x[0-9a-f]+>", line)


def test_print_formats_as_python_does():
    output = run(
        "import torch\nt = torch.tensor(2.5)\nx = torch.tensor([1., 2.], requires_grad=True)\n"
        "print(f'{t}', f'{t:.2f}', f'{t!r}', 3, sep='|', end='!\\n')\n"
        "print([t, x.sum()], (1, 2.0), None, True, x.shape, x.dtype, x.grad)\n"
        "print(x.sum().item(), t.item() / 3, 1e-5, 10**20, -0.0)"
    ).output
    assert output == (
        "2.5|2.50|tensor(2.5000)|3!\n"
        "[tensor(2.5000), tensor(3., grad_fn=<SumBackward0>)] (1, 2.0) None True "
        "torch.Size([2]) torch.float32 None\n"
        f"3.0 {2.5 / 3} 1e-05 100000000000000000000 -0.0\n"
    )


def test_non_scalar_backward_prints_like_pytorch():
    output = run(
        "import torch\nx = torch.tensor([1., 2., 3.], requires_grad=True)\ny = x * x\n"
        "y.backward(torch.tensor([0.1, 1.0, 0.0001]))\nprint(x.grad)"
    ).output
    assert output == "tensor([2.0000e-01, 4.0000e+00, 6.0000e-04])\n"


# ----- engine errors ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        (seed_source("b") + "a.backward()\n", f"RuntimeError: {SECOND_BACKWARD}", 13),
        (
            "import torch\nx = torch.ones(3)\ny = torch.ones(2)\nz = x + y",
            "RuntimeError: The size of tensor a (3) must match the size of tensor b (2) "
            "at non-singleton dimension 0",
            4,
        ),
        (
            "import torch\nw = torch.ones(2, requires_grad=True)\nw.grad.zero_()",
            "AttributeError: 'NoneType' object has no attribute 'zero_'",
            3,
        ),
        (
            "import torch\nx = torch.ones(2, 2, requires_grad=True)\n(x * 2).backward()",
            "RuntimeError: grad can be implicitly created only for scalar outputs",
            3,
        ),
        ("x = 1 / 0", "ZeroDivisionError: division by zero", 1),
    ],
)
def test_engine_errors_keep_their_words_and_name_the_statement(source, message, line):
    with pytest.raises(ProgramError) as caught:
        run(source)
    error = caught.value
    assert (error.message, error.line, error.col, error.status) == (message, line, 1, 422)
    assert str(error) == f"{message} (line {line}, col 1)"


def test_wrong_argument_types_are_clear():
    with pytest.raises(ProgramError, match="exp\\(\\) needs a tensor; make one with torch.tensor"):
        run("import torch\ny = torch.exp(2.0)")
    with pytest.raises(ProgramError, match="`\\*` takes numbers and tensors .*, not a list"):
        run("x = [1] * 3")
    with pytest.raises(ProgramError, match="must be a number, not a tensor"):
        run("import torch\nx = torch.ones(2)\ny = torch.max(x, x)")


# ----- graph model --------------------------------------------------------------------------
def test_seed_a_graph():
    graph = run(seed_source("a")).graph
    assert shape(graph) == [
        ("x1", CONSTANT, None, ()),
        ("x", LEAF, None, ()),
        ("t1", LITERAL, None, ()),
        ("y", OP, "add", ("x", "t1")),
        ("t2", OP, "mul", ("y", "y")),
        ("t3", LITERAL, None, ()),
        ("z", OP, "mul", ("t2", "t3")),
        ("out", OP, "mean", ("z",)),
    ]
    nodes = {n.id: n for n in graph.nodes}
    assert [nodes[i].grad_fn for i in ("y", "t2", "z", "out")] == [
        "AddBackward0",
        "MulBackward0",
        "MulBackward0",
        "MeanBackward0",
    ]
    assert (nodes["t2"].label, nodes["t1"].label, nodes["t1"].value) == ("y * y", "2", 2)
    assert (nodes["out"].shape, nodes["out"].value, nodes["x"].grad) == ((), 27.0, None)
    assert (nodes["y"].line, nodes["y"].col, nodes["x"].dtype) == (7, 5, "float32")
    assert graph.backward_calls == []


def test_seed_b_graph_records_the_backward_call():
    graph = run(seed_source("b")).graph
    (call,) = graph.backward_calls
    assert (call.root, call.gradient, call.line) == ("a", None, 11)
    assert call.grads_after == {"x": [[4.5, 4.5], [4.5, 4.5]]}
    assert graph.node("x").grad == [[4.5, 4.5], [4.5, 4.5]]


def test_seed_c_graph():
    graph = run(seed_source("c")).graph
    assert shape(graph) == [
        ("x1", LEAF, None, ()),  # from_numpy, then requires_grad_ before any use: a leaf
        ("w1", LEAF, None, ()),
        ("x2", OP, "mul", ("x1", "w1")),
        ("w2", LEAF, None, ()),
        ("y", OP, "mul", ("x2", "w2")),
        ("Y", CONSTANT, None, ()),
        ("L", OP, "sub", ("Y", "y")),
        ("t1", CONSTANT, None, ()),  # the gradient torch.ones(2, 2, dtype=torch.float)
    ]
    (call,) = graph.backward_calls
    assert (call.root, call.gradient) == ("L", [[1.0, 1.0], [1.0, 1.0]])
    assert {k: v[0][0] for k, v in call.grads_after.items()} == {"x1": -30, "w1": -12, "w2": -10}
    assert graph.node("L").grad_fn == "SubBackward0"
    assert graph.node("Y").grad is None and graph.node("Y").requires_grad is False
    json.dumps(asdict(graph))  # plain data


def test_reused_operand_is_one_node():
    result = run(
        "import torch\nx = torch.tensor(3., requires_grad=True)\ny = (x + x) * x\ny.backward()"
    )
    graph = result.graph
    assert shape(graph) == [
        ("x", LEAF, None, ()),
        ("t1", OP, "add", ("x", "x")),
        ("y", OP, "mul", ("t1", "x")),
    ]
    assert [(e.target, e.position) for e in graph.consumers("x")] == [
        ("t1", 0),
        ("t1", 1),
        ("y", 1),
    ]
    assert graph.node("x").grad == 12.0


def test_diamond():
    graph = run(
        "import torch\nx = torch.tensor(2., requires_grad=True)\na = x * 3\nb = x ** 2\n"
        "c = a + b\nd = c * a\nd.backward()"
    ).graph
    assert [e.target for e in graph.consumers("x")] == ["a", "b"]
    assert [e.target for e in graph.consumers("a")] == ["c", "d"]
    assert graph.node("b").grad_fn == "PowBackward0"
    assert graph.node("x").grad == 72.0


def test_detach_cuts_the_edge():
    graph = run(
        "import torch\nx = torch.tensor([3.], requires_grad=True)\ny = x * x.detach()\n"
        "y.backward()\nz = x.data"
    ).graph
    detached = graph.node("t1")
    assert (detached.kind, detached.op, detached.cut, detached.inputs) == (
        CONSTANT,
        None,
        DETACH,
        ("x",),
    )
    assert detached.label == "x.detach()" and graph.node("z").cut == DETACH
    assert cuts(graph)[("x", "t1")] == DETACH
    assert cuts(graph)[("t1", "y")] is None
    assert graph.node("x").grad == [3.0]


def test_no_grad_marks_values_and_cuts_edges():
    graph = run(
        "import torch\nx = torch.tensor([1., 2.], requires_grad=True)\n"
        "with torch.no_grad():\n    z = x * 2\nw = x * 2"
    ).graph
    z = graph.node("z")
    assert (z.kind, z.op, z.no_grad, z.requires_grad, z.grad_fn) == (OP, "mul", True, False, None)
    assert {e.cut for e in graph.edges if e.target == "z"} == {NO_GRAD}
    assert {e.cut for e in graph.edges if e.target == "w"} == {None}
    assert graph.node("w").no_grad is False


def test_two_backward_calls_accumulate():
    result = run(
        "import torch\nx = torch.tensor([1., 2., 3.], requires_grad=True)\ny = (x * x).sum()\n"
        "y.backward(retain_graph=True)\nprint(x.grad)\ny.backward()\nprint(x.grad)"
    )
    assert result.output == "tensor([2., 4., 6.])\ntensor([ 4.,  8., 12.])\n"
    first, second = result.graph.backward_calls
    assert (first.line, first.grads_after) == (4, {"x": [2.0, 4.0, 6.0]})
    assert (second.line, second.grads_after) == (6, {"x": [4.0, 8.0, 12.0]})
    assert result.graph.node("x").grad == [4.0, 8.0, 12.0]


def test_sgd_step_in_place_is_a_new_version_of_the_leaf():
    result = run(
        "import torch\nw = torch.tensor([1., 2.], requires_grad=True)\nloss = (w * w).sum()\n"
        "loss.backward()\nlr = 0.1\nwith torch.no_grad():\n    w -= lr * w.grad\n"
        "w.grad.zero_()\nloss2 = (w * w).sum()\nloss2.backward()\nprint(w, w.is_leaf)"
    )
    graph = result.graph
    assert result.output == "tensor([0.8000, 1.6000], requires_grad=True) True\n"
    step = graph.node("w_2")
    assert (step.kind, step.op, step.no_grad, step.replaces, step.label) == (
        LEAF,
        "sub",
        True,
        "w",
        "w",
    )
    assert step.inputs[0] == "w" and graph.node(step.inputs[1]).label == "lr * w.grad"
    assert {e.cut for e in graph.edges if e.target == "w_2"} == {NO_GRAD}
    grad_read = graph.node(graph.node(step.inputs[1]).inputs[1])
    assert (grad_read.kind, grad_read.label, grad_read.value) == (CONSTANT, "w.grad", [2.0, 4.0])
    zeroed = next(n for n in graph.nodes if n.replaces == grad_read.id)
    assert (zeroed.kind, zeroed.value) == (CONSTANT, [0.0, 0.0])
    assert graph.node("t6").inputs == ("w_2", "w_2")  # the second loss uses the new version
    assert graph.node("w_2").grad == pytest.approx([1.6, 3.2])
    assert result.node_ids["w"] == "w_2"
    assert result.tensors["w"] is result.tensors["w"]


def test_requires_grad_after_use_is_a_new_leaf():
    graph = run(
        "import torch\na = torch.ones(2)\nb = a * 2\na.requires_grad_()\nc = a * 3\n"
        "d = torch.ones(1)\nd.requires_grad = True"
    ).graph
    assert graph.node("a").kind == CONSTANT
    assert (graph.node("a_2").kind, graph.node("a_2").replaces) == (LEAF, "a")
    assert graph.node("b").inputs[0] == "a" and graph.node("c").inputs[0] == "a_2"
    assert graph.node("d").kind == LEAF  # not used before: simply a leaf


def test_in_place_on_a_non_leaf_records_the_engine_node():
    graph = run(
        "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\ny += 1\ny.sum().backward()"
    ).graph
    y2 = graph.node("y_2")
    assert (y2.kind, y2.op, y2.inputs[0], y2.grad_fn, y2.replaces) == (
        OP,
        "add",
        "y",
        "AddBackward0",
        "y",
    )
    assert graph.node("x").grad == [2.0, 2.0]


def test_ids_are_unique_and_names_win():
    graph = run("import torch\nt1 = torch.ones(1)\nx = t1 * 2 + 1\nx = x * 3\nt3 = x\n").graph
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids))
    assert ids[0] == "t1" and "x" in ids and "x_2" in ids and "t3" not in ids[:2]
    assert graph.node("x_2").label == "x"


def test_multiple_outputs_indexing_and_selection():
    graph = run(
        "import torch\nx = torch.tensor([[1., 5.], [3., 4.]], requires_grad=True)\n"
        "v, i = x.max(dim=0)\nc = x[:, 1]\nw = torch.where(x > 2, x, torch.zeros(2, 2))\n"
        "r, s = x\nq = x.T"
    ).graph
    v, i = graph.node("v"), graph.node("i")
    assert (v.op, v.attrs, v.grad_fn) == (
        "max",
        {"dim": 0, "keepdim": False, "output": 0},
        "MaxBackward0",
    )
    assert (i.op, i.attrs["output"], i.dtype, i.value) == ("max", 1, "int64", [1, 0])
    c = graph.node("c")
    assert c.attrs == {"key": [{"slice": [None, None, None]}, 1]}
    assert index_key(c.attrs["key"]) == (slice(None), 1)
    w = graph.node("w")
    assert (w.op, w.inputs[0], w.attrs["condition"]) == (
        "where",
        "x",
        [[False, True], [True, True]],
    )
    assert graph.node("t2").op == "gt"
    assert (graph.node("r").op, graph.node("r").attrs) == ("getitem", {"key": [0]})
    assert (graph.node("q").op, graph.node("q").grad_fn) == ("T", "PermuteBackward0")


def test_retained_gradient_and_big_values():
    graph = run(
        "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 3\ny.retain_grad()\n"
        "(y * y).sum().backward()\nbig = torch.ones(2000)"
    ).graph
    assert graph.node("y").grad == [6.0, 6.0]
    assert graph.node("big").value is None  # beyond Limits.value_elements


def test_expression_form_graph():
    result = numeric.run(
        lang.parse_expression("Y - x1*w1*w2", {"x1": 2, "w1": 5, "w2": 6, "Y": 10}, constants=["Y"])
    )
    graph = result.graph
    assert shape(graph) == [
        ("x1", LEAF, None, ()),
        ("w1", LEAF, None, ()),
        ("w2", LEAF, None, ()),
        ("Y", CONSTANT, None, ()),
        ("t1", OP, "mul", ("x1", "w1")),
        ("t2", OP, "mul", ("t1", "w2")),
        ("L", OP, "sub", ("Y", "t2")),
    ]
    (call,) = graph.backward_calls
    assert (call.root, call.gradient) == ("L", None)
    assert call.grads_after == {"x1": -30.0, "w1": -12.0, "w2": -10.0}
    assert result.output == ""
    assert (graph.node("x1").line, graph.node("x1").col) == (1, 5)


def test_expression_form_non_scalar_gets_ones():
    graph = numeric.run(lang.parse_expression("sigmoid(x) * 2", {"x": [0.0, 1.0]})).graph
    (call,) = graph.backward_calls
    assert call.gradient == [1.0, 1.0]
    assert graph.node("x").grad[0] == pytest.approx(0.5)


def test_three_layer_mlp_fits_easily():
    result = run(
        """
import torch
import torch.nn.functional as F
torch.manual_seed(0)
X = torch.randn(64, 784)
t = torch.randint(0, 10, (64,))
W1 = torch.randn(784, 128, requires_grad=True)
b1 = torch.zeros(128, requires_grad=True)
W2 = torch.randn(128, 64, requires_grad=True)
b2 = torch.zeros(64, requires_grad=True)
W3 = torch.randn(64, 10, requires_grad=True)
b3 = torch.zeros(10, requires_grad=True)
h1 = torch.relu(X @ W1 + b1)
h2 = torch.tanh(h1 @ W2 + b2)
loss = F.cross_entropy(h2 @ W3 + b3, t)
loss.backward()
with torch.no_grad():
    W1 -= 0.01 * W1.grad
    W2 -= 0.01 * W2.grad
    W3 -= 0.01 * W3.grad
print(f"{loss.item():.3f}", W1.grad.shape)
"""
    )
    assert result.output.endswith("torch.Size([784, 128])\n")
    assert len(result.graph.nodes) < LIMITS.graph_nodes // 10
    json.dumps(asdict(result.graph))


def test_limits_hold_inside_a_run():
    with pytest.raises(LimitError, match="more than 2 values"):
        run("import torch\nx = torch.ones(1)\ny = x + x + x", Limits(graph_nodes=2))
    with pytest.raises(LimitError) as caught:
        run("import torch\nx = torch.ones(10)\ny = x * 2", Limits(total_elements=15))
    assert (caught.value.code, caught.value.line) == ("memory_limit", 3)


def test_grad_mode_is_restored_after_a_run():
    run("import torch\ntorch.set_grad_enabled(False)\nx = torch.ones(1)")
    assert engine.is_grad_enabled()
    with pytest.raises(ProgramError):
        run("import torch\nwith torch.no_grad():\n    y = 1 / 0")
    assert engine.is_grad_enabled()


def test_concurrent_runs_keep_their_output_and_grad_mode():
    quiet = (
        "import torch\ntorch.set_grad_enabled(False)\nx = torch.ones(2, requires_grad=True)\n"
        + ("print((x * 2).requires_grad)\n" * 50)
    )

    def one(i: int) -> bool:
        if i % 2:
            return run(quiet).output == "False\n" * 50
        return run(seed_source("b")).output == seed_output("b")

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(one, range(40)))


WARNED = """\
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = (y * y).sum()
z.backward()
print(y.grad)
print(y.grad)
c = torch.tensor(x)
L = F.mse_loss(x, torch.tensor(1.0))
"""


def test_what_pytorch_warns_of_a_program_is_its_own_by_line_and_once():
    """A non-leaf's .grad read, torch.tensor(t), a loss target that broadcasts: PyTorch's
    UserWarnings, each at its line once (as Python shows a warning once per place), kept
    for the answer, and none raised in the serving process."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = run(WARNED)
    assert not caught
    assert [line for line, _ in done.warnings] == [7, 8, 9, 10]
    assert "not a leaf Tensor is being accessed" in done.warnings[0][1]
    assert "sourceTensor.detach().clone()" in done.warnings[2][1]
    assert "Using a target size (torch.Size([])) that is different" in done.warnings[3][1]
    assert run(WARNED.replace("print(y.grad)\n", "", 1)).warnings[0][0] == 7


def test_two_programs_on_two_threads_keep_their_own_warnings():
    quiet = "import torch\nx = torch.tensor(1.0, requires_grad=True)\n(x * x).backward()\n"
    sources = [WARNED, quiet] * 4
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(run, sources))
    assert all(len(r.warnings) == 4 for r in runs[::2])
    assert all(not r.warnings for r in runs[1::2])
