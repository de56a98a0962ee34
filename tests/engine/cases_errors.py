"""Errors (type and exact text, facts section 4), special points (5.4), broadcasting in
backward (5.7), and the rest of the tensor API a tutorial touches: conversions, metadata,
numpy interop, the printed forms of non-tensor objects."""

from __future__ import annotations

import numpy as np

from tests.engine.harness import registry

CASES, case = registry("api")


def _x(T):
    return T.ones(2, 2, requires_grad=True)


ERRORS = {
    "backward_non_scalar": lambda T: (_x(T) * 2).backward(),
    "backward_no_grad": lambda T: T.ones(2).sum().backward(),
    "backward_int": lambda T: T.tensor(2).backward(),
    "backward_gradient_shape": lambda T: (_x(T) * 2).backward(T.ones(3)),
    "backward_gradient_broadcastable": lambda T: (_x(T) * 2).backward(T.ones(1, 2)),
    "backward_gradient_1_for_0d": lambda T: (_x(T) * 2).sum().backward(T.ones(1)),
    "backward_gradient_float": lambda T: (_x(T) * 2).sum().backward(1.0),
    "backward_gradient_list": lambda T: (_x(T) * 2).backward([[1.0, 1.0], [1.0, 1.0]]),
    "numpy_requires_grad": lambda T: T.ones(2, requires_grad=True).numpy(),
    "asarray_requires_grad": lambda T: np.asarray(T.ones(2, requires_grad=True)),
    "matmul_2d": lambda T: T.ones(2, 3) @ T.ones(2, 3),
    "matmul_1d": lambda T: T.ones(3) @ T.ones(2),
    "matmul_mv": lambda T: T.ones(2, 3) @ T.ones(2),
    "matmul_vm": lambda T: T.ones(3) @ T.ones(2, 3),
    "matmul_0d": lambda T: T.tensor(2.0) @ T.ones(2),
    "matmul_0d_right": lambda T: T.ones(2) @ T.tensor(2.0),
    "matmul_batch_fold": lambda T: T.ones(2, 2, 3) @ T.ones(2, 2),
    "matmul_batch_bmm": lambda T: T.ones(2, 2, 3) @ T.ones(2, 2, 2),
    "matmul_batch_2d_3d": lambda T: T.ones(2, 3) @ T.ones(2, 2, 2),
    "matmul_batch_2d_3d_grad": lambda T: _x(T)[0:1].expand(2, 2) @ T.ones(2, 3, 2),
    "matmul_batch_vector": lambda T: T.ones(2, 2, 3) @ T.ones(2),
    "matmul_batch_mismatch": lambda T: T.ones(2, 2, 3) @ T.ones(3, 3, 2),
    "matmul_dtype_mm": lambda T: T.ones(2, 3) @ T.ones(3, 2, dtype=T.float64),
    "matmul_dtype_dot": lambda T: T.ones(3) @ T.ones(3, dtype=T.float64),
    "matmul_dtype_mv": lambda T: T.ones(2, 3) @ T.ones(3, dtype=T.float64),
    "matmul_dtype_bmm": lambda T: T.ones(2, 2, 3) @ T.ones(2, 3, 2, dtype=T.float64),
    "matmul_int": lambda T: T.tensor([[1, 2]]) @ T.tensor([[3], [4]]),
    "matmul_python_number": lambda T: -1 @ T.ones(2),
    "index_with_float_tensor": lambda T: T.ones(2, 3)[T.tensor([0.5])],
    "inplace_result_larger": lambda T: T.tensor(1.0).add_(T.ones(2, 3)),
    "mm_1d": lambda T: T.mm(T.ones(3), T.ones(3, 2)),
    "broadcast_1d": lambda T: T.ones(3) + T.ones(2),
    "broadcast_2d": lambda T: T.ones(2, 3) + T.ones(3, 2),
    "broadcast_sub": lambda T: T.ones(2, 3) - T.ones(4, 3),
    "broadcast_mul_3d": lambda T: T.ones(5, 2, 3) * T.ones(4, 3),
    "broadcast_tail": lambda T: T.ones(2, 3) / T.ones(4),
    "item_many": lambda T: T.ones(2, 2).item(),
    "item_empty": lambda T: T.ones(0).item(),
    "float_many": lambda T: float(T.ones(2)),
    "int_many": lambda T: int(T.ones(2)),
    "bool_many": lambda T: bool(T.ones(2)),
    "mean_int": lambda T: T.tensor([1, 2]).mean(),
    "mean_dim_int": lambda T: T.tensor([[1, 2]]).mean(0),
    "int_negative_power": lambda T: T.tensor([1, 2]) ** -1,
    "view_non_contiguous": lambda T: T.ones(2, 3).t().view(6),
    "view_wrong_size": lambda T: T.ones(2, 3).view(4),
    "reshape_wrong_size": lambda T: T.ones(2, 3).reshape(4),
    "reshape_two_minus_one": lambda T: T.ones(2, 3).reshape(-1, -1),
    "reshape_minus_one_bad": lambda T: T.ones(2, 3).reshape(-1, 4),
    "cat_mismatch": lambda T: T.cat([T.ones(2, 3), T.ones(2, 2)]),
    "cat_ndim": lambda T: T.cat([T.ones(2, 3), T.ones(3)]),
    "cat_empty": lambda T: T.cat([]),
    "stack_mismatch": lambda T: T.stack([T.ones(2), T.ones(3)]),
    "index_out_of_range": lambda T: T.ones(3)[5],
    "index_negative_out_of_range": lambda T: T.ones(3)[-4],
    "index_second_dim": lambda T: T.ones(2, 3)[0, 3],
    "index_too_many": lambda T: T.ones(3)[0, 0],
    "index_0d": lambda T: T.tensor(1.0)[0],
    "index_float": lambda T: T.ones(3)[1.5],
    "index_list_out_of_range": lambda T: T.ones(3)[[0, 3]],
    "dim_out_of_range": lambda T: T.ones(2, 3).sum(2),
    "dim_out_of_range_neg": lambda T: T.ones(2, 3).softmax(-3),
    "unsqueeze_out_of_range": lambda T: T.ones(2).unsqueeze(3),
    "transpose_out_of_range": lambda T: T.ones(2, 3).transpose(0, 2),
    "permute_wrong_length": lambda T: T.ones(2, 3).permute(0),
    "permute_duplicate": lambda T: T.ones(2, 3).permute(0, 0),
    "t_3d": lambda T: T.ones(2, 3, 4).t(),
    "expand_too_few": lambda T: T.ones(2, 3).expand(3),
    "expand_mismatch": lambda T: T.ones(2, 3).expand(4, 3, 4),
    "retain_grad_no_grad": lambda T: T.ones(2).retain_grad(),
    "grad_wrong_shape": lambda T: setattr(T.ones(2, requires_grad=True), "grad", T.ones(3)),
    "grad_zero_before_backward": lambda T: T.ones(2, requires_grad=True).grad.zero_(),
    "clamp_no_bounds": lambda T: T.clamp(T.ones(2)),
    "max_empty": lambda T: T.ones(0).max(),
    "neg_bool": lambda T: -T.tensor([True]),
    "sub_bool": lambda T: T.tensor([True]) - T.tensor([False]),
    "mse_reduction": lambda T: T.nn.functional.mse_loss(T.ones(2), T.ones(2), reduction="avg"),
    "nll_float_target": lambda T: T.nn.functional.nll_loss(T.ones(2, 3), T.tensor([0.0, 1.0])),
    "bce_logits_size": lambda T: T.nn.functional.binary_cross_entropy_with_logits(
        T.ones(2, 3), T.ones(3)
    ),
    "bce_logits_long_target": lambda T: T.nn.functional.binary_cross_entropy_with_logits(
        T.ones(2), T.tensor([1, 0])
    ),
    "bce_logits_reduction": lambda T: T.nn.functional.binary_cross_entropy_with_logits(
        T.ones(2), T.ones(2), reduction="avg"
    ),
    "nll_target_out_of_bounds": lambda T: T.nn.functional.nll_loss(T.ones(2, 3), T.tensor([0, 3])),
    "nll_target_negative": lambda T: T.nn.functional.nll_loss(T.ones(3, 3), T.tensor([0, -1, 5])),
    "nll_batch_mismatch": lambda T: T.nn.functional.nll_loss(T.ones(2, 3), T.tensor([0, 1, 2])),
    "inplace_result_type": lambda T: T.tensor([1, 2]).add_(1.5),
    "inplace_expanded": lambda T: T.ones(3).expand(2, 3).add_(1),
    "flatten_bad_dims": lambda T: T.ones(2, 3, 4).flatten(2, 1),
    "len_0d": lambda T: len(T.tensor(1.0)),
    "iter_0d": lambda T: list(T.tensor(1.0)),
    "format_spec_non_scalar": lambda T: f"{T.tensor([1.0, 2.0]):.2f}",
    "from_numpy_list": lambda T: T.from_numpy([1.0, 2.0]),
    "tensor_ragged": lambda T: T.tensor([[1.0, 2.0], [3.0]]),
    "tensor_of_string": lambda T: T.tensor("a"),
    "add_int_alpha_float": lambda T: T.tensor([1, 2]).add(T.tensor([1, 2]), alpha=0.5),
    "arange_zero_step": lambda T: T.arange(0, 3, 0),
    "softmax_int": lambda T: T.tensor([1, 2]).softmax(0),
    "relu_bool": lambda T: T.relu(T.tensor([True])),
}


EDGES = {
    "mse_broadcast_warns": lambda T: T.nn.functional.mse_loss(
        T.ones(2, 3, requires_grad=True), T.zeros(3)
    ),
    "softmax_implicit_dim_2d": lambda T: T.nn.functional.softmax(T.tensor([[1.0, 2.0]])),
    "softmax_implicit_dim_3d": lambda T: T.nn.functional.softmax(T.tensor([[[1.0, 2.0]]])),
    "log_softmax_implicit_dim": lambda T: T.nn.functional.log_softmax(T.tensor([1.0, 2.0])),
    "mean_keepdim_all": lambda T: T.ones(2, 3).mean((0, 1), keepdim=True),
    "tensor_base_pow": lambda T: T.tensor(2.0) ** T.tensor([1.0, 2.0], requires_grad=True),
    "float_base_int_exponent": lambda T: 2.5 ** T.tensor([1, 2]),
    "int_pow_half": lambda T: T.tensor([1, 2]) ** 0.5,
    "int_div_int": lambda T: T.tensor([3, 4]) / T.tensor([2, 2]),
    "int_rdiv": lambda T: 7 / T.tensor([2, 4]),
    "int_rsub": lambda T: 1 - T.tensor([2, 4]),
    "int_neg": lambda T: -T.tensor([2, 4]),
    "bool_mul": lambda T: T.tensor([True]) * T.tensor([True]),
    "bool_add": lambda T: T.tensor([True, False]) + T.tensor([True, True]),
    "bool_add_int": lambda T: T.tensor([True, False]) + 1,
    "bool_div": lambda T: T.tensor([True, False]) / 2,
    "maximum_int_float": lambda T: T.maximum(T.tensor([1, 5]), T.tensor([2.5, 0.5])),
    "cat_int_float": lambda T: T.cat([T.tensor([1, 2]), T.tensor([0.5])]),
    "cat_bool_int": lambda T: T.cat([T.tensor([True]), T.tensor([2])]),
    "cat_float32_float64_grad": lambda T: T.cat(
        [T.ones(1, requires_grad=True), T.ones(1, dtype=T.float64)]
    ),
    "stack_int_float": lambda T: T.stack([T.tensor([1, 2]), T.tensor([0.5, 1.0])]),
    "cat_0d": lambda T: T.cat([T.tensor(1.0), T.tensor(2.0)]),
    "where_int_float": lambda T: T.where(
        T.tensor([True, False]), T.tensor([1, 2]), T.tensor([0.5, 1.5])
    ),
    "matmul_int_float": lambda T: T.tensor([[1, 2]]) @ T.tensor([[1.0], [2.0]]),
    "clamp_int_by_float": lambda T: T.tensor([1, 5]).clamp(max=2.5),
    "sum_bool": lambda T: T.tensor([True, True]).sum(),
    "sum_int32": lambda T: T.tensor([1, 2], dtype=T.int32).sum(),
    "sum_int32_dim": lambda T: T.tensor([[1, 2]], dtype=T.int32).sum(0),
    "max_int_dim": lambda T: T.tensor([[1, 2]]).max(1),
    "empty_sum": lambda T: T.ones(0).sum(),
    "empty_mean": lambda T: T.ones(0).mean(),
    "empty_max_dim": lambda T: T.ones(0, 3).max(1),
    "softmax_0d": lambda T: T.tensor(2.0, requires_grad=True).softmax(0),
    "log_softmax_0d": lambda T: T.tensor(2.0, requires_grad=True).log_softmax(-1),
    "squeeze_0d": lambda T: T.tensor(1.0, requires_grad=True).squeeze(),
    "unsqueeze_0d": lambda T: T.tensor(1.0, requires_grad=True).unsqueeze(0),
    "t_0d": lambda T: T.tensor(1.0, requires_grad=True).t(),
    "t_1d": lambda T: T.tensor([1.0], requires_grad=True).t(),
    "transpose_0d": lambda T: T.tensor(1.0, requires_grad=True).transpose(0, -1),
    "permute_no_dims": lambda T: T.tensor(1.0, requires_grad=True).permute(),
    "expand_0d": lambda T: T.tensor(1.0, requires_grad=True).expand(2),
    "reshape_0d": lambda T: T.tensor(1.0, requires_grad=True).reshape(1, 1),
    "view_0d": lambda T: T.tensor(1.0, requires_grad=True).view(-1),
    "ones_like_dtype": lambda T: T.ones_like(T.ones(2), dtype=T.float64),
    "zeros_negative": lambda T: T.zeros(-1),
    "zeros_negative_second": lambda T: T.zeros(2, -1),
    "ones_negative": lambda T: T.ones(2, -3),
    "rand_negative": lambda T: T.rand(-1),
    "arange_negative_step": lambda T: T.arange(3, 0, -1),
    "arange_float_step": lambda T: T.arange(0, 1, 0.3),
    "linspace_one_step": lambda T: T.linspace(0, 1, 1),
    "full_int_as_float": lambda T: T.full((2,), 3, dtype=T.float32),
    "eye_rectangular": lambda T: T.eye(2, 3),
    "randn_tuple_shape": lambda T: tuple(T.randn((2, 3)).shape),
}


def _error_case(fn):
    def check(T, r):
        r("result", fn(T))

    return check


for _name, _fn in ERRORS.items():
    CASES[f"api/error/{_name}"] = _error_case(_fn)
for _name, _fn in EDGES.items():
    CASES[f"api/edge/{_name}"] = _error_case(_fn)


# ----- special points: subgradient conventions (facts 5.4) ----------------------------
SPECIAL_POINTS = {
    "relu_kink": (lambda T, x: T.relu(x), [-1.0, 0.0, 2.0]),
    "abs_kink": (lambda T, x: x.abs(), [-1.0, 0.0, 2.0]),
    "clamp_bounds": (lambda T, x: T.clamp(x, 0, 1), [-0.5, 0.0, 0.5, 1.0, 1.5]),
    "clamp_min_bound": (lambda T, x: x.clamp(min=0.0), [0.0, 1.0, -1.0]),
    "max_tie": (lambda T, x: x.max(), [1.0, 3.0, 3.0]),
    "min_tie": (lambda T, x: x.min(), [1.0, 1.0, 3.0]),
    "max_all_equal": (lambda T, x: x.max(), [2.0, 2.0, 2.0, 2.0]),
    "max_dim_tie": (lambda T, x: x.max(dim=0).values, [1.0, 3.0, 3.0]),
    "min_dim_tie": (lambda T, x: x.min(0)[0], [1.0, 1.0, 3.0]),
    "maximum_tie": (lambda T, x: T.maximum(x, T.tensor([3.0, 3.0, 3.0])), [1.0, 3.0, 4.0]),
    "minimum_tie": (lambda T, x: T.minimum(x, T.tensor([3.0, 3.0, 3.0])), [1.0, 3.0, 4.0]),
    "maximum_self": (lambda T, x: T.maximum(x, x), [1.0, -2.0]),
    "sqrt_zero": (lambda T, x: x.sqrt(), [0.0, 4.0]),
    "pow_half_zero": (lambda T, x: x**0.5, [0.0, 4.0]),
    "log_zero": (lambda T, x: x.log(), [0.0, 2.0]),
    "log_negative": (lambda T, x: x.log(), [-1.0, 2.0]),
    "pow_zero_exponent": (lambda T, x: x**0, [0.0, 2.0]),
    "pow_at_zero": (lambda T, x: x**2, [0.0, -1.0]),
    "pow_neg_at_zero": (lambda T, x: x**-1, [0.0, 2.0]),
    "pow_frac_negative": (lambda T, x: x**1.5, [-1.0, 4.0]),
    "times_zero_inf": (lambda T, x: x * 0, [float("inf")]),
    "div_by_zero": (lambda T, x: x / T.tensor([0.0, 2.0]), [1.0, 1.0]),
    "reciprocal_zero": (lambda T, x: x.reciprocal(), [0.0, 2.0]),
    "sigmoid_zero": (lambda T, x: x.sigmoid(), [0.0]),
    "sigmoid_large": (lambda T, x: x.sigmoid(), [-100.0, 100.0]),
    "tanh_zero": (lambda T, x: x.tanh(), [0.0]),
    "tanh_large": (lambda T, x: x.tanh(), [-30.0, 30.0]),
    "exp_large": (lambda T, x: x.exp(), [100.0, -100.0]),
    "x_pow_x": (lambda T, x: x**x, [2.0]),
    "two_pow_x": (lambda T, x: 2**x, [3.0]),
    "zero_pow_x": (lambda T, x: 0**x, [0.0, 2.0]),
    "tensor_base_pow_x": (lambda T, x: T.tensor(2.0) ** x, [3.0, 0.5]),
    "softmax_first": (lambda T, x: T.softmax(x, 0)[0], [1.0, 2.0]),
    "softmax_large": (lambda T, x: x.softmax(0), [1000.0, 0.0]),
    "log_softmax_large": (lambda T, x: x.log_softmax(0), [1000.0, 0.0]),
    "cross_entropy": (
        lambda T, x: T.nn.functional.cross_entropy(x.view(1, 3), T.tensor([0])),
        [1.0, 2.0, 3.0],
    ),
    "mse_zero_target": (lambda T, x: T.nn.functional.mse_loss(x, T.zeros(2)), [1.0, 2.0]),
    "nan_input": (lambda T, x: x * 2, [float("nan"), 1.0]),
    "relu_nan": (lambda T, x: x.relu(), [float("nan"), -1.0]),
    "max_nan": (lambda T, x: x.max(), [float("nan"), 1.0]),
    "abs_nan": (lambda T, x: x.abs(), [float("nan"), -0.0]),
    "clamp_nan": (lambda T, x: x.clamp(0, 1), [float("nan"), 0.5]),
}


def _special_case(fn, values):
    def check(T, r):
        x = T.tensor(values, requires_grad=True)
        y = fn(T, x)
        r("y", y)
        (y if y.numel() == 1 else y.sum()).backward()
        r("grad", x.grad)

    return check


for _name, (_fn, _values) in SPECIAL_POINTS.items():
    CASES[f"api/special/{_name}"] = _special_case(_fn, _values)


# ----- broadcasting in backward (facts 5.7) ----------------------------------------------
@case
def broadcast_column_row(T, r):
    a = T.ones(3, 1, requires_grad=True)
    b = T.ones(1, 4, requires_grad=True)
    c = a + b
    r("shape", c.shape)
    c.sum().backward()
    r("grads", [a.grad, b.grad])


@case
def broadcast_vector_matrix(T, r):
    a = T.ones(3, requires_grad=True)
    (a * T.ones(2, 3)).sum().backward()
    r("grad", a.grad)


@case
def broadcast_0d_scalar(T, r):
    s = T.tensor(2.0, requires_grad=True)
    (s * T.ones(2, 3)).sum().backward()
    r("grad", s.grad)


@case
def broadcast_column_weight(T, r):
    w = T.ones(2, 1, requires_grad=True)
    (w * T.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    r("grad", w.grad)


# ----- conversions, metadata, printing of non-tensor objects ------------------------------
@case
def item_and_tolist(T, r):
    r(
        "items",
        [T.tensor(0.1).item(), T.tensor(27.0).item(), T.tensor(2).item(), T.tensor(True).item()],
    )
    r("one_element", [T.ones(1, 1).item(), T.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist()])
    r("scalar_tolist", T.tensor(2.5).tolist())


@case
def python_conversions(T, r):
    t = T.tensor(2.7)
    r("values", [float(t), int(t), bool(t), int(T.tensor(-2.7)), bool(T.tensor(0.0))])
    r("index", [1, 2, 3][T.tensor(1)])
    r("len_iter", [len(T.ones(3, 2)), [x.shape for x in T.ones(2, 3)]])


@case
def shape_and_size(T, r):
    x = T.ones(2, 3)
    r("shape", [repr(x.shape), str(x.size()), x.size(1), x.size(-1), x.shape == (2, 3)])
    r("empty_shape", repr(T.tensor(1.0).shape))
    r("dims", [x.dim(), x.ndim, x.numel(), T.numel(x), x.shape[0], list(x.shape)])
    r("meta", [repr(x.dtype), str(x.device), x.is_leaf, x.requires_grad])
    r("size_numel", x.shape.numel())


@case
def formatting(T, r):
    t = T.tensor(2.5)
    r("formats", [f"{t}", f"{t:.2f}", str(t), f"{T.tensor([1.0, 2.0])}"])
    r("rg_format", f"{T.tensor(3.0, requires_grad=True)}")


@case
def containers_print(T, r):
    r("list", repr([T.tensor([1.0, 2.0]), T.tensor(3)]))
    r("tuple", str((T.tensor(1.0), T.tensor(2.0, requires_grad=True))))


@case
def max_dim_return_type(T, r):
    a = T.tensor([[1.0, 5.0], [3.0, 4.0]], requires_grad=True)
    result = a.max(dim=0)
    r("repr", repr(result))
    values, indices = result
    r("parts", [values, indices, result.values is result[0], result[1] is result.indices])
    r("min", repr(T.min(a, 1, keepdim=True)))


@case
def node_reprs(T, r):
    x = T.tensor([1.0], requires_grad=True)
    y = x * 2
    r(
        "repr",
        [repr(y.grad_fn).split(" object")[0], repr(y.grad_fn.next_functions[0][0]).split(" ")[0]],
    )
    r("leaf", repr(x.grad_fn))


@case
def numpy_interop(T, r):
    a = np.array([1.0, 2.0])
    t = T.from_numpy(a)
    a[0] = 10.0
    r("shares", t)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    n = x.detach().numpy()
    n[1] = 5.0
    r("detach_numpy", x)
    r("asarray", np.asarray(T.tensor([3.0, 4.0])).tolist())
    r("array_dtype", str(np.asarray(T.tensor([1, 2])).dtype))
    r("np_scalar_mul", T.tensor([1.0, 2.0]) * np.float64(2.0))
    r("np_array_mul", (np.float64(2.0) * T.tensor([1.0, 2.0])))


@case
def comparison_and_logic(T, r):
    a = T.tensor([1.0, 2.0, 3.0])
    b = T.tensor([3.0, 2.0, 1.0])
    r("cmp", [a < b, a <= b, a > b, a >= b, a == b, a != b, a > 2, 2 < a])
    r("logic", [(a > 1) & (b > 1), (a > 2) | (b > 2), ~(a > 1)])
    r("floor_mod", [a // 2, a % 2, T.tensor([7, -7]) // 2, T.tensor([7, -7]) % 3])


@case
def argmax_argmin(T, r):
    a = T.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    r("all", [a.argmax(), a.argmin(), T.argmax(a), T.argmin(a)])
    r("dim", [a.argmax(1), a.argmin(0), a.argmax(dim=1, keepdim=True)])


@case
def grad_mode_objects(T, r):
    r("no_grad", repr(T.no_grad()).split(" object")[0])
    r("is_tensor", [T.is_tensor(T.ones(1)), T.is_tensor([1.0])])
