// gradtutor in a notebook: Back / Next through the backward pass, one node gradient a step.
// Runs once per output, on the .gradtutor block it sits in; without scripts the block is
// complete as it is (the steps are written out below the graph).
(function (root) {
  if (!root) { return; }
  var island = root.querySelector("script.gradtutor-steps");
  var svg = root.querySelector("svg.graph");
  if (!island || !svg) { return; }
  var steps = JSON.parse(island.textContent), pos = 0;
  var back = root.querySelector("button.step-back"), next = root.querySelector("button.step-next");
  var count = root.querySelector(".step-count"), now = root.querySelector(".step-now");
  var words = root.querySelector(".stepper").dataset; // in the output's language
  function all(selector, fn) { Array.prototype.forEach.call(svg.querySelectorAll(selector), fn); }
  function quoted(value) { return String(value).replace(/["\\]/g, "\\$&"); }
  function mark(cls, nodes, uses) {
    all("." + cls, function (g) { g.classList.remove(cls); });
    nodes.forEach(function (id) {
      all('g[data-node="' + quoted(id) + '"]', function (g) { g.classList.add(cls); });
    });
    uses.forEach(function (u) {
      all('g[data-source="' + quoted(u.source) + '"][data-target="' + quoted(u.target) + '"]',
        function (g) { g.classList.add(cls); });
    });
  }
  function render() {
    var current = pos > 0 ? steps[pos - 1] : null;
    svg.classList.toggle("stepping", pos > 0);
    mark("done", steps.slice(0, pos).map(function (s) { return s.node; }), []);
    mark("current", current ? [current.node] : [], current ? current.uses : []);
    back.disabled = pos === 0;
    next.disabled = pos === steps.length;
    count.textContent = words.count.replace("{pos}", pos).replace("{n}", steps.length);
    now.textContent = current ? current.text : words.start;
  }
  back.addEventListener("click", function () { pos = Math.max(0, pos - 1); render(); });
  next.addEventListener("click", function () { pos = Math.min(steps.length, pos + 1); render(); });
  root.querySelector(".stepper").hidden = false;
  render();
})(document.currentScript && document.currentScript.closest(".gradtutor"));
