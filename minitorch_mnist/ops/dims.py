"""Checking a `dim` argument once, for every op, with PyTorch's message."""


def check_dim(dim, ndim):
    """`dim` as a non-negative axis of a tensor with `ndim` dims (a 0-d tensor accepts -1 and 0, as in PyTorch)."""
    if isinstance(dim, bool) or not isinstance(dim, int) and not hasattr(dim, "__index__"):
        raise TypeError(f"dim must be an int, got {dim!r}")
    dim = int(dim)
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return dim % size


def check_dims(dim, ndim):
    """A tuple of non-negative axes for `dim` (an int, a sequence of ints, or None for every axis)."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if not isinstance(dim, (tuple, list)) else tuple(dim)
    axes = tuple(check_dim(d, ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes} appears multiple times in the list of dims")
    return tuple(a for a in axes if a < ndim)  # a 0-d tensor's dim 0 reduces nothing
