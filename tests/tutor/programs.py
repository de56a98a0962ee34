"""Random graph programs for the property tests and the benchmark (a seeded generator).

Each program is PyTorch source text — the same text runs on the tutor's interpreter and on
real torch — built from the functions the tutor covers, over scalars, vectors and matrices:
values are reused (``y * y``), paths split and join (diamonds), shapes broadcast, and some
values are cut by ``detach()`` or made under ``no_grad()``. Arguments are kept inside each
function's domain and away from overflow (``log(u*u + 1)``, ``exp(tanh(u))``), and kinks
(relu, abs, clamp, max) are fed values that avoid ties.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SHAPES = ((), (3,), (2, 3))

# name -> template over operands a, b (domain-safe)
UNARY = {
    "neg": "-{a}",
    "exp": "torch.exp(torch.tanh({a}))",
    "log": "torch.log({a} * {a} + 1)",
    "sin": "torch.sin({a})",
    "cos": "{a}.cos()",
    "tan": "torch.tan(0.5 * torch.tanh({a}))",
    "tanh": "torch.tanh({a})",
    "sigmoid": "torch.sigmoid({a})",
    "relu": "torch.relu({a})",
    "abs": "{a}.abs()",
    "sqrt": "torch.sqrt({a} * {a} + 0.5)",
    "pow_scalar": "{a} ** 2",
    "pow_reflected": "2 ** torch.tanh({a})",
    "clamp": "torch.clamp({a}, min=-0.7, max=0.9)",
    "scale": "3 * {a}",
    "rsub": "1 - {a}",
    "rdiv": "2 / ({a} * {a} + 1)",
}
BINARY = {
    "add": "{a} + {b}",
    "sub": "{a} - {b}",
    "mul": "{a} * {b}",
    "div": "{a} / ({b} * {b} + 1)",
    "pow_tensor": "({a} * {a} + 0.5) ** torch.tanh({b})",
    "maximum": "torch.maximum({a}, {b} + 0.25)",
    "minimum": "torch.minimum({a}, {b} - 0.25)",
}
# ``wild`` programs leave the domains and kinks alone: NaN, infinities, ties and where()
WILD_UNARY = {
    "log": "torch.log({a})",
    "sqrt": "torch.sqrt({a})",
    "rdiv": "2 / {a}",
    "exp": "torch.exp(40 * {a})",
    "where": "torch.where({a} > 0, {a}, 2 * {a})",
    "relu": "torch.relu({a} - {a})",
}
WILD_BINARY = {
    "div": "{a} / {b}",
    "pow_tensor": "{a} ** {b}",
    "maximum": "torch.maximum({a}, {b})",
}
REDUCE = {
    "sum": "{a}.sum()",
    "mean": "{a}.mean()",
    "max": "torch.tanh({a}).max()",
    "min": "{a}.min()",
    "sum_dim": "{a}.sum(dim=-1)",
    "mean_dim": "torch.mean({a}, dim=0)",
    "softmax": "torch.softmax({a}, dim=-1)",
    "log_softmax": "F.log_softmax({a}, dim=-1)",
}


@dataclass
class Program:
    """Source text plus what the tests need to know about it."""

    source: str
    leaves: list[str]
    functions: set[str] = field(default_factory=set)
    elementwise_only: bool = True


def _value(rng: random.Random, shape: tuple, wild: bool = False) -> str:
    if not shape:
        return "0.0" if wild and rng.random() < 0.2 else f"{rng.uniform(-1.5, 1.5):.3f}"
    if len(shape) == 1:
        return "[" + ", ".join(_value(rng, (), wild) for _ in range(shape[0])) + "]"
    return "[" + ", ".join(_value(rng, shape[1:], wild) for _ in range(shape[0])) + "]"


def _broadcast(a: tuple, b: tuple) -> tuple | None:
    if a == b or not b:
        return a
    if not a:
        return b
    if a == (3,) and b == (2, 3) or a == (2, 3) and b == (3,):
        return (2, 3)
    return None


def generate(
    seed: int, size: int = 8, tensors: bool = True, extras: bool = True, wild: bool = False
) -> Program:
    """A random program of about ``size`` operations (``tensors``: vectors and matrices too;
    ``wild``: out of domains, onto kinks, through where() and non-uniform backward gradients)."""
    rng = random.Random(seed)
    unary, binary = (
        ({**UNARY, **WILD_UNARY}, {**BINARY, **WILD_BINARY}) if wild else (UNARY, BINARY)
    )
    lines = ["import torch", "import torch.nn.functional as F"]
    pool: list[tuple[str, tuple, bool]] = []  # name, shape, requires grad
    leaves = []
    shapes = SHAPES if tensors else ((),)
    for k in range(rng.randint(2, 3)):
        shape = rng.choice(shapes)
        name = f"x{k}"
        lines.append(f"{name} = torch.tensor({_value(rng, shape, wild)}, requires_grad=True)")
        pool.append((name, shape, True))
        leaves.append(name)
    if rng.random() < 0.5:
        shape = rng.choice(shapes)
        lines.append(f"C = torch.tensor({_value(rng, shape)})")
        pool.append(("C", shape, False))
    program = Program("", leaves)
    for k in range(size):
        name = f"v{k}"
        a, sa, grad = rng.choice(pool)
        roll = rng.random()
        if extras and roll < 0.08:
            lines.append(f"{name} = {a}.detach()")
            program.functions.add("detach")
            grad = False
        elif extras and roll < 0.14:
            lines += ["with torch.no_grad():", f"    {name} = {a} * 2"]
            program.functions.add("no_grad")
            grad = False
        elif roll < 0.55:
            key = rng.choice(sorted(unary))
            lines.append(f"{name} = " + unary[key].format(a=a))
            program.functions.add(key)
        elif tensors and extras and roll < 0.68 and sa:
            key = rng.choice(sorted(REDUCE))
            lines.append(f"{name} = " + REDUCE[key].format(a=a))
            program.functions.add(key)
            program.elementwise_only &= key in ("sum", "mean")
            sa = _reduced(key, sa)
        elif tensors and extras and roll < 0.74 and sa == (2, 3):
            vectors = [(n, g) for n, s, g in pool if s == (3,)]
            b, gb = rng.choice(vectors) if vectors else ("torch.ones(3)", False)
            lines.append(f"{name} = {a} @ {b}")
            grad = grad or gb
            program.functions.add("matmul")
            program.elementwise_only = False
            sa = (2,)
        else:
            b, sb, gb = rng.choice([e for e in pool if _broadcast(sa, e[1]) is not None])
            key = rng.choice(sorted(binary))
            lines.append(f"{name} = " + binary[key].format(a=a, b=b))
            program.functions.add(key)
            sa, grad = _broadcast(sa, sb), grad or gb
        pool.append((name, sa, grad))
    if extras and rng.random() < 0.3:
        a, sa, grad = rng.choice(pool)
        b, _, gb = rng.choice([e for e in pool if e[1] == sa])
        loss = rng.choice(["mse_loss", "binary_cross_entropy_with_logits"])
        lines.append(f"loss = F.{loss}({a}, {b})")
        program.functions.add(loss)
        pool.append(("loss", (), grad or gb))
    roots = _roots(rng, pool, lines, extras, wild)
    program.source = "\n".join(lines + roots) + "\n"
    return program


def _reduced(key: str, shape: tuple) -> tuple:
    if key in ("sum", "mean", "max", "min"):
        return ()
    if key == "sum_dim":
        return shape[:-1]
    if key == "mean_dim":
        return shape[1:]
    return shape


def _roots(rng: random.Random, pool: list, lines: list, extras: bool, wild: bool) -> list[str]:
    """``L = sum of the last values that require grad``, then one or two backward calls."""
    live = [(n, s) for n, s, g in pool if g]
    out = ["L = " + " + ".join(f"{n}.sum()" for n, _ in live[-3:])]
    name, shape = live[-1]
    if extras and shape and rng.random() < 0.25:
        gradient = f"torch.tensor({_value(rng, shape)})" if wild else f"torch.full({shape!r}, 0.5)"
        out.append(f"{name}.backward({gradient}, retain_graph=True)")
    if extras and rng.random() < 0.2:
        out += ["L.backward(retain_graph=True)", "(2 * L).backward()"]
    else:
        out.append("L.backward()")
    return out
