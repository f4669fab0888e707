"""Smooth activations: sigmoid, tanh and softmax (log_softmax, its partner in the losses, is in loss.py)."""

import numpy as np

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
