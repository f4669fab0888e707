"""The stateless functions of the layers, with torch.nn.functional's names and argument order.

The losses live in loss_functions.py and are imported here, so F.cross_entropy, F.mse_loss, ... work as in PyTorch.
"""

import warnings

from ..ops.activation import Sigmoid, Softmax, Tanh
from ..ops.conv import conv2d
from ..ops.dropout import Dropout, check_probability, draw_keep_mask
from ..ops.arithmetic import ReLU
from ..ops.losses import LogSoftmax
from ..ops.linear import Linear
from ..ops.normalization import BatchNorm
from ..ops.pool import avg_pool2d, max_pool2d
from ..torch_api.random import generator
from ..autograd.tensor import Tensor
from .loss_functions import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse_loss,
                             nll_loss)

__all__ = ["linear", "conv2d", "relu", "sigmoid", "tanh", "max_pool2d", "avg_pool2d", "log_softmax", "softmax",
           "nll_loss", "cross_entropy", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "dropout", "batch_norm"]


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias"""
    return Linear.apply(input, weight, bias)


def relu(input, inplace=False):
    """max(input, 0); inplace=True gives the same values (the engine computes them out of place)."""
    return ReLU.apply(input)


def sigmoid(input):
    """1 / (1 + e^-input)"""
    return Sigmoid.apply(input._floating())


def tanh(input):
    return Tanh.apply(input._floating())


def implicit_dim(name, ndim, stacklevel):
    """PyTorch's choice when softmax is called without dim (with its deprecation warning): 0 for 0-, 1- and 3-d
    input, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  f"an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log of softmax along dim, max-shifted so it never overflows"""
    if dim is None:
        dim = implicit_dim("log_softmax", input.ndim, _stacklevel)
    return LogSoftmax.apply(input if dtype is None else input._cast(dtype), dim=dim)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^input / sum(e^input) along dim, max-shifted so it never overflows"""
    if dim is None:
        dim = implicit_dim("softmax", input.ndim, _stacklevel)
    return Softmax.apply(input if dtype is None else input._cast(dtype), dim=dim)


def dropout(input, p=0.5, training=True):
    """In training, zero each element with probability p and scale the rest by 1/(1-p); otherwise return input.

    The mask comes from the engine's global generator, so mm.manual_seed makes it reproducible.
    """
    check_probability(p)
    if not training:
        return input
    keep = draw_keep_mask(generator(), input.shape, p)  # generator() read now: manual_seed replaces it
    return Dropout.apply(input, keep=keep, p=p)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1), then scale by weight and shift by bias.

    training=True: use the batch's mean and biased variance, and (when running_mean and running_var are
    given) update them in place: running = (1 - momentum) * running + momentum * batch statistic, with the
    unbiased variance. training=False: use running_mean and running_var.
    """
    for name, value in (("running_mean", running_mean), ("running_var", running_var)):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"batch_norm: {name} must be a Tensor or None, got {type(value).__name__}")
    return BatchNorm.apply(input, weight, bias, running_mean, running_var,
                           training=training, momentum=momentum, eps=eps)


def __getattr__(name):
    from ..torch_api.missing import missing_name

    missing_name("minitorch_mnist.nn.functional", name, __all__)
