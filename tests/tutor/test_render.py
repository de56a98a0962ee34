"""Text, LaTeX and MathML renderings of the steps; golden texts of the teaching cases."""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sympy

from tests.tutor.builder import seed_b, seed_c
from tests.tutor.golden.make_steps_golden import HERE, SEEDS, ZH, seed_text_zh, text
from tests.tutor.teaching import CASES
from tests.web.english import words
from tutor import examples, i18n, lang, render, steps
from tutor.cli import main
from tutor.explain import explain_graph, explain_program
from tutor.render import names, printers
from tutor.render.labels import cells
from tutor.render.report import report

STEP_CLASSES = [
    c
    for _, c in inspect.getmembers(steps, inspect.isclass)
    if dataclasses.is_dataclass(c) and c.__module__ == steps.__name__ and c is not steps.Quantity
]


def all_steps(explanation):
    def walk(step):
        yield step
        for child in steps.children(step):
            yield from walk(child)

    for g in explanation.gradients:
        for step in g.steps:
            yield from walk(step)
    yield from explanation.no_gradient


@pytest.mark.parametrize("cls", STEP_CLASSES, ids=lambda c: c.__name__)
def test_every_step_class_has_a_printer_method(cls):
    assert callable(getattr(printers.Printer, f"_print_{cls.__name__}", None))


def test_renderers_dispatch_on_the_class_name():
    class Custom(printers.TextPrinter):
        def _print_Cut(self, cut):
            return "custom"

    assert Custom().doprint(steps.Cut("x", "d", "detach")) == "custom"


def test_seed_c_text_shows_the_path_product():
    explanation = explain_graph(seed_c())
    lines = [render.text(s) for s in all_steps(explanation)]
    assert "∂L/∂x1 = (-1)·w2·w1 = -w1*w2 = -30" in lines


def test_a_long_upstream_gradient_is_carried_by_name_and_value():
    explanation = explain_program(lang.parse_program(CASES["long_chain"]))
    lines = [render.text(s) for s in all_steps(explanation)]
    # a short gradient is still written in symbols (as the steps write it: x·(1 - a14**2),
    # not x*(1 - tanh(a13)**2)), a long one by name and value: CS231n's staged computation
    assert "∂L/∂a13 = x·(1 - a14**2) = 0.0158562" in lines
    assert "∂L/∂t3 = ∂L/∂a9·∂a9/∂t3 = 0.662773·1/(2*a9) = 0.662773·0.179143 = 0.118731" in lines
    # past a fork whose sum is long, the sum is not written again below it
    assert "∂L/∂a9 = ∂L/∂a10·∂a10/∂a9 = 0.994159·1/w = 0.994159·0.666667 = 0.662773" in lines
    use = next(line for line in lines if line.startswith("through a7 = exp(a6)"))
    assert use.endswith("contributes ∂L/∂a7·∂a7/∂a6 = 0.618772·3.24092 = 2.00539")
    # local derivatives in the result's name, as textbooks (and PyTorch's formulas) write them
    sigmoid = next(line for line in lines if line.startswith("through a5 = sigmoid(a4)"))
    assert "(the logistic sigmoid); by the chain rule: ∂a5/∂a4 = a5*(1 - a5) = 0.169399" in sigmoid
    assert "∂a9/∂t3 = 1/(2*a9) = 0.179143" in next(x for x in lines if "a9 = sqrt" in x)
    # the whole expansion was written at every step: lines of 871 characters, 24.5 kB in all
    assert max(len(line) for line in lines) < 200
    assert sum(len(line) for line in lines) < 10_000


def test_the_long_chain_reads_in_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(CASES["long_chain"]))
    assert main(["explain", "-"]) == 0
    out = capsys.readouterr().out
    # was 14,424 bytes with lines of up to 431 characters: the whole upstream expression at
    # every step, the closed form in the table, every step again for the second leaf
    assert len(out.encode()) < 8_000
    assert max(len(line) for line in out.splitlines()) <= 200
    assert "∂L/∂a15, …, ∂L/∂a1: 17 steps as in the steps for x above" in out


def test_a_textbook_local_derivative_is_not_expanded_again():
    explanation = explain_program(lang.parse_program(CASES["sigmoid_bce"]))
    lines = [render.text(s) for s in all_steps(explanation)]
    # was ∂L/∂t2 = (t6/t8 - y/p)·p*(1 - p) = (t6/t8 - y/p)*exp(-t2)/(1 + exp(-t2))**2 = …
    assert "∂L/∂t2 = (t6/t8 - y/p)·(p*(1 - p)) = -0.320821" in lines
    node_lines = [line for line in lines if line.startswith("∂L/∂")]
    assert node_lines and not any("exp(" in line for line in node_lines)


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        ("chain", "y = x2·w2 (multiplication); by the product rule"),
        ("chain", "L = Y - y (subtraction); by the sum rule"),
        ("quotient", "q = a / b (division); by the quotient rule"),
        ("tanh_neuron", "h = tanh(t2) (hyperbolic tangent); by the chain rule"),
        ("mean", "out = mean(z) (the mean); by the mean rule: ∂out/∂z = 1/4 for each of the 4"),
        ("broadcast", "(broadcast sum: b's 2 copies' gradients add up)"),
        ("matmul", "t1 = X @ W (the matrix product); by the matmul rule"),
        ("sigmoid_bce", "L = -t11 (negation); by the constant factor rule"),
        ("long_chain", "a9 = sqrt(t3) (the square root); by the power rule"),
    ],
)
def test_each_use_names_its_rule(case, rule):
    explanation = explain_program(lang.parse_program(CASES[case]))
    assert any(rule in render.text(s) for s in all_steps(explanation))


def test_the_second_use_of_a_square_says_it_is_the_first_again():
    explanation = explain_program(lang.parse_program(CASES["square"]))
    lines = [render.text(s) for s in all_steps(explanation)]
    first = "through operand 1 of y = x·x (multiplication); by the product rule: ∂y/∂x = x = 3;"
    assert any(line.startswith(first) for line in lines)
    assert "through operand 2 of y = x·x: the same as through operand 1; contributes x = 3" in lines


@pytest.mark.parametrize(
    ("case", "spelled"),
    [
        (
            "chain",
            "x2 = x1·w1 (multiplication); by the product rule: ∂x2/∂x1 = w1 = 5",
        ),  # not w1*x1
        # one use of two: not x**2
        ("product_reuse", "y = x·x (multiplication); by the product rule: ∂y/∂x = x = 3"),
        ("product_reuse", "z = y + x (addition); by the sum rule"),
        ("quotient", "q = a / b (division); by the quotient rule"),
    ],
)
def test_operations_are_spelled_as_the_program_wrote_them(case, spelled):
    explanation = explain_program(lang.parse_program(CASES[case]))
    assert any(spelled in render.text(s) for s in all_steps(explanation))


def test_the_page_writes_a_closed_form_as_the_api_and_the_cli_do():
    x = sympy.Symbol("x", real=True)
    closed = sympy.factor(3 * x / 2 + 3)  # 3*(x + 2)/2 in the API and the CLI
    assert render.typeset.text(closed) == "3*(x + 2)/2"
    page = render.typeset.mathml(closed)
    assert "<mn>6</mn>" not in page and "<mi>x</mi><mo>+</mo><mn>2</mn>" in page


def test_seed_b_text_shows_one_over_four_and_the_closed_form():
    out = render.text(explain_graph(seed_b()))
    assert "∂a/∂z = 1/4 for each of the 4 elements (1/N)" in out
    assert "3*(x + 2)/2 = 4.5" in out


@pytest.mark.parametrize("graph", [seed_b, seed_c])
def test_mathml_is_well_formed_html(graph):
    for step in all_steps(explain_graph(graph())):
        markup = render.mathml(step)
        root = ET.fromstring(f"<div>{markup.replace('&InvisibleTimes;', '&#8290;')}</div>")
        maths = root.findall("{http://www.w3.org/1998/Math/MathML}math")
        assert maths or "∂" not in markup


def test_latex_uses_partial_fractions_and_inline_math():
    explanation = explain_graph(seed_c())
    latex = [render.latex(s) for s in all_steps(explanation)]
    assert any(r"\frac{\partial L}{\partial x_{1}}" in line for line in latex)
    assert all(line.count(r"\(") == line.count(r"\)") for line in latex)


def test_a_closed_form_renders_as_mathml():
    g = explain_graph(seed_c()).gradients[0]
    assert render.mathml(g).startswith("<math")


VERSIONED = """
import torch
x = torch.tensor([1.0, 2.0])
W1 = torch.tensor([0.5, -1.0], requires_grad=True)
L = (W1 * x).sum() ** 2
L.backward()
with torch.no_grad():
    W1 -= 0.1 * W1.grad
W1.grad.zero_()
L2 = (W1 * x).sum() ** 2
L2.backward()
"""


def test_a_version_name_typesets_its_two_indices_apart():
    """W1 after its in-place change is W1_2: W with subscript 1,2, never "1 2" run together."""
    explanation = explain_program(lang.parse_program(VERSIONED))
    version = next(g for g in explanation.gradients if g.leaf == "W1_2")
    latex = render.latex(version) + "".join(render.latex(s) for s in version.steps)
    mathml = render.mathml(version) + "".join(render.mathml(s) for s in version.steps)
    assert "W_{1,2}" in latex and "W_{1 2}" not in latex
    assert "<msub><mi>W</mi><mi>1,2</mi></msub>" in mathml and "<mo> </mo>" not in mathml
    assert names.latex("x1") == "x_{1}" and names.latex("w_2") == "w_{2}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_step_texts(name):
    golden = Path(HERE / f"{name}.txt").read_text()
    assert text(name) == golden, "regenerate with python -m tests.tutor.golden.make_steps_golden"


@pytest.mark.parametrize("name", SEEDS)
def test_golden_step_texts_in_chinese(name):
    golden = Path(ZH / f"{name}.txt").read_text()
    assert seed_text_zh(name) == golden, "regenerate with tests/tutor/golden/make_steps_golden.py"


def _zh_steps(program: str, printer) -> list[str]:
    with i18n.using("zh"):
        return [printer(s) for s in all_steps(explain_program(lang.parse_program(program)))]


def test_the_chinese_latex_of_the_steps_has_no_english_outside_math_and_code():
    latex = _zh_steps(examples.seed("c"), render.latex)
    prose = [re.sub(r"\\\(.*?\\\)|\\texttt\{[^}]*\}", " ", line) for line in latex]
    assert [w for line in prose for w in words(line)] == []
    assert any("由乘积法则：" in line for line in latex)
    assert all(line.count(r"\(") == line.count(r"\)") for line in latex)


def test_a_chinese_sentence_keeps_its_math_and_names_as_math():
    (line,) = [m for m in _zh_steps(CASES["product_reuse"], render.mathml) if "被使用了" in m]
    assert line.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow><mi>x</mi>')
    assert "被使用了 3 次；各次贡献相加：<math" in line


def test_a_chinese_line_breaks_after_its_clauses_and_fits_a_terminal():
    with i18n.using("zh"):
        out = render.text(explain_program(lang.parse_program(CASES["long_chain"])))
    assert max(cells(line) for line in out.splitlines()) <= 200
    assert "一致（最大差异" in out


def test_words_inside_a_formula_stay_words():
    source = (
        "import torch\ns = torch.tensor(2., requires_grad=True)\nx = torch.ones(3)\n"
        "L = (s * x).sum()\nL.backward()\n"
    )
    data = report(explain_program(lang.parse_program(source)))
    flat = []

    def walk(items):
        for item in items:
            flat.append(item)
            walk(item["children"])

    walk(data["gradients"][0]["steps"])
    broadcast = [s for s in flat if "copies of" in s["text"]]
    assert broadcast
    assert all(r"\text{Σ over 3 copies of}" in s["latex"] for s in broadcast)
    # MathML drops plain spaces around words: they are kept as no-break spaces
    assert all("<mtext>&#xA0;Σ over 3 copies of&#xA0;</mtext>" in s["mathml"] for s in broadcast)
