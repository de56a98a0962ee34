"""``gradtutor explain``: the side-by-side table and the steps, as text."""

from __future__ import annotations

import io

import pytest

from tests.conftest import SEED_DIR
from tutor.cli import main


def test_explain_a_file_prints_output_table_and_steps(capsys):
    assert main(["explain", str(SEED_DIR / "b.py")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tensor([[1., 1.],")
    assert "x    | 4.5          | 3*(x + 2)/2 | 4.5   | agrees" in out
    assert "∂a/∂z = 1/4 for each of the 4 elements (1/N)" in out


def test_explain_an_expression_with_values(capsys):
    argv = ["explain", "--expression", "Y - x1*w1*w2", "--values", "x1=2,w1=5,w2=6,Y=10"]
    assert main([*argv, "--constants", "Y"]) == 0
    out = capsys.readouterr().out
    assert "x1   | -30          | -w1*w2      | -30   | agrees" in out
    assert "∂L/∂x1 = (-1)·w2·w1 = -w1*w2 = -30" in out


def test_explain_reads_standard_input(capsys, monkeypatch):
    source = "import torch\nx = torch.tensor(3.0, requires_grad=True)\n(x * x).backward()\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(source))
    assert main(["explain", "-"]) == 0
    assert "2*x" in capsys.readouterr().out


def test_a_bad_program_is_a_located_message_not_a_traceback(capsys):
    assert main(["explain", "--expression", "x +", "--values", "x=1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gradtutor explain:") and "Traceback" not in err


def test_explain_needs_a_file_or_an_expression(capsys):
    assert main(["explain"]) == 2
    assert "give a FILE" in capsys.readouterr().err


def test_explain_takes_a_language_for_the_steps_and_keeps_the_programs_output(capsys):
    assert main(["explain", str(SEED_DIR / "b.py")]) == 0
    english = capsys.readouterr().out
    assert main(["explain", "--lang", "zh", str(SEED_DIR / "b.py")]) == 0
    chinese = capsys.readouterr().out
    printed = english.split("\n\nleaf ")[0]  # what the program printed, as PyTorch prints it
    assert chinese.startswith(printed + "\n\n叶子节点 ")
    assert "x 的步骤：" in chinese and "steps for x:" in english


def test_explain_refuses_another_language(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["explain", "--lang", "fr", str(SEED_DIR / "b.py")])
    assert exit_.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_what_pytorch_warns_is_printed_with_its_line_not_on_stderr(capsys, tmp_path):
    program = tmp_path / "warns.py"
    program.write_text(
        "import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
        "y = x ** 3\ny.backward(create_graph=True)\nprint(y.grad)\n"
    )
    assert main(["explain", str(program)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "warning: line 4: UserWarning: Using backward() with create_graph=True" in out
    assert "warning: line 5: UserWarning: The .grad attribute of a Tensor that is not" in out


def test_an_mlps_table_fits_a_terminal_with_every_verdict_in_view(capsys, tmp_path):
    from tests.tutor.test_soundness import MLP_STEP
    from tutor.render.labels import cells

    program = tmp_path / "mlp.py"
    program.write_text(MLP_STEP)
    assert main(["explain", str(program)]) == 0
    table = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert len(table) == 10 and all(cells(line.rstrip()) <= 100 for line in table)
    rows = {line.split(" | ")[0].strip(): line.split(" | ") for line in table[2:]}
    assert rows["W1"][1].strip() == "100×32: too many numbers to show"
    assert rows["W2"][1].strip() == "32×10: see its steps"
    assert all(row[-1].strip() == "agrees" for row in rows.values())
    out = main(["explain", str(program)]) or capsys.readouterr().out
    assert "engine .grad and the closed form agree on every number (largest difference" in out


TWO_LAYERS = """import torch
x = torch.tensor([0.5, -1.0, 2.0])
W1 = torch.tensor([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]], requires_grad=True)
b1 = torch.tensor([0.1, -0.1, 0.2], requires_grad=True)
W2 = torch.tensor([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.2]], requires_grad=True)
b2 = torch.tensor([0.05, 0.0, -0.05], requires_grad=True)
y = torch.tensor([1.0, 0.0, 0.5])
h = torch.tanh(W1 @ x + b1)
z = torch.sigmoid(W2 @ h + b2)
loss = torch.nn.functional.mse_loss(z, y)
loss.backward()
"""


@pytest.mark.parametrize(("lang", "head"), [("en", "b1: agrees"), ("zh", "b1：一致")])
def test_a_table_wider_than_a_line_is_written_as_one_block_per_leaf(capsys, tmp_path, lang, head):
    from tutor.render.labels import cells

    program = tmp_path / "two_layers.py"
    program.write_text(TWO_LAYERS)
    assert main(["explain", str(program), "--lang", lang]) == 0
    summary = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert all(cells(line) <= 100 for line in summary)
    assert len(summary) == 4 * 4  # a head line and three cells for each of the 4 leaves
    block = summary[summary.index(head) : summary.index(head) + 4]
    assert block[1].split()[-3:] == ["[-0.0141859,", "0.00627116,", "-0.00682266]"]
    assert "⊙ (1 − h**2)" in block[2]


def test_a_leaf_without_a_closed_form_has_no_value_not_too_many_numbers(capsys, tmp_path):
    # the second derivative through max() of 600 numbers is over the element-by-element
    # budget: no closed form, so no value of it either (the cell said "600: too many
    # numbers to show", as if the value had been too large)
    program = tmp_path / "max_twice.py"
    program.write_text(
        "import torch\n"
        "x = torch.linspace(-1, 1, 600, requires_grad=True)\n"
        "g, = torch.autograd.grad(x.max() ** 3, x, create_graph=True)\n"
        "g.sum().backward()\n"
    )
    assert main(["explain", str(program)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("x "))
    assert [cell.strip() for cell in row.split("|")][2:] == ["—", "—", "—"]
