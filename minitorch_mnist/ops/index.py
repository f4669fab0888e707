"""Ops that pick or place elements by an index tensor: gather, scatter, scatter_add, index_select, masked_fill.

gather and scatter address x along one dim: for dim=1 of a 3-d x, gather reads z[i, j, k] = x[i, index[i, j, k], k]
and scatter writes z[i, index[i, j, k], k] = src[i, j, k]. `along` turns (index, dim) into the NumPy index tuple
that names those positions, so forward and backward read and write the same elements.
A 0-d tensor counts as 1-d here, as in PyTorch (torch.zeros(10).scatter_(0, torch.tensor(3), value=1) is one-hot).
"""

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast
from .checks import check_dim


def along(index, dim):
    """The NumPy index of the positions (.., index[.., j, ..], ..): index on `dim`, each other axis its own position."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


def check_index(call, x_shape, index, dim, src_shape=None):
    """PyTorch's checks of gather/scatter: dtype, dims, sizes (index no larger than x or src off `dim`), bounds."""
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{call}(): Expected dtype int32/int64 for index, got {index.dtype}")
    ndim = max(len(x_shape), 1)
    if max(index.ndim, 1) != ndim:
        raise RuntimeError(f"{call}(): Index tensor must have the same number of dimensions as input tensor "
                           f"(index shape {index.shape}, input shape {x_shape})")
    dim = check_dim(dim, ndim)
    x_sizes, index_sizes = x_shape or (1,), index.shape or (1,)
    src_sizes = None if src_shape is None else (src_shape or (1,))
    for axis, size in enumerate(index_sizes):
        too_big_for_x = axis != dim and size > x_sizes[axis]
        if too_big_for_x or (src_sizes is not None and size > src_sizes[axis]):
            raise RuntimeError(f"{call}(): Expected index {list(index_sizes)} to be no larger than self "
                               f"{list(x_sizes)} apart from dimension {dim}"
                               + ("" if src_sizes is None else f" and to be no larger size than src {list(src_sizes)}"))
    if index.size and (index.min() < 0 or index.max() >= x_sizes[dim]):
        bad = index.min() if index.min() < 0 else index.max()
        raise RuntimeError(f"{call}(): index {bad} is out of bounds for dimension {dim} with size {x_sizes[dim]}")
    return dim


def _as_1d(array):
    return array.reshape(1) if array.ndim == 0 else array


class Gather(Function):
    """z = x gathered along dim: z[.., j, ..] = x[.., index[.., j, ..], ..]"""

    @staticmethod
    def forward(ctx, x, index, dim):
        dim = check_index("gather", x.shape, index, dim)
        ctx.x_shape, ctx.where = x.shape, along(_as_1d(index).astype(np.intp), dim)
        return _as_1d(x)[ctx.where].reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        # dz[p]/dx[where[p]] = 1: each gathered element sends its gradient back; repeated picks add up
        grad_x = np.zeros(ctx.x_shape or (1,), dtype=grad.dtype)
        np.add.at(grad_x, ctx.where, _as_1d(grad))
        return grad_x.reshape(ctx.x_shape), None


class Scatter(Function):
    """z = x with z[.., index[.., j, ..], ..] = src[.., j, ..] (src a tensor, or `value` written everywhere)"""

    @staticmethod
    def forward(ctx, x, index, src, dim, value=None):
        call = "scatter"
        dim = check_index(call, x.shape, index, dim, None if src is None else src.shape)
        ctx.where = along(_as_1d(index).astype(np.intp), dim)
        ctx.index_shape, ctx.src_shape = index.shape or (1,), None if src is None else src.shape
        z = np.array(x, copy=True)
        picked = value if src is None else _as_1d(src)[tuple(slice(0, n) for n in ctx.index_shape)]
        z.reshape(x.shape or (1,))[ctx.where] = picked  # where an index repeats, one write wins (undefined in PyTorch)
        return z

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 1 where nothing was written, 0 where src (or value) replaced x; dz[where[p]]/dsrc[p] = 1
        grad_1d = _as_1d(grad)
        grad_src = _pad_to(grad_1d[ctx.where], ctx.src_shape) if ctx.needs_input_grad[2] else None
        grad_x = np.array(grad_1d, copy=True)
        grad_x[ctx.where] = 0
        return grad_x.reshape(grad.shape), None, grad_src


class ScatterAdd(Function):
    """z = x, then z[.., index[.., j, ..], ..] += src[.., j, ..] for every j (repeated indices add up)"""

    @staticmethod
    def forward(ctx, x, index, src, dim):
        dim = check_index("scatter_add", x.shape, index, dim, src.shape)
        ctx.where = along(_as_1d(index).astype(np.intp), dim)
        ctx.src_shape = src.shape
        z = np.array(x, copy=True)
        index_shape = index.shape or (1,)
        np.add.at(z.reshape(x.shape or (1,)), ctx.where, _as_1d(src)[tuple(slice(0, n) for n in index_shape)])
        return z

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 1; dz[where[p]]/dsrc[p] = 1
        grad_src = _pad_to(_as_1d(grad)[ctx.where], ctx.src_shape) if ctx.needs_input_grad[2] else None
        return grad, None, grad_src


def _pad_to(grad, shape):
    """A gradient for src of `shape`, from the part of src that index reached (the rest of src gets 0)."""
    full = np.zeros(shape or (1,), dtype=grad.dtype)
    full[tuple(slice(0, n) for n in grad.shape)] = grad
    return full.reshape(shape)


class IndexSelect(Function):
    """z = the slices x[.., index[k], ..] along dim, in the order of index (repeats allowed)"""

    @staticmethod
    def forward(ctx, x, index, dim):
        if index.ndim > 1:
            raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {index.shape}")
        if index.dtype not in (np.int64, np.int32):
            raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index, got {index.dtype}")
        dim = check_dim(dim, x.ndim)
        size = x.shape[dim] if x.ndim else 1
        if index.size and (index.min() < 0 or index.max() >= size):
            bad = index.min() if index.min() < 0 else index.max()
            raise RuntimeError(f"index_select(): index {bad} is out of range for dimension {dim} with size {size}")
        ctx.x_shape, ctx.dim, ctx.index = x.shape, dim, _as_1d(index)
        if x.ndim == 0:
            return x.reshape(1)[ctx.index].reshape(index.shape)
        return np.take(x, ctx.index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        # dz[.., k, ..]/dx[.., index[k], ..] = 1; an index picked twice gets both gradients
        grad_x = np.zeros(ctx.x_shape or (1,), dtype=grad.dtype)
        np.add.at(grad_x, (slice(None),) * ctx.dim + (ctx.index,), grad.reshape(-1) if not ctx.x_shape else grad)
        return grad_x.reshape(ctx.x_shape), None


class MaskedFill(Function):
    """z = value where mask, else x (mask broadcasts against x; value is a 0-d tensor)"""

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.save(mask)
        ctx.x_shape, ctx.value_dtype = x.shape, value.dtype
        return np.where(mask, value.astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved
        # dz/dx = 1 where the mask is False; dz/dvalue = 1 where it is True (summed: value is one number)
        grad_x = unbroadcast(np.where(mask, 0, grad), ctx.x_shape) if ctx.needs_input_grad[0] else None
        grad_value = np.where(mask, grad, 0).sum().astype(ctx.value_dtype) if ctx.needs_input_grad[2] else None
        return grad_x, None, grad_value
