"""Conv2d, with PyTorch's constructor arguments, defaults, checks, parameter shapes and repr.

The engine's convolution has no dilation, no groups and zero padding only: other values of those arguments
raise NotImplementedError when the layer is built (PyTorch's own checks, ValueError, come first).
padding="valid" is 0, padding="same" is (k - 1) // 2 on each side (odd kernels; torch pads even ones unevenly).
"""

import numpy as np

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter, layer_dtype

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _unsupported(call, what):
    return NotImplementedError(f"{call}: {what} is not supported by the engine (its convolution has stride and zero "
                               f"padding only)")


class Conv2d(Module):
    """2-D convolution with W of shape (out_channels, in_channels, kH, kW)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        dtype = layer_dtype(device, dtype)
        self.kernel_size, self.stride, self.dilation = _pair(kernel_size), _pair(stride), _pair(dilation)
        self.padding = padding if isinstance(padding, str) else _pair(padding)
        _check_arguments(in_channels, out_channels, self.stride, self.padding, groups, padding_mode)
        if self.dilation != (1, 1):
            raise _unsupported("Conv2d", f"dilation={dilation}")
        if groups != 1:
            raise _unsupported("Conv2d", f"groups={groups}")
        if padding_mode != "zeros":
            raise _unsupported("Conv2d", f"padding_mode={padding_mode!r}")
        if padding == "same" and any(k % 2 == 0 for k in self.kernel_size):
            raise _unsupported("Conv2d", f"padding='same' with the even kernel_size {self.kernel_size} "
                                         f"(uneven padding)")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.groups, self.padding_mode = groups, padding_mode
        self.transposed, self.output_padding = False, (0, 0)
        self.weight = Parameter(np.empty((out_channels, in_channels // groups) + self.kernel_size, dtype=dtype))
        self.register_parameter("bias", Parameter(np.empty(out_channels, dtype=dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self._padding_pair())

    def _padding_pair(self):
        if self.padding == "valid":
            return (0, 0)
        if self.padding == "same":
            return tuple((k - 1) // 2 for k in self.kernel_size)
        return self.padding

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


def _check_arguments(in_channels, out_channels, stride, padding, groups, padding_mode):
    """PyTorch's checks of a convolution's arguments, with its messages (ValueError)."""
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups != 0:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups != 0:
        raise ValueError("out_channels must be divisible by groups")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
        if padding == "same" and any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {list(PADDING_MODES)}, but got padding_mode='{padding_mode}'")
