"""Convolution kernels compiled with Numba: the twins of numpy_conv.py (same names, signatures, results).

The math is the same im2col + matrix product, but written as loops over one image at a time, so that
an image's columns are still in the CPU cache when the product reads them, and the images are shared
among the CPU cores (prange). Each thread writes only its own images' outputs: no locks, no races.

Shapes: x (N, C, H, W), weight (O, C, kH, kW), out and grad (N, O, OH, OW),
cols (N, K, L) with K = C*kH*kW rows and L = OH*OW columns, row k = (c*kH + i)*kW + j (as im2col.py).

Two speed notes for the reader:
- Numba treats a negative index as counting from the end, which costs a check on every access and
  stops the compiler from using SIMD. In the copy loops below the index is passed as np.uint64 (it is
  never negative there), which skips the check and makes im2col/col2im about 3x faster.
- The products take four rows per pass over the output row (acc += w0*r0 + w1*r1 + w2*r2 + w3*r3), so
  the output row is loaded and stored once per four multiply-adds instead of once per one.
"""

import numba
import numpy as np
from numba import njit, prange

from .im2col import output_size

# Never fastmath=True: it lets the compiler assume there are no NaNs or infinities. These flags only
# allow reordering sums (so a dot product can use SIMD lanes) and fused multiply-adds.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}


@njit(cache=True)
def _valid_range(size_out, stride, offset, size_in):
    """Output positions p in [first, last) whose input position p*stride + offset lies inside [0, size_in)."""
    first = 0
    while first < size_out and first * stride + offset < 0:
        first += 1
    last = size_out
    while last > first and (last - 1) * stride + offset >= size_in:
        last -= 1
    return first, last


@njit(cache=True)
def _im2col_one(image, cols, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    """Fill cols (K, L) with the patches of one image (C, H, W); pixels in the padding are 0."""
    channels, height, width = image.shape
    source = image.reshape(image.size)  # flat views: index arithmetic written out once
    target = cols.reshape(cols.size)
    for c in range(channels):
        for i in range(kernel_h):
            first_p, last_p = _valid_range(out_h, stride_h, i - pad_h, height)
            for j in range(kernel_w):
                first_q, last_q = _valid_range(out_w, stride_w, j - pad_w, width)
                row_start = ((c * kernel_h + i) * kernel_w + j) * out_h * out_w
                for p in range(out_h):
                    start = row_start + p * out_w  # entry of output pixel (p, 0) in this row
                    if p < first_p or p >= last_p:  # kernel row i is in the top or bottom padding
                        for q in range(out_w):
                            target[np.uint64(start + q)] = 0
                        continue
                    # flat input index of output pixel (p, 0)'s pixel; may be negative (left padding)
                    source_start = (c * height + p * stride_h + i - pad_h) * width + j - pad_w
                    for q in range(first_q):
                        target[np.uint64(start + q)] = 0
                    for q in range(first_q, last_q):
                        target[np.uint64(start + q)] = source[np.uint64(source_start + q * stride_w)]
                    for q in range(last_q, out_w):
                        target[np.uint64(start + q)] = 0


@njit(cache=True)
def _col2im_one(cols, image, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    """The adjoint of _im2col_one: image (C, H, W) = sum of the column entries copied from each pixel."""
    channels, height, width = image.shape
    target = image.reshape(image.size)
    source = cols.reshape(cols.size)
    target[:] = 0
    for c in range(channels):
        for i in range(kernel_h):
            first_p, last_p = _valid_range(out_h, stride_h, i - pad_h, height)
            for j in range(kernel_w):
                first_q, last_q = _valid_range(out_w, stride_w, j - pad_w, width)
                row_start = ((c * kernel_h + i) * kernel_w + j) * out_h * out_w
                for p in range(first_p, last_p):  # entries in the padding have nowhere to go
                    start = row_start + p * out_w
                    target_start = (c * height + p * stride_h + i - pad_h) * width + j - pad_w
                    for q in range(first_q, last_q):
                        target[np.uint64(target_start + q * stride_w)] += source[np.uint64(start + q)]


@njit(cache=True, fastmath=FASTMATH)
def _add_product(weights, rows, out):
    """out += weights @ rows, for weights (A, B), rows (B, P), out (A, P); four rows of `rows` per pass."""
    n_out, n_rows = weights.shape
    for a in range(n_out):
        acc = out[a]
        b = 0
        while b + 4 <= n_rows:
            w0, w1, w2, w3 = weights[a, b], weights[a, b + 1], weights[a, b + 2], weights[a, b + 3]
            r0, r1, r2, r3 = rows[b], rows[b + 1], rows[b + 2], rows[b + 3]
            for p in range(acc.size):
                acc[p] += w0 * r0[p] + w1 * r1[p] + w2 * r2[p] + w3 * r3[p]
            b += 4
        while b < n_rows:  # the last n_rows % 4 rows
            w, r = weights[a, b], rows[b]
            for p in range(acc.size):
                acc[p] += w * r[p]
            b += 1


@njit(cache=True, fastmath=FASTMATH)
def _add_product_transposed(left, right, out):
    """out += left @ right^T, for left (A, P), right (B, P), out (A, B): dot products of rows, four at a time."""
    n_left, n_right = out.shape
    for a in range(n_left):
        row = left[a]
        b = 0
        while b + 4 <= n_right:
            r0, r1, r2, r3 = right[b], right[b + 1], right[b + 2], right[b + 3]
            t0 = t1 = t2 = t3 = out.dtype.type(0)
            for p in range(row.size):
                t0 += row[p] * r0[p]
                t1 += row[p] * r1[p]
                t2 += row[p] * r2[p]
                t3 += row[p] * r3[p]
            out[a, b] += t0
            out[a, b + 1] += t1
            out[a, b + 2] += t2
            out[a, b + 3] += t3
            b += 4
        while b < n_right:
            r, t = right[b], out.dtype.type(0)
            for p in range(row.size):
                t += row[p] * r[p]
            out[a, b] += t
            b += 1


@njit(parallel=True, cache=True)
def _forward(x, weight_rows, bias, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_images = x.shape[0]
    n_out, n_rows = weight_rows.shape
    cols = np.empty((n_images, n_rows, out_h * out_w), dtype=x.dtype)
    out = np.empty((n_images, n_out, out_h * out_w), dtype=x.dtype)
    for n in prange(n_images):  # each thread owns whole images: cols[n] and out[n]
        _im2col_one(x[n], cols[n], kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w)
        for o in range(n_out):
            out[n, o, :] = bias[o]
        _add_product(weight_rows, cols[n], out[n])  # out[n] = b + W @ cols[n]
    return out, cols


@njit(parallel=True, cache=True)
def _input_grad(grad, weight_columns, grad_x, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_images = grad.shape[0]
    n_rows = weight_columns.shape[0]
    for n in prange(n_images):  # each thread owns whole images: grad_x[n]
        grad_cols = np.zeros((n_rows, out_h * out_w), dtype=grad.dtype)
        _add_product(weight_columns, grad[n], grad_cols)  # grad_cols = W^T @ grad[n]
        _col2im_one(grad_cols, grad_x[n], kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w)


@njit(parallel=True, cache=True)
def _weight_grad(grad, cols, n_parts):
    n_images, n_out = grad.shape[:2]
    n_rows = cols.shape[1]
    # each thread sums the images of its own part into its own partial gradient; then the parts are added
    partial = np.zeros((n_parts, n_out, n_rows), dtype=grad.dtype)
    for part in prange(n_parts):
        for n in range(part * n_images // n_parts, (part + 1) * n_images // n_parts):
            _add_product_transposed(grad[n], cols[n], partial[part])  # += grad[n] @ cols[n]^T
    grad_weight = np.zeros((n_out, n_rows), dtype=grad.dtype)
    for part in range(n_parts):
        grad_weight += partial[part]
    return grad_weight


def conv2d_forward(x, weight, bias, stride, padding):
    """out[n] = W @ cols[n] + b. Returns (out, cols); cols is kept for the weight gradient."""
    n, _, h, w = x.shape
    out_channels, _, kernel_h, kernel_w = weight.shape
    out_h = output_size(h, kernel_h, stride[0], padding[0])
    out_w = output_size(w, kernel_w, stride[1], padding[1])
    if bias is None:
        bias = np.zeros(out_channels, dtype=x.dtype)
    weight_rows = np.ascontiguousarray(weight).reshape(out_channels, -1)  # (O, K)
    out, cols = _forward(np.ascontiguousarray(x), weight_rows, np.ascontiguousarray(bias),
                         kernel_h, kernel_w, *stride, *padding, out_h, out_w)
    return out.reshape(n, out_channels, out_h, out_w), cols


def conv2d_input_grad(grad, weight, input_shape, stride, padding):
    """dL/dx = col2im(W^T @ grad[n]): each column's gradient goes back to the pixels it was copied from."""
    n, out_channels, out_h, out_w = grad.shape
    kernel_h, kernel_w = weight.shape[2:]
    weight_columns = np.ascontiguousarray(weight.reshape(out_channels, -1).T)  # W^T: (K, O)
    grad_x = np.empty(input_shape, dtype=grad.dtype)
    _input_grad(np.ascontiguousarray(grad).reshape(n, out_channels, -1), weight_columns, grad_x,
                kernel_h, kernel_w, *stride, *padding, out_h, out_w)
    return grad_x


def conv2d_weight_grad(grad, cols, weight_shape):
    """dL/dW = sum over images n of grad[n] @ cols[n]^T."""
    n, out_channels = grad.shape[:2]
    n_parts = max(1, min(numba.get_num_threads(), n))
    grad_weight = _weight_grad(np.ascontiguousarray(grad).reshape(n, out_channels, -1), cols, n_parts)
    return grad_weight.reshape(weight_shape)
