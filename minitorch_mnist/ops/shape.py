"""Ops that move elements around without changing them: reshape, transpose/permute, indexing, expand, repeat."""

import numpy as np

from ..autograd.function import Function


class Reshape(Function):
    """z = x laid out in a new shape (same elements, same order)"""

    @classmethod
    def torch_name(cls, inputs, options):
        """reshape gives a view where the strides allow it (ViewBackward0), else a copy PyTorch then views
        (UnsafeViewBackward0); unsqueeze, squeeze and view rename it (tensor_methods.py)."""
        try:
            np.reshape(inputs[0].array, options["shape"], copy=False)
        except ValueError:
            return "UnsafeViewBackward0"
        return "ViewBackward0"

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

    @classmethod
    def torch_name(cls, inputs, options):
        return index_node_name(options["index"], inputs[0].shape)

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


def index_node_name(index, shape):
    """The node PyTorch's x[index] ends with (it records one node per step, the engine one for all of them):
    IndexBackward0 when an index is an array, list or bool (advanced indexing comes last); else the last step
    that does something: an int selects (SelectBackward0), a slice slices (SliceBackward0; one covering the whole
    dim is skipped inside a tuple), None unsqueezes (UnsqueezeBackward0); nothing at all gives AliasBackward0."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(part, (list, bool, np.bool_)) or (isinstance(part, np.ndarray) and
           (part.ndim > 0 or part.dtype == np.bool_)) for part in parts):
        return "IndexBackward0"
    if not isinstance(index, tuple) and isinstance(index, slice):
        return "SliceBackward0"  # x[:] alone is a slice, even of the whole dim
    consuming = sum(part is not None and part is not Ellipsis for part in parts)
    last, dim = "AliasBackward0", 0
    for part in parts:
        if part is Ellipsis:
            dim += len(shape) - consuming
        elif part is None:
            last = "UnsqueezeBackward0"
        elif isinstance(part, slice):
            if part.indices(shape[dim]) != (0, shape[dim], 1):
                last = "SliceBackward0"
            dim += 1
        else:  # an int, a NumPy integer or a 0-d integer array
            last, dim = "SelectBackward0", dim + 1
    return last


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
