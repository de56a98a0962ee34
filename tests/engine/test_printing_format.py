"""engine._tensor_str prints exactly what torch 2.13's repr prints.

Three layers: a table of measured torch outputs (the rules, one by one), a golden file of
seeded random cases recorded from torch (runs everywhere), and a live differential fuzz
against torch itself when it is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine._tensor_str import PRINT_OPTS, format_tensor, set_printoptions
from tests.engine.golden import make_print_golden as golden

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.fixture(autouse=True)
def default_print_options():
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")


def f32(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def f64(*values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def f32_arange(n: int, shape: tuple[int, ...] | None = None) -> np.ndarray:
    return np.arange(n, dtype=np.float32).reshape(shape or (n,))


def case(array, expected: str, dtype: str = "float32", grad_fn=None, requires_grad=False):
    return pytest.param(array, dtype, grad_fn, requires_grad, expected, id=expected[:48])


nan, inf = float("nan"), float("inf")
ones_1001_mid = np.ones(1001, np.float32)
ones_1001_mid[500] = 1e6
ones_1001_first = np.ones(1001, np.float32)
ones_1001_first[0] = 1e6
ROW18 = ", ".join(["1."] * 18)

# Every expected string is torch 2.13.0's repr of the same values (section numbers refer to
# the printing rules in the project's torch facts file).
TABLE = [
    # 2.2 float formatter: int/fixed/sci mode, thresholds, width, rounding, nan/inf/-0.
    case(f32(1, 2, 3), "tensor([1., 2., 3.])"),
    case(f32(-1, 2, -30), "tensor([ -1.,   2., -30.])"),
    case(f32(1, 1000), "tensor([   1., 1000.])"),
    case(f32(1, 1001), "tensor([1.0000e+00, 1.0010e+03])"),
    case(f32(0.5, 500), "tensor([  0.5000, 500.0000])"),
    case(f32(0.5, 501), "tensor([5.0000e-01, 5.0100e+02])"),
    case(f32(0.1, 100), "tensor([  0.1000, 100.0000])"),
    case(f32(0.1, 100.1), "tensor([1.0000e-01, 1.0010e+02])"),
    case(f32(0.0001), "tensor([1.0000e-04])"),
    case(f32(0.00011), "tensor([0.0001])"),
    case(f32(1e8), "tensor([100000000.])"),
    case(f32(1e8 + 8), "tensor([1.0000e+08])"),
    case(f32(12345678), "tensor([12345678.])"),
    case(f32(123456789), "tensor([1.2346e+08])"),
    case(f64(99999999.5), "tensor([99999999.5000], dtype=torch.float64)", "float64"),
    case(np.float32(1.00001), "tensor(1.0000, grad_fn=<SumBackward0>)", grad_fn="SumBackward0"),
    case(f32(1.00005, 0.99999), "tensor([1.0000, 1.0000])"),
    case(f32(1.5, 2, 3), "tensor([1.5000, 2.0000, 3.0000])"),
    case(f32(0.1, 0.25, 1 / 3), "tensor([0.1000, 0.2500, 0.3333])"),
    case(f32(1.23456789), "tensor([1.2346])"),
    case(f32(-1.5, 2, -30.25), "tensor([ -1.5000,   2.0000, -30.2500])"),
    case(f32(0.5, 1), "tensor([0.5000, 1.0000])"),
    case(f32(1e-5, 0.5), "tensor([1.0000e-05, 5.0000e-01])"),
    case(
        f32(1e-5, nan, inf, -1e10), "tensor([ 1.0000e-05,         nan,         inf, -1.0000e+10])"
    ),
    case(f64(1e100, 1), "tensor([1.0000e+100,  1.0000e+00], dtype=torch.float64)", "float64"),
    case(f32(nan, 1), "tensor([nan, 1.])"),
    case(f32(inf, -inf, 1), "tensor([inf, -inf, 1.])"),
    case(f32(nan, 1.5), "tensor([   nan, 1.5000])"),
    case(f32(100, -inf), "tensor([100., -inf])"),
    case(f32(0.5, -0.0), "tensor([0.5000, -0.0000])"),
    case(f64(1, 2), "tensor([1., 2.], dtype=torch.float64)", "float64"),
    case(f32(1, 2).astype(np.float16), "tensor([1., 2.], dtype=torch.float16)", "float16"),
    # 2.2 integer and bool formatters.
    case(np.array([1, -20, 300]), "tensor([  1, -20, 300])", "int64"),
    case(np.array([-3, 3]), "tensor([-3,  3])", "int64"),
    case(np.array([1, 2], np.int32), "tensor([1, 2], dtype=torch.int32)", "int32"),
    case(np.array([1, 2], np.uint8), "tensor([1, 2], dtype=torch.uint8)", "uint8"),
    case(np.array([True, False]), "tensor([ True, False])", "bool"),
    # 2.3 0-d tensors.
    case(np.float32(27), "tensor(27.)"),
    case(np.float32(4.5), "tensor(4.5000)"),
    case(np.float32(1e-5), "tensor(1.0000e-05)"),
    case(np.float32(0), "tensor(0.)"),
    case(np.float32(-0.0), "tensor(-0.)"),
    case(np.float32(nan), "tensor(nan)"),
    case(np.float32(-inf), "tensor(-inf)"),
    case(np.float64(2.5), "tensor(2.5000, dtype=torch.float64)", "float64"),
    case(np.int64(2), "tensor(2)", "int64"),
    case(np.bool_(True), "tensor(True)", "bool"),
    case(np.float32(499500), "tensor(499500.)"),
    # 2.3 nesting: rows under each other, one blank line per extra dimension, size-1 dims.
    case(
        np.ones((3, 3), np.float32),
        """\
tensor([[1., 1., 1.],
        [1., 1., 1.],
        [1., 1., 1.]])""",
    ),
    case(
        np.full((2, 2), 4.5, np.float32),
        """\
tensor([[4.5000, 4.5000],
        [4.5000, 4.5000]])""",
    ),
    case(
        np.array([[1, -1], [100, 0.5]], np.float32),
        """\
tensor([[  1.0000,  -1.0000],
        [100.0000,   0.5000]])""",
    ),
    case(
        f32_arange(6, (3, 2)) - 2.5,
        """\
tensor([[-2.5000, -1.5000],
        [-0.5000,  0.5000],
        [ 1.5000,  2.5000]])""",
    ),
    case(
        np.zeros((2, 3), np.float32),
        """\
tensor([[0., 0., 0.],
        [0., 0., 0.]])""",
    ),
    case(
        f32_arange(8, (2, 2, 2)),
        """\
tensor([[[0., 1.],
         [2., 3.]],

        [[4., 5.],
         [6., 7.]]])""",
    ),
    case(
        f32_arange(16, (2, 2, 2, 2)),
        """\
tensor([[[[ 0.,  1.],
          [ 2.,  3.]],

         [[ 4.,  5.],
          [ 6.,  7.]]],


        [[[ 8.,  9.],
          [10., 11.]],

         [[12., 13.],
          [14., 15.]]]])""",
    ),
    case(
        np.ones((2, 1, 3), np.float32),
        """\
tensor([[[1., 1., 1.]],

        [[1., 1., 1.]]])""",
    ),
    case(np.ones((1, 1, 1), np.float32), "tensor([[[1.]]])"),
    case(
        np.array([[1], [2]], np.float32),
        """\
tensor([[1.],
        [2.]])""",
    ),
    # 2.3 line wrapping: floor((80 - indent) / (width + 2)) elements per line.
    case(np.ones(18, np.float32), f"tensor([{ROW18}])"),
    case(np.ones(19, np.float32), f"tensor([{ROW18},\n        1.])"),
    case(
        f32_arange(30),
        """\
tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,
        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,
        28., 29.])""",
    ),
    case(
        f32_arange(20) * 1.5,
        """\
tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,
        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,
        24.0000, 25.5000, 27.0000, 28.5000])""",
    ),
    case(
        f32_arange(40, (2, 20)),
        """\
tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,
         14., 15., 16., 17., 18., 19.],
        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,
         34., 35., 36., 37., 38., 39.]])""",
    ),
    # 2.4 empty tensors: size= unless 1-d, dtype= for everything but float32.
    case(f32(), "tensor([])"),
    case(np.zeros((0, 3), np.float32), "tensor([], size=(0, 3))"),
    case(np.zeros((3, 0, 2), np.float32), "tensor([], size=(3, 0, 2))"),
    case(np.array([], np.int64), "tensor([], dtype=torch.int64)", "int64"),
    case(f64(), "tensor([], dtype=torch.float64)", "float64"),
    case(np.array([], np.bool_), "tensor([], dtype=torch.bool)", "bool"),
    case(np.zeros((1, 0), np.float16), "tensor([], size=(1, 0), dtype=torch.float16)", "float16"),
    # 2.5 summarization: > 1000 elements, 3 + 3 per long dim, formatter sees only those.
    case(f32_arange(1001), "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])"),
    case(np.arange(1001), "tensor([   0,    1,    2,  ...,  998,  999, 1000])", "int64"),
    case(
        np.full(1001, 2, np.float32),
        "tensor([2., 2., 2.,  ..., 2., 2., 2.], grad_fn=<MulBackward0>)",
        grad_fn="MulBackward0",
    ),
    case(ones_1001_mid, "tensor([1., 1., 1.,  ..., 1., 1., 1.])"),
    case(
        ones_1001_first,
        """\
tensor([1.0000e+06, 1.0000e+00, 1.0000e+00,  ..., 1.0000e+00, 1.0000e+00,
        1.0000e+00])""",
    ),
    case(
        f32_arange(1001, (1001, 1)),
        """\
tensor([[   0.],
        [   1.],
        [   2.],
        ...,
        [ 998.],
        [ 999.],
        [1000.]])""",
    ),
    case(
        np.ones((2, 600), np.float32),
        """\
tensor([[1., 1., 1.,  ..., 1., 1., 1.],
        [1., 1., 1.,  ..., 1., 1., 1.]])""",
    ),
    case(
        f32_arange(2000, (40, 50)),
        """\
tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,
         4.9000e+01],
        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,
         9.9000e+01],
        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,
         1.4900e+02],
        ...,
        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,
         1.8990e+03],
        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,
         1.9490e+03],
        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,
         1.9990e+03]])""",
    ),
    # 2.6 suffixes: dtype, then grad_fn or requires_grad; wrapped one column early, indent 7.
    case(np.float32(3), "tensor(3., requires_grad=True)", requires_grad=True),
    case(
        np.ones((2, 2), np.float32),
        """\
tensor([[1., 1.],
        [1., 1.]], requires_grad=True)""",
        requires_grad=True,
    ),
    case(
        np.full((2, 2), 3, np.float32),
        """\
tensor([[3., 3.],
        [3., 3.]], grad_fn=<AddBackward0>)""",
        grad_fn="AddBackward0",
    ),
    case(np.float32(27), "tensor(27., grad_fn=<MeanBackward0>)", grad_fn="MeanBackward0"),
    case(
        f64(2, 2),
        "tensor([2., 2.], dtype=torch.float64, grad_fn=<MulBackward0>)",
        "float64",
        grad_fn="MulBackward0",
    ),
    case(
        np.ones(12, np.float32),
        "tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.], requires_grad=True)",
        requires_grad=True,
    ),
    case(
        np.ones(13, np.float32),
        """\
tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.],
       requires_grad=True)""",
        requires_grad=True,
    ),
    case(
        np.ones(12, np.float32),
        """\
tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.],
       grad_fn=<MulBackward0>)""",
        grad_fn="MulBackward0",
    ),
    case(
        np.ones(9),
        """\
tensor([1., 1., 1., 1., 1., 1., 1., 1., 1.], dtype=torch.float64,
       requires_grad=True)""",
        "float64",
        requires_grad=True,
    ),
    case(
        np.ones(30),
        f"""\
tensor([{ROW18},
        1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.], dtype=torch.float64,
       grad_fn=<MulBackward0>)""",
        "float64",
        grad_fn="MulBackward0",
    ),
]


@pytest.mark.parametrize(("array", "dtype", "grad_fn", "requires_grad", "expected"), TABLE)
def test_measured_torch_outputs(array, dtype, grad_fn, requires_grad, expected):
    assert format_tensor(array, dtype, grad_fn, requires_grad) == expected


def test_exactly_threshold_elements_print_in_full():
    text = format_tensor(f32_arange(1000), "float32")
    assert "..." not in text
    assert text.count("\n") + 1 == 84


def test_summarized_3d_puts_ellipsis_between_blocks():
    text = format_tensor(np.zeros((10, 10, 11), np.float32), "float32")
    row = "[0., 0., 0.,  ..., 0., 0., 0.]"
    block = ["[" + row + ","] + [" " * 9 + r for r in [row + ","] * 2 + ["...,"]]
    block += [" " * 9 + row + ","] * 2 + [" " * 9 + row + "],"]
    assert text.startswith("tensor([" + "\n".join(block) + "\n\n")
    assert "\n\n        ...,\n\n" in text
    assert text.count("...") == 6 * (6 + 1) + 1 and text.endswith("0., 0., 0.]]])")


def test_defaults():
    assert (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems) == (4, 1000, 3)
    assert (PRINT_OPTS.linewidth, PRINT_OPTS.sci_mode) == (80, None)


@pytest.mark.parametrize(
    ("options", "array", "expected"),
    [
        ({"precision": 2}, f32(1.23, 2.5), "tensor([1.23, 2.50])"),
        ({"precision": 2}, f32(1e-5, 1), "tensor([1.00e-05, 1.00e+00])"),
        ({"sci_mode": False}, f32(1e-5, 1), "tensor([0.0000, 1.0000])"),
        ({"sci_mode": False}, f32(1, 2000), "tensor([   1., 2000.])"),
        ({"sci_mode": True}, f32(1, 2), "tensor([1.0000e+00, 2.0000e+00])"),
        ({"sci_mode": True}, np.zeros(2, np.float32), "tensor([0., 0.])"),
        ({"sci_mode": True}, np.float32(1.5), "tensor(1.5000e+00)"),
        ({"threshold": 5, "edgeitems": 1}, f32_arange(10), "tensor([0.,  ..., 9.])"),
        ({"precision": 0}, f32(1.5, 2.25), "tensor([2, 2])"),
        ({"edgeitems": 0, "threshold": 3}, f32_arange(10), "tensor([...], size=(10,))"),
        ({"edgeitems": 0, "threshold": 3}, f32_arange(20, (4, 5)), "tensor([...], size=(4, 5))"),
        ({"edgeitems": 0}, f32(1, 2), "tensor([1., 2.], size=(2,))"),
        (
            {"linewidth": 40},
            f32_arange(20),
            """\
tensor([ 0.,  1.,  2.,  3.,  4.,  5.,
         6.,  7.,  8.,  9., 10., 11.,
        12., 13., 14., 15., 16., 17.,
        18., 19.])""",
        ),
    ],
)
def test_set_printoptions(options, array, expected):
    set_printoptions(**options)
    assert format_tensor(array, "float32") == expected


def test_profiles_and_sci_mode_reset():
    set_printoptions(sci_mode=True)
    set_printoptions(precision=6)  # like torch, a call without sci_mode resets it to automatic
    assert PRINT_OPTS.sci_mode is None
    set_printoptions(profile="short")
    assert (PRINT_OPTS.precision, PRINT_OPTS.edgeitems) == (2, 2)
    set_printoptions(profile="full")
    assert format_tensor(np.ones(2000, np.float32), "float32").count("...") == 0
    set_printoptions(profile="default", linewidth=100)
    assert (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.linewidth) == (4, 1000, 100)
    with pytest.raises(ValueError, match="default"):
        set_printoptions(profile="loud")


def _golden_cases() -> list[dict]:
    return json.loads((GOLDEN_DIR / "print_cases.json").read_text())["cases"]


def test_golden_cases_recorded_from_torch():
    mismatches = []
    cases = _golden_cases()
    for i, case in enumerate(cases):
        array = golden.decode(case["data"], case["shape"], case["dtype"])
        set_printoptions(**case["options"])
        suffix = case["suffix"]
        got = format_tensor(array, case["dtype"], suffix["grad_fn"], suffix["requires_grad"])
        set_printoptions(profile="default")
        if got != case["expected"]:
            mismatches.append((i, case["expected"], got))
    assert len(cases) >= 200
    assert not mismatches, mismatches[:3]


def _torch_differential(torch, rng: np.random.Generator, n: int, with_options: bool) -> list:
    mismatches = []
    for i in range(n):
        case = golden.random_case(rng)
        options = golden.random_options(rng) if with_options else {}
        torch.set_printoptions(**options)
        set_printoptions(**options)
        try:
            expected, grad_fn, requires_grad = golden.torch_repr(case)
            got = format_tensor(case["array"], case["dtype"], grad_fn, requires_grad)
        finally:
            torch.set_printoptions(profile="default")
        if got != expected:
            mismatches.append((i, case["dtype"], case["array"].shape, options, expected, got))
    return mismatches


def test_matches_live_torch_on_random_tensors():
    torch = pytest.importorskip("torch", reason="oracle: CI installs torch")
    mismatches = _torch_differential(torch, np.random.default_rng(7), 5000, with_options=False)
    assert not mismatches, mismatches[:3]


def test_matches_live_torch_with_random_print_options():
    torch = pytest.importorskip("torch", reason="oracle: CI installs torch")
    mismatches = _torch_differential(torch, np.random.default_rng(8), 2000, with_options=True)
    assert not mismatches, mismatches[:3]
