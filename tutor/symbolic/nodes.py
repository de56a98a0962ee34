"""A graph program on sympy: one expression per node, in the program's own names.

Reads only ``tutor.graph`` data and the table. Leaves, constants (``Y``) and values cut by
``detach()`` or made under ``no_grad()`` are real symbols named by their node ids (a cut
value is a fresh constant symbol, exactly where the engine's graph stops); literals stay
numbers; every other node is its table row's sympy form of its operands.

Tensors are read elementwise: a tensor's name stands for a generic element, and an
expression means what numpy broadcasting makes of it when every name is bound to its
whole tensor, with ``sum(u)`` and ``mean(u)`` (``TOTALS``) reducing a whole tensor. So
``mean(3*(x + 2)**2)`` is seed b's output and ``3*(x + 2)/2`` the gradient of every element
of ``x``. An operation without an elementwise form (matmul, softmax, a reduction along one
dimension, reshapes…) appears as an opaque function of its operands, ``matmul(X, W)``; its
derivative is worked element by element (``tutor.symbolic.elements``).

A gradient ``torch.autograd.grad`` returned with ``create_graph=True`` is an elementwise
operation of its own: its form is ∂output/∂input, accumulated along the graph and
flattened to leaves and constants, so a later ``backward`` differentiates it again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

import engine

from ..functions import ELEMENTWISE, FUNCTIONS, FunctionSpec
from ..graph import (
    GRADIENT,
    LEAF,
    LITERAL,
    OP,
    BackwardCall,
    Edge,
    Graph,
    Node,
    gradient_name,
    index_key,
    taken_wrt,
)
from ..i18n import N_, gettext
from .budget import Budget
from .canonical import atoms, expr_of, literal, ops, without_deltas
from .elements import ElementGraph, Elements, objects
from .walk import (
    TOTALS,
    Generic,
    NotElementwise,
    accumulate,
    broadcast_shape,
    outermost_totals,
)

ELEMENTWISE_FORM = "none"  # reduction of an op whose result stays elementwise


# a gradient's form with a kink (relu, clamp, abs): its step differentiated again
STEP_KINK = N_("the derivative of a step (a Dirac delta) is taken as 0 there, as PyTorch does")
OUTPUT = "output"  # attrs key: which result of a several-result operation a node is


def _decoded(name: str, value: object) -> object:
    """A recorded parameter (plain JSON data) as the table's functions take it."""
    if name == "key" and isinstance(value, list):
        return index_key(value)
    if name == "condition" and isinstance(value, list):
        return engine.tensor(value, dtype=engine.bool)
    return value


SLOTS = tuple(sympy.Dummy(f"u{k}", real=True) for k in range(8))  # operands in local rules
_RULES: dict[tuple, sympy.Expr] = {}  # (op, params, arity, position) -> partial in SLOTS
RULES_KEPT = 4096  # a bound on that cache, for a long-running server


class Unsupported(ValueError):
    """An operation the table gives no way to differentiate symbolically."""


# what sympy (or a form's own checks) raise when a gradient has no form
REFUSED = (ValueError, TypeError, ArithmeticError, RecursionError, NotImplementedError)


@dataclass(frozen=True)
class Local:
    """∂target/∂source along one edge, per element, in the intermediate names.

    ``expr`` is None when the target has no elementwise form (its Jacobian is worked out
    element by element). For a whole-tensor ``mean`` the 1/N is part of ``expr``; ``shape``
    is the shape of the elements ``expr`` describes (the target's, or the reduced summand's).
    """

    edge: Edge
    expr: sympy.Expr | None
    reduction: str | None  # "none", "sum", "mean"; None without an elementwise form
    count: int  # elements the target reduces; 1 when it stays elementwise
    shape: tuple[int, ...]
    kink: str | None


class SymbolicGraph:
    """The nodes of one run as sympy: symbols, definitions, flattened forms, local derivatives."""

    def __init__(self, graph: Graph, numbers: dict[str, np.ndarray] | None = None):
        self.graph = graph
        self.numbers = numbers or {}  # node values to use instead of the recorded ones
        self.nodes: dict[str, Node] = {n.id: n for n in graph.nodes}
        self.inputs: dict[str, list[Edge]] = {n.id: [] for n in graph.nodes}
        self.uses: dict[str, list[Edge]] = {n.id: [] for n in graph.nodes}
        for e in graph.edges:
            self.inputs[e.target].append(e)
            self.uses[e.source].append(e)
        for edges in self.inputs.values():
            edges.sort(key=lambda e: e.position)
        self._expression: dict[str, sympy.Expr] = {}
        self._local: dict[tuple[str, str, int], Local] = {}
        self._gradients: dict[str, FunctionSpec] = {}
        self._forms: dict[str, sympy.Basic | np.ndarray | Unsupported] = {}
        self.gradient_forms: dict[str, sympy.Expr] = {}  # gradient nodes with a form
        self.why_not: dict[str, str] = {}  # gradient nodes without a form: why

    # --- what each node is -------------------------------------------------------------
    def spec(self, node_id: str) -> FunctionSpec | None:
        """The table row of an operation node (None for leaves, constants, literals, cuts)."""
        node = self.nodes[node_id]
        if node.kind != OP or node.cut or node.no_grad:
            return None
        if node.op == GRADIENT:
            if node_id not in self._gradients:
                self._gradients[node_id] = self._gradient_spec(node)
            return self._gradients[node_id]
        return FUNCTIONS.get(node.op or "")

    def _gradient_spec(self, node: Node) -> FunctionSpec:
        """A recorded gradient as a row: elementwise in its form, element by element where
        a generic element cannot express it (a matmul, a max on its way), or opaque without
        either (then ``why_not`` says why, and nothing is derived through it)."""
        operands = [self.symbols[i] for i in node.inputs]
        flat = table = None
        try:
            found = self.gradient_form(node.id)
            forms = [found] if isinstance(found, sympy.Basic) else list(found.flat)
            self._check_reach(node, forms, None if isinstance(found, sympy.Basic) else found)
            if isinstance(found, sympy.Basic):
                flat = self.gradient_forms[node.id] = found
            else:
                table = found
        except Unsupported as e:
            self.why_not[node.id] = str(e)

        def form(*values, **_params) -> sympy.Expr:
            return flat.xreplace(dict(zip(operands, values, strict=True)))

        def elements(arrays, _numbers, **_params) -> np.ndarray:
            rule = {}  # each input's element symbols -> the elements given for them
            for i, given in zip(node.inputs, arrays, strict=True):
                own = self.element_graph.symbols(i)
                rule.update(zip(own.flat, np.broadcast_to(given, own.shape).flat, strict=True))
            return objects(table.shape, lambda i: table[i].xreplace(rule))

        return FunctionSpec(
            key=GRADIENT,
            kind=ELEMENTWISE,
            operands=len(operands),
            engine=None,  # replayed by autograd itself (tutor.symbolic.witness)
            phrase=gettext(
                "gradient {name}, recorded by create_graph=True",
                name=gradient_name(node.inputs, node.attrs),
            ),
            sympy=None if flat is None else form,
            elements=None if table is None else elements,
            kink=STEP_KINK if table is not None and _has_steps(table) else None,
        )

    @cached_property
    def element_graph(self) -> ElementGraph:
        """The nodes element by element (for the gradients a generic element cannot say)."""
        return ElementGraph(self)

    def gradient_form(self, node_id: str) -> sympy.Basic | np.ndarray:
        """What a gradient node holds (∂output/∂input) in the names of leaves and constants:
        its form at a generic element, or an object array of its elements where a generic
        element cannot say it; ``Unsupported`` saying why when it has neither (memoised)."""
        if node_id not in self._forms:
            node = self.nodes[node_id]
            try:
                try:
                    self._forms[node_id] = self._gradient_form(node)
                except NotElementwise:
                    self._forms[node_id] = self._gradient_elements(node)
            except REFUSED as e:
                self._forms[node_id] = Unsupported(str(e))
        found = self._forms[node_id]
        if isinstance(found, Unsupported):
            raise found
        return found

    def _gradient_form(self, node: Node) -> sympy.Expr:
        """The gradient's form at a generic element, flattened to leaves and constants;
        ``NotElementwise`` when a generic element cannot express it."""
        wrt = taken_wrt(node.inputs, node.attrs)
        if self._varying_grad_outputs(node) is not None:
            raise NotElementwise(f"the grad_outputs of {node.id} vary by element")
        adjoints = accumulate(self, self._gradient_call(node), Generic(self)).adjoints
        adjoint = adjoints.get(wrt, sympy.Integer(0))
        inner = {
            s: self.expression(self.node_of[s])
            for s in adjoint.free_symbols
            if s in self.node_of and self.spec(self.node_of[s]) is not None
        }
        flat = self.substitute(adjoint, inner)
        # ∂L/∂x = w1 for every element of x: x's shape is in no symbol of the form, and a sum
        # over the gradient would count one element
        if self.covered(flat) != tuple(node.shape):
            raise NotElementwise(f"the form of {node.id} does not span its shape")
        self._check_size(node, [flat])
        return flat

    def _gradient_elements(self, node: Node) -> np.ndarray:
        """The gradient element by element, each element flattened to the elements of leaves
        and constants: the walk of ``_gradient_form`` in ``elements.Elements``."""
        size = sum(math.prod(n.shape) for n in self.graph.nodes)
        if size > Budget.elements:
            raise Unsupported(
                gettext(
                    "no form for the gradient {node}: work over {elements} elements is over "
                    "the budget of {budget}",
                    node=node.label,
                    elements=size,
                    budget=Budget.elements,
                )
            )
        wrt = taken_wrt(node.inputs, node.attrs)
        eg = self.element_graph
        algebra = Elements(eg, self._varying_grad_outputs(node))
        adjoints = accumulate(self, self._gradient_call(node), algebra).adjoints
        shape = tuple(self.nodes[wrt].shape)
        adjoint = np.asarray(adjoints.get(wrt, np.zeros(shape, dtype=object)), dtype=object)
        adjoint = objects(shape, lambda i: expr_of(adjoint[i]))
        found = set().union(*(atoms(e, (sympy.Indexed, sympy.Symbol)) for e in adjoint.flat))
        # the elements of operations, flattened (those of leaves and constants stay)
        rule = {a: eg.element(a) for a in found if (n := eg.node_of(a)) and self.spec(n)}
        table = objects(shape, lambda i: adjoint[i].xreplace(rule))
        self._check_size(node, list(table.flat), Budget.gradient_table_ops)
        return table

    def _gradient_call(self, node: Node) -> BackwardCall:
        """The backward pass a gradient node stands for."""
        return BackwardCall(node.inputs[0], node.attrs.get("grad_outputs"), 0)

    def _varying_grad_outputs(self, node: Node) -> np.ndarray | None:
        """The gradient's ``grad_outputs`` over its output's shape when they vary by element
        (a generic element has no symbol for them; element by element they are numbers)."""
        given = node.attrs.get("grad_outputs")
        values = np.asarray(1.0 if given is None else given, dtype=np.float64)
        if not values.size or np.all(values == values.flat[0]):
            return None
        return np.broadcast_to(values, tuple(self.nodes[node.inputs[0]].shape))

    def _check_size(self, node: Node, forms: list, bound: int = Budget.closed_form_ops) -> None:
        """Refuse a form too large to differentiate again in a request."""
        size = sum(ops(f) for f in forms)
        if size > bound:  # differentiating it again would take longer than a request may
            raise Unsupported(
                gettext(
                    "the form of the gradient {node} has {size} operations, over the "
                    "{bound} a closed form may have",
                    node=node.label,
                    size=size,
                    bound=bound,
                )
            )

    def _check_reach(self, node: Node, forms: list, table: np.ndarray | None) -> None:
        """Refuse to differentiate again a form that depends on a leaf the gradient's own
        graph does not reach (never guess what the engine did not do)."""
        eg = None if table is None else self.element_graph
        reached = {e.source for e in self.inputs[node.id] if not e.cut}
        owner = self.node_of.get if eg is None else eg.node_of
        kinds = sympy.Symbol if eg is None else (sympy.Indexed, sympy.Symbol)
        beyond = sorted(
            {
                owner(a)
                for f in forms
                for a in atoms(f, kinds)
                if owner(a) is not None
                and self.nodes[owner(a)].kind == LEAF
                and self.nodes[owner(a)].requires_grad
                and owner(a) not in reached
                and without_deltas(sympy.diff(f, a)) != 0  # not only through a kink's step
            }
        )
        if beyond:  # the engine's graph of the gradient does not reach them: say so
            raise Unsupported(
                gettext(
                    "{node} depends on {leaves} beyond its graph",
                    node=node.label,
                    leaves=", ".join(beyond),
                )
            )

    def has_local_derivative(self, edge: Edge) -> bool:
        """Whether the graph shows a local derivative on ``edge``: it enters an operation whose
        result requires grad, from a value (not a literal number), and is not cut."""
        return (
            not edge.cut
            and self.spec(edge.target) is not None
            and self.nodes[edge.target].requires_grad
            and isinstance(self.symbols[edge.source], sympy.Symbol)
        )

    def downstream(self, start: str, within: set | dict | None = None) -> set[str]:
        """``start`` and every node its value flows into along uncut edges (only ``within``)."""
        seen, stack = {start}, [start]
        while stack:
            for e in self.uses[stack.pop()]:
                if not e.cut and e.target not in seen and (within is None or e.target in within):
                    seen.add(e.target)
                    stack.append(e.target)
        return seen

    def params(self, node_id: str) -> dict:
        """The row's parameters with the defaults the program left out, as the row takes them."""
        spec = self.spec(node_id)
        if spec is None or spec.key == GRADIENT:  # what it differentiates is its inputs'
            return {}
        attrs = {k: _decoded(k, v) for k, v in self.nodes[node_id].attrs.items() if k != OUTPUT}
        return {**dict(spec.params), **attrs}

    def output(self, node_id: str) -> int:
        """Which result of a several-result operation (``max(dim)``: 0 values, 1 indices)."""
        return int(self.nodes[node_id].attrs.get(OUTPUT, 0))

    def reduction(self, node_id: str) -> str | None:
        """'none' (elementwise), 'sum'/'mean' (whole tensor), or None (no elementwise form)."""
        spec = self.spec(node_id)
        if spec is None or spec.sympy is None:
            return None
        if spec.reducer is None:
            return ELEMENTWISE_FORM if spec.kind == ELEMENTWISE else None
        return spec.reducer(**self.params(node_id))

    def is_opaque(self, node_id: str) -> bool:
        """An operation without an elementwise form: its name stands for it in closed forms."""
        return self.spec(node_id) is not None and self.reduction(node_id) is None

    def operands(self, node_id: str) -> list[str]:
        """Operand node ids, in argument order."""
        return list(self.nodes[node_id].inputs)

    # --- symbols and expressions --------------------------------------------------------
    @cached_property
    def symbols(self) -> dict[str, sympy.Expr]:
        """Each node's name in expressions: a real symbol, or the number of a literal."""
        out: dict[str, sympy.Expr] = {}
        for n in self.graph.nodes:
            scalar = n.kind == LITERAL and not isinstance(n.value, list)
            out[n.id] = literal(n.value) if scalar else sympy.Symbol(n.id, real=True)
        return out

    @cached_property
    def node_of(self) -> dict[sympy.Basic, str]:
        """The node id behind each symbol."""
        return {s: i for i, s in self.symbols.items() if isinstance(s, sympy.Symbol)}

    def shape_of(self, symbol: sympy.Symbol) -> tuple[int, ...]:
        """Shape of the tensor a symbol stands for (a node, or a gradient given to backward)."""
        if symbol in self.node_of:
            return tuple(self.nodes[self.node_of[symbol]].shape)
        return tuple(self.nodes[self.given[symbol].root].shape)

    def covered(self, expr: sympy.Expr) -> tuple[int, ...]:
        """The shape a generic expression stands for: its tensors' shapes broadcast (a sum or
        mean inside it is one number)."""
        symbols = atoms(expr, sympy.Symbol, skip=tuple(TOTALS.values()))
        shapes = [self.shape_of(s) for s in symbols if s in self.node_of or s in self.given]
        return broadcast_shape(*shapes) if shapes else ()

    def total(self, func, summand: sympy.Expr, shape: tuple[int, ...]) -> sympy.Expr:
        """``sum(summand)`` (or ``mean``) over the elements of ``shape``: a summand whose
        tensors span less (``sum(-2)`` once ``Heaviside(1/4)`` became 1) counts every one."""
        covered = self.covered(summand)
        if func is TOTALS["sum"] and covered != shape:
            return math.prod(shape) // math.prod(covered) * func(summand)
        return func(summand)

    def substitute(self, expr: sympy.Expr, rule: dict) -> sympy.Expr:
        """``expr.xreplace(rule)``, each ``sum(u)`` still over the elements ``u`` stood for."""
        stand_ins = {t: sympy.Dummy() for t in outermost_totals(expr)}
        back = {
            d: self.total(t.func, self.substitute(t.args[0], rule), self.covered(t.args[0]))
            for t, d in stand_ins.items()
        }
        return expr.xreplace(stand_ins).xreplace(rule).xreplace(back)

    @cached_property
    def given(self) -> dict[sympy.Symbol, BackwardCall]:
        """For each backward call whose ``gradient`` varies from element to element, its
        symbol: the name of the program's tensor passed (``v``), else ``v_L``."""
        out: dict[sympy.Symbol, BackwardCall] = {}
        taken = set(self.nodes)
        for k, call in enumerate(self.graph.backward_calls):
            values = np.asarray(call.gradient if call.gradient is not None else 1.0)
            if values.size and np.all(values == values.flat[0]):
                continue
            named = self.symbols.get(call.gradient_of) if call.gradient_of else None
            if isinstance(named, sympy.Symbol) and named not in out:
                out[named] = call
                continue
            name = f"v_{call.root}"
            name = name if name not in taken else f"{name}_{k}"
            taken.add(name)
            out[sympy.Symbol(name, real=True)] = call
        return out

    def upstream(self, call: BackwardCall) -> sympy.Expr:
        """The gradient ``backward`` starts from: 1, the given number, or ``v_L`` if it varies."""
        for symbol, given in self.given.items():
            if given is call:
                return symbol
        values = np.asarray(call.gradient if call.gradient is not None else 1.0)
        return literal(values.flat[0]) if values.size else sympy.Integer(0)

    def number(self, node_id: str) -> np.ndarray | None:
        """A node's value: from ``numbers`` when given, else as recorded."""
        if node_id in self.numbers:
            return self.numbers[node_id]
        value = self.nodes[node_id].value
        return None if value is None else np.asarray(value)

    @cached_property
    def values(self) -> dict[sympy.Basic, np.ndarray]:
        """The number behind every symbol, in float64 (what the closed forms are evaluated at)."""
        out: dict[sympy.Basic, np.ndarray] = {}
        for n in self.graph.nodes:
            value = self.number(n.id)
            if value is not None and isinstance(self.symbols[n.id], sympy.Symbol):
                out[self.symbols[n.id]] = np.asarray(value, dtype=np.float64)
        for symbol, call in self.given.items():
            out[symbol] = np.asarray(call.gradient, dtype=np.float64)
        return out

    def _form(self, node_id: str, operands: list[sympy.Expr]) -> sympy.Expr:
        spec, params = self.spec(node_id), self.params(node_id)
        reduction = self.reduction(node_id)
        if reduction is None and spec.key == GRADIENT:  # grad(y, x), as the program asks
            wrt = taken_wrt(operands, self.nodes[node_id].attrs)
            return sympy.Function(spec.key)(operands[0], wrt)
        if reduction is None:
            numbers = [
                literal(v)
                for v in params.values()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            ]
            return sympy.Function(spec.key)(*operands, *numbers)
        summand = spec.sympy(*operands, **params)
        if reduction == ELEMENTWISE_FORM:
            return summand
        shape = broadcast_shape(*(tuple(self.nodes[i].shape) for i in self.operands(node_id)))
        return self.total(TOTALS[reduction], summand, shape)

    @cached_property
    def definitions(self) -> dict[str, sympy.Expr]:
        """Each operation in its operands' names (``y = w2*x2``); leaves and constants have none."""
        return {
            n.id: self._form(n.id, [self.symbols[i] for i in self.operands(n.id)])
            for n in self.graph.nodes
            if self.spec(n.id) is not None
        }

    def definition(self, node_id: str) -> sympy.Expr | None:
        """An operation in its operands' names; None for leaves and constants."""
        return self.definitions.get(node_id)

    def expression(self, node_id: str) -> sympy.Expr:
        """The node flattened to leaves, constants and cut values (``Y - x1*w1*w2``)."""
        if node_id not in self._expression:
            for n in self.graph.nodes:  # creation order is topological: no recursion
                if n.id not in self._expression:
                    self._expression[n.id] = self._flatten(n.id)
                if n.id == node_id:
                    break
        return self._expression[node_id]

    def _flatten(self, node_id: str) -> sympy.Expr:
        if self.spec(node_id) is None or self.is_opaque(node_id):
            return self.symbols[node_id]
        return self._form(node_id, [self._expression[i] for i in self.operands(node_id)])

    def expansions(self) -> dict[sympy.Symbol, str]:
        """Symbols that substitution may replace by their flattened form (elementwise ops)."""
        return {
            self.symbols[n.id]: n.id
            for n in self.graph.nodes
            if self.spec(n.id) is not None and not self.is_opaque(n.id)
        }

    # --- local derivatives --------------------------------------------------------------
    def local(self, edge: Edge) -> Local:
        """The local derivative along ``edge`` (memoised)."""
        key = (edge.source, edge.target, edge.position)
        if key not in self._local:
            self._local[key] = self._derive(edge)
        return self._local[key]

    def _derive(self, edge: Edge) -> Local:
        target = edge.target
        spec, params, reduction = self.spec(target), self.params(target), self.reduction(target)
        shape = tuple(self.nodes[target].shape)
        if spec is None or (spec.sympy is None and spec.elements is None):
            why = self.why_not.get(target) or gettext(
                "no symbolic form for {operation}", operation=repr(self.nodes[target].op)
            )
            raise Unsupported(why)
        if spec.key == GRADIENT and target in self.gradient_forms:
            return self._gradient_local(edge)
        if reduction is None:
            return Local(edge, None, None, 1, shape, spec.kink)
        operands = self.operands(target)
        slots = SLOTS[: len(operands)]
        rule = (spec.key, repr(sorted(params.items())), len(operands), edge.position)
        partial = _RULES.get(rule)  # the same rule recurs along a graph: derive it once
        if partial is None:
            if spec.derivative is not None:
                partial = spec.derivative(*slots, **params)[edge.position]
            else:
                partial = sympy.diff(spec.sympy(*slots, **params), slots[edge.position])
            if len(_RULES) >= RULES_KEPT:
                _RULES.clear()
            _RULES[rule] = partial
        count = 1
        if reduction != ELEMENTWISE_FORM:
            shape = broadcast_shape(*(tuple(self.nodes[i].shape) for i in operands))
            count = math.prod(shape)
            if reduction == "mean":
                partial = partial / count
        expr = partial.xreplace({s: self.symbols[i] for s, i in zip(slots, operands, strict=True)})
        return Local(edge, expr, reduction, count, shape, spec.kink)

    def _gradient_local(self, edge: Edge) -> Local:
        """∂g/∂source for a gradient's form, whose sums and means over a tensor's elements
        (a gradient with respect to a broadcast value) are differentiated term by term."""
        target = self.nodes[edge.target]
        source = self.symbols[edge.source]
        own = tuple(self.nodes[edge.source].shape)
        per_element: list[bool] = []  # a total over the source's own elements: per element
        expr = self._total_derivative(self.gradient_forms[target.id], source, own, per_element)
        if any(per_element) and target.shape:
            raise Unsupported(
                gettext(
                    "{node} mixes every element of {source}", node=target.label, source=edge.source
                )
            )
        shape = own if any(per_element) else tuple(target.shape)
        kept = without_deltas(expr)
        return Local(edge, kept, ELEMENTWISE_FORM, 1, shape, STEP_KINK if kept != expr else None)

    def _total_derivative(self, expr, u: sympy.Symbol, own: tuple, per_element: list) -> sympy.Expr:
        """d expr/du with ``sum(h)`` and ``mean(h)`` as the sums they stand for."""
        totals = {t: sympy.Dummy() for t in outermost_totals(expr)}
        flat = expr.xreplace(totals)
        result = sympy.diff(flat, u)
        for total, stand_in in totals.items():
            inner = self._total_derivative(total.args[0], u, own, per_element)
            if inner == 0:
                continue
            covered = self.covered(total.args[0])
            count = math.prod(covered)
            if count > 1 and math.prod(own) == 1:  # u is spread over every element
                part = self.total(total.func, inner, covered)
            elif count == 1 or covered == own:  # each element of u in one term
                per_element.append(count > 1)
                part = inner / count if total.func is TOTALS["mean"] else inner
            else:
                raise Unsupported(
                    gettext("a broadcast of {name} the gradient's form cannot follow", name=u)
                )
            result += sympy.diff(flat, stand_in) * part
        return result.xreplace({d: t for t, d in totals.items()})


def _has_steps(table: np.ndarray) -> bool:
    """Whether a gradient's elements hold a kink's step (relu's, clamp's, abs's sign)."""
    return any(atoms(e, (sympy.Heaviside, sympy.sign)) for e in table.flat)
