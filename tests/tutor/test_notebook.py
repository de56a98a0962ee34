"""The notebook extension: the example notebook executed by a real kernel, its outputs read
back as a front end would; the rich display of ``tutor.notebook.explain`` as valid HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import seed_source
from tests.web.browsing import ARGS, CHROMIUM, require_chromium
from tutor.notebook import Explained, Refused, explain

EXAMPLE = Path(__file__).parents[2] / "examples" / "autograd-tutorial.ipynb"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Balance(HTMLParser):
    """Every element closed, in order (SVG and MathML self-closing tags count as closed)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def balanced(markup: str) -> _Balance:
    parser = _Balance()
    parser.feed(markup)
    parser.close()
    assert not parser.problems and not parser.open, (parser.problems[:3], parser.open[-3:])
    return parser


@pytest.fixture(scope="module")
def executed():
    """The example notebook after a real kernel ran it, as nbclient leaves it."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLE, as_version=4)
    nbclient.NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    return [c for c in notebook.cells if c.cell_type == "code"]


def _html(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def _explain_cells(cells, magic: str = "%%explain"):
    return [c for c in cells if c.source.startswith(magic)]


def test_the_committed_notebook_has_its_outputs_cleared():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(EXAMPLE, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_every_explained_cell_shows_the_graph_and_each_closed_form(executed):
    cells = [c for c in _explain_cells(executed) if "foo()" not in c.source]
    assert len(cells) == 8
    for cell in cells:
        html = _html(cell)
        assert "<svg" in html, cell.source
        rows = len(re.findall(r'<td class="verdict', html))
        assert html.count("<math") >= rows, cell.source
        assert all(o.output_type != "error" for o in cell.outputs)


def test_the_tutorials_values_are_the_engines(executed):
    cells = _explain_cells(executed)
    b = next(_html(c) for c in cells if "a.backward()" in c.source)
    assert "<pre>[[4.5, 4.5],\n [4.5, 4.5]]</pre>" in b and "✓ agrees" in b
    c = next(_html(c) for c in cells if "L.backward" in c.source)
    for value in ("-30", "-12", "-10"):
        assert f"<pre>[[{value}, {value}],\n [{value}, {value}]]</pre>" in c
    assert c.count("✓ agrees") == 3


def test_a_formula_line_magic_shows_latex_and_the_hessian(executed):
    formula, hessian = _explain_cells(executed, "%explain ")
    data = formula.outputs[0]["data"]
    assert r"\mathtt{x1.grad} &= - w_{1} w_{2}" in data["text/latex"]
    assert "Second derivatives (the Hessian)" in hessian.outputs[0]["data"]["text/html"]


def test_a_broken_cell_shows_a_located_error_and_the_kernel_goes_on(executed):
    broken = next(c for c in executed if "foo()" in c.source)
    html = _html(broken)
    assert "At line 4, column 5." in html and "y = x.foo()\n    ^</pre>" in html
    assert all(o.output_type != "error" for o in broken.outputs)  # no traceback
    after = executed[executed.index(broken) + 1]
    assert "tanh" in after.source and "<svg" in _html(after)


PROGRAM = "import torch\nx = torch.ones(2, requires_grad=True)\n(x * x).sum().backward()"


def test_the_html_is_balanced_and_static_output_is_free_of_scripts():
    static = explain(program=PROGRAM, static=True)
    assert isinstance(static, Explained)
    parser = balanced(static._repr_html_())
    assert {"svg", "math", "table", "details"} <= parser.tags and "script" not in parser.tags
    assert "script" in balanced(explain(program=PROGRAM)._repr_html_()).tags
    refused = explain(program="import torch\nx = torch.ones(2)\ny = x.foo()")
    assert isinstance(refused, Refused)
    assert "script" not in balanced(refused._repr_html_()).tags


def test_next_steps_through_the_backward_pass_where_scripts_run(tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    answers = [explain(program=seed_source("c")), explain(program=PROGRAM)]
    page_file = tmp_path / "outputs.html"
    body = "".join(a._repr_html_() for a in answers)  # two outputs in one document
    page_file.write_text(f"<!doctype html><meta charset=utf-8><body>{body}</body>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        first = page.locator(".gradtutor").first
        assert first.locator(".step-count").inner_text() == "step 0 of 5"
        first.locator("button.step-next").click()
        said = first.locator(".step-now").inner_text()
        assert said == "∂L/∂y: upstream 1 × local -1 = -1"
        assert first.locator('svg g.current[data-node="y"]').count() == 1
        for _ in range(4):
            first.locator("button.step-next").click()
        assert first.locator("button.step-next").is_disabled()
        assert first.locator(".step-now").inner_text().startswith("∂L/∂")
        second = page.locator(".gradtutor").nth(1)
        assert second.locator(".step-count").inner_text().startswith("step 0 of")
        assert second.locator("svg g.current").count() == 0  # each output steps on its own
        browser.close()
    assert not errors


def test_the_plain_repr_stays_short():
    answer = explain(expression="Y - x1*w1*w2", values={"x1": 2, "w1": 5, "w2": 6, "Y": 10})
    assert repr(answer) == "<gradtutor explanation: x1: agrees, w1: agrees, w2: agrees, Y: agrees>"
    refused = explain(expression="x +", values="x=1")
    assert repr(refused).startswith("<gradtutor refusal: ") and len(repr(refused)) < 110


def _chinese_words(markup: str) -> list[str]:
    """The English words of a Chinese output, outside code and math (as on a zh page)."""
    from tests.web.htmlq import parse
    from tests.web.test_language import _english

    return _english(parse(f"<div>{markup}</div>"))


def test_a_value_after_numbers_the_grad_held_says_them_in_html_and_markdown():
    shown = explain(
        "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "x.grad = torch.tensor([0.5, 0.25])\n(x * x).sum().backward()\n"
    )
    assert "<td><pre>held [0.5, 0.25] + [2, 4]</pre></td>" in shown._repr_html_()
    assert "| `[2.5, 4.25]` | $2 x$ | `held [0.5, 0.25] + [2, 4]` | agrees |" in (
        shown._repr_markdown_()
    )


def test_explain_in_chinese_writes_the_html_markdown_and_repr_in_chinese():
    answer = explain(program=seed_source("c"), lang="zh")
    html = answer._repr_html_()
    assert html.startswith('<div class="gradtutor" lang="zh-Hans">')
    assert "<h4>梯度：引擎结果与闭式并列</h4>" in html and "✓ 一致" in html
    assert 'data-count="第 {pos} 步，共 {n} 步"' in html and "◀ 上一步" in html
    assert _chinese_words(html) == []
    markdown = answer._repr_markdown_()
    assert markdown.startswith("| 叶子节点 | 引擎 `.grad` | 闭式 | 值 | 判定 |")
    assert "`x1` 的梯度是怎样得到的：" in markdown
    assert repr(answer) == "<gradtutor 讲解：x1: 一致, w1: 一致, w2: 一致>"
    english = explain(program=seed_source("c"))  # the language is the output's, not global
    assert "<h4>Gradients: engine beside closed form</h4>" in english._repr_html_()


def test_a_refusal_in_chinese_says_where():
    refused = explain(program="import torch\nx = torch.ones(2)\ny = x.foo()", lang="zh")
    html = refused._repr_html_()
    assert "位于第 3 行，第 5 列。" in html and "错误代码 <code>" in html
    assert repr(refused).startswith("<gradtutor 拒绝：")


def test_an_engine_error_in_chinese_keeps_pytorchs_words_beside_their_meaning():
    program = "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x * 2).backward()\n"
    pytorch = "grad can be implicitly created only for scalar outputs"
    refused = explain(program=program, lang="zh")
    html, markdown = refused._repr_html_(), refused._repr_markdown_()
    assert pytorch in html and '<p class="meaning">不带参数的 backward()' in html
    assert pytorch in markdown and "\n\n不带参数的 backward()" in markdown
    assert 'class="meaning"' not in explain(program=program)._repr_html_()  # no gloss in en


def test_the_magics_take_a_language(monkeypatch):
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    from tutor.notebook import magics

    shown = []
    monkeypatch.setattr(magics, "display", shown.append)
    explainer = magics.ExplainMagics(shell=InteractiveShell.instance())
    explainer.explain_line("'x*y' x=2 y=3 --lang zh")
    explainer.explain_cell("--lang zh", PROGRAM)
    explainer.explain_cell("", PROGRAM)
    assert [a.lang for a in shown] == ["zh", "zh", "en"]
    assert "判定" in shown[0]._repr_html_() and "Verdict" in shown[2]._repr_html_()


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang is one of en, zh"):
        explain(program=PROGRAM, lang="fr")
