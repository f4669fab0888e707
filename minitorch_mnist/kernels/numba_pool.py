"""Pooling kernels compiled with Numba: the twins of numpy_pool.py (same names, signatures, results).

Every (image, channel) plane is pooled on its own. A window is clipped to the input: padding pixels are
never the maximum, and in the average they count as zeros (count_include_pad=True), so they add nothing.
Max-pooling's forward and backward run parallel loops (prange over planes, each thread owns its planes,
so sums keep the serial order and results are bit-identical); average pooling is a single cheap pass,
where starting threads would cost more than it saves.

Speed notes: indices are computed on flat views and passed as np.uint64, which spares Numba its
negative-index check (see numba_conv.py). The max scan compares with `>` only: adding PyTorch's NaN
rule to that comparison made the loop 3-8x slower, so NaNs are handled by a separate pass that runs only
when the input holds a NaN. The usual 2x2 window with stride 2 has its own loop, _max_forward_2x2: a
fixed window chosen with selects (no branch to mispredict on random data) and the NaN count folded in.
LeNet's pool1 at batch 128, (128, 6, 26, 26): forward 0.72 ms with the general loop, 0.33 ms with that one;
forward and backward (now on two threads) 1.54 ms before, 0.72 ms after
(python benchmarks/bench_kernels.py --batch-sizes 128, run before and after the change).
"""

import numpy as np
from numba import njit, prange

from . import threads
from .numpy_im2col import output_size
from .numba_common import PRANGE_ONLY


@njit(cache=True)
def _window(p, q, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, height, width):
    """Rows [row_start, row_end) and columns [col_start, col_end) of output pixel (p, q)'s window, clipped to the input."""
    top, left = p * stride_h - pad_h, q * stride_w - pad_w
    return max(top, 0), min(top + kernel_h, height), max(left, 0), min(left + kernel_w, width)


@njit(parallel=PRANGE_ONLY, cache=True)
def _max_forward(planes, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_planes, height, width = planes.shape
    out = np.empty((n_planes, out_h, out_w), dtype=planes.dtype)
    argmax = np.empty((n_planes, out_h, out_w), dtype=np.int64)
    source = planes.reshape(planes.size)
    out_flat, argmax_flat = out.reshape(out.size), argmax.reshape(argmax.size)
    minus_infinity = planes.dtype.type(-np.inf)
    for plane in prange(n_planes):  # each thread owns whole planes of out and argmax
        for p in range(out_h):
            for q in range(out_w):
                row_start, row_end, col_start, col_end = _window(p, q, kernel_h, kernel_w, stride_h, stride_w,
                                                                 pad_h, pad_w, height, width)
                # as PyTorch: start at -inf, pointing at the window's first pixel inside the input
                best, best_index = minus_infinity, row_start * width + col_start
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        value = source[np.uint64(plane * height * width + r * width + c)]
                        if value > best:  # strictly greater: the first of tied maxima wins
                            best, best_index = value, r * width + c
                position = np.uint64((plane * out_h + p) * out_w + q)
                out_flat[position] = best
                argmax_flat[position] = best_index
    return out, argmax


@njit(parallel=PRANGE_ONLY, cache=True)
def _max_forward_2x2(planes, out_h, out_w):
    """_max_forward for the usual window (2x2, stride 2, no padding), written out: four loads and three compares
    done with selects instead of branches, so random data costs no mispredicted jumps (4x faster, see module
    docstring). Same rule: strictly greater from -inf, the first of tied maxima wins. Also counts NaNs per plane."""
    n_planes, height, width = planes.shape
    out = np.empty((n_planes, out_h, out_w), dtype=planes.dtype)
    argmax = np.empty((n_planes, out_h, out_w), dtype=np.int64)
    nans = np.zeros(n_planes, dtype=np.int64)
    source = planes.reshape(planes.size)
    out_flat, argmax_flat = out.reshape(out.size), argmax.reshape(argmax.size)
    minus_infinity = planes.dtype.type(-np.inf)
    for plane in prange(n_planes):  # each thread owns whole planes of out, argmax and nans
        plane_start = plane * height * width
        nan_count = 0
        for p in range(out_h):
            for q in range(out_w):
                top_left = 2 * p * width + 2 * q  # the window's pixels: top_left, +1, +width, +width+1
                best, best_index = minus_infinity, top_left
                for index in (top_left, top_left + 1, top_left + width, top_left + width + 1):
                    value = source[np.uint64(plane_start + index)]
                    nan_count += value != value
                    greater = value > best
                    best = value if greater else best
                    best_index = index if greater else best_index
                position = np.uint64((plane * out_h + p) * out_w + q)
                out_flat[position] = best
                argmax_flat[position] = best_index
        nans[plane] = nan_count
    return out, argmax, nans


@njit(cache=True)
def _count_nans(planes):
    flat = planes.reshape(planes.size)
    count = 0
    for i in range(flat.size):
        count += flat[i] != flat[i]  # only a NaN differs from itself
    return count


@njit(cache=True)
def _nan_windows(planes, out, argmax, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w):
    """PyTorch's rule for a window holding a NaN: the output is NaN, and it points at the window's last NaN."""
    n_planes, height, width = planes.shape
    out_h, out_w = out.shape[1], out.shape[2]
    for plane in range(n_planes):
        for p in range(out_h):
            for q in range(out_w):
                row_start, row_end, col_start, col_end = _window(p, q, kernel_h, kernel_w, stride_h, stride_w,
                                                                 pad_h, pad_w, height, width)
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        if planes[plane, r, c] != planes[plane, r, c]:
                            out[plane, p, q] = planes[plane, r, c]
                            argmax[plane, p, q] = r * width + c


@njit(parallel=PRANGE_ONLY, cache=True)
def _max_backward(grad, argmax, grad_x):
    n_planes, out_h, out_w = grad.shape
    for plane in prange(n_planes):  # each thread owns whole planes of grad_x, summed in the same order as serially
        grad_x[plane, :] = 0
        for p in range(out_h):
            for q in range(out_w):
                # += because overlapping windows may share their maximum
                grad_x[plane, argmax[plane, p, q]] += grad[plane, p, q]


@njit(cache=True)
def _avg_forward(planes, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_planes, height, width = planes.shape
    out = np.empty((n_planes, out_h, out_w), dtype=planes.dtype)
    divisor = planes.dtype.type(kernel_h * kernel_w)  # in the input's dtype, so float32 stays float32
    for plane in range(n_planes):
        for p in range(out_h):
            for q in range(out_w):
                row_start, row_end, col_start, col_end = _window(p, q, kernel_h, kernel_w, stride_h, stride_w,
                                                                 pad_h, pad_w, height, width)
                total = planes.dtype.type(0)
                for r in range(row_start, row_end):
                    for c in range(col_start, col_end):
                        total += planes[plane, r, c]
                out[plane, p, q] = total / divisor  # padding zeros count in the divisor
    return out


@njit(cache=True)
def _avg_backward(grad, grad_x, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w):
    n_planes, out_h, out_w = grad.shape
    height, width = grad_x.shape[1], grad_x.shape[2]
    divisor = grad.dtype.type(kernel_h * kernel_w)  # in the gradient's dtype, so float32 stays float32
    grad_x[:] = 0
    for plane in range(n_planes):
        for p in range(out_h):
            for q in range(out_w):
                row_start, row_end, col_start, col_end = _window(p, q, kernel_h, kernel_w, stride_h, stride_w,
                                                                 pad_h, pad_w, height, width)
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
    planes = _planes(x)
    with threads.numba_region():
        if kernel_size == stride == (2, 2) and padding == (0, 0):
            out, argmax, nans = _max_forward_2x2(planes, out_h, out_w)
            has_nan = nans.any()
        else:
            out, argmax = _max_forward(planes, *kernel_size, *stride, *padding, out_h, out_w)
            has_nan = _count_nans(planes) > 0
    if has_nan:
        _nan_windows(planes, out, argmax, *kernel_size, *stride, *padding)
    shape = x.shape[:2] + (out_h, out_w)
    return out.reshape(shape), argmax.reshape(shape)


def max_pool2d_backward(grad, argmax, input_shape):
    """dL/dx[argmax] += grad: each window sends its gradient to the pixel that was its maximum."""
    n, c, h, w = input_shape
    grad_x = np.empty((n * c, h * w), dtype=grad.dtype)
    with threads.numba_region():
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
