"""The backward pass step by step, steps linked to the graph, page flow and colour schemes.

The order the page steps through is checked against the engine itself (tensor hooks fire in
the order backward runs), and in chromium the text beside the graph against the API's step
data. Screenshots of tutorial c mid-stepping go to tests/artifacts/browser/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import numpy as np
import pytest

import engine as torch
from tests.conftest import seed_source
from tests.tutor.teaching import CASES
from tests.web.browsing import ARTIFACTS, Page, require_chromium
from tutor import create_app, examples
from tutor.lang.values import parse_values
from tutor.render import numbers
from tutor.render.stepping import backward_steps

ISLAND = re.compile(r'<script type="application/json" id="backward-steps">(.*?)</script>', re.S)
MIN_CONTRAST = 4.5  # WCAG AA for text


def _island(query: dict) -> list[dict]:
    page = create_app({"TESTING": True}).test_client().get("/?" + urlencode(query))
    return json.loads(ISLAND.search(page.get_data(as_text=True)).group(1))


def _watch(order: list[str], name: str, t):
    t.register_hook(lambda g: order.append(name))
    return t


def test_seed_c_steps_in_the_order_the_engine_runs_backward():
    ran: list[str] = []

    def full(value: float):
        return torch.from_numpy(value * np.ones((2, 2), dtype=np.float32))

    x1, w1, w2 = full(2), full(5), full(6)
    for name, leaf in (("x1", x1), ("w1", w1), ("w2", w2)):
        leaf.requires_grad_(True)
        _watch(ran, name, leaf)
    x2 = _watch(ran, "x2", x1 * w1)
    y = _watch(ran, "y", x2 * w2)
    (full(10) - y).backward(torch.ones(2, 2, dtype=torch.float))
    assert [s["node"] for s in _island({"program": seed_source("c")})] == ran


def test_a_reused_leaf_steps_in_the_order_the_engine_runs_backward():
    ran: list[str] = []
    x = _watch(ran, "x", torch.tensor(1.0, requires_grad=True))
    y = _watch(ran, "y", torch.tensor(2.0, requires_grad=True))
    t1 = _watch(ran, "t1", x * y)
    t2 = _watch(ran, "t2", torch.exp(x))
    (t1 + t2).backward()
    query = {"expression": "x*y + exp(x)", "values": "x=1, y=2"}
    assert [s["node"] for s in _island(query)] == ran


# ---- in the browser ----

browser_test = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium(request):
    """Debian's chromium (the test is skipped without it, outside CI)."""
    require_chromium()
    return request.getfixturevalue("browser")


def _examples() -> list[tuple[str, dict]]:
    shown = [(s.key, {"program": s.program}) for s in examples.SNIPPETS if s.key in "bc"]
    for f in examples.FORMULAS:
        query = {"expression": f.expression, "values": f.values}
        if f.requires_grad:
            query["requires_grad"] = f.requires_grad
        shown.append((f.key, query))
    return shown + [("mlp", {"program": CASES["mlp_mse"]})]


def _api(base_url: str, page, query: dict) -> dict:
    body = (
        {"program": query["program"]}
        if "program" in query
        else {
            "expression": query["expression"],
            "values": dict(_pairs(query["values"])),
        }
    )
    if query.get("requires_grad"):
        body["requires_grad"] = [n.strip() for n in query["requires_grad"].split(",")]
    answer = page.request.post(base_url + "/api/v1/explain", data=body)
    assert answer.status == 200, answer.text()
    return answer.json()


def _pairs(text: str):
    return parse_values(text).items()


def _expected_text(step: dict) -> list[str]:
    """What the line beside the graph must say for one API node_gradient step."""
    root, node = step["root"], step["node"]
    parts = [f"∂{root}/∂{node}: "]
    uses = [u for u in step["children"] if u["kind"] == "use"]
    for u in uses:
        upstream, share = numbers.value(u["upstream"]["value"]), numbers.value(u["result"]["value"])
        local = u["edge"]["derivative"]["value"]
        if local is None:  # a matrix rule: the product that gives the share
            parts.append(f"upstream G = {upstream}; {u['edge']['matrix']['symbolic']} = {share}")
        else:
            parts.append(f"upstream {upstream} × local {numbers.value(local)} = {share}")
    if len(uses) > 1:
        parts.append(f"sum = {numbers.value(step['result']['value'])}")
    return parts


def _api_steps(api: dict) -> dict[str, dict]:
    """Each node's first node_gradient step in the API answer."""
    found: dict[str, dict] = {}

    def walk(steps):
        for s in steps or []:
            if s["kind"] == "node_gradient":
                found.setdefault(s["node"], s)
            elif s["kind"] != "use":
                walk(s.get("children"))

    for g in api["gradients"]:
        walk(g["steps"])
    return found


@browser_test
@pytest.mark.parametrize("name,query", _examples(), ids=[n for n, _ in _examples()])
def test_arrow_keys_step_through_the_backward_pass(chromium, base_url, name, query):
    with Page(chromium) as p:
        page = p.page
        page.goto(base_url + "/?" + urlencode(query))
        api = _api(base_url, page, query)
        order = [s["node"] for s in backward_steps(api)]
        assert sorted(order) == sorted(_api_steps(api))  # every node gradient, once
        for g in api["gradients"]:  # each leaf's own derivation keeps its order
            mine = [n for n in order if n in {s for s in _api_steps({"gradients": [g]})}]
            assert mine == list(_api_steps({"gradients": [g]}))
        steps = _api_steps(api)
        svg = page.locator("svg.graph")
        assert page.locator(".stepper .step-count").inner_text() == f"step 0 of {len(order)}"
        for k, node in enumerate(order, 1):
            page.keyboard.press("ArrowRight")
            current = svg.locator("g.current[data-node]")
            assert current.count() == 1 and current.get_attribute("data-node") == node
            assert svg.locator("g.done[data-node]").count() == k
            text = page.locator(".stepper .step-now").inner_text()
            for part in _expected_text(steps[node]):
                assert part in text, (k, node, text)
        page.keyboard.press("ArrowRight")  # past the end: stays on the last step
        assert page.locator(".stepper .step-count").inner_text().startswith(f"step {len(order)}")
        assert page.locator(".stepper .step-next").is_disabled()
        for g in api["gradients"]:
            leaf = svg.locator(f'g[data-node="{g["leaf"]}"]')
            assert "done" in leaf.get_attribute("class")
            shown = leaf.locator("text.grad, g.step-grad text").first
            assert shown.evaluate("t => getComputedStyle(t).visibility") == "visible"
        page.keyboard.press("ArrowLeft")
        assert svg.locator("g.done[data-node]").count() == len(order) - 1
        assert not p.errors


@browser_test
@pytest.mark.parametrize("phone", [False, True], ids=["1280x900", "390x844"])
def test_tutorial_c_mid_stepping_screenshot(chromium, base_url, phone):
    with Page(chromium, phone=phone) as p:
        p.page.goto(base_url + "/")
        p.page.get_by_role("link", name="Tutorial c: L = Y − x1·w1·w2").click()
        p.page.wait_for_load_state()
        for _ in range(3):
            p.page.locator(".stepper .step-next").click()
        assert p.page.locator(".stepper .step-now").is_visible()
        assert p.page.locator("svg.graph g.current[data-node]").count() == 1
        p.page.screenshot(path=str(_shot_path(f"stepping-c-{'phone' if phone else 'desk'}")))
        assert not p.errors


def _shot_path(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


@browser_test
def test_play_runs_to_the_end_and_back_goes_back(chromium, base_url):
    with Page(chromium) as p:
        page = p.page
        page.clock.install()
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        n = len(_island({"program": seed_source("c")}))
        page.locator(".stepper .step-play").click()
        page.clock.run_for(1200 * (n + 1))
        assert page.locator(".stepper .step-count").inner_text() == f"step {n} of {n}"
        assert page.locator(".stepper .step-play").inner_text() == "Play"
        page.locator(".stepper .step-back").click()
        assert page.locator(".stepper .step-count").inner_text() == f"step {n - 1} of {n}"


@browser_test
def test_a_step_highlights_its_node_and_edges(chromium, base_url):
    with Page(chromium) as p:
        page = p.page
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        svg = page.locator("svg.graph")
        step = page.locator('details.leaf-steps[open] li.step[data-node="x2"]').first
        step.hover(position={"x": 5, "y": 5})
        assert [g.get_attribute("data-node") for g in svg.locator("g.hl[data-node]").all()] == [
            "x2"
        ]
        edge = svg.locator("g.hl[data-source]")
        assert edge.count() == 1 and edge.get_attribute("data-source") == "x2"
        assert edge.get_attribute("data-target") == "y"
        page.mouse.move(0, 0)
        assert svg.locator("g.hl").count() == 0
        # keyboard: Tab reaches the step, focus highlights, the live region says which node
        page.locator('details.leaf-steps[open] li.step[data-node="x1"]').first.focus()
        assert svg.locator("g.hl[data-node]").get_attribute("data-node") == "x1"
        assert "x1" in page.locator("[role=status]").inner_text()
        # the graph as a table points at the same nodes
        page.locator("details.graph-table summary").click()
        page.locator('.graph-table tr[data-node="w2"]').hover()
        assert svg.locator("g.hl[data-node]").get_attribute("data-node") == "w2"
        page.locator('.graph-table tr[data-node="w2"]').press("Enter")
        focused = page.evaluate("document.activeElement.getAttribute('data-node')")
        assert focused == "w2"
        assert not p.errors


@browser_test
def test_clicking_a_node_scrolls_to_its_steps(chromium, base_url):
    with Page(chromium) as p:
        page = p.page
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        page.locator('svg.graph g[data-node="w1"] rect').click()
        step = page.locator(":focus")
        assert step.get_attribute("data-node") == "w1" and step.is_visible()
        box, view = step.bounding_box(), page.viewport_size
        assert 0 <= box["y"] < view["height"]
        # keyboard: a node is a link to its steps
        page.locator('svg.graph g[data-node="y"]').focus()
        page.keyboard.press("Enter")
        assert page.locator(":focus").get_attribute("data-node") == "y"
        assert not p.errors


@browser_test
@pytest.mark.parametrize("phone", [False, True], ids=["1280x900", "390x844"])
def test_explain_lands_on_the_result(chromium, base_url, phone):
    with Page(chromium, phone=phone) as p:
        page = p.page
        page.goto(base_url + "/")
        page.locator("#program-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"#result$"))
        page.wait_for_load_state()
        height = page.viewport_size["height"]
        for selector in ("#results-title", "table.gradients tbody tr"):
            box = page.locator(selector).first.bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= height, (selector, box)
        ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
        assert len(ids) == len(set(ids))


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def _luminance(rgb) -> float:
    c = [v / 255 for v in rgb]
    c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _contrast(a, b) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _check_graph_colours(page) -> None:
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('svg.graph g[data-node]')].flatMap(g => {
             const fill = getComputedStyle(g.querySelector('rect')).fill;
             return [...g.querySelectorAll('text.grad, text.val, g.step-grad text')].map(t => [
               t.getAttribute('class') || 'step', getComputedStyle(t).fill,
               t.closest('g.step-grad') ? getComputedStyle(t.closest('g.step-grad')
                 .querySelector('rect')).fill : fill]);
           })"""
    )
    assert any(kind == "grad" for kind, _, _ in pairs)
    for kind, ink, fill in pairs:
        assert _contrast(_rgb(ink), _rgb(fill)) >= MIN_CONTRAST, (kind, ink, fill)
    line = page.locator(".stepper .step-now")
    ink, back = line.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )
    assert _contrast(_rgb(ink), _rgb(back)) >= MIN_CONTRAST


def _background(page) -> float:
    return _luminance(_rgb(page.evaluate("getComputedStyle(document.body).backgroundColor")))


@browser_test
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_schemes_keep_gradients_readable(chromium, base_url, scheme):
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        assert (_background(page) < 0.05) == (scheme == "dark")
        for _ in range(len(_island({"program": seed_source("c")}))):
            page.keyboard.press("ArrowRight")
        _check_graph_colours(page)
    finally:
        context.close()


@browser_test
def test_the_toggle_switches_to_dark_and_remembers_it(chromium, base_url):
    with Page(chromium) as p:
        page = p.page
        page.goto(base_url + "/")
        assert _background(page) > 0.5
        toggle = page.locator("header.site button.theme-toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert _background(page) < 0.05 and toggle.get_attribute("aria-pressed") == "true"
        page.reload()
        assert _background(page) < 0.05
        page.locator("header.site button.theme-toggle").click()
        assert _background(page) > 0.5


@browser_test
def test_dark_scheme_without_script(chromium, base_url):
    context = chromium.new_context(color_scheme="dark", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        assert _background(page) < 0.05
        assert page.locator(".stepper").count() == 0 and page.locator("svg.graph").is_visible()
    finally:
        context.close()


@browser_test
def test_copy_latex_buttons_carry_the_api_latex(chromium, base_url):
    with Page(chromium) as p:
        page = p.page
        page.goto(base_url + "/?" + urlencode({"program": seed_source("c")}))
        api = _api(base_url, page, {"program": seed_source("c")})
        buttons = page.locator("td.closed-form button.copy-latex")
        assert [b.get_attribute("data-latex") for b in buttons.all()] == [
            g["latex"] for g in api["gradients"]
        ]
        first = api["gradients"][0]["steps"][0]
        step = page.locator("details.leaf-steps li.step").first
        assert (
            step.locator(":scope > button.copy-latex").get_attribute("data-latex")
            == (first["latex"])
        )
        p.context.grant_permissions(["clipboard-read", "clipboard-write"])
        buttons.first.click()
        assert page.evaluate("navigator.clipboard.readText()") == api["gradients"][0]["latex"]
        assert not p.errors


CHAIN = {  # 20 operations in a row: wider than any screen
    "expression": "x" + "".join(f" * w{i} + b{i}" for i in range(10)),
    "values": ", ".join(["x=1"] + [f"w{i}=1, b{i}=0.5" for i in range(10)]),
}


@browser_test
@pytest.mark.parametrize(
    "query,phone,wide",
    [({"program": seed_source("c")}, True, True), (CHAIN, False, True)],
    ids=["seed-c-phone", "chain-laptop"],
)
def test_a_wide_graph_says_that_it_scrolls(chromium, base_url, query, phone, wide):
    for javascript in (True, False):
        with Page(chromium, javascript=javascript, phone=phone) as p:
            p.page.goto(base_url + "/?" + urlencode(query))
            box = p.page.locator(".graph-scroll")
            overflows = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
            assert overflows == wide
            assert p.page.locator(".scroll-hint").is_visible() == wide


@browser_test
def test_a_graph_that_fits_has_no_scroll_hint(chromium, base_url):
    with Page(chromium) as p:
        p.page.goto(base_url + "/?" + urlencode({"expression": "x*y", "values": "x=2, y=3"}))
        assert not p.page.locator(".graph-scroll").evaluate("b => b.scrollWidth > b.clientWidth")
        assert not p.page.locator(".scroll-hint").is_visible()
