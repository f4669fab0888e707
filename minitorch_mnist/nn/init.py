"""PyTorch's default initialisation, so fresh layers start from the same distributions as torch.nn.

kaiming_uniform_ with a = sqrt(5) draws W ~ U(-b, b) with b = gain * sqrt(3 / fan_in) and
gain = sqrt(2 / (1 + a^2)), which works out to b = 1 / sqrt(fan_in).
"""

import math

import numpy as np

from ..torch_api import random
from ..autograd.function import no_grad


def fan_in_and_fan_out(shape):
    """fan_in = in_features * kernel area, fan_out = out_features * kernel area (weight shape (out, in, *kernel))."""
    if len(shape) < 2:
        raise ValueError(f"fan in/out need a weight with at least 2 dimensions, got shape {shape}")
    receptive_field = int(np.prod(shape[2:]))
    return shape[1] * receptive_field, shape[0] * receptive_field


def uniform_(tensor, low=0.0, high=1.0):
    with no_grad():
        return tensor.copy_(random.generator().uniform(low, high, size=tensor.shape))


def kaiming_uniform_(tensor, a=0.0, nonlinearity="leaky_relu"):
    if nonlinearity not in ("leaky_relu", "relu"):
        raise ValueError(f"kaiming_uniform_: unsupported nonlinearity {nonlinearity!r} (use 'relu' or 'leaky_relu')")
    fan_in, _ = fan_in_and_fan_out(tensor.shape)
    gain = math.sqrt(2.0) if nonlinearity == "relu" else math.sqrt(2.0 / (1 + a * a))
    bound = gain * math.sqrt(3.0 / fan_in)
    return uniform_(tensor, -bound, bound)


def zeros_(tensor):
    with no_grad():
        return tensor.zero_()


def ones_(tensor):
    with no_grad():
        return tensor.fill_(1)


def default_layer_init_(weight, bias):
    """What nn.Linear and nn.Conv2d do in reset_parameters: kaiming-uniform(a=sqrt(5)) W, b ~ U(+-1/sqrt(fan_in))."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = fan_in_and_fan_out(weight.shape)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
