"""Convolution kernels compiled with Numba: the twins of numpy_conv.py (same names, signatures, results).

The math is the same im2col + matrix product, but done a tile at a time: a tile is a few whole images,
whose columns sit side by side in a block. The block is small enough to stay in the CPU cache between
im2col and the product, and wide enough (~512 columns) that the inner loops are long SIMD loops even for
4x4 outputs. The tiles are shared among the CPU cores (prange); each thread writes only its own tiles'
outputs (and, for the weight gradient, its own partial sum), so the parallel loops need no locks and
have no races.

Shapes as in numpy_conv.py: x (N, C, H, W), weight (O, C, kH, kW), out and grad (N, O, OH, OW), and a
tile's block of cols (K, images * L), K = C*kH*kW, L = OH*OW. The blocks live only while their tile is
worked on; the backward rebuilds them from x, which costs less than storing all of cols (K*L is 2 to 9
times C*H*W) and reading it back from memory. The backward computes both gradients in one pass over
the tiles, so each tile's gradient block and columns are made once and used twice.

Speed notes for the reader:
- Numba treats a negative index as counting from the end, which costs a check on every access and
  stops the compiler from using SIMD. Where an inner loop's index is not simply range(n), it is passed
  as np.uint64 (it is never negative), which skips the check: im2col/col2im ran 3-4x faster for it.
- The matrix products work on small blocks of rows (see _add_product), which made them 1.3-1.8x faster
  than one row at a time.
- Building the columns (numba_im2col.py) used to cost more than the products: in a forward of the CNN's
  conv2 on one thread, 0.45 ms against 0.15 ms (over 90 GFLOP/s). Reading stride-2 images through a table
  of pixel indices instead of row by row made the CNN's conv2 and conv3, forward and backward, about 2x
  faster, with the same bits (numba_im2col.py has the measurements).

Layers with many channels go to numba_conv_blas.py instead (uses_blas below): the same tiles, with NumPy's BLAS
for the products. conv2d_forward and conv2d_backward choose, so the ops and kernels.backend see one kernel.
"""

import numba
import numpy as np
from numba import njit, prange

from . import numba_conv_blas, threads
from .numpy_im2col import output_size
from .numba_im2col import col2im_into, tap_tables, tile_cols
from .numba_common import FASTMATH, PRANGE_ONLY

TILE_COLUMNS = 512  # columns a tile aims for
TILE_BYTES = 256 * 1024  # and the most its block may take (well within a core's L2 cache)

# The crossover to BLAS, in K = C*kH*kW (rows of cols: the products' inner or outer size) and O (output channels).
# Measured on 2 AMD EPYC (Zen 4) cores, forward and backward, 3x3 kernels: at 8x8 outputs BLAS wins from K*O ~ 2**15,
# at 16x16 (where the hand-written product has its best tile: 256 columns that stay in L1) only from ~2**17, at
# 32x32 from ~2**13; from 2**17 on BLAS was never the slower. MNIST's layers (K <= 150, O <= 16) stay here;
# CifarAlexNet's conv2..conv5 (K*O = 221k..1.3M) go to BLAS, its conv1 (K = 27) stays.
BLAS_MIN_ROWS = 256
BLAS_MIN_OUT = 64
BLAS_MIN_WEIGHTS = 1 << 17  # K * O


@njit(cache=True, fastmath=FASTMATH)
def _add_product(weights, rows, out):
    """out += weights @ rows, for weights (A, B), rows (B, P), out (A, P).

    Blocks of 4 output rows x 4 input rows: one pass over the P columns loads 4 input and 4 output values
    and stores 4 for every 16 multiply-adds; the plain loop (out[a] += w * rows[b]) loads and stores the
    output once per multiply-add, and that, not the arithmetic, is what limits it.
    """
    n_out, n_rows = weights.shape
    width = out.shape[1]
    a = 0
    while a + 4 <= n_out:
        acc0, acc1, acc2, acc3 = out[a], out[a + 1], out[a + 2], out[a + 3]
        b = 0
        while b + 4 <= n_rows:
            r0, r1, r2, r3 = rows[b], rows[b + 1], rows[b + 2], rows[b + 3]
            w00, w01, w02, w03 = weights[a, b], weights[a, b + 1], weights[a, b + 2], weights[a, b + 3]
            w10, w11, w12, w13 = weights[a + 1, b], weights[a + 1, b + 1], weights[a + 1, b + 2], weights[a + 1, b + 3]
            w20, w21, w22, w23 = weights[a + 2, b], weights[a + 2, b + 1], weights[a + 2, b + 2], weights[a + 2, b + 3]
            w30, w31, w32, w33 = weights[a + 3, b], weights[a + 3, b + 1], weights[a + 3, b + 2], weights[a + 3, b + 3]
            for p in range(width):
                v0, v1, v2, v3 = r0[p], r1[p], r2[p], r3[p]
                acc0[p] += w00 * v0 + w01 * v1 + w02 * v2 + w03 * v3
                acc1[p] += w10 * v0 + w11 * v1 + w12 * v2 + w13 * v3
                acc2[p] += w20 * v0 + w21 * v1 + w22 * v2 + w23 * v3
                acc3[p] += w30 * v0 + w31 * v1 + w32 * v2 + w33 * v3
            b += 4
        for b in range(b, n_rows):  # the last n_rows % 4 input rows
            r = rows[b]
            w0, w1, w2, w3 = weights[a, b], weights[a + 1, b], weights[a + 2, b], weights[a + 3, b]
            for p in range(width):
                acc0[p] += w0 * r[p]
                acc1[p] += w1 * r[p]
                acc2[p] += w2 * r[p]
                acc3[p] += w3 * r[p]
        a += 4
    for a in range(a, n_out):  # the last n_out % 4 output rows, one input row at a time
        acc = out[a]
        for b in range(n_rows):
            w, r = weights[a, b], rows[b]
            for p in range(width):
                acc[p] += w * r[p]


@njit(cache=True, fastmath=FASTMATH)
def _add_product_transposed(left, right, out):
    """out += left @ right^T, for left (A, P), right (B, P), out (A, B): dot products of rows.

    Blocks of 2 left rows x 4 right rows: 8 dot products share one pass over the P columns (6 loads for
    8 multiply-adds); fastmath's reassoc lets each dot product use SIMD lanes.
    """
    n_left, n_right = out.shape
    width = left.shape[1]
    zero = out.dtype.type(0)
    a = 0
    while a + 2 <= n_left:
        u, v = left[a], left[a + 1]
        b = 0
        while b + 4 <= n_right:
            r0, r1, r2, r3 = right[b], right[b + 1], right[b + 2], right[b + 3]
            t00 = t01 = t02 = t03 = t10 = t11 = t12 = t13 = zero
            for p in range(width):
                c0, c1, c2, c3 = r0[p], r1[p], r2[p], r3[p]
                t00 += u[p] * c0
                t01 += u[p] * c1
                t02 += u[p] * c2
                t03 += u[p] * c3
                t10 += v[p] * c0
                t11 += v[p] * c1
                t12 += v[p] * c2
                t13 += v[p] * c3
            out[a, b], out[a, b + 1], out[a, b + 2], out[a, b + 3] = (
                out[a, b] + t00, out[a, b + 1] + t01, out[a, b + 2] + t02, out[a, b + 3] + t03)
            out[a + 1, b], out[a + 1, b + 1], out[a + 1, b + 2], out[a + 1, b + 3] = (
                out[a + 1, b] + t10, out[a + 1, b + 1] + t11, out[a + 1, b + 2] + t12, out[a + 1, b + 3] + t13)
            b += 4
        for b in range(b, n_right):  # the last n_right % 4 right rows
            r, t0, t1 = right[b], zero, zero
            for p in range(width):
                t0 += u[p] * r[p]
                t1 += v[p] * r[p]
            out[a, b] += t0
            out[a + 1, b] += t1
        a += 2
    for a in range(a, n_left):  # an odd last left row
        u = left[a]
        for b in range(n_right):
            r, t = right[b], zero
            for p in range(width):
                t += u[p] * r[p]
            out[a, b] += t


@njit(cache=True)
def _tile_grad(grad, first, last):
    """grad[first:last] (images, O, L) laid out like columns of cols: (O, images * L)."""
    if last - first == 1:
        return grad[first]  # one image: already in that layout, no copy needed
    n_out, n_cols = grad.shape[1], grad.shape[2]
    block = np.empty((n_out, (last - first) * n_cols), dtype=grad.dtype)
    for n in range(first, last):
        for o in range(n_out):
            for p in range(n_cols):
                block[o, np.uint64((n - first) * n_cols + p)] = grad[n, o, p]
    return block


@njit(parallel=PRANGE_ONLY, cache=True)
def _forward(x, weight_rows, bias, per_tile, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w):
    n_images = x.shape[0]
    n_out, n_rows = weight_rows.shape
    n_cols = out_h * out_w
    out = np.empty((n_images, n_out, n_cols), dtype=x.dtype)
    tables = tap_tables(kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, x.shape[2], x.shape[3], out_h, out_w)
    for tile in prange((n_images + per_tile - 1) // per_tile):  # each thread owns whole tiles of images
        first, last = tile * per_tile, min((tile + 1) * per_tile, n_images)
        cols = tile_cols(x, first, last, n_rows, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w,
                         tables)
        # product = b + W @ cols (written straight into out when the tile is one image)
        product = out[first] if last - first == 1 else np.empty((n_out, cols.shape[1]), dtype=x.dtype)
        for o in range(n_out):
            product[o, :] = bias[o]
        _add_product(weight_rows, cols, product)
        if last - first > 1:
            for n in range(first, last):
                for o in range(n_out):
                    for p in range(n_cols):
                        out[n, o, p] = product[o, np.uint64((n - first) * n_cols + p)]
    return out


@njit(parallel=PRANGE_ONLY, cache=True)
def _backward(grad, x, weight_columns, per_tile, compute_input_grad, kernel_h, kernel_w, stride_h, stride_w, pad_h,
              pad_w, out_h, out_w):
    n_images, n_out, n_cols = grad.shape
    n_rows = weight_columns.shape[0]
    n_tiles = (n_images + per_tile - 1) // per_tile
    # without the input gradient, an empty stand-in keeps the return type the same
    grad_x = np.empty(x.shape if compute_input_grad else (0, 0, 0, 0), dtype=grad.dtype)
    # each tile adds its images into its own partial weight gradient; the partials are summed in tile order
    partial = np.zeros((n_tiles, n_out, n_rows), dtype=grad.dtype)
    tables = tap_tables(kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, x.shape[2], x.shape[3], out_h, out_w)
    for tile in prange(n_tiles):  # each thread owns whole tiles: their grad_x[n] and partial[tile]
        first, last = tile * per_tile, min((tile + 1) * per_tile, n_images)
        block = _tile_grad(grad, first, last)
        cols = tile_cols(x, first, last, n_rows, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w,
                         tables)
        _add_product_transposed(block, cols, partial[tile])  # dL/dW += grad @ cols^T
        if compute_input_grad:
            grad_cols = np.zeros((n_rows, block.shape[1]), dtype=grad.dtype)
            _add_product(weight_columns, block, grad_cols)  # dL/dcols = W^T @ grad
            # col2im's zero-padded buffer, for stride_w == 1 (one for the tile; unused, and empty, otherwise)
            padded = np.empty((x.shape[1], x.shape[2] + 2 * pad_h, x.shape[3] + 2 * pad_w) if stride_w == 1
                              else (0, 0, 0), dtype=grad.dtype)
            for n in range(first, last):  # dL/dx = col2im(dL/dcols)
                col2im_into(grad_cols, (n - first) * n_cols, grad_x[n], padded, tables, kernel_h, kernel_w, stride_h,
                            stride_w, pad_h, pad_w, out_h, out_w)
    grad_weight = np.zeros((n_out, n_rows), dtype=grad.dtype)
    for tile in range(n_tiles):
        grad_weight += partial[tile]
    return grad_x, grad_weight


def _images_per_tile(n_images, n_rows, n_cols, itemsize):
    """Images per tile: at most about TILE_COLUMNS columns within TILE_BYTES, and as many tiles for every thread.

    The threads counted are Numba's whole pool, not those in use now (threads.py adapts that to the load):
    the tiles, and so the order in which the weight gradient is summed, must not depend on the load, or the
    same inputs would give gradients that differ in the last bits from one call to the next.
    """
    most = max(1, min(TILE_COLUMNS // n_cols, TILE_BYTES // (n_rows * n_cols * itemsize)))
    n_threads = numba.config.NUMBA_NUM_THREADS
    n_tiles = -(-n_images // most)  # ceil
    n_tiles = -(-n_tiles // n_threads) * n_threads  # a multiple of the threads, so none waits for the last tile
    return max(1, -(-n_images // n_tiles))


def _out_size(x_shape, kernel_size, stride, padding):
    return (output_size(x_shape[2], kernel_size[0], stride[0], padding[0]),
            output_size(x_shape[3], kernel_size[1], stride[1], padding[1]))


def uses_blas(weight_shape, dtype):
    """Whether a layer of this weight shape runs its products in BLAS (numba_conv_blas.py) rather than here."""
    out_channels, channels, kernel_h, kernel_w = weight_shape
    rows = channels * kernel_h * kernel_w
    return (np.dtype(dtype) in (np.float32, np.float64) and rows >= BLAS_MIN_ROWS and out_channels >= BLAS_MIN_OUT
            and rows * out_channels >= BLAS_MIN_WEIGHTS)


def conv2d_forward(x, weight, bias, stride, padding):
    """out[n] = W @ cols[n] + b, with cols = im2col(x) built a tile at a time."""
    if uses_blas(weight.shape, x.dtype):
        return numba_conv_blas.conv2d_forward(x, weight, bias, stride, padding)
    out_channels, kernel_size = weight.shape[0], weight.shape[2:]
    out_h, out_w = _out_size(x.shape, kernel_size, stride, padding)
    if x.shape[0] == 0:  # an empty batch: an empty output, as in PyTorch (and no tiles to share out)
        return np.empty((0, out_channels, out_h, out_w), dtype=x.dtype)
    if bias is None:
        bias = np.zeros(out_channels, dtype=x.dtype)
    weight_rows = np.ascontiguousarray(weight).reshape(out_channels, -1)  # (O, K)
    per_tile = _images_per_tile(x.shape[0], weight_rows.shape[1], out_h * out_w, x.itemsize)
    with threads.numba_region():
        out = _forward(np.ascontiguousarray(x), weight_rows, np.ascontiguousarray(bias), per_tile,
                       *kernel_size, *stride, *padding, out_h, out_w)
    return out.reshape(x.shape[0], out_channels, out_h, out_w)


def conv2d_backward(grad, x, weight, stride, padding, compute_input_grad=True):
    """(dL/dx, dL/dW) = (col2im(W^T @ grad), grad @ cols^T), with cols = im2col(x) rebuilt a tile at a time.

    compute_input_grad=False skips W^T @ grad and col2im and returns None for dL/dx (a first layer's input).
    """
    if uses_blas(weight.shape, grad.dtype):
        return numba_conv_blas.conv2d_backward(grad, x, weight, stride, padding, compute_input_grad)
    n, out_channels, out_h, out_w = grad.shape
    if n == 0:  # an empty batch: nothing flows back, dL/dW = 0 (PyTorch gives the same)
        grad_x = np.zeros(x.shape, dtype=grad.dtype) if compute_input_grad else None
        return grad_x, np.zeros(weight.shape, dtype=grad.dtype)
    weight_columns = np.ascontiguousarray(weight.reshape(out_channels, -1).T)  # W^T: (K, O)
    per_tile = _images_per_tile(n, weight_columns.shape[0], out_h * out_w, grad.itemsize)
    with threads.numba_region():
        grad_x, grad_weight = _backward(np.ascontiguousarray(grad).reshape(n, out_channels, -1),
                                        np.ascontiguousarray(x), weight_columns, per_tile, bool(compute_input_grad),
                                        *weight.shape[2:], *stride, *padding, out_h, out_w)
    return (grad_x if compute_input_grad else None), grad_weight.reshape(weight.shape)
