"""Batch normalisation's array work as NumPy expressions: the readable reference (numba_normalization.py is its twin).

Arrays are (N, C, L), the channel in the middle: ops/normalization.py views (N, C), (N, C, L) and (N, C, H, W)
inputs that way. Per channel c, over its M = N * L values:
    mean, var = the mean and the biased variance (divide by M) of x[:, c, :]
    x_hat = (x - mean) * inv_std,  y = x_hat * weight + bias
    dL/dx = inv_std * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)),  g_hat = dL/dy * weight   (training)
    dL/dx = dL/dy * weight * inv_std                                                                (eval)
weight and bias may be None (affine=False, bias=False): a factor 1 and a term 0.
"""

import numpy as np

AXES = (0, 2)  # every dim but the channel
PER_CHANNEL = (1, -1, 1)  # a (C,) vector shaped to broadcast against (N, C, L)


def batch_norm_statistics(x):
    """(mean, biased variance) per channel, in x's dtype."""
    mean = x.mean(axis=AXES)
    centered = x - mean.reshape(PER_CHANNEL)
    return mean, (centered * centered).mean(axis=AXES)


def batch_norm_forward(x, mean, inv_std, weight, bias, keep_x_hat):
    """(y, x_hat): x_hat = (x - mean) * inv_std and y = x_hat * weight + bias; x_hat only when keep_x_hat (a backward
    will need it), else None and y is written over it: no full-size temporary beyond what is returned."""
    x_hat = x - mean.reshape(PER_CHANNEL)
    x_hat *= inv_std.reshape(PER_CHANNEL)
    if keep_x_hat:  # y gets an array of its own
        y = x_hat.copy() if weight is None else x_hat * weight.reshape(PER_CHANNEL)
    else:  # y is written over x_hat
        y = x_hat if weight is None else np.multiply(x_hat, weight.reshape(PER_CHANNEL), out=x_hat)
    if bias is not None:
        y += bias.reshape(PER_CHANNEL)
    return y, (x_hat if keep_x_hat else None)


def batch_norm_backward(grad, x_hat, inv_std, weight, training):
    """(dL/dx, dL/dweight, dL/dbias): dL/dweight = sum(grad * x_hat) and dL/dbias = sum(grad) per channel."""
    g_hat = grad if weight is None else grad * weight.reshape(PER_CHANNEL)  # dL/dx_hat
    inv_std = inv_std.reshape(PER_CHANNEL)
    if training:  # mean and var depend on x too
        count = grad.shape[0] * grad.shape[2]
        sum_g = g_hat.sum(axis=AXES, keepdims=True)
        sum_gx = (g_hat * x_hat).sum(axis=AXES, keepdims=True)
        grad_x = (inv_std / count) * (count * g_hat - sum_g - x_hat * sum_gx)
    else:  # the running statistics are constants
        grad_x = g_hat * inv_std
    return grad_x, (grad * x_hat).sum(axis=AXES), grad.sum(axis=AXES)
