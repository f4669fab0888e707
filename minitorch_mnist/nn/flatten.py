"""Layers that reshape or wrap: Flatten, and Lambda (any function of tensors as a layer)."""

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


class Lambda(Module):
    """Wrap any function of tensors as a layer (as in the 'What is torch.nn really?' tutorial)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, input):
        return self.fn(input)

    def extra_repr(self):
        return getattr(self.fn, "__name__", repr(self.fn))
