"""2-D max and average pooling, with PyTorch's defaults: stride = kernel_size, floor mode (rows and
columns that do not fill a whole window are dropped), and for average pooling count_include_pad=True.
The loops live in minitorch_mnist/kernels.
"""

import numpy as np

from .. import kernels
from ..autograd.function import Function
from .conv import as_pair, check_window


def _check_pool(call, x, kernel_size, stride, padding):
    if x.ndim != 4:
        raise RuntimeError(f"{call}: expected a 4-D input (N, C, H, W), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"{call}: expected a floating point input, got dtype {x.dtype}")
    if min(kernel_size) <= 0:
        raise RuntimeError(f"{call}: kernel_size must be positive, got {kernel_size}")
    check_window(call, x.shape, kernel_size, stride, padding)
    if 2 * padding[0] > kernel_size[0] or 2 * padding[1] > kernel_size[1]:
        raise RuntimeError(f"{call}: padding {padding} must be at most half of kernel_size {kernel_size} "
                           f"(input shape {x.shape})")


class MaxPool2d(Function):
    """z = the largest x in each window"""

    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        _check_pool("max_pool2d", x, kernel_size, stride, padding)
        out, argmax = kernels.backend.max_pool2d_forward(x, kernel_size, stride, padding)
        ctx.save(argmax)
        ctx.input_shape = x.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        (argmax,) = ctx.saved
        # dz/dx = 1 at each window's first maximum, 0 elsewhere (as PyTorch's CPU kernel picks it)
        return (kernels.backend.max_pool2d_backward(np.ascontiguousarray(grad), argmax, ctx.input_shape),)


class AvgPool2d(Function):
    """z = the mean of x over each window, padding zeros included"""

    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        _check_pool("avg_pool2d", x, kernel_size, stride, padding)
        ctx.input_shape, ctx.kernel_size, ctx.stride, ctx.padding = x.shape, kernel_size, stride, padding
        return kernels.backend.avg_pool2d_forward(x, kernel_size, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 1/(kH*kW) for every pixel of every window that covers x
        grad = np.ascontiguousarray(grad)
        return (kernels.backend.avg_pool2d_backward(grad, ctx.input_shape, ctx.kernel_size, ctx.stride, ctx.padding),)


def _pool_arguments(call, kernel_size, stride, padding):
    kernel_size = as_pair(kernel_size, "kernel_size", call)
    stride = kernel_size if stride is None else as_pair(stride, "stride", call)
    return kernel_size, stride, as_pair(padding, "padding", call)


def max_pool2d(input, kernel_size, stride=None, padding=0):
    """torch.nn.functional.max_pool2d for Tensors (stride defaults to kernel_size)."""
    kernel_size, stride, padding = _pool_arguments("max_pool2d", kernel_size, stride, padding)
    return MaxPool2d.apply(input, kernel_size=kernel_size, stride=stride, padding=padding)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """torch.nn.functional.avg_pool2d for Tensors (stride defaults to kernel_size, count_include_pad=True)."""
    kernel_size, stride, padding = _pool_arguments("avg_pool2d", kernel_size, stride, padding)
    return AvgPool2d.apply(input, kernel_size=kernel_size, stride=stride, padding=padding)
