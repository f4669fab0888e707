"""Reductions that measure spread and size: var and std (with PyTorch's `correction`), and vector norms.

    var = sum((x - mean)^2) / (N - correction)      (correction=1: the unbiased estimate, PyTorch's default)
    std = sqrt(var)
    ||x||_p = (sum |x|^p)^(1/p);  p=inf: max |x|;  p=-inf: min |x|;  p=0: the number of non-zero elements
"""

import warnings

import numpy as np

from ..autograd.function import Function
from .checks import check_dims


def degrees_of_freedom(x_shape, axes, correction):
    """N - correction for the N elements each output averages (never below 0), with PyTorch's warning at 0."""
    count = int(np.prod([x_shape[a] for a in axes]))
    dof = max(0, count - correction)
    if dof <= 0:
        warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=6)
    return dof


class _Spread(Function):
    """var or std of x over `dim`"""

    @classmethod
    def forward(cls, ctx, x, dim=None, correction=1, keepdim=False):
        axes = check_dims(dim, x.ndim)
        dof = degrees_of_freedom(x.shape, axes, correction)
        centered = x - x.mean(axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # dof = 0 gives inf or nan, as in PyTorch
            var = (centered * centered).sum(axis=axes, keepdims=True) / x.dtype.type(dof)
        z = cls.finish(var)
        ctx.save(centered, z)
        ctx.axes, ctx.keepdim, ctx.dof = axes, keepdim, dof
        return z if keepdim else z.squeeze(axes)

    finish = staticmethod(lambda var: var)

    @staticmethod
    def expand(ctx, grad):
        return grad if ctx.keepdim else np.expand_dims(grad, ctx.axes)


class Var(_Spread):
    """z = sum((x - mean)^2) / (N - correction) over `dim`"""

    @staticmethod
    def backward(ctx, grad):
        centered, _ = ctx.saved
        # dz/dx_i = 2 (x_i - mean) / (N - correction)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (_Spread.expand(ctx, grad) * 2 * centered / centered.dtype.type(ctx.dof),)


class Std(_Spread):
    """z = sqrt(var(x)) over `dim`"""

    finish = staticmethod(np.sqrt)

    @staticmethod
    def backward(ctx, grad):
        centered, std = ctx.saved
        # dz/dx_i = (x_i - mean) / ((N - correction) z), and 0 where z == 0 (PyTorch's choice for constant x)
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_x = _Spread.expand(ctx, grad) * centered / (centered.dtype.type(ctx.dof) * std)
        return (np.where(std == 0, 0, grad_x).astype(centered.dtype, copy=False),)


class Norm(Function):
    """z = ||x||_p over `dim` (p a number, inf or -inf)"""

    @staticmethod
    def forward(ctx, x, p=2, dim=None, keepdim=False):
        axes = check_dims(dim, x.ndim)
        magnitude = np.abs(x)
        if p == np.inf:
            z = magnitude.max(axis=axes, keepdims=True, initial=0)
        elif p == -np.inf:
            z = magnitude.min(axis=axes, keepdims=True)
        elif p == 0:
            z = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        elif p == 1:
            z = magnitude.sum(axis=axes, keepdims=True)
        elif p == 2:
            z = np.sqrt((x * x).sum(axis=axes, keepdims=True))
        else:
            with np.errstate(divide="ignore"):
                z = (magnitude ** p).sum(axis=axes, keepdims=True) ** (1 / p)
        z = z.astype(x.dtype, copy=False)
        ctx.save(x, z)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return z if keepdim else z.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        x, z = ctx.saved
        p = ctx.p
        grad = grad if ctx.keepdim else np.expand_dims(grad, ctx.axes)
        if p == 0:
            return (None,)  # a count: no gradient (PyTorch leaves .grad as None too)
        if p in (np.inf, -np.inf):
            # dz/dx_i = sign(x_i) / k at the k elements whose |x_i| is the max (min), 0 elsewhere
            winners = np.abs(x) == z
            return ((grad * np.sign(x) * winners / winners.sum(axis=ctx.axes, keepdims=True)).astype(x.dtype),)
        if p == 1:
            # dz/dx_i = sign(x_i)
            return (grad * np.sign(x),)
        # dz/dx_i = sign(x_i) |x_i|^(p-1) / z^(p-1), 0 where z == 0 or x_i == 0 (PyTorch's values there)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.sign(x) * (np.abs(x) / z) ** (p - 1) if p != 2 else x / z
        return (np.where((z == 0) | (x == 0), 0, grad * ratio).astype(x.dtype, copy=False),)
