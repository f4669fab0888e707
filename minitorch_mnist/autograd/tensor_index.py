"""Tensor methods that index, slice, join and split (PyTorch's "indexing, slicing, joining, mutating" ops): gather,
scatter, scatter_add, index_select, masked_fill, masked_select, narrow, chunk, split, unbind, expand, repeat, nonzero.

Those that read or write by an index tensor call the Functions of ops/index.py; slicing ones (narrow, chunk, split,
unbind, masked_select) are indexing (t[...]), so their gradients come from the Index op. Mixed into Tensor; the
in-place forms (scatter_, masked_fill_, ...) are made by the rule in tensor_inplace.py.
"""

import numpy as np

from ..ops import index as index_ops
from ..ops import shape as shape_ops
from ..ops.checks import check_broadcast, check_dim, sizes


def _index_array(index, call, argument="index"):
    from .tensor import Tensor

    if not isinstance(index, Tensor):
        raise TypeError(f"{call}(): argument '{argument}' must be Tensor, not {type(index).__name__}")
    return index


class TensorIndexing:
    # ---- by an index tensor ----
    def gather(self, dim, index, *, sparse_grad=False):
        """z[.., j, ..] = self[.., index[.., j, ..], ..] along dim (z has index's shape)."""
        return index_ops.Gather.apply(self, _index_array(index, "gather"), dim=dim)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        """A copy of self with z[.., index[.., j, ..], ..] = src[.., j, ..] (src a tensor) or = value (a number)."""
        from .tensor import Tensor

        if reduce is not None:
            raise NotImplementedError("scatter(reduce=...) is deprecated in PyTorch and not in the engine; use "
                                      "scatter_add (reduce='add')")
        _index_array(index, "scatter")
        if src is not None and not isinstance(src, Tensor):
            src, value = None, src  # scatter(dim, index, 1.0): a number in src's place is the value
        if (src is None) == (value is None):
            raise TypeError("scatter(): give either src (a Tensor) or value (a number)")
        if src is not None and src.dtype != self.dtype:
            raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype (self {self.dtype}, "
                               f"src {src.dtype})")
        return index_ops.Scatter.apply(self, index, src, dim=dim, value=value)

    def scatter_add(self, dim, index, src):
        """A copy of self with src[.., j, ..] added at [.., index[.., j, ..], ..] (repeated indices add up)."""
        from .tensor import Tensor

        _index_array(index, "scatter_add")
        if not isinstance(src, Tensor):
            raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
        if src.dtype != self.dtype:
            raise RuntimeError(f"scatter_add(): Expected self.dtype to be equal to src.dtype (self {self.dtype}, "
                               f"src {src.dtype})")
        return index_ops.ScatterAdd.apply(self, index, src, dim=dim)

    def index_select(self, dim, index):
        """The slices self[.., index[k], ..] along dim, stacked in index's order."""
        return index_ops.IndexSelect.apply(self, _index_array(index, "index_select"), dim=dim)

    def masked_fill(self, mask, value):
        """value where mask is True, else self (mask: a bool tensor that broadcasts; value: a number or 0-d tensor)."""
        from .tensor import Tensor

        _index_array(mask, "masked_fill", "mask")
        if mask.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
        check_broadcast(self.array.shape, mask.array.shape)
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value.ndim} dimension(s).")
        else:
            value = Tensor(np.asarray(value))
        return index_ops.MaskedFill.apply(self, mask, value)

    def masked_select(self, mask):
        """The elements where mask (broadcast with self) is True, as a 1-d tensor."""
        _index_array(mask, "masked_select", "mask")
        if mask.dtype != np.bool_:
            raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {mask.dtype}")
        shape = np.broadcast_shapes(self.array.shape, mask.array.shape)
        return self.expand(shape)[mask.expand(shape)]

    def nonzero(self, *, as_tuple=False):
        """The indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-d tensor per dim (as_tuple)."""
        from .tensor import Tensor

        indices = np.nonzero(self.array.reshape(1) if self.ndim == 0 else self.array)
        if as_tuple:
            return tuple(Tensor(axis.astype(np.int64)) for axis in indices)
        found = np.stack(indices, axis=1).astype(np.int64)
        return Tensor(found[:, :self.ndim])  # a 0-d tensor: (1, 0) or (0, 0), as PyTorch

    # ---- slices: views through indexing ----
    def narrow(self, dim, start, length):
        """The `length` elements of dim from `start` on (negative start counts from the end)."""
        axis = check_dim(dim, self.ndim)
        size = self.shape[axis]
        start = int(start) + size if int(start) < 0 else int(start)
        if not 0 <= start <= size or length < 0 or start + length > size:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def split(self, split_size_or_sections, dim=0):
        """Pieces of split_size along dim (the last may be smaller), or pieces of the sizes in a list."""
        axis = check_dim(dim, self.ndim)
        size = self.shape[axis]
        if isinstance(split_size_or_sections, (list, tuple)):
            sections = [int(n) for n in split_size_or_sections]
            if sum(sections) != size:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                                   f"size at dimension {axis}), but got split_sizes={sections}")
        else:
            step = int(split_size_or_sections)
            if step == 0 and size != 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
            sections = [min(step, size - start) for start in range(0, size, step)] if step else [0]
        starts = np.cumsum([0] + sections[:-1])
        return tuple(self.narrow(axis, start, length) for start, length in zip(starts, sections))

    def chunk(self, chunks, dim=0):
        """At most `chunks` pieces of equal size ceil(size / chunks) along dim (the last may be smaller)."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        size = self.shape[check_dim(dim, self.ndim)]
        return self.split(max(1, -(-size // chunks)), dim)

    def unbind(self, dim=0):
        """The slices along dim, each without that dim."""
        axis = check_dim(dim, self.ndim)
        return tuple(self[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    # ---- repeating ----
    def expand(self, *size):
        """This tensor broadcast to `size` without copying (-1 keeps a size; new dims may be added in front)."""
        size = sizes(size)
        if len(size) < self.ndim:
            raise RuntimeError(f"expand({tuple(self.shape)}, size={list(size)}): the number of sizes provided "
                               f"({len(size)}) must be greater or equal to the number of dimensions in the tensor "
                               f"({self.ndim})")
        lead = len(size) - self.ndim
        target = []
        for position, wanted in enumerate(size):
            have = self.shape[position - lead] if position >= lead else None
            if wanted == -1:
                if have is None:
                    raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                       f"non-existing dimension {position}")
                wanted = have
            elif have is not None and have != 1 and have != wanted:
                raise RuntimeError(f"The expanded size of the tensor ({wanted}) must match the existing size ({have}) "
                                   f"at non-singleton dimension {position}.  Target sizes: {list(size)}.  Tensor "
                                   f"sizes: {list(self.shape)}")
            target.append(int(wanted))
        return shape_ops.Expand.apply(self, shape=tuple(target))

    def expand_as(self, other):
        return self.expand(other.shape)

    def repeat(self, *repeats):
        """This tensor tiled repeats[d] times along each dim d (a copy; more repeats than dims adds leading dims)."""
        repeats = sizes(repeats)
        if len(repeats) < self.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                               "tensor")
        return shape_ops.Repeat.apply(self, repeats=tuple(int(r) for r in repeats))
