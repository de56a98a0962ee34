"""The op table: every differentiable op the engine has, with a plain-numpy reference.

Each ``OpSpec`` is one line: how to call the op on a torch-like module, what numpy says
the forward is, and the input shapes to try. The same table feeds the three-way helper
(``test_ops.py``: numpy, central differences, torch) and the differential case catalogue
(every spec x shapes x {float32, float64}, compared with torch live and with the golden file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# ----- deterministic inputs -----------------------------------------------------------
_DOMAINS = {
    "any": (-2.0, 2.0),  # kept away from 0 (kinks of relu/abs, poles of 1/x)
    "pos": (0.3, 2.5),
    "unit": (-0.9, 0.9),
}


def sample(shape: tuple, domain: str = "any", seed: int = 0) -> np.ndarray:
    """Distinct, well-spread float64 values (3 decimals) in a domain; no RNG involved."""
    n = int(np.prod(shape, dtype=np.int64))
    u = ((np.arange(n) + 1) * 0.6180339887498949 + seed * 0.2718281828) % 1.0
    lo, hi = _DOMAINS[domain]
    x = lo + (hi - lo) * u
    if domain == "any":
        x = np.where(np.abs(x) < 0.2, x + np.copysign(0.35, x), x)
    return np.round(x, 3).reshape(shape)


def cotangent(shape: tuple) -> list:
    """The fixed upstream gradient used for non-scalar outputs (distinct per element)."""
    n = int(np.prod(shape, dtype=np.int64))
    return np.round(np.linspace(0.5, 1.5, n), 3).reshape(shape).tolist()


# ----- the table ----------------------------------------------------------------------
@dataclass(frozen=True)
class OpSpec:
    """One op: ``fn(T, *tensors)``, its numpy reference, input shapes and value domains."""

    name: str
    fn: Callable
    ref: Callable
    shapes: tuple
    domains: tuple = ("any",)
    math_grad: bool = True  # False where autograd is meant to differ from d/dx (detach)

    def domain(self, i: int) -> str:
        """Value domain of input ``i``."""
        return self.domains[min(i, len(self.domains) - 1)]


U = (((),), ((4,),), ((2, 3),))  # unary: 0-d, vector, matrix
M = (((2, 3),),)  # matrix only
V = (((4,),), ((2, 3),))  # at least 1-d
B = (  # binary, with every broadcasting pattern
    ((2, 3), (2, 3)),
    ((3, 1), (1, 4)),
    ((4,), (2, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 1, 3), (4, 3)),
)
LOW, HIGH = -0.4567, 0.5432  # clamp bounds no sample hits exactly


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, d):
    e = np.exp(x - x.max(axis=d, keepdims=True))
    return e / e.sum(axis=d, keepdims=True)


def _ce(x, t):
    logp = np.log(_softmax(x, -1))
    return -logp[np.arange(len(t)), t].mean()


def _bce_logits(x, t):
    return (1 - t) * x + np.log1p(np.exp(-x))


TARGETS = [2, 0]
_F = lambda T: T.nn.functional  # noqa: E731 - table shorthand

# fmt: off
UNARY = [
    OpSpec("neg", lambda T, x: -x, np.negative, U),
    OpSpec("neg_method", lambda T, x: x.neg(), np.negative, U),
    OpSpec("torch_neg", lambda T, x: T.neg(x), np.negative, U),
    OpSpec("exp", lambda T, x: x.exp(), np.exp, U),
    OpSpec("torch_exp", lambda T, x: T.exp(x), np.exp, U),
    OpSpec("log", lambda T, x: x.log(), np.log, U, ("pos",)),
    OpSpec("torch_log", lambda T, x: T.log(x), np.log, U, ("pos",)),
    OpSpec("sin", lambda T, x: x.sin(), np.sin, U),
    OpSpec("torch_sin", lambda T, x: T.sin(x), np.sin, U),
    OpSpec("cos", lambda T, x: x.cos(), np.cos, U),
    OpSpec("torch_cos", lambda T, x: T.cos(x), np.cos, U),
    OpSpec("tan", lambda T, x: x.tan(), np.tan, U, ("unit",)),
    OpSpec("torch_tan", lambda T, x: T.tan(x), np.tan, U, ("unit",)),
    OpSpec("tanh", lambda T, x: x.tanh(), np.tanh, U),
    OpSpec("torch_tanh", lambda T, x: T.tanh(x), np.tanh, U),
    OpSpec("F_tanh", lambda T, x: _F(T).tanh(x), np.tanh, U),
    OpSpec("sinh", lambda T, x: x.sinh(), np.sinh, U),
    OpSpec("torch_cosh", lambda T, x: T.cosh(x), np.cosh, U),
    OpSpec("sign", lambda T, x: x.sign(), np.sign, U),
    OpSpec("masked_fill", lambda T, x: x.masked_fill(x > 0.3, -1.5),
           lambda x: np.where(x > 0.3, -1.5, x), U),
    OpSpec("masked_fill_row", lambda T, x: x.masked_fill(T.tensor([True, False, True]), 0.0),
           lambda x: np.where([True, False, True], 0.0, x), M),
    OpSpec("sigmoid", lambda T, x: x.sigmoid(), _sig, U),
    OpSpec("torch_sigmoid", lambda T, x: T.sigmoid(x), _sig, U),
    OpSpec("F_sigmoid", lambda T, x: _F(T).sigmoid(x), _sig, U),
    OpSpec("relu", lambda T, x: x.relu(), lambda x: np.maximum(x, 0), U),
    OpSpec("torch_relu", lambda T, x: T.relu(x), lambda x: np.maximum(x, 0), U),
    OpSpec("F_relu", lambda T, x: _F(T).relu(x), lambda x: np.maximum(x, 0), U),
    OpSpec("sqrt", lambda T, x: x.sqrt(), np.sqrt, U, ("pos",)),
    OpSpec("torch_sqrt", lambda T, x: T.sqrt(x), np.sqrt, U, ("pos",)),
    OpSpec("abs", lambda T, x: x.abs(), np.abs, U),
    OpSpec("torch_abs", lambda T, x: T.abs(x), np.abs, U),
    OpSpec("builtin_abs", lambda T, x: abs(x), np.abs, U),
    OpSpec("square", lambda T, x: x.square(), np.square, U),
    OpSpec("torch_square", lambda T, x: T.square(x), np.square, U),
    OpSpec("reciprocal", lambda T, x: x.reciprocal(), np.reciprocal, U),
    OpSpec("torch_reciprocal", lambda T, x: T.reciprocal(x), np.reciprocal, U),
    OpSpec("pow_2", lambda T, x: x ** 2, lambda x: x ** 2, U),
    OpSpec("pow_3_method", lambda T, x: x.pow(3), lambda x: x ** 3, U),
    OpSpec("torch_pow_2", lambda T, x: T.pow(x, 2), lambda x: x ** 2, U),
    OpSpec("pow_half", lambda T, x: x ** 0.5, np.sqrt, U, ("pos",)),
    OpSpec("pow_2_5", lambda T, x: x ** 2.5, lambda x: x ** 2.5, U, ("pos",)),
    OpSpec("pow_neg1", lambda T, x: x ** -1, lambda x: 1 / x, U),
    OpSpec("pow_neg2_float", lambda T, x: x ** -2.0, lambda x: x ** -2.0, U),
    OpSpec("pow_0", lambda T, x: x ** 0, np.ones_like, U),
    OpSpec("pow_1", lambda T, x: x ** 1, lambda x: x, U),
    OpSpec("rpow_2", lambda T, x: 2 ** x, lambda x: 2.0 ** x, U),
    OpSpec("rpow_half", lambda T, x: 0.5 ** x, lambda x: 0.5 ** x, U),
    OpSpec("rpow_float", lambda T, x: 2.5 ** x, lambda x: 2.5 ** x, U),
    OpSpec("torch_pow_scalar_base", lambda T, x: T.pow(2, x), lambda x: 2.0 ** x, U),
    OpSpec("add_int", lambda T, x: x + 2, lambda x: x + 2, U),
    OpSpec("add_float", lambda T, x: x + 2.5, lambda x: x + 2.5, U),
    OpSpec("radd", lambda T, x: 2 + x, lambda x: 2 + x, U),
    OpSpec("sub_scalar", lambda T, x: x - 2.5, lambda x: x - 2.5, U),
    OpSpec("rsub", lambda T, x: 2 - x, lambda x: 2 - x, U),
    OpSpec("rsub_float", lambda T, x: 0.5 - x, lambda x: 0.5 - x, U),
    OpSpec("mul_scalar", lambda T, x: x * -1.5, lambda x: x * -1.5, U),
    OpSpec("rmul", lambda T, x: 3 * x, lambda x: 3 * x, U),
    OpSpec("div_scalar", lambda T, x: x / 4, lambda x: x / 4, U),
    OpSpec("rdiv", lambda T, x: 2 / x, lambda x: 2 / x, U),
    OpSpec("rdiv_float", lambda T, x: 1.5 / x, lambda x: 1.5 / x, U),
    OpSpec("add_alpha_scalar", lambda T, x: x.add(2, alpha=3), lambda x: x + 6, U),
    OpSpec("clamp_min", lambda T, x: x.clamp(min=LOW), lambda x: np.maximum(x, LOW), U),
    OpSpec("clamp_max", lambda T, x: x.clamp(max=HIGH), lambda x: np.minimum(x, HIGH), U),
    OpSpec("clamp_both", lambda T, x: T.clamp(x, LOW, HIGH), lambda x: np.clip(x, LOW, HIGH), U),
    OpSpec("clamp_int_bounds", lambda T, x: x.clamp(-1, 1), lambda x: np.clip(x, -1, 1), U),
    OpSpec("clip", lambda T, x: x.clip(LOW, HIGH), lambda x: np.clip(x, LOW, HIGH), U),
    OpSpec("torch_clip", lambda T, x: T.clip(x, min=LOW), lambda x: np.maximum(x, LOW), U),
    OpSpec("clone", lambda T, x: x.clone(), np.copy, U),
    OpSpec("torch_clone", lambda T, x: T.clone(x), np.copy, U),
    OpSpec("pos", lambda T, x: +x * 1, lambda x: x, U),
    OpSpec("double", lambda T, x: x.double(), lambda x: x, U),
    OpSpec("to_float64", lambda T, x: x.to(T.float64) * 1, lambda x: x, U),
]

REDUCTIONS = [
    OpSpec("sum", lambda T, x: x.sum(), np.sum, U),
    OpSpec("torch_sum", lambda T, x: T.sum(x), np.sum, U),
    OpSpec("mean", lambda T, x: x.mean(), np.mean, U),
    OpSpec("torch_mean", lambda T, x: T.mean(x), np.mean, U),
    OpSpec("sum_dim0", lambda T, x: x.sum(0), lambda x: x.sum(0), V),
    OpSpec("sum_dim_neg1", lambda T, x: x.sum(dim=-1), lambda x: x.sum(-1), V),
    OpSpec("sum_keepdim", lambda T, x: x.sum(0, keepdim=True),
           lambda x: x.sum(0, keepdims=True), V),
    OpSpec("sum_dim1_keepdim", lambda T, x: x.sum(1, True), lambda x: x.sum(1, keepdims=True), M),
    OpSpec("sum_tuple", lambda T, x: x.sum((0, 1)), lambda x: x.sum((0, 1)), M),
    OpSpec("sum_list", lambda T, x: x.sum([-1, 0]), lambda x: x.sum((0, 1)), M),
    OpSpec("sum_tuple_keepdim", lambda T, x: x.sum((0, 1), keepdim=True),
           lambda x: x.sum((0, 1), keepdims=True), M),
    OpSpec("torch_sum_dim", lambda T, x: T.sum(x, 1), lambda x: x.sum(1), M),
    OpSpec("mean_dim0", lambda T, x: x.mean(0), lambda x: x.mean(0), V),
    OpSpec("mean_dim_neg1_keepdim", lambda T, x: x.mean(-1, keepdim=True),
           lambda x: x.mean(-1, keepdims=True), V),
    OpSpec("mean_tuple", lambda T, x: x.mean(dim=(0, 1)), lambda x: x.mean((0, 1)), M),
    OpSpec("torch_mean_dim", lambda T, x: T.mean(x, 1, True),
           lambda x: x.mean(1, keepdims=True), M),
    OpSpec("sum_0d_dim0", lambda T, x: x.sum(0), lambda x: x, (((),),)),
    OpSpec("mean_0d_dim_neg1", lambda T, x: x.mean(-1), lambda x: x, (((),),)),
    OpSpec("max", lambda T, x: x.max(), np.max, U),
    OpSpec("min", lambda T, x: x.min(), np.min, U),
    OpSpec("torch_max", lambda T, x: T.max(x), np.max, U),
    OpSpec("torch_min", lambda T, x: T.min(x), np.min, U),
    OpSpec("max_dim0", lambda T, x: x.max(0).values, lambda x: x.max(0), V),
    OpSpec("max_dim1_keepdim", lambda T, x: x.max(dim=1, keepdim=True)[0],
           lambda x: x.max(1, keepdims=True), M),
    OpSpec("min_dim_neg1", lambda T, x: x.min(-1).values, lambda x: x.min(-1), V),
    OpSpec("torch_max_dim", lambda T, x: T.max(x, 1)[0], lambda x: x.max(1), M),
    OpSpec("torch_min_dim_keepdim", lambda T, x: T.min(x, 0, True).values,
           lambda x: x.min(0, keepdims=True), M),
    OpSpec("max_0d_dim", lambda T, x: x.max(0).values, lambda x: x, (((),),)),
    OpSpec("softmax_dim0", lambda T, x: x.softmax(0), lambda x: _softmax(x, 0), V),
    OpSpec("softmax_dim_neg1", lambda T, x: T.softmax(x, dim=-1), lambda x: _softmax(x, -1), V),
    OpSpec("F_softmax", lambda T, x: _F(T).softmax(x, dim=1), lambda x: _softmax(x, 1), M),
    OpSpec("log_softmax_dim0", lambda T, x: x.log_softmax(0),
           lambda x: np.log(_softmax(x, 0)), V),
    OpSpec("log_softmax_dim1", lambda T, x: T.log_softmax(x, 1),
           lambda x: np.log(_softmax(x, 1)), M),
    OpSpec("F_log_softmax", lambda T, x: _F(T).log_softmax(x, dim=-1),
           lambda x: np.log(_softmax(x, -1)), V),
]

SHAPES = [
    OpSpec("reshape_flat", lambda T, x: x.reshape(-1), lambda x: x.reshape(-1), U),
    OpSpec("reshape_3_2", lambda T, x: x.reshape(3, 2), lambda x: x.reshape(3, 2), M),
    OpSpec("reshape_tuple", lambda T, x: x.reshape((1, 6)), lambda x: x.reshape(1, 6), M),
    OpSpec("torch_reshape", lambda T, x: T.reshape(x, (3, -1)), lambda x: x.reshape(3, 2), M),
    OpSpec("reshape_noncontig", lambda T, x: x.t().reshape(6), lambda x: x.T.reshape(6), M),
    OpSpec("view_flat", lambda T, x: x.view(-1), lambda x: x.reshape(-1), U),
    OpSpec("view_3_2", lambda T, x: x.view(3, 2), lambda x: x.reshape(3, 2), M),
    OpSpec("view_as", lambda T, x: x.view_as(T.ones(3, 2)), lambda x: x.reshape(3, 2), M),
    OpSpec("flatten", lambda T, x: x.flatten(), lambda x: x.reshape(-1), U),
    OpSpec("torch_flatten", lambda T, x: T.flatten(x), lambda x: x.reshape(-1), U),
    OpSpec("flatten_start", lambda T, x: x.flatten(1), lambda x: x.reshape(x.shape[0], -1),
           (((2, 1, 3),), ((2, 3),))),
    OpSpec("flatten_range", lambda T, x: T.flatten(x, 0, -2), lambda x: x.reshape(-1, x.shape[-1]),
           (((2, 1, 3),),)),
    OpSpec("t", lambda T, x: x.t(), lambda x: x.T, U),
    OpSpec("torch_t", lambda T, x: T.t(x), lambda x: x.T, M),
    OpSpec("T", lambda T, x: x.T, lambda x: x.T, M),  # other ranks: a once-per-process warning
    OpSpec("mT", lambda T, x: x.mT, lambda x: np.swapaxes(x, -1, -2), (((2, 3),), ((2, 2, 3),))),
    OpSpec("transpose", lambda T, x: x.transpose(0, 1), lambda x: x.T, M),
    OpSpec("transpose_neg", lambda T, x: T.transpose(x, -1, 0), lambda x: np.swapaxes(x, -1, 0),
           (((2, 3),), ((2, 1, 3),))),
    OpSpec("permute", lambda T, x: x.permute(1, 0), lambda x: x.T, M),
    OpSpec("permute_3d", lambda T, x: x.permute((2, 0, 1)), lambda x: x.transpose(2, 0, 1),
           (((2, 1, 3),),)),
    OpSpec("torch_permute", lambda T, x: T.permute(x, (1, 0)), lambda x: x.T, M),
    OpSpec("unsqueeze0", lambda T, x: x.unsqueeze(0), lambda x: x[None], U),
    OpSpec("unsqueeze_neg1", lambda T, x: x.unsqueeze(-1), lambda x: x[..., None], U),
    OpSpec("torch_unsqueeze", lambda T, x: T.unsqueeze(x, 1), lambda x: np.expand_dims(x, 1), V),
    OpSpec("squeeze_all", lambda T, x: x.unsqueeze(0).squeeze(), lambda x: x.squeeze(), U),
    OpSpec("squeeze_dim", lambda T, x: x.unsqueeze(1).squeeze(1), lambda x: x, V),
    OpSpec("squeeze_size1", lambda T, x: x.squeeze(1), lambda x: x.squeeze(1), (((3, 1),),)),
    OpSpec("squeeze_not1", lambda T, x: x.squeeze(0), lambda x: x, M),
    OpSpec("torch_squeeze", lambda T, x: T.squeeze(x), lambda x: x.squeeze(), (((1, 3, 1),),)),
    OpSpec("expand", lambda T, x: x.expand(2, 3), lambda x: np.broadcast_to(x, (2, 3)),
           (((3,),), ((2, 1),), ((),))),
    OpSpec("expand_keep", lambda T, x: x.expand(4, -1, -1), lambda x: np.broadcast_to(x, (4, 2, 3)),
           M),
    OpSpec("expand_as", lambda T, x: x.expand_as(T.ones(2, 4)),
           lambda x: np.broadcast_to(x, (2, 4)), (((4,),),)),
    OpSpec("index_int", lambda T, x: x[0], lambda x: x[0], V),
    OpSpec("index_neg", lambda T, x: x[-1], lambda x: x[-1], V),
    OpSpec("index_nested", lambda T, x: x[0, 1], lambda x: x[0, 1], M),
    OpSpec("index_chained", lambda T, x: x[1][2], lambda x: x[1][2], M),
    OpSpec("index_col", lambda T, x: x[:, 1], lambda x: x[:, 1], M),
    OpSpec("index_slice", lambda T, x: x[1:], lambda x: x[1:], V),
    OpSpec("index_slice_step", lambda T, x: x[..., ::2], lambda x: x[..., ::2], V),
    OpSpec("index_slice_neg", lambda T, x: x[:, -2:], lambda x: x[:, -2:], M),
    OpSpec("index_slice_cols", lambda T, x: x[:, 0:1], lambda x: x[:, 0:1], M),
    OpSpec("index_full", lambda T, x: x[:, :], lambda x: x, M),
    OpSpec("index_ellipsis", lambda T, x: x[..., 0], lambda x: x[..., 0], V),
    OpSpec("index_ellipsis_all", lambda T, x: x[...] * 1, lambda x: x, U),
    OpSpec("index_none", lambda T, x: x[None], lambda x: x[None], U),
    OpSpec("index_none_mid", lambda T, x: x[:, None], lambda x: x[:, None], V),
    OpSpec("index_none_int", lambda T, x: x[None, 0], lambda x: x[None, 0], V),
    OpSpec("index_list", lambda T, x: x[[0, 1]], lambda x: x[[0, 1]], V),
    OpSpec("index_list_repeat", lambda T, x: x[[1, 0, 1]], lambda x: x[[1, 0, 1]], V),
    OpSpec("index_list_neg", lambda T, x: x[[-1, 0]], lambda x: x[[-1, 0]], V),
    OpSpec("index_int_tensor", lambda T, x: x[T.tensor([1, 1])], lambda x: x[[1, 1]], V),
    OpSpec("index_list_cols", lambda T, x: x[:, [2, 0]], lambda x: x[:, [2, 0]], M),
    OpSpec("index_two_lists", lambda T, x: x[[0, 1], [2, 0]], lambda x: x[[0, 1], [2, 0]], M),
    OpSpec("index_mask", lambda T, x: x[x > 0], lambda x: x[x > 0], V),
    OpSpec("index_mask_rows", lambda T, x: x[T.tensor([True, False])],
           lambda x: x[np.array([True, False])], M),
    OpSpec("index_0d_tensor", lambda T, x: x[T.tensor(1)], lambda x: x[1], V),
]

BINARY = [
    OpSpec("add", lambda T, a, b: a + b, np.add, B),
    OpSpec("torch_add", lambda T, a, b: T.add(a, b), np.add, B),
    OpSpec("add_alpha", lambda T, a, b: a.add(b, alpha=2), lambda a, b: a + 2 * b, B),
    OpSpec("sub", lambda T, a, b: a - b, np.subtract, B),
    OpSpec("torch_sub", lambda T, a, b: T.sub(a, b), np.subtract, B),
    OpSpec("sub_alpha", lambda T, a, b: a.sub(b, alpha=0.5), lambda a, b: a - 0.5 * b, B),
    OpSpec("mul", lambda T, a, b: a * b, np.multiply, B),
    OpSpec("torch_mul", lambda T, a, b: T.mul(a, b), np.multiply, B),
    OpSpec("div", lambda T, a, b: a / b, np.divide, B),
    OpSpec("torch_div", lambda T, a, b: T.div(a, b), np.divide, B),
    OpSpec("pow_tensor", lambda T, a, b: a ** b, np.power, B, ("pos", "any")),
    OpSpec("torch_pow_tensor", lambda T, a, b: T.pow(a, b), np.power, B, ("pos", "any")),
    OpSpec("maximum", lambda T, a, b: T.maximum(a, b), np.maximum, B),
    OpSpec("minimum", lambda T, a, b: a.minimum(b), np.minimum, B),
    OpSpec("max_binary", lambda T, a, b: T.max(a, b), np.maximum, B),
    OpSpec("where", lambda T, a, b: T.where(a > b, a, b * 2),
           lambda a, b: np.where(a > b, a, b * 2), B),
    OpSpec("mse_mean", lambda T, a, b: _F(T).mse_loss(a, b), lambda a, b: ((a - b) ** 2).mean(),
           (((2, 3), (2, 3)), ((4,), (4,)))),
    OpSpec("mse_sum", lambda T, a, b: _F(T).mse_loss(a, b, reduction="sum"),
           lambda a, b: ((a - b) ** 2).sum(), (((2, 3), (2, 3)),)),
    OpSpec("mse_none", lambda T, a, b: _F(T).mse_loss(a, b, reduction="none"),
           lambda a, b: (a - b) ** 2, (((2, 3), (2, 3)), ((), ()))),
    OpSpec("bce_logits_mean", lambda T, a, b: _F(T).binary_cross_entropy_with_logits(a, b),
           lambda a, b: _bce_logits(a, b).mean(), (((2, 3), (2, 3)), ((4,), (4,))),
           ("any", "unit")),
    OpSpec("bce_logits_sum",
           lambda T, a, b: _F(T).binary_cross_entropy_with_logits(a, b, reduction="sum"),
           lambda a, b: _bce_logits(a, b).sum(), (((2, 3), (2, 3)),), ("any", "unit")),
    OpSpec("bce_logits_none",
           lambda T, a, b: _F(T).binary_cross_entropy_with_logits(a, b, reduction="none"),
           _bce_logits, (((2, 3), (2, 3)), ((), ())), ("any", "unit")),
    OpSpec("matmul_2d", lambda T, a, b: a @ b, np.matmul, (((2, 3), (3, 4)),)),
    OpSpec("matmul_method", lambda T, a, b: a.matmul(b), np.matmul, (((2, 3), (3, 2)),)),
    OpSpec("torch_matmul", lambda T, a, b: T.matmul(a, b), np.matmul, (((3, 3), (3, 3)),)),
    OpSpec("mm", lambda T, a, b: a.mm(b), np.matmul, (((2, 3), (3, 4)),)),
    OpSpec("torch_mm", lambda T, a, b: T.mm(a, b), np.matmul, (((1, 3), (3, 1)),)),
    OpSpec("matmul_dot", lambda T, a, b: a @ b, np.matmul, (((4,), (4,)),)),
    OpSpec("dot", lambda T, a, b: a.dot(b), np.dot, (((3,), (3,)),)),
    OpSpec("torch_dot", lambda T, a, b: T.dot(a, b), np.dot, (((3,), (3,)),)),
    OpSpec("matmul_mv", lambda T, a, b: a @ b, np.matmul, (((2, 3), (3,)),)),
    OpSpec("mv", lambda T, a, b: a.mv(b), np.matmul, (((2, 3), (3,)),)),
    OpSpec("torch_mv", lambda T, a, b: T.mv(a, b), np.matmul, (((2, 3), (3,)),)),
    OpSpec("matmul_vm", lambda T, a, b: a @ b, np.matmul, (((3,), (3, 2)),)),
    OpSpec("matmul_3d_2d", lambda T, a, b: a @ b, np.matmul, (((2, 2, 3), (3, 4)),)),
    OpSpec("matmul_3d_3d", lambda T, a, b: a @ b, np.matmul, (((2, 2, 3), (2, 3, 2)),)),
    OpSpec("matmul_2d_3d", lambda T, a, b: a @ b, np.matmul, (((2, 3), (2, 3, 2)),)),
    OpSpec("matmul_1d_3d", lambda T, a, b: a @ b, np.matmul, (((3,), (2, 3, 2)),)),
    OpSpec("matmul_3d_1d", lambda T, a, b: a @ b, np.matmul, (((2, 2, 3), (3,)),)),
    OpSpec("matmul_batch_broadcast", lambda T, a, b: a @ b, np.matmul,
           (((2, 1, 2, 3), (3, 3, 2)),)),
    OpSpec("bmm", lambda T, a, b: T.bmm(a, b), np.matmul, (((2, 2, 3), (2, 3, 2)),)),
    OpSpec("bmm_method", lambda T, a, b: a.bmm(b.transpose(1, 2)),
           lambda a, b: a @ b.transpose(0, 2, 1), (((2, 2, 3), (2, 4, 3)),)),
    OpSpec("F_linear", lambda T, x, w, b: _F(T).linear(x, w, b), lambda x, w, b: x @ w.T + b,
           (((2, 3), (4, 3), (4,)), ((3,), (4, 3), (4,)), ((2, 2, 3), (4, 3), (4,)))),
    OpSpec("F_linear_strided", lambda T, x, w, b: _F(T).linear(x.transpose(-1, -2), w, b),
           lambda x, w, b: np.swapaxes(x, -1, -2) @ w.T + b,
           (((3, 2), (4, 3), (4,)), ((2, 3, 2), (4, 3), (4,)))),
    OpSpec("F_linear_no_bias", lambda T, x, w: _F(T).linear(x, w), lambda x, w: x @ w.T,
           (((2, 3), (4, 3)), ((3,), (4, 3)), ((2, 2, 3), (4, 3)))),
    OpSpec("masked_fill_tensor", lambda T, a, v: a.masked_fill(a > 0.3, v),
           lambda a, v: np.where(a > 0.3, v, a), (((2, 3), ()),)),
    OpSpec("cat0", lambda T, a, b: T.cat([a, b]), lambda a, b: np.concatenate([a, b]),
           (((2, 3), (1, 3)), ((2,), (3,)))),
    OpSpec("cat1", lambda T, a, b: T.cat((a, b), dim=1), lambda a, b: np.concatenate([a, b], 1),
           (((2, 3), (2, 1)),)),
    OpSpec("cat_neg", lambda T, a, b: T.cat([a, b, a], -1),
           lambda a, b: np.concatenate([a, b, a], -1), (((2, 3), (2, 2)),)),
    OpSpec("concat", lambda T, a, b: T.concat([a, b]), lambda a, b: np.concatenate([a, b]),
           (((1, 3), (2, 3)),)),
    OpSpec("stack0", lambda T, a, b: T.stack([a, b]), lambda a, b: np.stack([a, b]),
           (((2, 3), (2, 3)), ((), ()))),
    OpSpec("stack1", lambda T, a, b: T.stack((a, b), dim=1), lambda a, b: np.stack([a, b], 1),
           (((2, 3), (2, 3)), ((3,), (3,)))),
    OpSpec("stack_neg", lambda T, a, b: T.stack([b, a], -1), lambda a, b: np.stack([b, a], -1),
           (((2, 3), (2, 3)),)),
]

COMPOSITE = [
    OpSpec("cross_entropy", lambda T, x: _F(T).cross_entropy(x, T.tensor(TARGETS)),
           lambda x: _ce(x, TARGETS), (((2, 3),),)),
    OpSpec("cross_entropy_sum",
           lambda T, x: _F(T).cross_entropy(x, T.tensor(TARGETS), reduction="sum"),
           lambda x: _ce(x, TARGETS) * 2, (((2, 3),),)),
    OpSpec("cross_entropy_none",
           lambda T, x: _F(T).cross_entropy(x, T.tensor(TARGETS), reduction="none"),
           lambda x: -np.log(_softmax(x, -1))[[0, 1], TARGETS], (((2, 3),),)),
    OpSpec("cross_entropy_1d", lambda T, x: _F(T).cross_entropy(x, T.tensor(1)),
           lambda x: -np.log(_softmax(x, 0))[1], (((3,),),)),
    OpSpec("nll_loss", lambda T, x: _F(T).nll_loss(_F(T).log_softmax(x, dim=1), T.tensor(TARGETS)),
           lambda x: _ce(x, TARGETS), (((2, 3),),)),
    OpSpec("nll_loss_raw", lambda T, x: _F(T).nll_loss(x, T.tensor([1, 1, 0]), reduction="sum"),
           lambda x: -(x[0, 1] + x[1, 1] + x[2, 0]), (((3, 2),),)),
    OpSpec("nll_loss_none", lambda T, x: _F(T).nll_loss(x, T.tensor([1, 0]), reduction="none"),
           lambda x: -x[[0, 1], [1, 0]], (((2, 2),),)),
    OpSpec("tutorial", lambda T, x: (3 * (x + 2) * (x + 2)).mean(),
           lambda x: (3 * (x + 2) ** 2).mean(), U),
    OpSpec("reused_square", lambda T, x: (x + x) * x, lambda x: 2 * x * x, U),
    OpSpec("reused_chain", lambda T, x: (lambda b: b + b)(x + x), lambda x: 4 * x, U),
    OpSpec("diamond", lambda T, x: (lambda a: (a + x ** 2) * a)(x * 3),
           lambda x: (3 * x + x ** 2) * 3 * x, U),
    OpSpec("stop_gradient", lambda T, x: x * x.detach(), lambda x: x * x, U, math_grad=False),
    OpSpec("where_tutorial", lambda T, x: T.where(x > 0, x * x, -x),
           lambda x: np.where(x > 0, x * x, -x), U),
    OpSpec("softmax_mse", lambda T, x: _F(T).mse_loss(x.softmax(-1), T.ones(2, 3) / 3),
           lambda x: ((_softmax(x, -1) - 1 / 3) ** 2).mean(), M),
    OpSpec("linear_layer", lambda T, x, w, b: (x @ w.t() + b).tanh().sum(1),
           lambda x, w, b: np.tanh(x @ w.T + b).sum(1), (((2, 3), (4, 3), (4,)),)),
]
# fmt: on

ALL_SPECS = UNARY + REDUCTIONS + SHAPES + BINARY + COMPOSITE
SPECS = {spec.name: spec for spec in ALL_SPECS}
assert len(SPECS) == len(ALL_SPECS), "duplicate op names in the table"


def shape_id(shapes: tuple) -> str:
    """A readable id for a tuple of input shapes: ``2x3,0d``."""
    return ",".join("x".join(map(str, s)) if s else "0d" for s in shapes)


def spec_inputs(spec: OpSpec, shapes: tuple) -> list[np.ndarray]:
    """The float64 input values of one spec at one shape combination."""
    return [sample(s, spec.domain(i), seed=i) for i, s in enumerate(shapes)]


def op_case(spec: OpSpec, shapes: tuple, dtype: str, grad_mask: tuple | None = None):
    """A catalogue case: run the op, record its output, then backward and the gradients."""
    inputs = [v.tolist() for v in spec_inputs(spec, shapes)]
    mask = grad_mask or (True,) * len(shapes)

    def case(T, r):
        leaves = [
            T.tensor(v, dtype=getattr(T, dtype), requires_grad=m)
            for v, m in zip(inputs, mask, strict=True)
        ]
        out = spec.fn(T, *leaves)
        r("out", out)
        if out.numel() == 1:
            out.backward()
        else:
            out.backward(T.tensor(cotangent(tuple(out.shape)), dtype=out.dtype))
        r("grads", [leaf.grad for leaf in leaves])

    return case


def op_cases() -> dict:
    """Every spec x shapes x {float32, float64}, plus partial requires_grad for binary ops."""
    cases = {}
    for spec in ALL_SPECS:
        for shapes in spec.shapes:
            for dtype in ("float32", "float64"):
                cases[f"op/{spec.name}/{dtype}/{shape_id(shapes)}"] = op_case(spec, shapes, dtype)
            if len(shapes) == 2 and shapes == spec.shapes[0]:
                for mask in ((True, False), (False, True)):
                    flags = "".join(str(int(m)) for m in mask)
                    name = f"op/{spec.name}/float32/{shape_id(shapes)}/grad{flags}"
                    cases[name] = op_case(spec, shapes, "float32", mask)
    return cases
