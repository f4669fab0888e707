"""Making tensors, with torch's names: tensor, from_numpy, zeros, ones, randn (and argmax as a function)."""

import numpy as np

from . import random
from .dtypes import get_default_dtype
from .tensor import Tensor, float32, int64


def tensor(data, requires_grad=False, dtype=None):
    """A new Tensor holding a copy of `data`, like torch.tensor.

    A NumPy array or scalar keeps its dtype (float64 stays float64, integer labels stay integer); Python
    floats become float32 and Python ints int64, as in PyTorch.
    """
    if isinstance(data, Tensor):
        data = data.array
    array = np.array(data, dtype=dtype)  # a dtype given converts the values directly (1.7 stays 1.7 in float64)
    if dtype is None and not isinstance(data, (np.ndarray, np.generic)):
        if array.dtype == np.float64:
            array = array.astype(get_default_dtype())
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(int64)
    return Tensor(array, requires_grad=requires_grad)


def from_numpy(array):
    """A Tensor sharing memory with `array` (no copy), like torch.from_numpy."""
    return Tensor(array)


def _shape(size):
    """zeros(2, 3) and zeros((2, 3)) mean the same, as in torch."""
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size


def zeros(*size, dtype=None, requires_grad=False):
    return Tensor(np.zeros(_shape(size), dtype=dtype or get_default_dtype()), requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return Tensor(np.ones(_shape(size), dtype=dtype or get_default_dtype()), requires_grad=requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal samples from the engine's generator (reseeded by manual_seed)."""
    samples = random.generator().standard_normal(_shape(size)).astype(dtype or get_default_dtype())
    return Tensor(samples, requires_grad=requires_grad)


def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)
