"""2-D convolution (cross-correlation, as in PyTorch) by im2col + matrix product.

Shapes as in torch.nn.functional.conv2d: input (N, C, H, W), weight (O, C, kH, kW), bias (O,),
output (N, O, OH, OW) with OH = (H + 2*padding_h - kH) // stride_h + 1 (likewise OW).
The loops (im2col, col2im, and their compiled twins) live in minitorch_mnist/kernels.
"""

import numpy as np

from .. import kernels
from ..autograd.function import Function


def as_pair(value, what, call):
    """An int or an (h, w) pair of ints, as a tuple (h, w); anything else is a RuntimeError naming `call`."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else value
    if (not isinstance(pair, (tuple, list)) or len(pair) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair)):
        raise RuntimeError(f"{call}: {what} must be an int or a pair of ints (h, w), got {value!r}")
    return int(pair[0]), int(pair[1])


def check_window(call, input_shape, kernel_size, stride, padding):
    """Positive stride, non-negative padding, and a window that fits into the padded input."""
    if min(stride) <= 0:
        raise RuntimeError(f"{call}: stride must be positive, got {stride}")
    if min(padding) < 0:
        raise RuntimeError(f"{call}: padding must be non-negative, got {padding}")
    padded = (input_shape[2] + 2 * padding[0], input_shape[3] + 2 * padding[1])
    if kernel_size[0] > padded[0] or kernel_size[1] > padded[1]:
        raise RuntimeError(f"{call}: kernel {kernel_size} is larger than the padded input {padded} "
                           f"(input shape {input_shape}, padding {padding})")


def _check_conv_arrays(x, weight, bias):
    shapes = f"(input shape {x.shape}, weight shape {weight.shape})"
    if x.ndim != 4:
        raise RuntimeError(f"conv2d: expected a 4-D input (N, C, H, W), got shape {x.shape}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv2d: expected a 4-D weight (out_channels, in_channels, kH, kW), got shape {weight.shape}")
    if x.shape[1] != weight.shape[1]:
        raise RuntimeError(f"conv2d: input has {x.shape[1]} channels but weight expects {weight.shape[1]} {shapes}")
    if not np.issubdtype(x.dtype, np.floating) or x.dtype != weight.dtype:
        raise RuntimeError(f"conv2d: input dtype {x.dtype} and weight dtype {weight.dtype} must be the same "
                           f"floating point type (use .float() or .double())")
    if bias is not None and (bias.shape != (weight.shape[0],) or bias.dtype != weight.dtype):
        raise RuntimeError(f"conv2d: bias of shape {bias.shape} and dtype {bias.dtype} does not match "
                           f"{weight.shape[0]} output channels of dtype {weight.dtype} {shapes}")


class Conv2d(Function):
    """z = W @ im2col(x) + b, W seen as an (O, C*kH*kW) matrix, z as (O, N*OH*OW)"""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias=None, stride=(1, 1), padding=(0, 0)):
        _check_conv_arrays(x, weight, bias)
        check_window("conv2d", x.shape, weight.shape[2:], stride, padding)
        ctx.save(x, weight)
        ctx.stride, ctx.padding, ctx.has_bias = stride, padding, bias is not None
        return kernels.backend.conv2d_forward(x, weight, bias, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved
        grad = np.ascontiguousarray(grad)
        # dL/dx = col2im(W^T @ grad), dL/dW = grad @ im2col(x)^T, grad seen as an (O, N*OH*OW) matrix;
        # dL/dx (col2im) is skipped for images that need no gradient, as the first layer's input
        grad_x, grad_weight = kernels.backend.conv2d_backward(grad, x, weight, ctx.stride, ctx.padding,
                                                      compute_input_grad=ctx.needs_input_grad[0])
        # dL/db = grad summed over the batch and every output position
        grad_bias = grad.sum(axis=(0, 2, 3)) if ctx.has_bias else None
        return grad_x, grad_weight, grad_bias


def conv2d(input, weight, bias=None, stride=1, padding=0):
    """torch.nn.functional.conv2d for Tensors: stride and padding are an int or an (h, w) pair."""
    stride = as_pair(stride, "stride", "conv2d")
    padding = as_pair(padding, "padding", "conv2d")
    return Conv2d.apply(input, weight, bias, stride=stride, padding=padding)
