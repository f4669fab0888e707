"""2-D max and average pooling, with PyTorch's defaults: stride = kernel_size, floor mode (rows and
columns that do not fill a whole window are dropped), and for average pooling count_include_pad=True.
The loops live in minitorch_mnist/kernels. Adaptive average pooling picks the windows from the output size.
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


def adaptive_windows(size, out_size, dtype):
    """The (out_size, size) matrix that averages PyTorch's adaptive windows: output i averages the inputs from
    floor(i * size / out_size) up to ceil((i + 1) * size / out_size), so windows may overlap by one."""
    averaging = np.zeros((out_size, size), dtype=dtype)
    for i in range(out_size):
        start, end = (i * size) // out_size, -((-(i + 1) * size) // out_size)
        averaging[i, start:end] = 1 / (end - start)
    return averaging


class AdaptiveAvgPool2d(Function):
    """z[.., i, j] = the mean of x over window i of the rows and window j of the columns: z = A_h x A_w^T"""

    @staticmethod
    def forward(ctx, x, output_size):
        height, width = x.shape[-2:]
        ctx.rows, ctx.cols = (adaptive_windows(n, out, x.dtype) for n, out in zip((height, width), output_size))
        return np.einsum("ih,...hw,jw->...ij", ctx.rows, x, ctx.cols)

    @staticmethod
    def backward(ctx, grad):
        # dz[i, j]/dx[h, w] = A_h[i, h] A_w[j, w]: the gradient spreads back evenly over each window
        return (np.einsum("ih,...ij,jw->...hw", ctx.rows, grad, ctx.cols),)


def adaptive_avg_pool2d(input, output_size):
    """torch.nn.functional.adaptive_avg_pool2d: (N, C, H, W) or (C, H, W) -> (.., out_h, out_w); an int is a square
    output, and None in output_size keeps that input size."""
    if input.ndim not in (3, 4) or 0 in input.shape[-2:]:
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor with non-zero height and width, but "
                           f"got input of shape {tuple(input.shape)}")
    if not np.issubdtype(input.dtype, np.floating):
        raise RuntimeError(f"adaptive_avg_pool2d: expected a floating point input, got dtype {input.dtype}")
    sizes = (output_size, output_size) if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    if len(sizes) != 2:  # PyTorch's two errors: ValueError when the input has too few dims for that many sizes
        error = ValueError if input.ndim < len(sizes) + 1 else RuntimeError
        raise error(f"adaptive_avg_pool2d: output_size must be 2, got {output_size!r}")
    sizes = tuple(int(given if given is not None else have) for given, have in zip(sizes, input.shape[-2:]))
    if min(sizes) < 0:
        raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 "
                           f"but received {sizes}")
    return AdaptiveAvgPool2d.apply(input, output_size=sizes)
