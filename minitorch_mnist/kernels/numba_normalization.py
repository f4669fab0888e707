"""Batch normalisation compiled with Numba: the twin of numpy_normalization.py (same names and signatures; the same
values up to the last bits of the sums).

In NumPy a training step's BatchNorm is about a dozen passes over whole-batch arrays (x - mean, its square and
mean, x_hat, y; in the backward g_hat, two products, two sums, the formula's terms), each read and written through
memory: tens of MB a layer for CifarAlexNet. Here each channel belongs to one thread (prange), and its values are
read in a few passes while they sit in that core's cache: the statistics in two (the mean, then the squares about
it), the forward in one (x_hat and y together), the backward in two (both sums, then dL/dx). Sums accumulate in
float64, as PyTorch's CPU kernel does, so they can differ from NumPy's float32 pairwise sums in the last bits.
Arrays Numba cannot take here (float16, non-contiguous, mixed dtypes, empty) go to the NumPy version.
"""

import numpy as np
from numba import njit, prange

from . import numpy_normalization, threads
from .numba_common import FASTMATH, PRANGE_ONLY, elementwise_fits


@njit(parallel=PRANGE_ONLY, cache=True, fastmath=FASTMATH)
def _statistics(x, mean, var):
    n, channels, length = x.shape
    count = n * length
    for c in prange(channels):
        total = 0.0
        for i in range(n):
            for j in range(length):
                total += x[i, c, j]
        m = total / count
        squares = 0.0  # about the mean: no cancellation, unlike sum(x^2) - M mean^2
        for i in range(n):
            for j in range(length):
                d = x[i, c, j] - m
                squares += d * d
        mean[c], var[c] = m, squares / count


@njit(parallel=PRANGE_ONLY, cache=True, fastmath=FASTMATH)
def _normalize(x, mean, inv_std, weight, bias, x_hat, y, keep_x_hat):
    n, channels, length = x.shape
    for c in prange(channels):
        m, s, w, b = mean[c], inv_std[c], weight[c], bias[c]  # in x's dtype, as NumPy's arithmetic
        for i in range(n):
            for j in range(length):
                h = (x[i, c, j] - m) * s
                if keep_x_hat:
                    x_hat[i, c, j] = h
                y[i, c, j] = h * w + b


@njit(parallel=PRANGE_ONLY, cache=True, fastmath=FASTMATH)
def _backward(grad, x_hat, inv_std, weight, training, grad_x, grad_weight, grad_bias):
    n, channels, length = grad.shape
    count = n * length
    for c in prange(channels):
        sum_g, sum_gx = 0.0, 0.0
        for i in range(n):
            for j in range(length):
                g = grad[i, c, j]
                sum_g += g
                sum_gx += g * x_hat[i, c, j]
        grad_weight[c], grad_bias[c] = sum_gx, sum_g
        k = weight[c] * inv_std[c]
        if training:  # w * inv_std * (g - mean(g) - x_hat * mean(g x_hat)): numpy_normalization's formula
            mean_g, mean_gx = sum_g / count, sum_gx / count
            for i in range(n):
                for j in range(length):
                    grad_x[i, c, j] = k * (grad[i, c, j] - mean_g - x_hat[i, c, j] * mean_gx)
        else:
            for i in range(n):
                for j in range(length):
                    grad_x[i, c, j] = k * grad[i, c, j]


def _fits(*arrays):
    return elementwise_fits(*arrays) and arrays[0].ndim == 3 and arrays[0].size > 0


def _per_channel(values, channels, dtype, default=None):
    """values as a contiguous (C,) array in dtype; None (no weight, no bias) as the constant `default`."""
    return np.full(channels, default, dtype=dtype) if values is None else np.ascontiguousarray(values, dtype=dtype)


def batch_norm_statistics(x):
    """numpy_normalization.batch_norm_statistics in two passes per channel (docstring there)."""
    if not _fits(x):
        return numpy_normalization.batch_norm_statistics(x)
    mean, var = np.empty(x.shape[1], dtype=x.dtype), np.empty(x.shape[1], dtype=x.dtype)
    with threads.numba_region():
        _statistics(x, mean, var)
    return mean, var


def batch_norm_forward(x, mean, inv_std, weight, bias, keep_x_hat):
    """numpy_normalization.batch_norm_forward in one pass per channel (docstring there)."""
    if not _fits(x):
        return numpy_normalization.batch_norm_forward(x, mean, inv_std, weight, bias, keep_x_hat)
    channels = x.shape[1]
    y = np.empty_like(x)
    x_hat = np.empty_like(x) if keep_x_hat else y[:0]  # an empty stand-in the loop never writes
    with threads.numba_region():
        _normalize(x, _per_channel(mean, channels, x.dtype), _per_channel(inv_std, channels, x.dtype),
                   _per_channel(weight, channels, x.dtype, 1), _per_channel(bias, channels, x.dtype, 0), x_hat, y,
                   keep_x_hat)
    return y, (x_hat if keep_x_hat else None)


def batch_norm_backward(grad, x_hat, inv_std, weight, training):
    """numpy_normalization.batch_norm_backward in two passes per channel (docstring there)."""
    if not _fits(grad, x_hat):
        return numpy_normalization.batch_norm_backward(grad, x_hat, inv_std, weight, training)
    channels = grad.shape[1]
    grad_x = np.empty_like(grad)
    grad_weight, grad_bias = np.empty(channels, dtype=grad.dtype), np.empty(channels, dtype=grad.dtype)
    with threads.numba_region():
        _backward(grad, x_hat, _per_channel(inv_std, channels, grad.dtype),
                  _per_channel(weight, channels, grad.dtype, 1), training, grad_x, grad_weight, grad_bias)
    return grad_x, grad_weight, grad_bias
