"""MaxPool2d and AvgPool2d (windows over each channel's plane), and AdaptiveAvgPool2d (a fixed output size),
with PyTorch's constructor arguments and reprs.

The engine's pooling has no dilation and no indices output: dilation != 1 and return_indices=True raise
NotImplementedError when the layer is built. ceil_mode=True (one more window where the last would be cut off)
works for MaxPool2d, by extending the input with -inf; AvgPool2d raises NotImplementedError for an input where it
would add a window (for most shapes, e.g. even sizes with kernel 2 and stride 2, it changes nothing).
"""

import numpy as np

from ..autograd.tensor import Tensor
from ..torch_api.tensor_functions import cat
from . import functional as F
from .module import Module


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _unsupported(call, what):
    return NotImplementedError(f"{call}: {what} is not supported by the engine")


def _ceil_mode_extra(input, kernel_size, stride, padding):
    """How many rows and columns ceil_mode=True adds past the bottom and right edges (0, 0 when it changes nothing):
    enough for one more window wherever that window would start inside the (left-padded) input, PyTorch's rule."""
    extra = []
    for size, k, s, p in zip(input.shape[-2:], _pair(kernel_size), _pair(stride), _pair(padding)):
        floor_out = (size + 2 * p - k) // s + 1
        ceil_out = -(-(size + 2 * p - k) // s) + 1
        if (ceil_out - 1) * s >= size + p:  # the last window must start inside the input
            ceil_out -= 1
        extra.append((ceil_out - 1) * s + k - (size + 2 * p) if ceil_out > floor_out else 0)
    return tuple(extra)


def _extend_with(input, extra, value):
    """input with extra = (rows, columns) of `value` appended at the bottom and right (constants: no gradient)."""
    rows, columns = extra
    if rows:
        input = cat([input, Tensor(np.full(input.shape[:-2] + (rows, input.shape[-1]), value, input.dtype))], dim=-2)
    if columns:
        input = cat([input, Tensor(np.full(input.shape[:-1] + (columns,), value, input.dtype))], dim=-1)
    return input


class MaxPool2d(Module):
    """The largest value of each kernel_size window, moved by stride (default: kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        if _pair(dilation) != (1, 1):
            raise _unsupported("MaxPool2d", f"dilation={dilation}")
        if return_indices:
            raise _unsupported("MaxPool2d", "return_indices=True")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation, self.return_indices, self.ceil_mode = padding, dilation, return_indices, ceil_mode

    def forward(self, input):
        if self.ceil_mode:  # the extra windows at the edges: -inf never wins a max, so they see the input only
            input = _extend_with(input, _ceil_mode_extra(input, self.kernel_size, self.stride, self.padding), -np.inf)
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of each kernel_size window, moved by stride (default: kernel_size), padding zeros counted."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        if not count_include_pad and _pair(padding) != (0, 0):
            raise _unsupported("AvgPool2d", f"count_include_pad=False with padding={padding}")
        if divisor_override is not None:
            raise _unsupported("AvgPool2d", f"divisor_override={divisor_override}")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        extra = _ceil_mode_extra(input, self.kernel_size, self.stride, self.padding) if self.ceil_mode else (0, 0)
        if extra != (0, 0):  # a clipped window's divisor counts only the cells inside input and padding
            raise _unsupported("AvgPool2d", f"ceil_mode=True with input shape {tuple(input.shape)} (it adds a "
                                            f"window clipped by the edge)")
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output_size (h, w), an int for (n, n), None keeping that dimension of the input."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
