"""Dropout layer: active in train(), the identity in eval() (it reads self.training at every call)."""

from ..ops.dropout import check_probability
from . import functional as F
from .module import Module


class Dropout(Module):
    """Zero each element with probability p during training and scale the rest by 1/(1-p)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability(p)
        if inplace:
            raise ValueError("Dropout: inplace=True is not supported (the engine has no in-place ops)")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
