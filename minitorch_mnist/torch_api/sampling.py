"""Random sampling, with torch's names: rand, randn, randint, randperm, normal, bernoulli and the *_like forms, plus
the in-place fills Tensor.uniform_/normal_/bernoulli_ use.

Every draw comes from a NumPy generator: generator= (a minitorch_mnist.Generator) or the default one (reseeded by
manual_seed), read at call time (random.py). The keywords dtype=, device=, requires_grad=, out= are the factory
rule's (creation.py). Floating samples are drawn in float64 and cast, so a seed gives the same values in every dtype.
"""

import numpy as np

from ..autograd import dtypes
from ..autograd.dtypes import get_default_dtype
from ..autograd.tensor import Tensor, int64
from . import random
from .creation import factory, shape_of
from .out import takes_out

__all__ = ["rand", "randn", "randint", "randperm", "normal", "bernoulli", "rand_like", "randn_like", "randint_like"]


def _size(call, size):
    if not size:
        raise TypeError(f'{call}() missing 1 required positional arguments: "size"')
    return shape_of(call, size)


def _floating(call, dtype):
    dtype = dtype or np.dtype(get_default_dtype())
    if dtypes.category(dtype) < 2:
        raise NotImplementedError(f'"{call}" not implemented for {np.dtype(dtype).name!r} (it draws floating point '
                                  f'numbers; give a floating dtype)')
    return dtype


@factory()
def rand(*size, generator=None, dtype=None):
    """Uniform samples in [0, 1)."""
    return random.generator(generator).random(_size("rand", size)).astype(_floating("rand", dtype))


@factory()
def randn(*size, generator=None, dtype=None):
    """Standard normal samples (mean 0, standard deviation 1)."""
    return random.generator(generator).standard_normal(_size("randn", size)).astype(_floating("randn", dtype))


@factory()
def randint(*args, size=None, generator=None, dtype=None, low=None, high=None):
    """randint(high, size) or randint(low, high, size): integers in [low, high) (int64 unless dtype says otherwise)."""
    args = args + tuple(value for value in (low, high, size) if value is not None)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError(f"randint() takes (high, size) or (low, high, size), got {len(args)} arguments")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    values = random.generator(generator).integers(low, high, shape_of("randint", size))
    return values.astype(dtype or int64)


@factory()
def randperm(n, generator=None, dtype=None):
    """0, 1, ..., n - 1 in a random order (int64 unless dtype says otherwise)."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    return random.generator(generator).permutation(int(n)).astype(dtype or int64)


@factory()
def normal(mean, std=1.0, size=None, generator=None, dtype=None):
    """Normal samples: mean and std are tensors (broadcast together) or numbers; two numbers need size."""
    tensors = [value for value in (mean, std) if isinstance(value, Tensor)]
    if not tensors and size is None:
        raise TypeError("normal() received an invalid combination of arguments: with a number mean and std, give "
                        "size= too")
    mean_array, std_array = (value.array if isinstance(value, Tensor) else value for value in (mean, std))
    if np.any(np.asarray(std_array) < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {np.min(std_array)}")
    shape = shape_of("normal", size) if size is not None else np.broadcast_shapes(
        *(np.shape(value) for value in (mean_array, std_array)))
    result = dtype or (dtypes.result_type(*tensors) if tensors else np.dtype(get_default_dtype()))
    draw = random.generator(generator).standard_normal(shape)
    return (mean_array + std_array * draw).astype(_floating("normal", result))


@takes_out()
def bernoulli(input, p=None, *, generator=None):
    """1 with probability p (the values of input, or the number p), else 0, in input's dtype (not a factory: PyTorch
    takes no dtype=, device= or requires_grad= here)."""
    probabilities = input.array if p is None else np.full(input.shape, p)
    if np.any((probabilities < 0) | (probabilities > 1)):
        raise RuntimeError("bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    draws = random.generator(generator).random(input.shape) < probabilities
    return Tensor(draws.astype(input.dtype))


@factory(takes_out=False)
def rand_like(input, generator=None, dtype=None):
    return rand(*input.shape, generator=generator, dtype=_floating("rand_like", dtype or input.dtype)).array


@factory(takes_out=False)
def randn_like(input, generator=None, dtype=None):
    return randn(*input.shape, generator=generator, dtype=_floating("randn_like", dtype or input.dtype)).array


@factory(takes_out=False)
def randint_like(input, low=0, high=None, generator=None, dtype=None):
    """randint_like(input, high) or randint_like(input, low, high): integers in [low, high) in input's dtype."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype).array


def fill_uniform(tensor, low, high, generator=None):
    """Tensor.uniform_: uniform samples in [low, high) written into `tensor` (in place, like nn.init)."""
    draws = random.generator(generator).uniform(low, high, size=tensor.shape)
    return tensor.copy_(draws)


def fill_normal(tensor, mean, std, generator=None):
    """Tensor.normal_: normal samples written into `tensor`."""
    return tensor.copy_(mean + std * random.generator(generator).standard_normal(tensor.shape))


def fill_bernoulli(tensor, p, generator=None):
    """Tensor.bernoulli_: 1 with probability p (a number or a tensor of probabilities), else 0, written into tensor."""
    probabilities = p.array if isinstance(p, Tensor) else p
    return tensor.copy_(random.generator(generator).random(tensor.shape) < probabilities)
