"""Joining tensors: cat along an existing dim, stack along a new one (torch.cat, torch.stack)."""

import numpy as np

from ..autograd.function import Function
from .checks import check_dim


def _shape_text(shape):
    return "[" + ", ".join(str(size) for size in shape) + "]"


def check_cat(arrays, dim):
    """PyTorch's checks and messages for torch.cat; returns the axis and which inputs take part.

    A 1-D tensor with no elements is skipped, as PyTorch does for legacy reasons.
    """
    if not arrays:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for position, array in enumerate(arrays):
        if array.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {position}) cannot be concatenated")
    joined = [array.shape != (0,) for array in arrays]
    if not any(joined):
        joined = [True] * len(arrays)
    first = next(array for array, used in zip(arrays, joined) if used)
    axis = check_dim(dim, first.ndim)
    for position, (array, used) in enumerate(zip(arrays, joined)):
        if not used:
            continue
        if array.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {array.ndim}")
        for d, (expected, got) in enumerate(zip(first.shape, array.shape)):
            if d != axis and expected != got:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected size "
                                   f"{expected} but got size {got} for tensor number {position} in the list.")
    return axis, joined


class Cat(Function):
    """z = the inputs laid end to end along `dim` (they agree on every other dim)"""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        axis, joined = check_cat(arrays, dim)
        ctx.axis, ctx.joined = axis, joined
        ctx.sizes = [array.shape[axis] if used else 0 for array, used in zip(arrays, joined)]
        return np.concatenate([array for array, used in zip(arrays, joined) if used], axis=axis)

    @staticmethod
    def backward(ctx, grad):
        # each input gets back its own slice of the gradient along dim (a skipped empty input gets nothing)
        pieces = np.split(grad, np.cumsum(ctx.sizes)[:-1], axis=ctx.axis)
        return tuple(piece if used else np.zeros((0,), dtype=grad.dtype) for piece, used in zip(pieces, ctx.joined))


def check_stack(arrays, dim):
    """PyTorch's checks and messages for torch.stack; returns the new axis."""
    if not arrays:
        raise RuntimeError("stack expects a non-empty TensorList")
    for position, array in enumerate(arrays):
        if array.shape != arrays[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {_shape_text(arrays[0].shape)} "
                               f"at entry 0 and {_shape_text(array.shape)} at entry {position}")
    return check_dim(dim, arrays[0].ndim + 1)


class Stack(Function):
    """z = the inputs (all of one shape) side by side along a new axis `dim`"""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.axis = check_stack(arrays, dim)
        return np.stack(arrays, axis=ctx.axis)

    @staticmethod
    def backward(ctx, grad):
        # input i gets the gradient's slice i along the new axis
        return tuple(np.moveaxis(grad, ctx.axis, 0))
