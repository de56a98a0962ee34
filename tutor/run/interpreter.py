"""The interpreter: runs a checked program on the engine, recording its graph as it goes.

It walks ``tutor.lang.program`` data, never text, and reaches the engine only through the
table (``FUNCTIONS[key].engine``) and the lists and explicit accessors of
``tutor.lang.vocabulary``; there is no ``getattr`` on a name taken from a program. Before every
operation it checks the meter (wall time, and the size of what the operation is about to
allocate). An exception the engine (or Python) raises for the program becomes a
``ProgramError`` with the engine's own words and the statement's place.
"""

from __future__ import annotations

import contextlib
import io
import operator

import numpy as np

import engine
import engine.function
from engine.types import ReturnTypes

from ..errors import LimitError, ProgramError, TutorError
from ..functions import FUNCTIONS, FunctionSpec
from ..i18n import gettext
from ..lang import program as ir
from ..lang import vocabulary as vocab
from ..limits import Meter
from . import arithmetic, shapes
from .arithmetic import (
    ARITHMETIC,
    COMPARISON,
    IN_PLACE,
    NUMERIC,
    check_power,
    describe,
    require_numeric,
)
from .builtin_functions import BUILTINS
from .recorder import Recorder

# where's condition and an index select values: they are data, not operands (no gradient)
_TENSOR_PARAMS = frozenset({"condition", "key"})


class Interpreter:
    """Runs statements against one environment, printing into ``out``."""

    def __init__(
        self, recorder: Recorder, meter: Meter, out: io.StringIO, formula: bool = False
    ) -> None:
        self.recorder = recorder
        self.meter = meter
        self.out = out
        self.formula = formula  # the expression form: numbers stand for tensors in functions
        self.env: dict[str, object] = {}
        self.heard: list[str] = []  # the engine's warnings the running statement raised
        self.warned: list[tuple[int, str]] = []  # (line, warning), each once, as Python shows

    # ----- statements --------------------------------------------------------------------
    def run(self, statements: tuple) -> None:
        """Execute statements in order."""
        for statement in statements:
            self.execute(statement)

    def execute(self, statement) -> None:
        """Execute one statement; any failure becomes a TutorError placed at it."""
        self._guarded(statement.at, self._STATEMENTS[type(statement)], self, statement)

    def _guarded(self, at: ir.Span, function, *args) -> None:
        """Call ``function`` if time is left; what it raises becomes a TutorError at ``at``."""
        try:
            self.meter.tick()
            function(*args)
            self._heard_at(at.line)
            self.recorder.statement_done(at.line)
        except TutorError as error:
            raise error.locate(at.line, at.col) from None
        except MemoryError:
            raise LimitError(
                "memory_limit",
                gettext("the program needs more memory than a run may use; use smaller tensors"),
            ).locate(at.line, at.col) from None
        except Exception as error:  # the engine's (or Python's) refusal of the program
            raise ProgramError.from_exception(error).locate(at.line, at.col) from None

    def _heard_at(self, line: int) -> None:
        """Place the engine's warnings a statement raised at its line (a block's own
        statements place theirs first)."""
        for message in self.heard:
            if (line, message) not in self.warned:
                self.warned.append((line, message))
        self.heard.clear()

    def _assign(self, statement: ir.Assign) -> None:
        value = self.evaluate(statement.value)
        for target in statement.targets:
            self._store(target, value)

    def _store(self, target, value) -> None:
        if isinstance(target, ir.Name):
            self.env[target.id] = value
            self.recorder.bind(target.id, value, target.at)
        elif isinstance(target, ir.Seq):
            if not isinstance(value, (tuple, list, engine.Tensor)):
                raise TypeError(f"cannot unpack non-iterable {type(value).__name__} object")
            if len(value) != len(target.items):
                raise ValueError(f"expected {len(target.items)} values to unpack, got {len(value)}")
            if isinstance(value, engine.Tensor):  # rows, each an indexing the graph records
                value = [self._index(value, (i,), target.at) for i in range(len(value))]
            for item, part in zip(target.items, value, strict=True):
                self._store(item, part)
        else:
            self._set_attribute(self.evaluate(target.obj), target.name, value, target.at)

    def _set_attribute(self, obj, name: str, value, at: ir.Span) -> None:
        if not isinstance(obj, engine.Tensor):
            what = gettext("setting {name}", name=f"`.{name}`")
            raise _unavailable(what, obj, gettext("it works on tensors"))
        if name == "requires_grad":
            obj.requires_grad = value
            self.recorder.flag(obj, at)
        elif value is None or isinstance(value, engine.Tensor):
            obj.grad = value
            self.recorder.grad_assigned()
        else:
            raise TypeError(
                "assigned grad expected to be a Tensor or None but got grad of type "
                f"{type(value).__name__}"
            )

    def _aug_assign(self, statement: ir.AugAssign) -> None:
        old = self.env[statement.target.id]
        other = self.evaluate(statement.value)
        function = IN_PLACE[statement.symbol]
        if isinstance(old, engine.Tensor):
            result = self._inplace(old, statement.key, other, statement.at, function)
        else:
            result = self._arithmetic(
                statement.symbol, statement.key, (old, other), statement.at, function
            )
        self._store(statement.target, result)

    def _with(self, statement: ir.With) -> None:
        with contextlib.ExitStack() as stack:
            for item in statement.items:
                stack.enter_context(self.evaluate(item))
            self.run(statement.body)

    def auto_backward(self, name: str) -> None:
        """The expression form's last step: ``L.backward()``, or with ones for a non-scalar L."""
        root = self.env[name]
        if isinstance(root, engine.Tensor) and root.requires_grad:
            at = ir.Span(1, 1)
            gradient = None if root.numel() == 1 else engine.ones_like(root)
            self.recorder.made(gradient, at)
            self._guarded(at, self._backward, root, at, gradient)

    # ----- expressions -------------------------------------------------------------------
    def evaluate(self, expr):
        """The value of an expression; refusals are placed at the innermost expression."""
        try:
            return self._EXPRESSIONS[type(expr)](self, expr)
        except TutorError as error:
            raise error.locate(expr.at.line, expr.at.col) from None

    def _fstring(self, expr: ir.FString) -> str:
        return "".join(p if isinstance(p, str) else self._formatted(p) for p in expr.parts)

    def _formatted(self, field: ir.Formatted) -> str:
        value = self.evaluate(field.value)
        if field.conversion:
            value = {"r": repr, "s": str, "a": ascii}[field.conversion](value)
        return format(value, field.spec)

    def _operator(self, expr: ir.Operator):
        operands = tuple(self.evaluate(o) for o in expr.operands)
        function = COMPARISON.get(expr.symbol) or ARITHMETIC[expr.symbol]
        if expr.key is None:  # `is`, `is not` and unary plus never make a new value
            if expr.symbol == "+u":
                require_numeric("`+`", operands)
            return function(*operands)
        return self._arithmetic(expr.symbol, expr.key, operands, expr.at, function)

    def _arithmetic(self, symbol: str, key: str, operands: tuple, at, function):
        """Operators on numbers, arrays and tensors; comparisons of other values as Python's."""
        if symbol in COMPARISON and not all(isinstance(o, NUMERIC) for o in operands):
            return function(*operands)  # x.shape == (2, 2)
        require_numeric(f"`{symbol.removesuffix('u')}`", operands)
        if any(isinstance(o, engine.Tensor) for o in operands):
            return self._tensor_op(key, operands, {}, at, function)
        return arithmetic.plain(symbol, key, function, operands, self.meter)

    def _tensor_op(self, key: str, operands: tuple, params: dict, at: ir.Span, function):
        """One operation that makes a tensor: check, allocate, run, record."""
        self.meter.tick()
        if key == "pow":
            check_power(self.meter, None, operands[1])
        self.meter.take_elements(shapes.op_bound(key, operands, params))
        result = function(*operands, **params)
        self.recorder.op(result, key, operands, params, at)
        return result

    def _table_op(self, spec: FunctionSpec, operands: tuple, params: dict, at: ir.Span):
        """A row of the table applied to bound operands and parameters."""
        require_numeric(f"{spec.key}()", operands)
        tensor_params = _tensor_params(f"{spec.key}()", params)
        if not tensor_params and not any(isinstance(v, engine.Tensor) for v in operands):
            if not self.formula:
                raise TypeError(
                    gettext(
                        "{call} needs a tensor; make one with torch.tensor(...)",
                        call=f"{spec.key}()",
                    )
                )
            operands = tuple(self._constant(v, at) for v in operands)  # log(1) in a formula
        return self._tensor_op(spec.key, operands, params, at, spec.engine)

    def _constant(self, number, at: ir.Span) -> engine.Tensor:
        """A number a formula passes to a function, as the float tensor it stands for."""
        tensor = engine.tensor(float(number))
        self.recorder.made(tensor, at)
        return tensor

    def _inplace(self, tensor: engine.Tensor, key: str, other, at: ir.Span, function):
        """``tensor op= other``: in place where the engine does it so, else a new tensor."""
        require_numeric(gettext("in-place {operation}", operation=key), (other,))
        if key == "pow":
            check_power(self.meter, None, other)
        self.meter.take_elements(shapes.op_bound(key, (tensor, other), {}))
        result = function(tensor, other)
        if result is tensor:
            self.recorder.inplace(tensor, key, (tensor, other), at)
        else:
            self.recorder.op(result, key, (tensor, other), {}, at)
        return result

    def _clamp_(self, tensor: engine.Tensor, at: ir.Span, min=None, max=None):
        """``tensor.clamp_(min, max)`` (gradient clipping: ``w.grad.clamp_(-1, 1)``)."""
        params = {"min": min, "max": max}
        _tensor_params(".clamp_()", params)
        require_numeric(".clamp_()", tuple(v for v in params.values() if v is not None))
        tensor.clamp_(min, max)
        self.recorder.inplace(tensor, "clamp", (tensor,), at, params)
        return tensor

    # ----- calls -------------------------------------------------------------------------
    def _call(self, call: ir.Call):
        args = tuple(self.evaluate(a) for a in call.args)
        kwargs = {name: self.evaluate(value) for name, value in call.kwargs}
        return self._CALLS[call.kind](self, call, args, kwargs)

    def _call_op(self, call: ir.Call, args: tuple, kwargs: dict):
        spec = FUNCTIONS[call.name]
        operands, params = vocab.bind_op(spec, args, kwargs)
        return self._table_op(spec, operands, params, call.at)

    def _call_factory(self, call: ir.Call, args: tuple, kwargs: dict):
        bound = vocab.CALLABLE_SIGNATURES[call.name].bind(*args, **kwargs)
        bound.apply_defaults()
        self.meter.tick()
        self.meter.take_elements(shapes.factory_bound(call.name, bound.arguments))
        result = vocab.FACTORIES[call.name](*bound.args, **bound.kwargs)
        self.recorder.made(result, call.at)
        return result

    def _call_helper(self, call: ir.Call, args: tuple, kwargs: dict):
        vocab.CALLABLE_SIGNATURES[call.name].bind(*args, **kwargs)
        return vocab.CALLABLES[call.name](*args, **kwargs)

    def _call_gradient(self, call: ir.Call, args: tuple, kwargs: dict):
        """``torch.autograd.grad(output, inputs, ...)``: the engine's, recorded as gradients."""
        bound = vocab.CALLABLE_SIGNATURES[call.name].bind(*args, **kwargs)
        bound.apply_defaults()
        output, inputs = bound.arguments["outputs"], bound.arguments["inputs"]
        given = bound.arguments["grad_outputs"]
        if isinstance(output, (tuple, list)) and len(output) == 1:
            output = output[0]
        if isinstance(given, (tuple, list)) and len(given) == 1:
            given = given[0]  # one output, one gradient for it
        if not isinstance(output, engine.Tensor):
            raise TypeError(
                gettext(
                    "graph programs take torch.autograd.grad of one output tensor at a time; "
                    "for several, add them first: torch.autograd.grad(y1 + y2, x)"
                )
            )
        self.meter.take_backward()
        self.meter.tick()
        results = vocab.GRADIENTS[call.name](*bound.args, **bound.kwargs)
        self.recorder.gradient(results, output, inputs, given, call.at)
        return results

    def _call_builtin(self, call: ir.Call, args: tuple, kwargs: dict):
        bound = vocab.BUILTIN_SIGNATURES[call.name].bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        if call.name == "print":
            print(*arguments["values"], sep=arguments["sep"], end=arguments["end"], file=self.out)
            self.meter.check_output(self.out.tell())
            return None
        if call.name == "abs" and isinstance(arguments["x"], engine.Tensor):
            return self._table_op(FUNCTIONS["abs"], (arguments["x"],), {}, call.at)
        if call.name == "round" and isinstance(arguments["ndigits"], int):
            self.meter.check_exponent(arguments["ndigits"])
        return BUILTINS[call.name](**arguments)

    def _call_method(self, call: ir.Call, args: tuple, kwargs: dict):
        receiver = self.evaluate(call.receiver)
        name = call.name
        if isinstance(receiver, engine.Tensor) and name in vocab.METHOD_OPS:
            spec = FUNCTIONS[vocab.METHOD_OPS[name]]
            operands, params = vocab.bind_op(spec, (receiver, *args), kwargs)
            return self._table_op(spec, operands, params, call.at)
        if isinstance(receiver, engine.Tensor) and name in vocab.TENSOR_METHODS:
            bound = vocab.TENSOR_METHODS[name].bind(*args, **kwargs)
            bound.apply_defaults()
            return self._TENSOR_METHODS[name](self, receiver, call.at, *bound.args)
        if isinstance(receiver, engine.function.Node) and name in vocab.NODE_METHODS:
            vocab.NODE_METHODS[name].bind(*args, **kwargs)
            return receiver.name()
        raise _no_attribute(
            receiver, name, gettext("methods such as .sum() and .backward() work on tensors")
        )

    # ----- tensor methods that are not table operations ----------------------------------
    def _backward(self, tensor, at, gradient=None, retain_graph=None, create_graph=False) -> None:
        self.meter.take_backward()
        self.meter.tick()
        held = [t for t in self.recorder.leaves() if t.grad is not None] if create_graph else ()
        self.recorder.before_backward()
        tensor.backward(gradient, retain_graph, create_graph)
        if held:
            raise ValueError(
                gettext(
                    "backward(create_graph=True) adds to a .grad that already holds a gradient; "
                    "graph programs explain it when every .grad starts empty: set x.grad = None "
                    "before the call"
                )
            )
        self.recorder.backward(tensor, gradient, at.line, at, create_graph)

    def _detach(self, tensor, at) -> engine.Tensor:
        result = tensor.detach()
        self.recorder.detach(result, tensor, at)
        return result

    def _tolist(self, tensor, at):
        self.meter.take_elements(tensor.numel())
        return tensor.tolist()

    def _requires_grad_(self, tensor, at, requires_grad=True):
        tensor.requires_grad_(requires_grad)
        self.recorder.flag(tensor, at)
        return tensor

    def _filled(self, tensor, at) -> engine.Tensor:
        self.recorder.inplace(tensor, None, (), at)
        return tensor

    # ----- attributes and indexing -------------------------------------------------------
    def _attribute(self, expr: ir.Attr):
        obj = self.evaluate(expr.obj)
        name = expr.name
        if isinstance(obj, engine.Tensor):
            if name == "grad":
                grad = obj.grad
                if grad is not None:
                    self.recorder.note_grad(grad, expr.at)
                return grad
            if name == "data":
                return self._detach(obj, expr.at)
            if name in vocab.PLAIN_TENSOR_ATTRIBUTES:
                return vocab.PLAIN_TENSOR_ATTRIBUTES[name](obj)
        if isinstance(obj, engine.function.Node) and name == "next_functions":
            return obj.next_functions
        if isinstance(obj, engine.function.AccumulateGrad) and name == "variable":
            self.recorder.note(obj.variable, expr.at)
            return obj.variable
        if isinstance(obj, ReturnTypes) and name in vocab.RESULT_ATTRIBUTES:
            return obj[0] if name == "values" else obj[1]
        if isinstance(obj, np.ndarray) and name in vocab.ARRAY_ATTRIBUTES:
            return vocab.ARRAY_ATTRIBUTES[name](obj)
        raise _no_attribute(
            obj, name, gettext("attributes such as .grad and .shape belong to tensors")
        )

    def _subscript(self, expr: ir.Subscript):
        obj = self.evaluate(expr.obj)
        key = self.evaluate(expr.key)
        if isinstance(obj, engine.Tensor):
            return self._index(obj, key if isinstance(key, tuple) else (key,), expr.at)
        if isinstance(obj, (tuple, list)) and isinstance(key, (int, slice)):
            return obj[key]
        if obj is None or isinstance(obj, (bool, int, float)):
            raise TypeError(f"'{type(obj).__name__}' object is not subscriptable")
        raise _unavailable(
            gettext("indexing"), obj, gettext("index tensors, lists and tuples with numbers")
        )

    def _index(self, tensor: engine.Tensor, key: tuple, at: ir.Span) -> engine.Tensor:
        """``tensor[key]``, the key always a tuple (``x[0]`` is ``x[(0,)]``)."""
        return self._table_op(FUNCTIONS["getitem"], (tensor,), {"key": key}, at)

    # ----- dispatch tables ---------------------------------------------------------------
    _STATEMENTS = {
        ir.Assign: _assign,
        ir.AugAssign: _aug_assign,
        ir.ExprStmt: lambda self, s: self.evaluate(s.value),
        ir.With: _with,
    }
    _EXPRESSIONS = {
        ir.Const: lambda self, e: e.value,
        ir.Name: lambda self, e: self.env[e.id],
        ir.Seq: lambda self, e: (tuple if e.kind == "tuple" else list)(map(self.evaluate, e.items)),
        ir.Slice: lambda self, e: slice(
            *(None if p is None else self.evaluate(p) for p in (e.lower, e.upper, e.step))
        ),
        ir.FString: _fstring,
        ir.Operator: _operator,
        ir.Call: _call,
        ir.Attr: _attribute,
        ir.Subscript: _subscript,
    }
    _CALLS = {
        "op": _call_op,
        "factory": _call_factory,
        "helper": _call_helper,
        "grad_mode": _call_helper,
        "gradient": _call_gradient,
        "builtin": _call_builtin,
        "method": _call_method,
    }
    _TENSOR_METHODS = {
        "backward": _backward,
        "detach": _detach,
        "item": lambda self, t, at: t.item(),
        "tolist": _tolist,
        "numpy": lambda self, t, at: t.numpy(),
        "size": lambda self, t, at, dim=None: t.size(dim),
        "dim": lambda self, t, at: t.dim(),
        "numel": lambda self, t, at: t.numel(),
        "requires_grad_": _requires_grad_,
        "retain_grad": lambda self, t, at: t.retain_grad(),
        "zero_": lambda self, t, at: self._filled(t.zero_(), at),
        "fill_": lambda self, t, at, value: self._filled(t.fill_(value), at),
        "add_": lambda self, t, at, other: self._inplace(t, "add", other, at, operator.iadd),
        "sub_": lambda self, t, at, other: self._inplace(t, "sub", other, at, operator.isub),
        "mul_": lambda self, t, at, other: self._inplace(t, "mul", other, at, operator.imul),
        "div_": lambda self, t, at, other: self._inplace(t, "div", other, at, operator.itruediv),
        "clamp_": _clamp_,
        "clip_": _clamp_,
    }


def _tensor_params(call: str, params: dict) -> list[str]:
    """The parameters given as tensors: only those a table row reads as data may be."""
    found = [n for n, v in params.items() if isinstance(v, engine.Tensor)]
    for name in found:
        if name not in _TENSOR_PARAMS:
            raise TypeError(
                gettext(
                    "{call}: {name} must be a number, not a tensor (for the elementwise "
                    "maximum or minimum of two tensors use torch.maximum or torch.minimum)",
                    call=call,
                    name=f"`{name}`",
                )
            )
    return found


def _no_attribute(obj, name: str, instead: str) -> Exception:
    """Python's own AttributeError for None and numbers (PyTorch users see the same)."""
    if obj is None or isinstance(obj, (bool, int, float)):
        return AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
    return _unavailable(f"`.{name}`", obj, instead)


def _unavailable(what: str, obj, instead: str) -> AttributeError:
    return AttributeError(
        gettext(
            "{what} is not available on {value} in graph programs; {instead}",
            what=what,
            value=describe(obj),
            instead=instead,
        )
    )
