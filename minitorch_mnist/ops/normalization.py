"""Batch normalisation over the channel dim (dim 1) of (N, C), (N, C, L) or (N, C, H, W) inputs.

For each channel c, with the statistics taken over every dim except dim 1 (M values per channel):
    y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c]
Training mode uses the batch's mean and biased variance (divide by M) and moves the running statistics
towards the batch's mean and unbiased variance (divide by M - 1), in place, as torch does:
    running = (1 - momentum) * running + momentum * batch_statistic
Eval mode uses the running statistics, which are then constants of the op.
"""

import numpy as np

from .. import kernels
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
        rows = x.reshape(x.shape[0], x.shape[1], -1)  # (N, C, L): the kernels' layout, channel in the middle
        if training:
            mean, var = kernels.backend.batch_norm_statistics(rows)  # var: biased, divide by M
            if running_mean is not None:
                count = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * (count / (count - 1))  # unbiased: divide by M - 1
        else:
            mean, var = running_mean, running_var
        inv_std = (1 / np.sqrt(var + eps)).astype(x.dtype)
        # x_hat = (x - mean) * inv_std, y = x_hat * weight + bias; x_hat is kept only where a backward may need it
        keep_x_hat = any(ctx.needs_input_grad)
        y, x_hat = kernels.backend.batch_norm_forward(rows, mean, inv_std, weight, bias, keep_x_hat)
        if keep_x_hat:
            ctx.save(x_hat, inv_std, weight)
        ctx.training, ctx.has_weight, ctx.has_bias = training, weight is not None, bias is not None
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x_hat, inv_std, weight = ctx.saved
        # training: mean and var depend on x too, dx = w inv_std (g - mean(g) - x_hat mean(g x_hat));
        # eval: the running statistics are constants, dx = g w inv_std; dweight = sum(g x_hat), dbias = sum(g)
        grad_x, grad_weight, grad_bias = kernels.backend.batch_norm_backward(
            np.ascontiguousarray(grad).reshape(x_hat.shape), x_hat, inv_std, weight, ctx.training)
        return (grad_x.reshape(grad.shape), grad_weight if ctx.has_weight else None,
                grad_bias if ctx.has_bias else None, None, None)
