"""The tutoring page and the API docs page, through Flask's test client."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from jinja2 import DictLoader

from tests.conftest import SEED_NAMES, seed_output, seed_source
from tests.tutor.test_gradient_programs import OVER_BUDGET
from tests.tutor.test_steps import PASSES
from tests.web import worksheet_links
from tests.web.htmlq import parse
from tutor import create_app, examples
from tutor.lang.values import parse_values
from tutor.web.app import SECURITY_HEADERS

ADDRESS = re.compile(r" object at 0x[0-9a-f]+>")
FORMULA = {"expression": "Y - x1*w1*w2", "values": "x1=2,w1=5,w2=6,Y=10"}


def _page(client, status: int = 200, **query):
    response = client.get("/?" + urlencode(query) if query else "/")
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return parse(response.get_data(as_text=True))


def _textarea(doc) -> str:
    # HTML drops the one newline that follows <textarea>; the template always writes it
    return doc.find("textarea", id="program").text().removeprefix("\n")


def _gradient_rows(doc) -> dict[str, list[str]]:
    table = doc.find("table", cls="gradients")
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        rows[tr.find("th").text().strip()] = [c.text().strip() for c in cells]
    return rows


def test_start_page_has_the_editor_and_examples(client):
    doc = _page(client)
    assert _textarea(doc) == examples.seed("c")  # ready to explain with one click
    forms = doc.find_all("form")
    # sent by POST (a long program fits no address bar); works with JavaScript off
    assert [f.attrs["method"] for f in forms] == ["post", "post"]
    for field in ("program", "expression", "values", "requires_grad"):
        assert doc.find("label", for_=field), f"{field} has no label"
    links = doc.find("nav", cls="examples").find_all("a")
    assert len(links) == len(examples.SNIPPETS) + len(examples.FORMULAS)
    assert not doc.find("section", cls="results") and not doc.find("div", cls="error")


@pytest.mark.parametrize("name", SEED_NAMES)
def test_each_seed_snippet_is_explained(client, name):
    doc = _page(client, program=seed_source(name))
    assert _textarea(doc) == seed_source(name)
    printed = doc.find("pre", id="output").text()
    assert ADDRESS.sub(">", printed) == ADDRESS.sub(">", seed_output(name))
    svg = doc.find("svg", cls="graph") or doc.find("svg")
    assert svg is not None and svg.find("title") and svg.find("desc")
    assert doc.find("details", cls="graph-table").find("table")


def test_seed_c_side_by_side_table(client):
    doc = _page(client, program=seed_source("c"))
    rows = _gradient_rows(doc)
    assert list(rows) == ["x1", "w1", "w2"]
    for leaf, value in (("x1", "-30"), ("w1", "-12"), ("w2", "-10")):
        engine, closed_form, closed_value, verdict = rows[leaf]
        assert engine == f"[[{value}, {value}],\n [{value}, {value}]]" == closed_value
        assert verdict == "✓agrees"
    table = doc.find("table", cls="gradients")
    assert len(table.find_all("math")) == 3  # closed forms are MathML
    steps = doc.find_all("details", cls="leaf-steps")
    assert len(steps) == 3 and all(d.find("ol", cls="steps") for d in steps)


def test_a_large_gradient_is_shown_as_pytorch_prints_it_with_every_number_a_click_away(client):
    from tests.tutor.test_soundness import MLP_STEP

    doc = _page(client, program=MLP_STEP)
    rows = _gradient_rows(doc)
    assert rows["W1"][0] == "100×32: too many numbers to show"
    cell = doc.find("table", cls="gradients").find_all("tr")[3].find_all("td")[0]  # W2
    short, every = (c.text() for c in cell.find_all("code", cls="tensor"))
    assert short.count("\n") == 6 and short.count("…") == 7  # 3 rows, …, 3 rows; 3 + … + 3
    assert every.count("\n") == 31 and "…" not in every
    assert cell.find("summary").text() == "all 320 numbers"
    assert all(r[3] == "✓agrees" for r in rows.values())
    values = {
        row.attrs["data-node"]: row.find_all("td")[4]
        for row in doc.find("table", cls="values").find_all("tr")[1:]
    }  # the graph as a table: each value as the gradients table writes one
    assert values["W1"].text() == "100×32: too many numbers to show"
    short, every = (c.text() for c in values["y"].find_all("code", cls="tensor"))
    assert short.count("…") == 1 and every.count(",") == 63


def test_every_leaf_of_an_mlp_shows_its_steps_while_the_api_answer_stays_bounded(client):
    """A page shows no step data, so its steps are not crowded out by the numbers the API's
    answer carries: the MLP's eight leaves each get their chain-rule steps, whole."""
    from tests.tutor.test_soundness import MLP_STEP

    doc = _page(client, program=MLP_STEP)
    steps = doc.find_all("details", cls="leaf-steps")
    assert len(steps) == 8
    for leaf in steps:
        kinds = [li.attrs["class"] for li in leaf.find("ol", cls="steps").find_all("li")]
        assert "step step-check" in kinds and "step step-omitted" not in kinds
    answer = client.post("/api/v1/explain", json={"program": MLP_STEP})
    assert len(answer.data) <= 250_000  # the JSON answer keeps its budget, cutting its steps
    last = answer.get_json()["gradients"][-1]["steps"]
    assert last[-1]["kind"] == "omitted"


def test_what_pytorch_warns_of_the_program_is_on_the_page_and_in_the_api(client):
    program = (
        "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 2\n"
        "y.sum().backward()\nprint(y.grad)\n"
    )
    doc = _page(client, program=program)
    box = doc.find("div", cls="warnings")
    assert box.find("h3").text() == "PyTorch warns"
    said = box.find("li")
    assert said.text().startswith("line 5: UserWarning: The .grad attribute of a Tensor")
    assert said.find("span").attrs["lang"] == "en"  # PyTorch's words, in its language
    answer = client.post("/api/v1/explain", json={"program": program}).get_json()
    (warned,) = answer["program_warnings"]
    assert warned["line"] == 5 and said.text().endswith(warned["message"])
    assert answer["warnings"] == []


def test_a_row_whose_grad_held_numbers_shows_them_beside_the_closed_forms_value(client):
    program = (
        "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "x.grad = torch.tensor([0.5, 0.25])\n(x * x).sum().backward()\n"
    )
    doc = _page(client, program=program)
    engine, _, value, verdict = _gradient_rows(doc)["x"]
    assert engine == "[2.5, 4.25]" and verdict.endswith("agrees")
    assert value.startswith("[2, 4]")
    note = doc.find("div", cls="held-note").text()
    assert note == "plus what .grad held before backward added to it: [0.5, 0.25]"


def test_formula_from_a_shareable_url(client):
    doc = _page(client, **FORMULA)
    assert sorted(_gradient_rows(doc)) == ["Y", "w1", "w2", "x1"]
    assert doc.find("input", id="expression").attrs["value"] == FORMULA["expression"]
    assert doc.find("input", id="values").attrs["value"] == FORMULA["values"]
    doc = _page(client, requires_grad="x1,w1,w2", **FORMULA)
    assert list(_gradient_rows(doc)) == ["x1", "w1", "w2"]


def test_a_long_program_is_posted_and_lands_on_a_short_shareable_address(client):
    body = "".join(
        f"y{i} = x * {i}  # one of many steps, each with a comment\n" for i in range(150)
    )
    program = "import torch\nx = torch.tensor(1.0, requires_grad=True)\n" + body
    program += "y149.backward()\n"
    assert len(program) > 8190  # gunicorn's request line: too long for /?program=
    sent = client.post("/", data={"program": program})
    assert sent.status_code == 303
    address, _, fragment = sent.headers["Location"].partition("#")
    assert address.startswith("/?z=") and len(address) < 2500 and fragment == "result"
    doc = _page(client, **dict([address[2:].split("=", 1)]))
    assert _textarea(doc) == program and doc.find("section", cls="results")
    assert doc.find("a", rel="bookmark").attrs["href"] == address


def test_a_short_formula_keeps_a_readable_address(client):
    sent = client.post("/", data={**FORMULA, "requires_grad": ""})
    address, _, fragment = sent.headers["Location"].partition("#")
    query = parse_qs(urlsplit(address).query)  # the input's normal form, values sorted
    assert query["expression"] == [FORMULA["expression"]]
    assert parse_values(query["values"][0]) == parse_values(FORMULA["values"])
    assert fragment == "result"


@pytest.mark.parametrize("token", ["garbage", "A" * 60, "eJzLSM3JyQcABiwCFQ"])
def test_a_damaged_packed_link_is_a_400_page(client, token):
    response = client.get("/?z=" + token)
    assert response.status_code == 400 and b"this link is damaged" in response.data


def test_the_share_link_reproduces_the_result(client):
    doc = _page(client, program=seed_source("b").replace("\n", "\r\n"))
    link = doc.find("a", rel="bookmark").attrs["href"]
    again = client.get(link)
    assert again.status_code == 200
    assert _gradient_rows(parse(again.get_data(as_text=True))) == _gradient_rows(doc)


def test_every_example_link_explains(client):
    for a in _page(client).find("nav", cls="examples").find_all("a"):
        response = client.get(a.attrs["href"])
        assert response.status_code == 200, a.attrs["href"]
        assert parse(response.get_data(as_text=True)).find("section", cls="results")


def test_bad_program_error_is_next_to_the_input_with_its_line(client):
    program = "import torch\nx = torch.ones(2)\ny = open('x')\n"
    doc = _page(client, 400, program=program)
    form = doc.find("form", id="program-form")
    error = form.find("div", cls="error")
    assert error is not None and error.attrs["role"] == "alert"
    assert "open" in error.text() and "line 3" in error.text()
    marked = error.find("li", cls="bad")
    assert marked.find("mark").text() == "y = open('x')"
    textarea = form.find("textarea", id="program")
    assert textarea.attrs["aria-invalid"] == "true"
    assert "input-error" in textarea.attrs["aria-describedby"]
    assert _textarea(doc) == program  # the user's text stays in the editor
    assert not doc.find("section", cls="results")


def test_engine_refusal_is_shown_with_status_422(client):
    program = "import torch\na = torch.ones(2, 3)\nb = torch.ones(4, 5)\nc = a @ b\n"
    doc = _page(client, 422, program=program)
    error = doc.find("div", cls="error")
    assert "RuntimeError" in error.text() and error.find("li", cls="bad").text().startswith("c =")


@pytest.mark.parametrize("values", ["x=two", "x=[1, [2]]", "x=1e999", "if=1"])
def test_bad_values_are_shown_next_to_the_values_field(client, values):
    doc = _page(client, 400, expression="x*2", values=values)
    error = doc.find("form", id="expression-form").find("div", cls="error")
    assert error.text().strip() and doc.find("input", id="values").attrs["aria-invalid"] == "true"
    assert "aria-invalid" not in doc.find("input", id="expression").attrs


def test_bad_formula_marks_its_column(client):
    doc = _page(client, 400, expression="x +* 2", values="x=1")
    error = doc.find("form", id="expression-form").find("div", cls="error")
    assert error.find("li", cls="bad").find("mark").text() == "x +* 2"
    assert error.find("span", cls="caret").text().endswith("^")


def test_user_text_is_always_escaped(client):
    program = 'import torch\nprint("<script>alert(1)</script>")\n'
    response = client.get("/?" + urlencode({"program": program}))
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    response = client.get("/?" + urlencode({"program": '"><img src=x onerror=alert(1)>'}))
    assert "<img src=x" not in response.get_data(as_text=True)
    assert response.status_code == 400


def test_prints_the_input_for_paper(client):
    doc = _page(client, program=seed_source("b"))
    printed = doc.find("div", cls="printed-source")
    assert printed.find("pre").text() == seed_source("b")


def test_api_docs_page_has_curl_examples(client):
    response = client.get("/api")
    assert response.status_code == 200 and response.mimetype == "text/html"
    doc = parse(response.get_data(as_text=True))
    examples_ = [p.text() for p in doc.find_all("pre", cls="example")]
    assert any("curl" in e and "http://localhost/api/v1/explain" in e for e in examples_)
    assert doc.find("a", href="/api/v1/openapi.json")


def test_unknown_page_is_an_html_404(client):
    response = client.get("/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "404" in parse(response.get_data(as_text=True)).find("h1").text()


def test_error_pages_fall_back_to_plain_text_when_templates_are_missing(caplog):
    app = create_app({"TESTING": True})
    app.jinja_env.loader = DictLoader({})  # as if the templates had not been installed
    client = app.test_client()
    broken = client.get("/")  # the page itself fails: a 500, whose page fails in turn
    assert (broken.status_code, broken.mimetype) == (500, "text/plain")
    assert broken.get_data(as_text=True) == "500: Internal Server Error\n"
    missing = client.get("/no/such/page")
    assert (missing.status_code, missing.mimetype) == (404, "text/plain")
    assert "TemplateNotFound" not in missing.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/?program=import+os"),
        ("get", "/api"),
        ("get", "/api/v1/openapi.json"),
        ("post", "/api/v1/explain"),
        ("get", "/api/v1/nope"),
        ("get", "/nope"),
        ("get", "/static/style.css"),
        ("get", "/static/app.js"),
    ],
)
def test_security_headers_on_every_response(client, method, path):
    response = getattr(client, method)(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_pages_have_no_inline_script_or_style(client):
    for query in ({}, {"program": seed_source("c")}, {"program": "import os"}):
        doc = _page(client, 400 if query.get("program") == "import os" else 200, **query)
        for script in doc.find_all("script"):
            if script.attrs.get("type") == "application/json":  # data: the browser runs none
                json.loads(script.text())
                continue
            assert script.attrs.get("src", "").startswith("/static/") and not script.text().strip()
        assert not doc.find_all("style")
        assert not [
            e
            for e in doc.find_all()
            if "style" in e.attrs or any(a.startswith("on") for a in e.attrs)
        ]


CUT_PROGRAM = """import torch
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
d = (w * x).detach()
with torch.no_grad():
    n = x * 4
z = x * x + d * x + n
z.backward()
print(x.grad, w.grad)
"""


def test_detach_and_no_grad_are_visible_and_explained(client):
    doc = _page(client, program=CUT_PROGRAM)
    svg = doc.find("svg")
    cut_edges = [g for g in svg.find_all("g") if "edge-cut" in g.classes]
    assert len(cut_edges) >= 3  # x→(w*x)→d by detach(), x→n and 4→n under no_grad()
    labels = {t.text() for t in svg.find_all("text", cls="edge-label")}
    assert {"✂ detach()", "✂ no_grad()"} <= labels
    assert list(_gradient_rows(doc)) == ["x"]
    missing = doc.find("ul", cls="no-gradient").text()
    assert "w" in missing and "detach" in missing


def test_a_folded_run_of_steps_opens_without_a_script(client):
    doc = _page(client, program=PASSES)
    (folded,) = doc.find_all("details", cls="folded")
    summary = folded.find("summary").text()
    assert "3 more steps pass the gradient through unchanged" in summary
    assert "show these 3 steps" in summary
    # the folded steps are in the page, behind the <details>: each with its use
    inner = folded.find("ol", cls="steps")
    assert len(inner.find_all("li", cls="step-node_gradient")) == 3
    assert "by the sum rule" in inner.text()


def _ids(doc) -> list[str]:
    return [e.attrs["id"] for e in doc.find_all() if "id" in e.attrs]


WORKSHEET = {"seed": 3, "problems": 4, "level": 2}


@pytest.mark.parametrize(
    "address",
    [
        lambda app: "/",
        lambda app: "/?" + urlencode({"program": seed_source("c")}),
        lambda app: "/?" + urlencode(FORMULA),
        lambda app: worksheet_links.teacher(app, **WORKSHEET),
        lambda app: worksheet_links.student(app, **WORKSHEET),
        lambda app: "/worksheet/print?answers=1&" + worksheet_links.query(app, **WORKSHEET),
    ],
    ids=["home", "seed-c", "formula", "teacher", "student", "answer-key"],
)
def test_ids_are_unique_and_every_svg_has_a_title_and_description(app, client, address):
    response = client.get(address(app))
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    ids = _ids(doc)
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    for svg in doc.find_all("svg"):
        own = [c for c in svg.children if not isinstance(c, str)]
        title, desc = svg.find("title"), svg.find("desc")
        assert own[0].tag == "title" and title.text().strip()
        assert desc is not None and desc.text().strip()
        assert svg.attrs["aria-labelledby"] == f"{title.attrs['id']} {desc.attrs['id']}"


def test_steps_name_their_graph_node_and_their_latex(client):
    doc = _page(client, program=seed_source("c"))
    nodes = {g.attrs["data-node"] for g in doc.find("svg").find_all("g") if "data-node" in g.attrs}
    steps = doc.find_all("li", cls="step-node_gradient")
    assert steps and all(
        s.attrs["data-node"] in nodes and s.attrs["tabindex"] == "0" for s in steps
    )
    uses = doc.find_all("li", cls="step-use")
    assert uses and all(u.attrs["data-source"] in nodes for u in uses)
    assert all(li.attrs.get("data-latex") for li in doc.find_all("li", cls="step"))
    forms = doc.find_all("td", cls="closed-form")
    api = client.post("/api/v1/explain", json={"program": seed_source("c")}).get_json()
    assert [f.attrs["data-latex"] for f in forms] == [g["latex"] for g in api["gradients"]]


def test_a_leaf_without_a_closed_form_shows_what_central_differences_say_of_the_engine(client):
    cell = _page(client, program=OVER_BUDGET).find("td", cls="verdict")
    assert "no verdict" in cell.text()
    assert cell.find("span", cls="witnessed").text() == (
        "Central differences agree with the engine's .grad."
    )
    assert _page(client, program=seed_source("c")).find("span", cls="witnessed") is None
