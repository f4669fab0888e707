"""Reductions over a dimension (or all of them): sum, mean, max, min, prod, amax, amin; and the running sum cumsum."""

import numpy as np

from ..autograd.function import Function
from .checks import check_dim, check_dims


def _expand_to_input(grad, axes, keepdim, input_shape):
    """Put back the reduced axes (size 1) so grad broadcasts against the input."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, input_shape)


def whole_or_dim(function, options, whole, dim):
    """PyTorch numbers the overloads of a reduction: the node is <Name>Backward<n>, n telling dim=None from a dim."""
    return f"{function.__name__}Backward{whole if options.get('dim') is None else dim}"


class Sum(Function):
    """z = sum of x over `dim`"""

    @classmethod
    def torch_name(cls, inputs, options):
        return whole_or_dim(cls, options, whole=0, dim=1)  # sum() is SumBackward0, sum(dim) SumBackward1

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = check_dims(dim, x.ndim)
        ctx.keepdim = keepdim
        ctx.input_shape = x.shape
        return x.sum(axis=ctx.axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx_i = 1 for every summed element: copy the gradient back along the reduced axes
        return (_expand_to_input(grad, ctx.axes, ctx.keepdim, ctx.input_shape),)


class Mean(Function):
    """z = mean of x over `dim`"""

    @classmethod
    def torch_name(cls, inputs, options):
        return whole_or_dim(cls, options, whole=0, dim=1)  # mean() is MeanBackward0, mean(dim) MeanBackward1

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = check_dims(dim, x.ndim)
        ctx.keepdim = keepdim
        ctx.input_shape = x.shape
        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes]))
        with np.errstate(invalid="ignore", divide="ignore"):  # the mean of nothing is nan, silently, as in PyTorch
            return x.sum(axis=ctx.axes, keepdims=keepdim) / ctx.count  # what x.mean computes, without its warning

    @staticmethod
    def backward(ctx, grad):
        # dz/dx_i = 1/n for each of the n averaged elements
        with np.errstate(invalid="ignore", divide="ignore"):
            return (_expand_to_input(grad / ctx.count, ctx.axes, ctx.keepdim, ctx.input_shape),)


class _Extreme(Function):
    """z = max (or min) of x over one `dim`, or over everything when dim is None"""

    arg_function = staticmethod(np.argmax)  # which element wins: np.argmax or np.argmin (first one, NaN first)

    @classmethod
    def torch_name(cls, inputs, options):
        return whole_or_dim(cls, options, whole=1, dim=0)  # max() is MaxBackward1, max(dim) MaxBackward0

    @classmethod
    def forward(cls, ctx, x, dim=None, keepdim=False):
        ctx.input_shape = x.shape
        if dim is None:
            ctx.axis = None
            value = x[np.unravel_index(cls.arg_function(x), x.shape)] if x.ndim else x.copy()  # NaN wins, as in PyTorch
            ctx.save(np.isnan(x) if np.isnan(value) else x == value)
            return value
        axis = check_dim(dim, x.ndim)
        if x.ndim and x.shape[axis] == 0:
            raise IndexError(f"{cls.__name__.lower()}(): Expected reduction dim {axis} to have non-zero size.")
        ctx.axis, ctx.keepdim = axis, keepdim
        if x.ndim == 0:
            ctx.save(np.zeros((1,), dtype=np.int64))
            return x.copy()
        indices = np.expand_dims(cls.arg_function(x, axis=axis), axis)
        ctx.save(indices)
        values = np.take_along_axis(x, indices, axis=axis)
        return values if keepdim else values.squeeze(axis)

    @staticmethod
    def backward(ctx, grad):
        if ctx.axis is None:
            (winners,) = ctx.saved
            # dz/dx = 1/k at each of the k tied winners (or NaNs), 0 elsewhere (PyTorch's rule for max()/min())
            return ((winners * (grad / winners.sum())).astype(grad.dtype, copy=False),)
        if len(ctx.input_shape) == 0:
            return (grad,)
        (indices,) = ctx.saved
        # dz/dx = 1 at the index max(dim)/min(dim) returned, 0 elsewhere: the gradient is routed to the winner
        grad_x = np.zeros(ctx.input_shape, dtype=grad.dtype)
        if not ctx.keepdim:
            grad = np.expand_dims(grad, ctx.axis)
        np.put_along_axis(grad_x, indices, grad, axis=ctx.axis)
        return (grad_x,)


class Max(_Extreme):
    """z = the largest element of x (over `dim`, or everything)"""

    arg_function = staticmethod(np.argmax)


class Min(_Extreme):
    """z = the smallest element of x (over `dim`, or everything)"""

    arg_function = staticmethod(np.argmin)


def others_product(x, axis):
    """For each element, the product of the other elements along `axis`: (product before it) * (product after it),
    two exclusive running products, so a zero in x gives exact results (no division by x)."""
    x = np.moveaxis(x, axis, -1)
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis(before * after, -1, axis)


class Prod(Function):
    """z = the product of x over one `dim`, or over everything when dim is None"""

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axis = None if dim is None else check_dim(dim, x.ndim)
        ctx.keepdim = keepdim
        ctx.save(x)
        if ctx.axis is None or x.ndim == 0:
            return x.prod()
        return x.prod(axis=ctx.axis, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        # dz/dx_i = the product of the other elements
        if ctx.axis is None or x.ndim == 0:
            return (grad * others_product(x.reshape(-1), 0).reshape(x.shape),)
        if not ctx.keepdim:
            grad = np.expand_dims(grad, ctx.axis)
        return (grad * others_product(x, ctx.axis),)


class Cumsum(Function):
    """z_i = x_0 + ... + x_i along `dim`"""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.axis = check_dim(dim, x.ndim)
        return np.cumsum(x, axis=ctx.axis) if x.ndim else x.copy()

    @staticmethod
    def backward(ctx, grad):
        # dz_j/dx_i = 1 for j >= i: each x_i gets the sum of the gradients from i to the end
        if grad.ndim == 0:
            return (grad,)
        return (np.flip(np.cumsum(np.flip(grad, ctx.axis), axis=ctx.axis), ctx.axis),)


class _ExtremeValues(Function):
    """z = max (amax) or min (amin) of x over `dim` (an int, a tuple, or None for everything)"""

    numpy_function = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, x, dim=None, keepdim=False):
        axes = check_dims(dim, x.ndim)
        z = cls.numpy_function(x, axis=axes, keepdims=True)
        ctx.save(x, z)
        ctx.axes, ctx.keepdim = axes, keepdim
        return z if keepdim else z.squeeze(axes)

    @staticmethod
    def backward(ctx, grad):
        x, z = ctx.saved
        # dz/dx = 1/k at each of the k elements equal to the extreme, 0 elsewhere (ties share, as PyTorch's amax)
        winners = (x == z) | (np.isnan(x) & np.isnan(z))
        grad = grad if ctx.keepdim else np.expand_dims(grad, ctx.axes)
        return ((grad * winners / winners.sum(axis=ctx.axes, keepdims=True)).astype(x.dtype, copy=False),)


class AMax(_ExtremeValues):
    """z = the largest x over `dim`"""

    numpy_function = staticmethod(np.max)


class AMin(_ExtremeValues):
    """z = the smallest x over `dim`"""

    numpy_function = staticmethod(np.min)
