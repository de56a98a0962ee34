"""The graph drawing: every node and edge shown, cuts visible, accessible, readable at 30 nodes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict

from tutor.graph import CONSTANT, DETACH, LEAF, LITERAL, NO_GRAD, OP, Edge, Graph, Node
from tutor.render import svg

SVG = "{http://www.w3.org/2000/svg}"


def _seed_c() -> dict:
    """The tutorial's L = Y - x1*w1*w2 graph, with local derivatives as analysis adds them."""
    ones = lambda v: [[v, v], [v, v]]  # noqa: E731
    nodes = [
        Node("x1", "x1", LEAF, shape=(2, 2), value=ones(2.0), grad=ones(-30.0), requires_grad=True),
        Node("w1", "w1", LEAF, shape=(2, 2), value=ones(5.0), grad=ones(-12.0), requires_grad=True),
        Node(
            "x2", "x2", OP, op="mul", inputs=("x1", "w1"), grad_fn="MulBackward0", value=ones(10.0)
        ),
        Node("w2", "w2", LEAF, shape=(2, 2), value=ones(6.0), grad=ones(-10.0), requires_grad=True),
        Node("y", "y", OP, op="mul", inputs=("x2", "w2"), grad_fn="MulBackward0", value=ones(60.0)),
        Node("Y", "Y", CONSTANT, shape=(2, 2), value=ones(10.0)),
        Node("L", "L", OP, op="sub", inputs=("Y", "y"), grad_fn="SubBackward0", value=ones(-50.0)),
    ]
    edges = [
        Edge("x1", "x2", 0),
        Edge("w1", "x2", 1),
        Edge("x2", "y", 0),
        Edge("w2", "y", 1),
        Edge("Y", "L", 0),
        Edge("y", "L", 1),
    ]
    graph = asdict(Graph(nodes, edges))
    local = {("x2", "y"): ("w2", 6.0), ("y", "L"): ("-1", -1.0), ("x1", "x2"): ("w1", 5.0)}
    for e in graph["edges"]:
        if (e["source"], e["target"]) in local:
            symbolic, value = local[e["source"], e["target"]]
            e["local"] = {"symbolic": symbolic, "value": value}
    return graph


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # well-formed XML, or this raises


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_every_node_shows_name_op_value_and_gradient():
    root = _parse(svg.render(_seed_c()))
    nodes = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]
    assert len(nodes) == 7
    texts = _texts(root)
    for name in ("x1", "w1", "x2", "w2", "y", "Y", "L"):
        assert name in texts
    assert "mul · MulBackward0" in texts and "sub · SubBackward0" in texts
    assert "= [[2, 2], [2, 2]]" in texts and "= [[10, 10], [10, 10]]" in texts
    assert "∇ [[−30, −30], [−30, −30]]" in texts  # a real minus sign


def test_every_edge_is_drawn_with_its_local_derivative():
    root = _parse(svg.render(_seed_c()))
    edges = [g for g in root.iter(f"{SVG}g") if "edge" in g.get("class", "").split()]
    assert len(edges) == 6
    labels = [
        [t.text for t in g.iter(f"{SVG}text")]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "edge-label"
    ]
    assert ["∂y/∂x2", "= w2 = 6"] in labels
    assert ["∂L/∂y (subtrahend)", "= −1"] in labels  # a number equal to its form is not repeated
    titles = [edge.find(f"{SVG}title").text for edge in edges]
    assert "x2 → y: ∂y/∂x2 = w2 = 6" in titles
    assert "w1 → x2" in titles  # no local derivative given: the edge still says what it joins


def test_title_desc_and_role_make_it_accessible():
    root = _parse(svg.render(_seed_c(), prefix="g1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g1-title g1-desc"
    assert root.find(f"{SVG}title").get("id") == "g1-title"
    desc = root.find(f"{SVG}desc").text
    assert "7 values and 6 edges" in desc and "Leaves: x1, w1, w2" in desc
    assert "Constants: Y" in desc


def test_inputs_free_values_sit_next_to_their_first_consumer():
    boxes = svg.layout(_seed_c()).boxes
    assert boxes["Y"].x < boxes["L"].x and boxes["y"].x < boxes["L"].x
    mid = {n: boxes[n].x + boxes[n].w / 2 for n in boxes}
    assert mid["Y"] == mid["y"]  # Y is drawn in the column just before L
    assert mid["w2"] == mid["x2"]
    assert boxes["x1"].x < boxes["x2"].x < boxes["y"].x


def test_detach_and_no_grad_cuts_are_visible():
    nodes = [
        Node("x", "x", LEAF, shape=(), value=3.0, grad=1.0, requires_grad=True),
        Node("d", "d", OP, op="detach", inputs=("x",), value=3.0, cut=DETACH),
        Node("n", "n", OP, op="mul", inputs=("x", "two"), value=6.0, no_grad=True),
        Node("two", "2", LITERAL, value=2.0),
        Node("z", "z", OP, op="add", inputs=("x", "d"), grad_fn="AddBackward0", value=6.0),
    ]
    edges = [
        Edge("x", "d", 0, cut=DETACH),
        Edge("x", "n", 0, cut=NO_GRAD),
        Edge("two", "n", 1, cut=NO_GRAD),
        Edge("x", "z", 0),
        Edge("d", "z", 1),
    ]
    markup = svg.render(asdict(Graph(nodes, edges)))
    root = _parse(markup)
    cut_edges = [g for g in root.iter(f"{SVG}g") if "edge-cut" in g.get("class", "")]
    assert len(cut_edges) == 3
    for g in cut_edges:
        assert g.find(f"{SVG}path").get("stroke-dasharray")
    assert "✂ detach()" in _texts(root) and "✂ no_grad()" in _texts(root)
    cut_nodes = [g for g in root.iter(f"{SVG}g") if "node-cut" in g.get("class", "")]
    assert len(cut_nodes) == 2
    assert "2 edges" not in markup and "3 edges cut" in markup


def test_user_text_is_escaped():
    nodes = [
        Node("a", "<b>&x</b>", LEAF, shape=(), value=1.0, requires_grad=True),
        Node("b", "b", OP, op="exp", inputs=("a",), value=2.7),
    ]
    markup = svg.render(asdict(Graph(nodes, [Edge("a", "b", 0)])))
    assert "<b>" not in markup and "&lt;b&gt;&amp;x&lt;/b&gt;" in markup
    _parse(markup)


def _chain_graph(n: int) -> dict:
    """An MLP-like graph of ``n`` values: leaves, fan-in, reuse and a long chain."""
    nodes = [Node("x", "x", LEAF, shape=(3,), value=[1.0, 2.0, 3.0], requires_grad=True)]
    edges = []
    for i in range(1, n):
        w = Node(f"w{i}", f"w{i}", LEAF, shape=(), value=float(i), requires_grad=True)
        if i % 3 == 0:
            nodes.append(w)
            continue
        prev = nodes[-1].id
        nodes.append(Node(f"t{i}", f"t{i}", OP, op="mul", inputs=(prev,), value=[0.5] * 3))
        edges.append(Edge(prev, f"t{i}", 0))
        if i % 4 == 0:  # reuse of an earlier value far back
            edges.append(Edge("x", f"t{i}", 1))
        elif nodes[-2].kind == LEAF:
            edges.append(Edge(nodes[-2].id, f"t{i}", 1))
    return asdict(Graph(nodes, edges))


def test_thirty_nodes_stay_readable():
    graph = _chain_graph(30)
    plan = svg.layout(graph)
    width, height = plan.width, plan.height
    assert len(plan.boxes) == 30
    placed = list(plan.boxes.values())
    for i, a in enumerate(placed):  # no two node boxes overlap
        for b in placed[i + 1 :]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
    root = _parse(svg.render(graph))
    assert float(root.get("width")) == width and float(root.get("height")) >= height
    # a wide drawing scrolls at its natural size instead of shrinking its text away
    assert ("fit" in root.get("class").split()) == (width <= svg.FIT_WIDTH)
    node_lines = [
        t for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split() for t in _texts(g)
    ]
    assert node_lines and all(len(line) <= svg.WRAP for line in node_lines)  # fits its box
    assert not any("…" in line for line in _texts(root))


def test_edge_rows_give_the_table_alternative():
    rows = svg.edge_rows(_seed_c())
    assert len(rows) == 6
    assert {"source_name": "x2", "target_name": "y", "text": "∂y/∂x2 = w2 = 6"} in rows


def test_empty_graph_is_still_a_picture():
    root = _parse(svg.render({"nodes": [], "edges": []}))
    assert root.find(f"{SVG}desc").text.startswith("0 values")


def test_an_unnamed_value_shows_the_short_name_its_steps_use():
    from tutor.explain import explain, make_input
    from tutor.render import report

    x = explain(make_input(expression="Y - x1*w1*w2", values={"x1": 2, "w1": 5, "w2": 6, "Y": 10}))
    graph = report(x)["graph"]
    picture = svg.render(graph)
    assert ">t1 = x1·w1<" in picture and ">t2 = x1·w1·w2<" in picture  # the boxes
    assert "∂t1/∂w1" in picture and "∂(x1*w1)" not in picture  # the edges, as the steps say
    rows = {(r["source_name"], r["target_name"]) for r in svg.edge_rows(graph)}
    assert ("t1", "t2") in rows and ("t2", "L") in rows


def _explained(program: str) -> dict:
    from tutor.explain import explain, make_input
    from tutor.render import report

    return report(explain(make_input(program=program)))["graph"]


def test_groups_carry_data_attributes_and_unique_ids():
    root = _parse(svg.render(_seed_c(), prefix="g7"))
    nodes = {g.get("data-node") for g in root.iter(f"{SVG}g") if g.get("data-node")}
    assert nodes == {"x1", "w1", "x2", "w2", "y", "Y", "L"}
    edges = [g for g in root.iter(f"{SVG}g") if "edge" in g.get("class", "").split()]
    assert {
        (g.get("data-source"), g.get("data-target"), g.get("data-position")) for g in edges
    } >= {
        ("Y", "L", "0"),
        ("y", "L", "1"),
    }
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("g7-") for i in ids)


def test_edges_speak_math_and_name_the_operands_role():
    graph = _explained(
        "import torch\nx = torch.tensor(0.5, requires_grad=True)\n"
        "w = torch.tensor(2.0, requires_grad=True)\nh = torch.tanh(w * x - x / w)\nh.backward()\n"
    )
    texts = " ".join(_texts(_parse(svg.render(graph))))
    assert "= 1 − h²" in texts and "= −x/w²" in texts and "**" not in texts
    for role in ("(minuend)", "(subtrahend)", "(numerator)", "(denominator)"):
        assert role in texts
    assert "·" in texts


def test_long_values_move_to_a_legend_and_nothing_is_cut():
    graph = _explained(
        "import torch\nx = torch.arange(30.0, requires_grad=True)\ny = (x * 2).sigmoid()\n"
        "L = y.sum()\nL.backward()\n"
    )
    root = _parse(svg.render(graph))
    texts = _texts(root)
    assert not any("…" in t for t in texts)
    assert "= [1] (30)" in texts  # x's value, tagged
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "graph-legend"]
    legend = [t for g in groups for t in _texts(g)]
    assert legend[0].startswith("[1] x value (30) = [0, 1, 2, 3,")
    assert "29]" in " ".join(legend)  # in full, wrapped


def test_a_tensor_of_hundreds_of_numbers_is_summarised_in_the_legend_and_its_title():
    graph = _explained(
        "import torch\nx = torch.arange(320.0).reshape(32, 10)\n"
        "W = torch.ones(32, 10, requires_grad=True)\nL = (W * x).sum()\nL.backward()\n"
    )
    root = _parse(svg.render(graph))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "graph-legend"]
    legend = [t for g in groups for t in _texts(g)]
    assert legend[2] == (  # its first and last 3 rows and columns, as PyTorch prints it
        "[2] W gradient (32×10) = [[0, 1, 2, …, 7, 8, 9], [10, 11, 12, …, 17, 18, 19], "
        "[20, 21, 22, …, 27, 28, 29],"
    )
    assert legend[3].startswith("…, [290, 291, 292, …, 297, 298, 299], ")
    assert len(legend) == 8  # two lines for each of x, W's gradient, W * x and ∂t2/∂W
    node = [g for g in root.iter(f"{SVG}g") if g.get("data-node") == "W"][0]
    title = node.find(f"{SVG}title").text
    assert title.endswith("; gradient " + " ".join(legend[2:4]).split(" = ", 1)[1])


def test_the_gradient_given_to_backward_stands_beside_its_root():
    from tutor import examples

    root = _parse(svg.render(_explained(examples.seed("c"))))
    given = [g for g in root.iter(f"{SVG}g") if g.get("class") == "given"]
    assert len(given) == 1 and given[0].get("data-target") == "L"
    assert given[0].find(f"{SVG}path").get("stroke-dasharray")
    assert "gradient given to" in _texts(root) and "L.backward(t1)" in _texts(root)
    node = [g for g in root.iter(f"{SVG}g") if g.get("data-node") == "t1"][0]
    assert "node-given" in node.get("class")


def test_without_dot_the_service_refuses_to_start_and_names_the_package(monkeypatch):
    import pytest

    from tutor.render import dot
    from tutor.web import create_app

    monkeypatch.setattr(dot.shutil, "which", lambda name: None)
    with pytest.raises(dot.LayoutEngineMissing, match="apt-get install graphviz"):
        create_app()


def test_a_layout_that_takes_too_long_is_a_limit_error(monkeypatch):
    import subprocess

    import pytest

    from tutor.errors import LimitError
    from tutor.render import dot

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired("dot", kwargs["timeout"])

    monkeypatch.setattr(dot.subprocess, "run", slow)
    with pytest.raises(LimitError, match="laying out the graph took more than"):
        svg.render(_seed_c())
    monkeypatch.setattr(dot, "MAX_SOURCE", 10)
    with pytest.raises(LimitError, match="too large to draw"):
        svg.render(_seed_c())
