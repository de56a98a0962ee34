"""Dtype promotion (facts 5.8), generated: tensor x tensor, tensor x scalar, unary ops on
integer and bool tensors, and how factories infer dtypes. Forward only, except where a
float result can carry a gradient."""

from __future__ import annotations

import numpy as np

DTYPES = ("float32", "float64", "int64", "int32", "bool")
VALUES = {  # (1-d values, 0-d value) per dtype
    "float32": ([1.5, -2.0], 2.5),
    "float64": ([0.25, 3.0], -1.5),
    "int64": ([3, -2], 4),
    "int32": ([5, 2], -3),
    "bool": ([True, False], True),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": lambda a, b: a.maximum(b),
}
SCALARS = {
    "int": lambda: 2,
    "float": lambda: 2.5,
    "bool": lambda: True,
    "np_float64": lambda: np.float64(2.5),
    "np_float32": lambda: np.float32(0.5),
    "np_int64": lambda: np.int64(3),
}
SCALAR_OPS = ("add", "sub", "mul", "div")


def _tensor(T, dtype: str, zero_d: bool):
    values = VALUES[dtype][1 if zero_d else 0]
    return T.tensor(values, dtype=getattr(T, dtype))


def _binary_case(op: str, da: str, db: str, a0: bool, b0: bool):
    def case(T, r):
        r("out", BINARY[op](_tensor(T, da, a0), _tensor(T, db, b0)))

    return case


def _scalar_case(op: str, dtype: str, scalar: str, reflected: bool):
    fn = BINARY[op]

    def case(T, r):
        t, s = _tensor(T, dtype, False), SCALARS[scalar]()
        r("out", fn(s, t) if reflected else fn(t, s))

    return case


def _unary(fn):
    def make(dtype: str):
        def case(T, r):
            r("out", fn(T, _tensor(T, dtype, False)))

        return case

    return make


UNARY = {
    "neg": lambda T, x: -x,
    "abs": lambda T, x: x.abs(),
    "exp": lambda T, x: x.exp(),
    "sqrt": lambda T, x: x.abs().sqrt(),
    "sigmoid": lambda T, x: T.sigmoid(x),
    "tanh": lambda T, x: x.tanh(),
    "relu": lambda T, x: x.relu(),
    "square": lambda T, x: x.square(),
    "reciprocal": lambda T, x: x.reciprocal(),
    "pow_2": lambda T, x: x**2,
    "pow_half": lambda T, x: x.abs() ** 0.5,
    "pow_neg1": lambda T, x: x**-1,
    "rpow": lambda T, x: 2**x,
    "sum": lambda T, x: x.sum(),
    "sum_dim": lambda T, x: x.sum(0),
    "mean": lambda T, x: x.mean(),
    "max": lambda T, x: x.max(),
    "max_dim": lambda T, x: x.max(0),
    "argmax": lambda T, x: x.argmax(),
    "clamp_int": lambda T, x: x.clamp(0, 1),
    "clamp_float": lambda T, x: x.clamp(min=0.5),
    "softmax": lambda T, x: x.softmax(0),
    "floordiv": lambda T, x: x // 2,
    "compare": lambda T, x: x > 1,
    "eq": lambda T, x: x == x,
    "double": lambda T, x: x.double(),
    "float": lambda T, x: x.float(),
    "long": lambda T, x: x.long(),
    "int": lambda T, x: x.int(),
    "bool": lambda T, x: x.bool(),
    "to_float16": lambda T, x: x.to(T.float16),
    "item": lambda T, x: x[0].item(),
    "tolist": lambda T, x: x.tolist(),
    "cat_mixed": lambda T, x: T.cat([x, T.ones(1, dtype=T.float64)]),
    "where_scalar": lambda T, x: T.where(x > 0, x, 0.5),
}

FACTORIES = {
    "tensor_float": lambda T: T.tensor(2.0),
    "tensor_int": lambda T: T.tensor(2),
    "tensor_bool": lambda T: T.tensor(True),
    "tensor_mixed": lambda T: T.tensor([1, 2.5]),
    "tensor_int_bool": lambda T: T.tensor([True, 2]),
    "tensor_nested": lambda T: T.tensor([[1, 2], [3, 4]]),
    "tensor_np_float64_scalar": lambda T: T.tensor(np.float64(2.5)),
    "tensor_np_float32_scalar": lambda T: T.tensor(np.float32(2.5)),
    "tensor_np_scalar_in_list": lambda T: T.tensor([np.float64(1.5)]),
    "tensor_np_int_in_list": lambda T: T.tensor([np.int32(1), 2]),
    "tensor_np_array": lambda T: T.tensor(np.ones(2)),
    "tensor_np_array_f32": lambda T: T.tensor(np.ones(2, dtype=np.float32) * 2),
    "tensor_dtype_float": lambda T: T.tensor([1, 2], dtype=float),
    "tensor_dtype_int": lambda T: T.tensor([1.7, -2.7], dtype=T.int64),
    "tensor_empty": lambda T: T.tensor([]),
    "from_numpy_f64": lambda T: T.from_numpy(np.ones(2)),
    "from_numpy_int": lambda T: T.from_numpy(np.arange(2)),
    "from_numpy_f32": lambda T: T.from_numpy(2 * np.ones((2, 2), dtype=np.float32)),
    "ones": lambda T: T.ones(2),
    "zeros_dtype_float": lambda T: T.zeros(2, dtype=float),
    "zeros_dtype_int": lambda T: T.zeros(2, dtype=int),
    "zeros_tuple": lambda T: T.zeros((2, 1)),
    "arange_float": lambda T: T.arange(3.0),
    "arange_int": lambda T: T.arange(3),
    "arange_step": lambda T: T.arange(1, 2, 0.25),
    "full_int": lambda T: T.full((2,), 7),
    "full_float": lambda T: T.full((2,), 1.5),
    "full_bool": lambda T: T.full((1, 2), False),
    "ones_like": lambda T: T.ones_like(T.tensor([1, 2])),
    "zeros_like_rg": lambda T: T.zeros_like(T.ones(2, requires_grad=True)),
    "full_like": lambda T: T.full_like(T.ones(2, dtype=T.float64), 3),
    "eye": lambda T: T.eye(2),
    "linspace": lambda T: T.linspace(0, 1, 5),
    "empty_shape": lambda T: T.empty(0, 3),
    "new_ones": lambda T: T.ones(1, dtype=T.float64).new_ones(2),
    "new_zeros": lambda T: T.tensor([1, 2]).new_zeros((1, 2)),
    "default_dtype": lambda T: T.get_default_dtype(),
    "rand_meta": lambda T: [
        (tuple(t.shape), t.dtype, t.requires_grad)
        for t in (
            T.rand(2, 3),
            T.randn(4, dtype=T.float64),
            T.rand(1, requires_grad=True),
            T.rand_like(T.ones(2, dtype=T.float64)),
            T.randn_like(T.ones(3)),
        )
    ],
    "randint_meta": lambda T: [
        (tuple(t.shape), t.dtype) for t in (T.randint(0, 5, (3,)), T.randint(4, (2, 2)))
    ],
    "randint_range": lambda T: all(2 <= v < 5 for v in T.randint(2, 5, (50,)).tolist()),
    "where_scalars": lambda T: [
        T.where(T.tensor([True, False]), 1.0, 0.0),
        T.where(T.tensor([True, False]), 1, 0.5),
        T.where(T.tensor([True, False]), T.tensor([1, 2]), 0.5),
        T.where(T.tensor([True, False]), 1, 0),
    ],
    "where_scalar_grad": lambda T: (lambda x: T.where(x > 1, 0.0, x))(
        T.tensor([1.0, 2.0], requires_grad=True)
    ),
    "minimum_fn": lambda T: T.minimum(T.tensor([1.0, 5.0]), T.tensor([3.0, 2.0])),
    "is_floating_point": lambda T: [
        T.is_floating_point(T.ones(1)),
        T.is_floating_point(T.ones(1).long()),
    ],
    "as_tensor_same": lambda T: (lambda t: T.as_tensor(t) is t)(T.ones(2)),
    "float_is_self": lambda T: (lambda t: t.float() is t)(T.ones(2, requires_grad=True)),
    "to_same_is_self": lambda T: (lambda t: t.to(T.float32) is t)(T.ones(2)),
    "dtype_repr": lambda T: [repr(T.float32), str(T.int64), repr(T.float64), str(T.bool)],
    "dtype_equal": lambda T: [T.float == T.float32, T.double == T.float64, T.long == T.int64],
    "dtype_flags": lambda T: [T.float64.is_floating_point, T.int32.is_floating_point],
    "itemsize": lambda T: [T.float64.itemsize, T.int32.itemsize, T.bool.itemsize],
}


def _factory_case(fn):
    def case(T, r):
        r("out", fn(T))

    return case


def _grad_dtype_case(gradient_dtype: str):
    def case(T, r):
        x = T.ones(2, requires_grad=True)
        (x * 2).backward(T.ones(2, dtype=getattr(T, gradient_dtype)))
        r("grad", x.grad)

    return case


def _mixed_grad_case(da: str, db: str):
    def case(T, r):
        a = T.tensor([1.5, -2.0], dtype=getattr(T, da), requires_grad=True)
        b = T.tensor(0.5, dtype=getattr(T, db), requires_grad=True)
        out = a * b + b
        r("out", out)
        out.sum().backward()
        r("grads", [a.grad, b.grad])

    return case


def dtype_cases() -> dict:
    """All dtype cases by name."""
    cases = {}
    for op in BINARY:
        for da in DTYPES:
            for db in DTYPES:
                for a0, b0 in ((False, False), (False, True), (True, False), (True, True)):
                    tag = f"{da}{'_0d' if a0 else ''}-{db}{'_0d' if b0 else ''}"
                    cases[f"dtype/{op}/{tag}"] = _binary_case(op, da, db, a0, b0)
    for op in SCALAR_OPS:
        for dtype in DTYPES:
            for scalar in SCALARS:
                for reflected in (False, True):
                    side = "r" if reflected else ""
                    cases[f"dtype/scalar/{side}{op}/{dtype}-{scalar}"] = _scalar_case(
                        op, dtype, scalar, reflected
                    )
    for name, fn in UNARY.items():
        for dtype in DTYPES:
            cases[f"dtype/unary/{name}/{dtype}"] = _unary(fn)(dtype)
    for name, fn in FACTORIES.items():
        cases[f"dtype/factory/{name}"] = _factory_case(fn)
    for gradient_dtype in ("float64", "int64", "float32"):
        cases[f"dtype/backward_gradient/{gradient_dtype}"] = _grad_dtype_case(gradient_dtype)
    for da, db in (("float32", "float64"), ("float64", "float32"), ("float64", "float64")):
        cases[f"dtype/mixed_grad/{da}-{db}_0d"] = _mixed_grad_case(da, db)
    return cases
