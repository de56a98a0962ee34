// gradtutor's only script, and an optional one: every page works without it. It adds a
// colour-scheme toggle, "copy LaTeX" buttons (steps, closed forms, worksheet problems), the link between the chain-rule steps and the
// graph, and stepping through the backward pass. The graph's groups name what they draw
// (data-node; data-source, data-target, data-position on edges); so do the steps.
"use strict";

var THEME_KEY = "gradtutor-theme";
var PLAY_MS = 1200; // one backward step per 1.2 s: time to read the arithmetic line

function each(root, selector, fn) {
  Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
}

function esc(value) {
  return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
}

// The page's words in its language: a non-English page gives their translations (base.html,
// #script-text), keyed by the English text; {name} placeholders are filled from `values`.
var SCRIPT_TEXT = (function () {
  var island = document.getElementById("script-text");
  return island ? JSON.parse(island.textContent) : {};
})();
function say(text, values) {
  var said = SCRIPT_TEXT[text] || text;
  Object.keys(values || {}).forEach(function (name) {
    said = said.split("{" + name + "}").join(String(values[name]));
  });
  return said;
}

function typing(target) {
  return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
}

// Ctrl+Enter (or Cmd+Enter) in the program box explains it, as in a notebook.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

// Print every step, not only the open ones, and restore the reader's choice afterwards.
var closedForPrint = [];
window.addEventListener("beforeprint", function () {
  closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
    return !d.open;
  });
  closedForPrint.forEach(function (d) { d.open = true; });
});
window.addEventListener("afterprint", function () {
  closedForPrint.forEach(function (d) { d.open = false; });
  closedForPrint = [];
});

// One polite live region for what the script changes out of sight.
var announcer = document.createElement("p");
announcer.className = "visually-hidden";
announcer.setAttribute("role", "status");
announcer.setAttribute("aria-live", "polite");
document.body.appendChild(announcer);
function announce(text) { announcer.textContent = text; }

// ---- colour scheme: the system's choice, or the reader's, kept in localStorage ----
function storedTheme() {
  try { return localStorage.getItem(THEME_KEY); } catch (e) { return null; }
}
function currentTheme() {
  var chosen = document.documentElement.getAttribute("data-theme");
  if (chosen) { return chosen; }
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}
function setTheme(theme) {
  document.documentElement.setAttribute("data-theme", theme);
  try { localStorage.setItem(THEME_KEY, theme); } catch (e) { /* private mode: not kept */ }
}
(function themeToggle() {
  var saved = storedTheme();
  if (saved === "dark" || saved === "light") {
    document.documentElement.setAttribute("data-theme", saved);
  }
  var header = document.querySelector("header.site");
  if (!header) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "theme-toggle";
  function label() {
    var dark = currentTheme() === "dark";
    button.textContent = dark ? say("☀ Light") : say("☾ Dark");
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.setAttribute("aria-label", say("Dark colour scheme"));
  }
  button.addEventListener("click", function () {
    setTheme(currentTheme() === "dark" ? "light" : "dark");
    label();
    announce(currentTheme() === "dark" ? say("Dark colours") : say("Light colours"));
  });
  label();
  header.appendChild(button);
})();

// ---- copy as LaTeX ----
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  var area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.appendChild(area);
  area.select();
  var ok = document.execCommand("copy");
  document.body.removeChild(area);
  return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}
each(document, ".closed-form[data-latex], li.step[data-latex]", function (holder) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-latex";
  button.textContent = say("copy LaTeX");
  button.setAttribute("data-latex", holder.getAttribute("data-latex"));
  button.addEventListener("click", function (event) {
    event.stopPropagation();
    copyText(button.getAttribute("data-latex")).then(function () {
      button.textContent = say("copied");
      announce(say("LaTeX copied"));
    }, function () {
      button.textContent = say("select and copy");
      window.prompt("LaTeX", button.getAttribute("data-latex"));
    });
    window.setTimeout(function () { button.textContent = say("copy LaTeX"); }, 2000);
  });
  var nested = holder.querySelector(":scope > ol.steps");
  holder.insertBefore(button, nested);
});
// A worksheet's problem or key entry: the button copies its LaTeX; when the browser refuses
// the clipboard (plain http), the LaTeX opens below it, selected, to copy by hand.
each(document, "details.latex-copy[data-latex]", function (box) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-latex";
  button.textContent = say("Copy as LaTeX");
  button.addEventListener("click", function () {
    copyText(box.getAttribute("data-latex")).then(function () {
      button.textContent = say("Copied");
      announce(say("LaTeX copied"));
    }, function () {
      box.open = true;
      window.getSelection().selectAllChildren(box.querySelector("pre"));
      button.textContent = say("Selected: press Ctrl+C");
      announce(say("The LaTeX is selected below: copy it with Ctrl+C"));
    });
    window.setTimeout(function () { button.textContent = say("Copy as LaTeX"); }, 4000);
  });
  box.parentElement.insertBefore(button, box);
});

// ---- steps ↔ graph, and the backward pass step by step ----
function Linked(section) {
  this.section = section;
  this.svg = section.querySelector("svg.graph");
  this.scroller = section.querySelector(".graph-scroll");
  var names = {};
  each(section, ".graph-table tr[data-node] th code", function (code) {
    names[code.closest("tr").getAttribute("data-node")] = code.textContent;
  });
  this.names = names;
}
Linked.prototype.name = function (id) { return this.names[id] || id; };
Linked.prototype.nodes = function (id) {
  return this.svg.querySelectorAll('g[data-node="' + esc(id) + '"]');
};
Linked.prototype.edges = function (source, target, position) {
  var sel = 'g[data-source="' + esc(source) + '"][data-target="' + esc(target) + '"]';
  if (position !== null && position !== undefined && position !== "") {
    var exact = this.svg.querySelectorAll(sel + '[data-position="' + esc(position) + '"]');
    if (exact.length) { return exact; }
  }
  return this.svg.querySelectorAll(sel);
};
Linked.prototype.mark = function (cls, nodeIds, edgeList) {
  var self = this;
  each(this.svg, "." + cls, function (g) { g.classList.remove(cls); });
  nodeIds.forEach(function (id) {
    Array.prototype.forEach.call(self.nodes(id), function (g) { g.classList.add(cls); });
  });
  edgeList.forEach(function (e) {
    Array.prototype.forEach.call(self.edges(e.source, e.target, e.position), function (g) {
      g.classList.add(cls);
    });
  });
};
Linked.prototype.showInGraph = function (id) {
  var g = this.nodes(id)[0];
  if (!g || !this.scroller) { return; }
  var box = g.getBoundingClientRect(), view = this.scroller.getBoundingClientRect();
  if (box.left < view.left || box.right > view.right) {
    this.scroller.scrollLeft += box.left - view.left - (view.width - box.width) / 2;
  }
};

function edgeOf(el) {
  return {
    source: el.getAttribute("data-source"),
    target: el.getAttribute("data-target"),
    position: el.getAttribute("data-position")
  };
}

// What a step, or a row of the graph's table, points at: node ids and edges.
function pointsAt(el) {
  if (el.hasAttribute("data-node")) {
    var id = el.getAttribute("data-node");
    var edges = [];
    each(el, ":scope > ol.steps > li[data-source]", function (use) { edges.push(edgeOf(use)); });
    return { nodes: [id], edges: edges, node: id };
  }
  var e = edgeOf(el);
  return { nodes: [e.source, e.target], edges: [e], node: e.source };
}

Linked.prototype.linkSteps = function () {
  var self = this;
  var pointers = this.section.querySelectorAll(
    "li.step[data-node], li.step[data-source], .graph-table tr[data-node], .graph-table tr[data-source]"
  );
  Array.prototype.forEach.call(pointers, function (el) {
    if (!el.hasAttribute("tabindex") && el.matches("tr")) { el.setAttribute("tabindex", "0"); }
    function on(event) {
      event.stopPropagation();
      var at = pointsAt(el);
      self.mark("hl", at.nodes, at.edges);
      if (event.type === "focus") {
        announce(say("On the graph: {nodes}", {
          nodes: at.nodes.map(function (n) { return self.name(n); }).join(" → ")
        }));
      }
    }
    function off(event) {
      event.stopPropagation();
      self.mark("hl", [], []);
    }
    el.addEventListener("mouseover", on);
    el.addEventListener("focus", on);
    el.addEventListener("mouseout", off);
    el.addEventListener("blur", off);
    el.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target !== el) { return; }
      event.preventDefault();
      var at = pointsAt(el);
      if (el.matches("tr")) {
        self.goToSteps(at.node);
      } else {
        self.svg.scrollIntoView({ block: "nearest" });
        self.showInGraph(at.node);
        announce(say("Shown on the graph: {node}", { node: self.name(at.node) }));
      }
    });
    if (el.matches("tr")) {
      el.addEventListener("click", function () { self.goToSteps(pointsAt(el).node); });
    }
  });
  each(this.svg, "g[data-node]", function (g) {
    var id = g.getAttribute("data-node");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "link");
    g.setAttribute("aria-label", say("{node}: go to its chain-rule steps", { node: self.name(id) }));
    g.addEventListener("click", function () { self.goToSteps(id); });
    g.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        self.goToSteps(id);
      }
    });
  });
};

// Open the first step about a node (and the <details> around it), scroll to it, focus it.
Linked.prototype.goToSteps = function (id) {
  var step = this.section.querySelector('li.step[data-node="' + esc(id) + '"]');
  if (!step) {
    announce(say("No chain-rule step is about {node}.", { node: this.name(id) }));
    return;
  }
  for (var d = step.closest("details"); d; d = d.parentElement.closest("details")) {
    d.open = true;
  }
  step.scrollIntoView({ block: "center" });
  step.focus({ preventScroll: true });
};

function Stepper(linked, steps) {
  this.linked = linked;
  this.steps = steps;
  this.pos = 0;
  this.timer = null;
  this.build();
}
Stepper.prototype.build = function () {
  var self = this;
  var box = document.createElement("div");
  box.className = "stepper";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", say("Step through the backward pass"));
  function button(text, cls, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.addEventListener("click", fn);
    box.appendChild(b);
    return b;
  }
  this.back = button(say("◀ Back"), "step-back", function () { self.stop(); self.go(self.pos - 1); });
  this.next = button(say("Next ▶"), "step-next", function () { self.stop(); self.go(self.pos + 1); });
  this.play = button(say("Play"), "step-play", function () { self.toggle(); });
  this.count = document.createElement("span");
  this.count.className = "step-count";
  box.appendChild(this.count);
  var keys = document.createElement("span");
  keys.className = "hint";
  keys.textContent = say("keys ← →");
  box.appendChild(keys);
  this.now = document.createElement("p");
  this.now.className = "step-now";
  this.now.setAttribute("aria-live", "polite");
  box.appendChild(this.now);
  var figure = this.linked.scroller.closest("figure") || this.linked.scroller.parentElement;
  figure.insertBefore(box, figure.firstChild);
  this.box = box;
  this.render();
};
Stepper.prototype.go = function (pos) {
  this.pos = Math.max(0, Math.min(this.steps.length, pos));
  this.render();
  var figure = this.box.parentElement, seen = figure.getBoundingClientRect();
  if (seen.top < 0 || seen.top > window.innerHeight - 120) {
    figure.scrollIntoView({ block: "start" });
  }
};
Stepper.prototype.toggle = function () {
  var self = this;
  if (this.timer) { this.stop(); return; }
  if (this.pos >= this.steps.length) { this.go(0); }
  this.play.textContent = say("Pause");
  this.timer = window.setInterval(function () {
    self.go(self.pos + 1);
    if (self.pos >= self.steps.length) { self.stop(); }
  }, PLAY_MS);
};
Stepper.prototype.stop = function () {
  if (this.timer) { window.clearInterval(this.timer); }
  this.timer = null;
  this.play.textContent = say("Play");
};
Stepper.prototype.render = function () {
  var linked = this.linked, svg = linked.svg, n = this.steps.length;
  var done = this.steps.slice(0, this.pos);
  var current = this.pos > 0 ? this.steps[this.pos - 1] : null;
  svg.classList.toggle("stepping", this.pos > 0);
  linked.mark("done", done.map(function (s) { return s.node; }), []);
  linked.mark("current", current ? [current.node] : [], current ? current.uses : []);
  each(svg, "g.step-grad", function (g) { g.parentNode.removeChild(g); });
  done.forEach(function (s) { badge(linked, s); });
  each(linked.section, "li.step.current", function (li) { li.classList.remove("current"); });
  if (current) {
    each(linked.section, 'li.step[data-node="' + esc(current.node) + '"]', function (li) {
      li.classList.add("current");
    });
    linked.showInGraph(current.node);
  }
  this.back.disabled = this.pos === 0;
  this.next.disabled = this.pos === n;
  this.count.textContent = say("step {pos} of {n}", { pos: this.pos, n: n });
  this.now.textContent = current
    ? current.text
    : say("Press Next (or →) to run the backward pass one node at a time.");
  this.box.setAttribute("data-pos", String(this.pos));
};

// A node's gradient under it while stepping (leaves already show theirs: ∇ …).
var SVG_NS = "http://www.w3.org/2000/svg";
function badge(linked, step) {
  Array.prototype.forEach.call(linked.nodes(step.node), function (g) {
    if (g.querySelector("text.grad")) { return; }
    var rect = g.querySelector("rect");
    if (!rect) { return; }
    var box = rect.getBBox();
    var label = document.createElementNS(SVG_NS, "g");
    label.setAttribute("class", "step-grad");
    var text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("x", String(box.x + box.width / 2));
    text.setAttribute("y", String(box.y + box.height + 4)); // astride the node's lower edge
    text.setAttribute("text-anchor", "middle");
    text.textContent = "∇ " + step.value;
    label.appendChild(text);
    g.appendChild(label);
    var t = text.getBBox();
    var back = document.createElementNS(SVG_NS, "rect");
    back.setAttribute("x", String(t.x - 3));
    back.setAttribute("y", String(t.y - 1));
    back.setAttribute("width", String(t.width + 6));
    back.setAttribute("height", String(t.height + 2));
    back.setAttribute("rx", "3");
    label.insertBefore(back, text);
  });
}

var steppers = [];
each(document, "section.results", function (section) {
  if (!section.querySelector("svg.graph")) { return; }
  var linked = new Linked(section);
  linked.linkSteps();
  var island = section.querySelector("#backward-steps");
  if (!island || !linked.scroller) { return; }
  var steps = JSON.parse(island.textContent);
  if (steps.length) { steppers.push(new Stepper(linked, steps)); }
});

// ← → step the backward pass, unless the reader is typing or scrolling the graph.
document.addEventListener("keydown", function (event) {
  if (!steppers.length || event.altKey || event.ctrlKey || event.metaKey) { return; }
  if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") { return; }
  if (typing(event.target) || (event.target.matches && event.target.matches(".graph-scroll"))) {
    return;
  }
  event.preventDefault();
  var s = steppers[0];
  s.stop();
  s.go(s.pos + (event.key === "ArrowRight" ? 1 : -1));
});

// A wide graph says that it scrolls; one that fits does not.
function hintScroll() {
  each(document, ".graph-scroll", function (box) {
    var hint = box.parentElement.querySelector(".scroll-hint");
    if (hint) { hint.hidden = box.scrollWidth <= box.clientWidth + 1; }
  });
}
hintScroll();
window.addEventListener("resize", hintScroll);
