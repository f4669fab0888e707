"""Making tensors, with torch's names: tensor, as_tensor, from_numpy, zeros, ones, full, arange, rand, randn, randint,
the *_like forms (and argmax as a function).

Random values come from the engine's generator (minitorch_mnist.torch_api.random, reseeded by manual_seed); floating
results take the default dtype (dtypes.get_default_dtype()) unless dtype= says otherwise.
"""

import numbers

import numpy as np

from . import random
from ..autograd.dtypes import as_numpy, bool_, get_default_dtype
from ..ops.checks import sizes
from ..autograd.tensor import Tensor, float32, int64


def tensor(data, requires_grad=False, dtype=None):
    """A new Tensor holding a copy of `data`, like torch.tensor.

    A NumPy array or scalar keeps its dtype (float64 stays float64, integer labels stay integer); Python
    floats become float32 and Python ints int64, as in PyTorch.
    """
    if isinstance(data, Tensor):
        data = data.array
    array = np.array(data, dtype=as_numpy(dtype))  # a dtype given converts the values directly (1.7 stays 1.7 in float64)
    if dtype is None and not isinstance(data, (np.ndarray, np.generic)):
        if array.dtype == np.float64:
            array = array.astype(get_default_dtype())
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(int64)
    return Tensor(array, requires_grad=requires_grad)


def from_numpy(array):
    """A Tensor sharing memory with `array` (no copy), like torch.from_numpy."""
    return Tensor(array)


def zeros(*size, dtype=None, requires_grad=False):
    return Tensor(np.zeros(sizes(size), dtype=as_numpy(dtype, get_default_dtype())), requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return Tensor(np.ones(sizes(size), dtype=as_numpy(dtype, get_default_dtype())), requires_grad=requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal samples from the engine's generator (reseeded by manual_seed)."""
    samples = random.generator().standard_normal(sizes(size)).astype(as_numpy(dtype, get_default_dtype()))
    return Tensor(samples, requires_grad=requires_grad)


def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)


def as_tensor(data, dtype=None, device=None):
    """Like torch.as_tensor: a Tensor or NumPy array of the right dtype is used as is (shared memory), else copied."""
    from .device import check_device

    if device is not None:
        check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or as_numpy(dtype) == data.array.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or as_numpy(dtype) == data.dtype):
        return Tensor(data)
    return tensor(data, dtype=dtype)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor of `size` filled with fill_value; its dtype follows fill_value (bool, int64 or the default float)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    dtype = as_numpy(dtype, _number_dtype(fill_value))
    return Tensor(np.full(tuple(size), fill_value, dtype=dtype), requires_grad=requires_grad)


def _number_dtype(value):
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, numbers.Integral):
        return int64
    return get_default_dtype()


def arange(start=0, end=None, step=1, dtype=None, requires_grad=False):
    """start, start + step, ... up to but excluding end (arange(end) starts at 0); int64 when every argument is an
    integer, else the default float dtype. The values are start + i * step, computed in float64 then cast."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign (start={start}, end={end}, "
                           f"step={step})")
    integral = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    dtype = as_numpy(dtype, int64 if integral else get_default_dtype())
    count = int(np.ceil((end - start) / step))
    values = start + np.arange(count, dtype=np.float64) * step if np.issubdtype(dtype, np.floating) \
        else start + np.arange(count, dtype=np.int64) * step
    return Tensor(values.astype(dtype), requires_grad=requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Uniform samples in [0, 1) from the engine's generator."""
    samples = random.generator().random(sizes(size)).astype(as_numpy(dtype, get_default_dtype()))
    return Tensor(samples, requires_grad=requires_grad)


def randint(*args, size=None, dtype=None, requires_grad=False):
    """randint(high, size) or randint(low, high, size): integers in [low, high) (int64 unless dtype says otherwise)."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError(f"randint() takes (high, size) or (low, high, size), got {len(args)} positional arguments")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    values = random.generator().integers(low, high, tuple(size))
    return Tensor(values.astype(as_numpy(dtype, int64)), requires_grad=requires_grad)


def _like(input, dtype):
    return as_numpy(dtype, input.dtype)


def zeros_like(input, dtype=None, requires_grad=False):
    return Tensor(np.zeros(input.shape, dtype=_like(input, dtype)), requires_grad=requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    return Tensor(np.ones(input.shape, dtype=_like(input, dtype)), requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False):
    return Tensor(np.full(input.shape, fill_value, dtype=_like(input, dtype)), requires_grad=requires_grad)


def rand_like(input, dtype=None, requires_grad=False):
    return rand(*input.shape, dtype=_like(input, dtype), requires_grad=requires_grad)


def randn_like(input, dtype=None, requires_grad=False):
    return randn(*input.shape, dtype=_like(input, dtype), requires_grad=requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    """Like torch.empty, but filled with zeros (uninitialised memory helps nobody learn)."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)
