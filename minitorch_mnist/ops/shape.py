"""Ops that move elements around without changing them: reshape, transpose/permute, indexing, expand, repeat."""

import numpy as np

from ..autograd.function import Function


class Reshape(Function):
    """z = x laid out in a new shape (same elements, same order)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape {tuple(shape)} is invalid for input of size {x.size} (input shape {x.shape})") from None

    @staticmethod
    def backward(ctx, grad):
        # each element keeps its gradient; only the layout changes back
        return (grad.reshape(ctx.input_shape),)


class Permute(Function):
    """z = x with its axes reordered by `dims` (transpose is the two-axis case)"""

    @staticmethod
    def forward(ctx, x, dims):
        axes = tuple(d % max(x.ndim, 1) for d in dims)  # negative dims count from the end
        if sorted(axes) != list(range(x.ndim)):
            raise RuntimeError(f"permute: dims {tuple(dims)} are not a permutation of the {x.ndim} dims of shape {x.shape}")
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):
        # undo the reordering with the inverse permutation
        return (np.transpose(grad, np.argsort(ctx.axes)),)


class Index(Function):
    """z = x[index] (integers, slices, integer arrays: NumPy indexing)"""

    @staticmethod
    def forward(ctx, x, index):
        ctx.input_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        # each picked element sends its gradient back to where it came from; repeats add up
        grad_x = np.zeros(ctx.input_shape, dtype=grad.dtype)
        np.add.at(grad_x, ctx.index, grad)
        return (grad_x,)


class Expand(Function):
    """z = x broadcast to `shape` (a view: sizes of 1 are repeated without copying)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        from .arithmetic import unbroadcast

        # every copy of an element sends its gradient back to it: sum over the broadcast axes
        return (unbroadcast(grad, ctx.input_shape),)


class Repeat(Function):
    """z = x tiled `repeats` times along each dim (new leading dims where repeats is longer than x's dims)"""

    @staticmethod
    def forward(ctx, x, repeats):
        ctx.input_shape = (1,) * (len(repeats) - x.ndim) + x.shape
        ctx.repeats, ctx.x_shape = repeats, x.shape
        return np.tile(x.reshape(ctx.input_shape), repeats)

    @staticmethod
    def backward(ctx, grad):
        # each element appears once per tile: sum the tiles, seen as (r0, s0, r1, s1, ...), over the r axes
        split = [size for pair in zip(ctx.repeats, ctx.input_shape) for size in pair]
        return (grad.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(ctx.x_shape),)
