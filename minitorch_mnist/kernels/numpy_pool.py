"""Pooling kernels in NumPy: max and average over (kH, kW) windows, as PyTorch computes them.

Like im2col, each kernel loops over the kH*kW offsets (i, j) of the window; for one offset a strided
slice of the padded input holds the pixel that offset sees, for every output position at once.
x and grads are (N, C, H, W); outputs are (N, C, OH, OW); kernel_size, stride, padding are (h, w) pairs.
numba_pool.py has the same functions with the same signatures, written as compiled loops.
"""

import numpy as np

from .numpy_im2col import output_size


def _window_slices(i, j, out_h, out_w, stride):
    """The rows and columns of the padded input that kernel offset (i, j) sees, one per output position."""
    return slice(i, i + stride[0] * out_h, stride[0]), slice(j, j + stride[1] * out_w, stride[1])


def max_pool2d_forward(x, kernel_size, stride, padding):
    """out = the largest value in each window; argmax = its index in the flattened (H*W) input plane."""
    n, c, h, w = x.shape
    kernel_h, kernel_w = kernel_size
    out_h = output_size(h, kernel_h, stride[0], padding[0])
    out_w = output_size(w, kernel_w, stride[1], padding[1])

    # -inf padding can never win a window
    padded = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2), constant_values=-np.inf)
    # input row / column of each window's top-left corner (negative when it starts inside the padding)
    top = np.arange(out_h) * stride[0] - padding[0]
    left = np.arange(out_w) * stride[1] - padding[1]

    # PyTorch starts each window at -inf, pointing at the window's first pixel inside the input
    best = np.full((n, c, out_h, out_w), -np.inf, dtype=x.dtype)
    first_inside = np.maximum(top, 0)[:, None] * w + np.maximum(left, 0)[None, :]
    best_index = np.broadcast_to(first_inside, best.shape).copy()
    for i in range(kernel_h):
        for j in range(kernel_w):
            rows, columns = _window_slices(i, j, out_h, out_w, stride)
            candidate = padded[:, :, rows, columns]
            # strictly greater: on a tie the pixel met first (row by row) keeps the max, as in PyTorch's
            # CPU kernel; a NaN always takes over, so a window holding a NaN gives NaN
            better = (candidate > best) | np.isnan(candidate)
            best = np.where(better, candidate, best)
            index = (top + i)[:, None] * w + (left + j)[None, :]  # (OH, OW) flat input positions
            best_index = np.where(better, index, best_index)
    return best, best_index


def max_pool2d_backward(grad, argmax, input_shape):
    """dL/dx[argmax] += grad: each window sends its gradient to the pixel that was its maximum."""
    n, c, h, w = input_shape
    grad_x = np.zeros((n * c, h * w), dtype=grad.dtype)
    planes = np.arange(n * c)[:, None]
    # overlapping windows (stride < kernel) can share a maximum: np.add.at adds repeats instead of overwriting
    windows = argmax.shape[2] * argmax.shape[3]  # not reshape(n * c, -1): that fails for an empty batch
    np.add.at(grad_x, (planes, argmax.reshape(n * c, windows)), grad.reshape(n * c, windows))
    return grad_x.reshape(input_shape)


def avg_pool2d_forward(x, kernel_size, stride, padding):
    """out = the mean of each window; padding zeros count (PyTorch's count_include_pad=True)."""
    n, c, h, w = x.shape
    kernel_h, kernel_w = kernel_size
    out_h = output_size(h, kernel_h, stride[0], padding[0])
    out_w = output_size(w, kernel_w, stride[1], padding[1])

    padded = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    total = np.zeros((n, c, out_h, out_w), dtype=x.dtype)
    for i in range(kernel_h):
        for j in range(kernel_w):
            rows, columns = _window_slices(i, j, out_h, out_w, stride)
            total += padded[:, :, rows, columns]
    return total / (kernel_h * kernel_w)


def avg_pool2d_backward(grad, input_shape, kernel_size, stride, padding):
    """dL/dx = sum over the windows covering a pixel of grad / (kH*kW)."""
    n, c, h, w = input_shape
    kernel_h, kernel_w = kernel_size
    out_h, out_w = grad.shape[2:]

    share = grad / (kernel_h * kernel_w)  # every pixel of a window gets the same part of its gradient
    padded = np.zeros((n, c, h + 2 * padding[0], w + 2 * padding[1]), dtype=grad.dtype)
    for i in range(kernel_h):
        for j in range(kernel_w):
            rows, columns = _window_slices(i, j, out_h, out_w, stride)
            padded[:, :, rows, columns] += share
    return np.ascontiguousarray(padded[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + w])
