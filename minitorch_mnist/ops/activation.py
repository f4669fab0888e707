"""Activations: relu, sigmoid, tanh, softmax and log_softmax (the partner of the NLL loss in loss.py)."""

import numpy as np

from .. import kernels
from ..autograd.function import Function
from .checks import check_dim, check_floating


class Sigmoid(Function):
    """z = 1 / (1 + e^-x), computed from e^-|x| so that exp never overflows"""

    @staticmethod
    def forward(ctx, x):
        e = np.exp(-np.abs(x))
        z = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = z * (1 - z)
        return (grad * z * (1 - z),)


class Tanh(Function):
    """z = tanh x"""

    @staticmethod
    def forward(ctx, x):
        z = np.tanh(x)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = 1 - z^2
        return (grad * (1 - z * z),)


class Softmax(Function):
    """z = e^x / sum(e^x) along `dim`, computed from x - max so exp never overflows"""

    @staticmethod
    def forward(ctx, x, dim):
        dim = check_dim(dim, x.ndim)
        check_floating(x, "softmax")
        if x.ndim == 0:
            z = np.ones_like(x)
        else:
            e = np.exp(x - x.max(axis=dim, keepdims=True, initial=-np.inf))
            z = e / e.sum(axis=dim, keepdims=True)
        ctx.dim = dim if x.ndim else None
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz_i/dx_j = z_i (delta_ij - z_j), so the gradient is z * (g - sum(g * z))
        return (z * (grad - (grad * z).sum(axis=ctx.dim, keepdims=ctx.dim is not None)),)


class ReLU(Function):
    """z = max(x, 0)"""

    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        z = kernels.backend.relu_forward(x)  # NaN stays NaN, as in PyTorch (kernels/numpy_activation.py)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = 0 where z <= 0, else 1 (PyTorch takes 0 at x == 0 and passes the gradient through at NaN);
        # kernels/numpy_activation.py writes it in NumPy, numba_activation.py in one compiled pass
        return (kernels.backend.relu_backward(grad, z),)


class LogSoftmax(Function):
    """z = x - log(sum(exp(x))) along `dim`, computed as (x - max) - log(sum(exp(x - max))) so exp never overflows"""

    @staticmethod
    def forward(ctx, x, dim):
        dim = check_dim(dim, x.ndim)
        check_floating(x, "log_softmax")
        shifted = x - x.max(axis=dim, keepdims=True, initial=-np.inf)  # initial: an empty dim gives an empty result
        with np.errstate(divide="ignore", invalid="ignore"):  # all -inf (or empty) rows: nan/-inf, as in PyTorch
            z = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # d/dx log_softmax: g - softmax * g.sum  (softmax = exp(z))
        return (grad - np.exp(z) * grad.sum(axis=ctx.dim, keepdims=True),)
