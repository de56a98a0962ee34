"""What graph programs may name, derived from the table, and how a call binds its arguments.

Operations come from ``tutor.functions.FUNCTIONS`` (their ``torch_names``, ``functional``
names, ``methods``, ``properties`` and ``operator`` spellings). Beside them a program may
use a short list of tensor factories, grad modes, dtypes, builtins, tensor methods and
attributes that are not operations. Nothing outside these lists can be reached: the
checker resolves names against them, and the interpreter dispatches through them.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

import engine

from ..functions import FUNCTIONS, FunctionSpec
from ..i18n import gettext

P = inspect.Parameter
NUMBERS = (bool, int, float, np.number, np.bool_)  # what graph programs count as a number


@dataclass(frozen=True)
class Member:
    """Something a module offers: ``kind`` says how the checker and interpreter treat it."""

    kind: str  # "op" | "factory" | "helper" | "grad_mode" | "gradient" | "value" | "module"
    name: str  # FUNCTIONS key, a key of CALLABLES, or a module path
    value: object = None  # the constant, for kind "value"


# ----- numpy, kept to creating arrays of numbers -------------------------------------
_NP_VALUES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "int32": np.int32}
_NP_DTYPES = (*_NP_VALUES.values(), np.bool_, float, int, bool)


def _np_dtype(dtype):
    if dtype is not None and not any(dtype is d for d in _NP_DTYPES):
        raise TypeError(gettext("dtype must be one of np.float32, np.float64, np.int64, np.int32"))
    return dtype


def _np_number(value):
    if not isinstance(value, NUMBERS):
        raise TypeError(
            gettext("fill_value must be a number, not {kind}", kind=type(value).__name__)
        )
    return value


def _np_ones(shape, dtype=None):
    return np.ones(shape, dtype=_np_dtype(dtype))


def _np_zeros(shape, dtype=None):
    return np.zeros(shape, dtype=_np_dtype(dtype))


def _np_full(shape, fill_value, dtype=None):
    return np.full(shape, _np_number(fill_value), dtype=_np_dtype(dtype))


def _np_array(data, dtype=None):
    array = np.array(data, dtype=_np_dtype(dtype))
    if array.dtype.kind not in "biuf":
        raise TypeError(gettext("np.array takes numbers or (nested) lists of numbers"))
    return array


# ----- callables other than operations: name -> function -----------------------------
_TORCH_FACTORIES = (
    "tensor",
    "as_tensor",
    "from_numpy",
    "ones",
    "zeros",
    "empty",
    "full",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "ones_like",
    "zeros_like",
    "full_like",
    "rand_like",
    "randn_like",
)
FACTORIES = {f"torch.{name}": vars(engine)[name] for name in _TORCH_FACTORIES} | {
    "np.ones": _np_ones,
    "np.zeros": _np_zeros,
    "np.full": _np_full,
    "np.array": _np_array,
}
HELPERS = {
    "torch.manual_seed": engine.manual_seed,
    "torch.is_grad_enabled": engine.is_grad_enabled,
    "torch.is_tensor": engine.is_tensor,
    "torch.numel": engine.numel,
}
GRAD_MODES = {
    "torch.no_grad": engine.no_grad,
    "torch.enable_grad": engine.enable_grad,
    "torch.set_grad_enabled": engine.set_grad_enabled,
}
GRADIENTS = {"torch.autograd.grad": engine.autograd.grad}  # results the graph records
CALLABLES = FACTORIES | HELPERS | GRAD_MODES | GRADIENTS

_TORCH_DTYPES = (
    "float32",
    "float",
    "float64",
    "double",
    "float16",
    "half",
    "int64",
    "long",
    "int32",
    "int",
    "int16",
    "int8",
    "uint8",
    "bool",
)


def _namespace(prefix: str, kinds: dict[str, dict]) -> dict[str, Member]:
    return {
        full.removeprefix(prefix): Member(kind, full)
        for kind, table in kinds.items()
        for full in table
        if full.startswith(prefix)
    }


NAMESPACES: dict[str, dict[str, Member]] = {
    "torch": {
        **{n: Member("op", s.key) for s in FUNCTIONS.values() for n in s.torch_names},
        **_namespace("torch.", {"factory": FACTORIES, "helper": HELPERS, "grad_mode": GRAD_MODES}),
        **{n: Member("value", n, vars(engine)[n]) for n in _TORCH_DTYPES},
        "nn": Member("module", "torch.nn"),
        "autograd": Member("module", "torch.autograd"),
    },
    "torch.autograd": _namespace("torch.autograd.", {"gradient": GRADIENTS}),
    "torch.nn": {"functional": Member("module", "torch.nn.functional")},
    "torch.nn.functional": {
        n: Member("op", s.key) for s in FUNCTIONS.values() for n in s.functional
    },
    "numpy": {
        **{n: Member("factory", f"np.{n}") for n in ("ones", "zeros", "full", "array")},
        **{n: Member("value", n, t) for n, t in _NP_VALUES.items()},
    },
}
MODULES = frozenset(NAMESPACES)  # what `import` accepts

# formulas write functions bare, as tutorials name them: exp(x), relu(x), mse_loss(a, b)
BARE_OPS = {n: s.key for s in FUNCTIONS.values() for n in s.torch_names + s.functional}
OPERATORS = {s.operator: s.key for s in FUNCTIONS.values() if s.operator}
PYTHON_OPERATORS = frozenset({"+u", "is", "is not"})  # never tensor operations

# ----- builtins ------------------------------------------------------------------------
BUILTINS = ("print", "len", "float", "int", "abs", "round")
BUILTIN_VALUES = {"float": float, "int": int, "bool": bool}  # as dtype arguments


def _signature(*params: str | tuple[str, object]) -> inspect.Signature:
    """A signature from names (required) and (name, default) pairs."""
    return inspect.Signature(
        [
            P(p, P.POSITIONAL_OR_KEYWORD)
            if isinstance(p, str)
            else P(p[0], P.POSITIONAL_OR_KEYWORD, default=p[1])
            for p in params
        ]
    )


BUILTIN_SIGNATURES = {
    "print": inspect.Signature(
        [
            P("values", P.VAR_POSITIONAL),
            P("sep", P.KEYWORD_ONLY, default=" "),
            P("end", P.KEYWORD_ONLY, default="\n"),
            P("flush", P.KEYWORD_ONLY, default=False),
        ]
    ),
    "len": _signature("obj"),
    "float": _signature(("x", 0.0)),
    "int": _signature(("x", 0)),
    "abs": _signature("x"),
    "round": _signature("number", ("ndigits", None)),
}

# ----- tensor methods that are not operations, and attributes ---------------------------
TENSOR_METHODS = {
    "backward": _signature(("gradient", None), ("retain_graph", None), ("create_graph", False)),
    "detach": _signature(),
    "item": _signature(),
    "tolist": _signature(),
    "numpy": _signature(),
    "size": _signature(("dim", None)),
    "dim": _signature(),
    "numel": _signature(),
    "requires_grad_": _signature(("requires_grad", True)),
    "retain_grad": _signature(),
    "zero_": _signature(),
    "fill_": _signature("value"),
    "add_": _signature("other"),
    "sub_": _signature("other"),
    "mul_": _signature("other"),
    "div_": _signature("other"),
    "clamp_": _signature(("min", None), ("max", None)),
    "clip_": _signature(("min", None), ("max", None)),
}
NODE_METHODS = {"name": _signature()}  # on a grad_fn node

PLAIN_TENSOR_ATTRIBUTES = {  # read as they are (.grad and .data the interpreter records)
    "grad_fn": lambda t: t.grad_fn,
    "is_leaf": lambda t: t.is_leaf,
    "requires_grad": lambda t: t.requires_grad,
    "shape": lambda t: t.shape,
    "dtype": lambda t: t.dtype,
    "ndim": lambda t: t.ndim,
    "device": lambda t: t.device,
    "retains_grad": lambda t: t.retains_grad,
}
ARRAY_ATTRIBUTES = {
    "shape": lambda a: a.shape,
    "dtype": lambda a: a.dtype,
    "ndim": lambda a: a.ndim,
}
PROPERTY_OPS = {n: s.key for s in FUNCTIONS.values() for n in s.properties}
NODE_ATTRIBUTES = frozenset({"next_functions", "variable"})
RESULT_ATTRIBUTES = frozenset({"values", "indices"})  # of max(dim) / min(dim)
ATTRIBUTES = frozenset(
    {"grad", "data", *PLAIN_TENSOR_ATTRIBUTES, *NODE_ATTRIBUTES, *RESULT_ATTRIBUTES, *PROPERTY_OPS}
)
SETTABLE_ATTRIBUTES = frozenset({"requires_grad", "grad"})


# ----- binding a call's arguments ------------------------------------------------------
def op_signature(spec: FunctionSpec) -> inspect.Signature:
    """The signature calls of a table row are bound with (the receiver is ``input``)."""
    names = spec.arguments or ("input", "other")[: spec.operands] + tuple(
        name for name, _ in spec.params
    )
    defaults = dict(spec.params)
    first_operand = min(i for i, n in enumerate(names) if n not in defaults)
    parameters = []
    for i, name in enumerate(names):
        if spec.varargs and i == len(names) - 1:
            parameters.append(P(name, P.VAR_POSITIONAL))
        elif name in defaults and i > first_operand:
            parameters.append(P(name, P.POSITIONAL_OR_KEYWORD, default=defaults[name]))
        else:  # operands, and parameters spelled before them (where's condition)
            parameters.append(P(name, P.POSITIONAL_OR_KEYWORD))
    return inspect.Signature(parameters)


OP_SIGNATURES = {key: op_signature(spec) for key, spec in FUNCTIONS.items()}
METHOD_OPS = {n: s.key for s in FUNCTIONS.values() for n in s.methods}
METHOD_SIGNATURES = (
    {
        name: OP_SIGNATURES[key].replace(
            parameters=list(OP_SIGNATURES[key].parameters.values())[1:]
        )
        for name, key in METHOD_OPS.items()
    }
    | TENSOR_METHODS
    | NODE_METHODS
)
CALLABLE_SIGNATURES = {name: inspect.signature(fn) for name, fn in CALLABLES.items()}


def bind_op(spec: FunctionSpec, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """A call's arguments as (operands, params) of the row; raises TypeError like Python."""
    bound = OP_SIGNATURES[spec.key].bind(*args, **kwargs)
    bound.apply_defaults()
    params = {name: bound.arguments[name] for name, _ in spec.params}
    operands = tuple(v for n, v in bound.arguments.items() if n not in params)
    if spec.sequence:
        (operands,) = operands
        if not isinstance(operands, (list, tuple)):
            raise TypeError(gettext("{call} takes a list of tensors", call=f"{spec.key}()"))
        operands = tuple(operands)
    if spec.varargs:
        name = spec.params[-1][0]
        collected = params[name]
        if len(collected) == 1 and isinstance(collected[0], (tuple, list)):
            collected = tuple(collected[0])  # x.reshape((2, 3)) as well as x.reshape(2, 3)
        params[name] = collected
    return operands, params
