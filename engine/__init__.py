"""A numpy autograd engine that behaves and prints like PyTorch's (``import engine as torch``).

Importing it loads numpy only: never sympy or flask.
"""

# isort: off
from .tensor import Tensor  # first: every module below builds on Tensor
from .types import Size
# isort: on

import warnings as _warnings

from . import autograd, functional, nn
from . import dtypes as _dtypes
from ._tensor_str import set_printoptions
from .factories import (
    arange,
    as_tensor,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .functional import *
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "Size",
    "Tensor",
    "arange",
    "as_tensor",
    "autograd",
    "bool",
    "double",
    "dtype",
    "empty",
    "enable_grad",
    "eye",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "full",
    "full_like",
    "get_default_dtype",
    "half",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_floating_point",
    "is_grad_enabled",
    "linspace",
    "long",
    "manual_seed",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "set_grad_enabled",
    "set_printoptions",
    "short",
    "tensor",
    "uint8",
    "zeros",
    "zeros_like",
    *functional.__all__,
]

dtype = _dtypes.dtype
float32 = float = _dtypes.float32
float64 = double = _dtypes.float64
float16 = half = _dtypes.float16
int64 = long = _dtypes.int64
int32 = int = _dtypes.int32
int16 = short = _dtypes.int16
int8 = _dtypes.int8
uint8 = _dtypes.uint8
bool = _dtypes.bool_

# numpy's floating-point warnings (log(0), x/0) would be noise: PyTorch gives inf/nan silently.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"engine(\.|$)")


def get_default_dtype():
    """The default floating dtype: float32."""
    return float32


def is_floating_point(t):
    """Whether a tensor has a floating dtype."""
    return t.dtype.is_floating_point
