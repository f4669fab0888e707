"""Pooling kernels compiled with Numba: the twins of numpy_pool.py (same names, signatures, results).

Every (image, channel) plane is pooled on its own, so the planes are shared among the CPU cores (prange)
and each thread writes only its own planes. A window is clipped to the input: padding pixels are never
the maximum, and in the average they count as zeros (count_include_pad=True), so they add nothing.
"""

import numpy as np
from numba import njit, prange

from .im2col import output_size


@njit(parallel=True, cache=True)
def _max_forward(planes, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_planes, height, width = planes.shape
    out = np.empty((n_planes, out_h, out_w), dtype=planes.dtype)
    argmax = np.empty((n_planes, out_h, out_w), dtype=np.int64)
    minus_infinity = planes.dtype.type(-np.inf)
    for plane in prange(n_planes):
        for p in range(out_h):
            row_start = max(p * stride_h - pad_h, 0)
            row_end = min(p * stride_h - pad_h + kernel_h, height)
            for q in range(out_w):
                col_start = max(q * stride_w - pad_w, 0)
                col_end = min(q * stride_w - pad_w + kernel_w, width)
                # as PyTorch: start at -inf, pointing at the window's first pixel inside the input
                best, best_index = minus_infinity, row_start * width + col_start
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        value = planes[plane, r, c]
                        # strictly greater: the first of tied maxima wins; a NaN always takes over
                        if value > best or np.isnan(value):
                            best, best_index = value, r * width + c
                out[plane, p, q] = best
                argmax[plane, p, q] = best_index
    return out, argmax


@njit(parallel=True, cache=True)
def _max_backward(grad, argmax, grad_x):
    n_planes, out_h, out_w = grad.shape
    for plane in prange(n_planes):
        grad_x[plane, :] = 0
        for p in range(out_h):
            for q in range(out_w):
                # += because overlapping windows may share their maximum
                grad_x[plane, argmax[plane, p, q]] += grad[plane, p, q]


@njit(parallel=True, cache=True)
def _avg_forward(planes, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_planes, height, width = planes.shape
    out = np.empty((n_planes, out_h, out_w), dtype=planes.dtype)
    divisor = planes.dtype.type(kernel_h * kernel_w)  # in the input's dtype, so float32 stays float32
    for plane in prange(n_planes):
        for p in range(out_h):
            row_start = max(p * stride_h - pad_h, 0)
            row_end = min(p * stride_h - pad_h + kernel_h, height)
            for q in range(out_w):
                col_start = max(q * stride_w - pad_w, 0)
                col_end = min(q * stride_w - pad_w + kernel_w, width)
                total = planes.dtype.type(0)
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        total += planes[plane, r, c]
                out[plane, p, q] = total / divisor  # padding zeros count in the divisor
    return out


@njit(parallel=True, cache=True)
def _avg_backward(grad, grad_x, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w):
    n_planes, out_h, out_w = grad.shape
    height, width = grad_x.shape[1], grad_x.shape[2]
    divisor = grad.dtype.type(kernel_h * kernel_w)  # in the gradient's dtype, so float32 stays float32
    for plane in prange(n_planes):
        grad_x[plane, :, :] = 0
        for p in range(out_h):
            row_start = max(p * stride_h - pad_h, 0)
            row_end = min(p * stride_h - pad_h + kernel_h, height)
            for q in range(out_w):
                col_start = max(q * stride_w - pad_w, 0)
                col_end = min(q * stride_w - pad_w + kernel_w, width)
                share = grad[plane, p, q] / divisor
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        grad_x[plane, r, c] += share


def _planes(array):
    """(N, C, H, W) -> a contiguous (N*C, H, W) stack of planes (no copy when already contiguous)."""
    n, c, h, w = array.shape
    return np.ascontiguousarray(array).reshape(n * c, h, w)


def _out_size(shape, kernel_size, stride, padding):
    return (output_size(shape[2], kernel_size[0], stride[0], padding[0]),
            output_size(shape[3], kernel_size[1], stride[1], padding[1]))


def max_pool2d_forward(x, kernel_size, stride, padding):
    """out = the largest value in each window; argmax = its index in the flattened (H*W) input plane."""
    out_h, out_w = _out_size(x.shape, kernel_size, stride, padding)
    out, argmax = _max_forward(_planes(x), *kernel_size, *stride, *padding, out_h, out_w)
    shape = x.shape[:2] + (out_h, out_w)
    return out.reshape(shape), argmax.reshape(shape)


def max_pool2d_backward(grad, argmax, input_shape):
    """dL/dx[argmax] += grad: each window sends its gradient to the pixel that was its maximum."""
    n, c, h, w = input_shape
    grad_x = np.empty((n * c, h * w), dtype=grad.dtype)
    _max_backward(_planes(grad), _planes(argmax), grad_x)
    return grad_x.reshape(input_shape)


def avg_pool2d_forward(x, kernel_size, stride, padding):
    """out = the mean of each window; padding zeros count (PyTorch's count_include_pad=True)."""
    out_h, out_w = _out_size(x.shape, kernel_size, stride, padding)
    out = _avg_forward(_planes(x), *kernel_size, *stride, *padding, out_h, out_w)
    return out.reshape(x.shape[:2] + (out_h, out_w))


def avg_pool2d_backward(grad, input_shape, kernel_size, stride, padding):
    """dL/dx = sum over the windows covering a pixel of grad / (kH*kW)."""
    n, c, h, w = input_shape
    grad_x = np.empty((n * c, h, w), dtype=grad.dtype)
    _avg_backward(_planes(grad), grad_x, *kernel_size, *stride, *padding)
    return grad_x.reshape(input_shape)
