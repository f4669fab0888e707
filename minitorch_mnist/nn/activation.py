"""Activation layers: ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, and Identity (torch.nn's names and
reprs)."""

from ..torch_api.tensor_functions import where
from . import functional as F
from .module import Module


class Sigmoid(Module):
    """y = 1 / (1 + e^-x)"""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """y = tanh x"""

    def forward(self, input):
        return F.tanh(input)


class Softmax(Module):
    """y = e^x / sum(e^x) along dim (dim=None: PyTorch's implicit choice, with its warning)"""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Identity(Module):
    """y = x; any constructor arguments are accepted and ignored, as in PyTorch (a placeholder layer)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class ReLU(Module):
    """y = max(x, 0); inplace=True is accepted (as in AlexNet code) and gives the same values, computed out of place."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LogSoftmax(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class LeakyReLU(Module):
    """y = x where x > 0, else negative_slope * x (so dy/dx = negative_slope at 0, as in PyTorch); inplace=True gives
    the same values, computed out of place."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return where(input > 0, input, input * self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")
