"""Reductions over a dimension (or all of them): sum, mean, max."""

import numpy as np

from ..function import Function


def _normalize_dim(dim, ndim):
    """dim as a tuple of non-negative axes (None means all axes)."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
    return tuple(d % max(ndim, 1) for d in dims)


def _expand_to_input(grad, axes, keepdim, input_shape):
    """Put back the reduced axes (size 1) so grad broadcasts against the input."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, input_shape)


class Sum(Function):
    """z = sum of x over `dim`"""

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = _normalize_dim(dim, x.ndim)
        ctx.keepdim = keepdim
        ctx.input_shape = x.shape
        return x.sum(axis=ctx.axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx_i = 1 for every summed element: copy the gradient back along the reduced axes
        return (_expand_to_input(grad, ctx.axes, ctx.keepdim, ctx.input_shape),)


class Mean(Function):
    """z = mean of x over `dim`"""

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.axes = _normalize_dim(dim, x.ndim)
        ctx.keepdim = keepdim
        ctx.input_shape = x.shape
        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes]))
        return x.mean(axis=ctx.axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx_i = 1/n for each of the n averaged elements
        return (_expand_to_input(grad / ctx.count, ctx.axes, ctx.keepdim, ctx.input_shape),)


class Max(Function):
    """z = max of x over one `dim`, or over everything when dim is None"""

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False):
        ctx.input_shape = x.shape
        if dim is None:
            ctx.axis = None
            value = x.max()
            ctx.save(x == value)
            return value
        (axis,) = _normalize_dim(dim, x.ndim)
        indices = np.expand_dims(np.argmax(x, axis=axis), axis)  # first maximum wins, as in PyTorch
        ctx.axis, ctx.keepdim = axis, keepdim
        ctx.save(indices)
        values = np.take_along_axis(x, indices, axis=axis)
        return values if keepdim else values.squeeze(axis)

    @staticmethod
    def backward(ctx, grad):
        if ctx.axis is None:
            (is_max,) = ctx.saved
            # dz/dx = 1/k at each of the k tied maxima, 0 elsewhere (PyTorch's rule for max())
            return ((is_max * (grad / is_max.sum())).astype(grad.dtype, copy=False),)
        (indices,) = ctx.saved
        # dz/dx = 1 at the index max(dim) returned, 0 elsewhere: the gradient is routed to the winner
        grad_x = np.zeros(ctx.input_shape, dtype=grad.dtype)
        if not ctx.keepdim:
            grad = np.expand_dims(grad, ctx.axis)
        np.put_along_axis(grad_x, indices, grad, axis=ctx.axis)
        return (grad_x,)
