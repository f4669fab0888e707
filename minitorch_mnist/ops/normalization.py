"""Batch normalisation over the channel dim (dim 1) of (N, C), (N, C, L) or (N, C, H, W) inputs.

For each channel c, with the statistics taken over every dim except dim 1 (M values per channel):
    y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c]
Training mode uses the batch's mean and biased variance (divide by M) and moves the running statistics
towards the batch's mean and unbiased variance (divide by M - 1), in place, as torch does:
    running = (1 - momentum) * running + momentum * batch_statistic
Eval mode uses the running statistics, which are then constants of the op.
"""

import numpy as np

from ..autograd.function import Function


def _check_batch_norm(x, weight, bias, running_mean, running_var, training):
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, ...), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise RuntimeError(f"batch_norm: expected a floating point input, got dtype {x.dtype}")
    channels = x.shape[1]
    named = (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var))
    for name, array in named:
        if array is None:
            continue
        if array.shape != (channels,):
            raise RuntimeError(f"batch_norm: input has {channels} channels (dim 1 of shape {x.shape}) "
                               f"but {name} has shape {array.shape}, expected ({channels},)")
        if array.dtype != x.dtype:
            raise RuntimeError(f"batch_norm: {name} dtype {array.dtype} differs from input dtype {x.dtype} "
                               f"(use .float() or .double() on both)")
    if (running_mean is None) != (running_var is None):
        raise RuntimeError("batch_norm: give both running_mean and running_var, or neither")
    if not training and running_mean is None:
        raise RuntimeError("batch_norm: running_mean must be defined in evaluation mode")
    if training and x.size // channels == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {x.shape}")


class BatchNorm(Function):
    """y = x_hat * weight + bias with x_hat = (x - mean) * inv_std, inv_std = 1 / sqrt(var + eps), per channel"""

    node_name = "NativeBatchNormBackward0"
    shown_inputs = slice(0, 3)  # x, weight, bias (PyTorch's node does not list the running statistics)

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training=False, momentum=0.1, eps=1e-5):
        _check_batch_norm(x, weight, bias, running_mean, running_var, training)
        axes = (0,) + tuple(range(2, x.ndim))  # every dim but the channel dim
        per_channel = (1, x.shape[1]) + (1,) * (x.ndim - 2)  # a (C,) vector shaped to broadcast against x
        if training:
            mean = x.mean(axis=axes)
            centered = x - mean.reshape(per_channel)
            var = (centered * centered).mean(axis=axes)  # biased: divide by M
            if running_mean is not None:
                count = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * (count / (count - 1))  # unbiased: divide by M - 1
        else:
            mean, var = running_mean, running_var
            centered = x - mean.reshape(per_channel)
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype).reshape(per_channel)
        # In place from here on, the same operations in the same order: `centered` is this op's own array, and a
        # full-size temporary per step would hold 3-4 copies of x at once (at batch 512, CifarAlexNet's first
        # BatchNorm would need 800 MB instead of 400)
        x_hat = np.multiply(centered, inv_std, out=centered)
        gamma = np.ones(per_channel, dtype=x.dtype) if weight is None else weight.reshape(per_channel)
        ctx.axes, ctx.training, ctx.has_weight, ctx.has_bias = axes, training, weight is not None, bias is not None
        if any(ctx.needs_input_grad):  # backward will need x_hat: y gets an array of its own
            ctx.save(x_hat, inv_std, gamma)
            y = x_hat * gamma
        else:  # no backward (no_grad, or nothing requires grad): y overwrites x_hat
            y = np.multiply(x_hat, gamma, out=x_hat)
        if bias is not None:
            y += bias.reshape(per_channel)
        return y

    @staticmethod
    def backward(ctx, grad):
        x_hat, inv_std, gamma = ctx.saved
        axes = ctx.axes
        g_hat = grad * gamma  # dL/dx_hat
        if ctx.training:
            # mean and var depend on x too: dx = inv_std / M * (M * g_hat - sum(g_hat) - x_hat * sum(g_hat * x_hat))
            count = x_hat.size // x_hat.shape[1]
            sum_g = g_hat.sum(axis=axes, keepdims=True)
            sum_gx = (g_hat * x_hat).sum(axis=axes, keepdims=True)
            grad_x = (inv_std / count) * (count * g_hat - sum_g - x_hat * sum_gx)
        else:
            # the running statistics are constants: dx = g_hat * inv_std
            grad_x = g_hat * inv_std
        # dweight = sum(grad * x_hat), dbias = sum(grad), per channel
        grad_weight = (grad * x_hat).sum(axis=axes) if ctx.has_weight else None
        grad_bias = grad.sum(axis=axes) if ctx.has_bias else None
        return grad_x, grad_weight, grad_bias, None, None
