"""Layers that reshape or wrap: Flatten, Unflatten, and Lambda (any function of tensors as a layer)."""

import numpy as np

from .module import Module

class Flatten(Module):
    """Merge dims start_dim..end_dim into one (by default: everything but the batch)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim into the dims of unflattened_size (one of them may be -1), the inverse of Flatten."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(f"invalid argument 'dim': expected an int, got {type(dim).__name__}")
        if not isinstance(unflattened_size, (tuple, list)) or not all(isinstance(n, int) for n in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        shape = tuple(input.shape)
        dim = self.dim % len(shape) if -len(shape) <= self.dim < len(shape) else self.dim
        if not 0 <= dim < len(shape):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                             f"but got {self.dim})")
        sizes = tuple(self.unflattened_size)
        known = int(np.prod([n for n in sizes if n != -1]))
        if (-1 not in sizes and known != shape[dim]) or (-1 in sizes and (known == 0 or shape[dim] % known)):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                               f"{self.dim} ({shape[dim]}) in the input tensor")
        return input.reshape(shape[:dim] + sizes + shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Lambda(Module):
    """Wrap any function of tensors as a layer (as in the 'What is torch.nn really?' tutorial)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, input):
        return self.fn(input)

    def extra_repr(self):
        return getattr(self.fn, "__name__", repr(self.fn))
