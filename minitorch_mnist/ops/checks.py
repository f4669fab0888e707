"""Checking a `dim` argument, and whether two shapes broadcast, once for every op, with PyTorch's messages."""


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
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):  # sum(dim=[]) reduces all, as in torch
        return tuple(range(ndim))
    dims = (dim,) if not isinstance(dim, (tuple, list)) else tuple(dim)
    axes = tuple(check_dim(d, ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes} appears multiple times in the list of dims")
    return tuple(a for a in axes if a < ndim)  # a 0-d tensor's dim 0 reduces nothing


def check_broadcast(a_shape, b_shape):
    """Raise PyTorch's RuntimeError when two shapes cannot broadcast (NumPy's would be a ValueError)."""
    for back in range(1, min(len(a_shape), len(b_shape)) + 1):
        a, b = a_shape[-back], b_shape[-back]
        if a != b and a != 1 and b != 1:
            dim = max(len(a_shape), len(b_shape)) - back
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {dim}")


def check_floating(x, call):
    """PyTorch's softmax and log_softmax are not defined for integer tensors: the same exception type here."""
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"{call}: not implemented for {x.dtype} tensors (as in PyTorch); convert the input "
                                  f"with .float()")


def sizes(args):
    """zeros(2, 3) and zeros((2, 3)), reshape(2, 3) and reshape((2, 3)) mean the same, as in torch."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)
