"""Convolution through NumPy's BLAS, for layers with many channels: numba_conv.py sends them here (its rule,
numba_conv.uses_blas), the ops never see the difference.

The math is numba_conv.py's: im2col + matrix product, tile by tile. Only the products differ: np.matmul
(OpenBLAS's or MKL's sgemm/dgemm, blocked for the cache and written in assembly for each CPU) instead of the
hand-written _add_product / _add_product_transposed. Those reach up to 90 GFLOP/s on MNIST's 1-16 channels but
fell to 7-30 once a layer has hundreds of channels (the backward of CifarAlexNet's conv3..conv5, 2 AMD EPYC
cores), where NumPy's BLAS keeps 65-80 on one core (python benchmarks/bench_layers.py --model alexnet prints
each layer's GFLOP/s beside NumPy's plain matmul on the same products).

Threads. The batch is cut into a fixed number of chunks, Numba's pool size (NUMBA_NUM_THREADS) or fewer: so the
cut, and the order in which the chunks' weight gradients are added, never depend on the load, and the same
inputs give the same bits. A small pool of Python threads (the caller plus get_num_threads() - 1 workers) takes
whole chunks; each runs its own one-thread BLAS products (threads.numba_region() limits OpenBLAS to one thread,
as for every parallel kernel), so no BLAS worker is left spinning afterwards, and im2col and col2im run side by
side as well: np.matmul and the compiled loops below (nogil=True) release the GIL.

Buffers. Each thread keeps its work arrays (a tile's columns, product, gradient block, column gradient, padded
image) from one call to the next, grown to the largest size asked for. A training step then allocates here
only what it returns (out, dL/dx, dL/dW and the chunks' partial dL/dW): allocating the big temporaries afresh
would cost a page fault per 4 KiB page touched whenever the C allocator serves them with new memory (see
memory.py and docs/09-memory-traffic.md).
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit

from . import threads
from .numba_im2col import col2im_into, cols_into, tap_tables
from .numpy_im2col import output_size

TILE_COLUMNS = 512  # a tile is whole images with at least this many output pixels (columns of its block) ...
TILE_BYTES = 8 * 1024 * 1024  # ... as long as its block of columns stays within this


# ---- the compiled loops around the products (nogil: the threads run them side by side) ----

@njit(nogil=True, cache=True)
def _scatter_out(product, bias, out, first, last):
    """out[n, o, p] = product[o, (n - first) * L + p] + bias[o]: a tile's (O, images * L) block into (N, O, L)."""
    n_out, n_cols = out.shape[1], out.shape[2]
    for n in range(first, last):
        base = (n - first) * n_cols
        for o in range(n_out):
            b = bias[o]
            for p in range(n_cols):
                out[n, o, p] = product[o, np.uint64(base + p)] + b


@njit(nogil=True, cache=True)
def _gather_grad(grad, first, last, block):
    """block (O, images * L) = grad[first:last] (images, O, L), laid out like the columns of cols."""
    n_out, n_cols = grad.shape[1], grad.shape[2]
    for n in range(first, last):
        base = (n - first) * n_cols
        for o in range(n_out):
            for p in range(n_cols):
                block[o, np.uint64(base + p)] = grad[n, o, p]


@njit(nogil=True, cache=True)
def _col2im_tile(grad_cols, grad_x, first, last, padded, tables, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w,
                 out_h, out_w):
    """grad_x[n] = col2im of the columns of image n in grad_cols, for n in first..last-1 (padded: scratch)."""
    for n in range(first, last):
        col2im_into(grad_cols, (n - first) * out_h * out_w, grad_x[n], padded, tables, kernel_h, kernel_w, stride_h,
                    stride_w, pad_h, pad_w, out_h, out_w)


@njit(nogil=True, cache=True)
def _add_into(total, part):
    """total += part (same shape, contiguous)."""
    t, s = total.reshape(total.size), part.reshape(part.size)
    for i in range(t.size):
        t[i] += s[i]


# ---- work buffers and threads ----

class _WorkBuffers(threading.local):
    """One thread's scratch arrays, by role: one flat array per (role, dtype), grown to the largest request."""

    def __init__(self):
        self.arrays = {}

    def get(self, role, shape, dtype):
        size = int(np.prod(shape))
        key = (role, np.dtype(dtype))
        flat = self.arrays.get(key)
        if flat is None or flat.size < size:
            flat = self.arrays[key] = np.zeros(max(size, 1), dtype=dtype)
        return flat[:size].reshape(shape)

    def padded(self, shape, dtype):
        """A padded image (C, H + 2ph, W + 2pw) whose border is zero: cols_into writes only its inside, so it stays
        zero. One per layer shape (a few, and small); col2im's padded scratch is a plain get() buffer."""
        key = ("padded", tuple(shape), np.dtype(dtype))
        if key not in self.arrays:
            self.arrays[key] = np.zeros(shape, dtype=dtype)
        return self.arrays[key]


_buffers = _WorkBuffers()
_pool = None  # the worker threads, started on first use
_pool_lock = threading.Lock()


def _forget_pool():
    """In a forked child the pool's threads are gone: an executor that thinks it still has them would wait forever."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _run(tasks, n_threads):
    """Run the tasks (callables) on n_threads threads, the caller among them: task i on thread i % n_threads."""
    global _pool
    if n_threads <= 1 or len(tasks) <= 1:
        for task in tasks:
            task()
        return
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, numba.config.NUMBA_NUM_THREADS - 1),
                                       thread_name_prefix="minitorch-conv")
    groups = [tasks[i::n_threads] for i in range(n_threads)]
    futures = [_pool.submit(lambda group=group: [task() for task in group]) for group in groups[1:]]
    for task in groups[0]:
        task()
    for future in futures:
        future.result()  # waits, and raises what a worker raised


def _chunks(n_images):
    """(first, last) of each chunk: Numba's pool size of them (fewer for a small batch), as equal as can be."""
    n_chunks = min(n_images, numba.config.NUMBA_NUM_THREADS)
    bounds = [n_images * i // n_chunks for i in range(n_chunks + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def _tiles(first, last, n_rows, n_cols, itemsize):
    """The tiles of a chunk: about TILE_COLUMNS columns each, within TILE_BYTES of columns."""
    per_tile = max(1, min(-(-TILE_COLUMNS // n_cols), TILE_BYTES // (n_rows * n_cols * itemsize)))
    return [(a, min(a + per_tile, last)) for a in range(first, last, per_tile)]


class _Layer:
    """The sizes of one call: N, O, K = C*kH*kW rows, L = OH*OW columns per image, and the window's numbers."""

    def __init__(self, x_shape, weight_shape, stride, padding):
        self.n, channels, height, width = x_shape
        self.n_out, _, kernel_h, kernel_w = weight_shape
        out_h = output_size(height, kernel_h, stride[0], padding[0])
        out_w = output_size(width, kernel_w, stride[1], padding[1])
        self.out_shape = (self.n, self.n_out, out_h, out_w)
        self.n_rows, self.n_cols = channels * kernel_h * kernel_w, out_h * out_w
        self.padded_shape = (channels, height + 2 * padding[0], width + 2 * padding[1])
        self.window = (kernel_h, kernel_w, *stride, *padding, out_h, out_w)
        self.tables = tap_tables(kernel_h, kernel_w, *stride, *padding, height, width, out_h, out_w)

    def tiles(self, first, last, itemsize):
        return _tiles(first, last, self.n_rows, self.n_cols, itemsize)


def conv2d_forward(x, weight, bias, stride, padding):
    """out[n] = W @ cols[n] + b: one np.matmul per tile of images."""
    layer = _Layer(x.shape, weight.shape, stride, padding)
    if layer.n == 0:
        return np.empty(layer.out_shape, dtype=x.dtype)
    x = np.ascontiguousarray(x)
    weight_rows = np.ascontiguousarray(weight).reshape(layer.n_out, -1)  # (O, K)
    bias = np.zeros(layer.n_out, dtype=x.dtype) if bias is None else np.ascontiguousarray(bias)
    out = np.empty((layer.n, layer.n_out, layer.n_cols), dtype=x.dtype)

    def chunk(first, last):
        padded = _buffers.padded(layer.padded_shape, x.dtype)
        for a, b in layer.tiles(first, last, x.itemsize):
            cols = _buffers.get("cols", (layer.n_rows, (b - a) * layer.n_cols), x.dtype)
            cols_into(x, a, b, cols, padded, layer.tables, *layer.window)
            product = _buffers.get("product", (layer.n_out, cols.shape[1]), x.dtype)
            np.matmul(weight_rows, cols, out=product)  # W @ cols
            _scatter_out(product, bias, out, a, b)  # + b, into the images' places in out

    with threads.numba_region() as n_threads:
        _run([lambda c=c: chunk(*c) for c in _chunks(layer.n)], n_threads)
    return out.reshape(layer.out_shape)


def conv2d_backward(grad, x, weight, stride, padding, compute_input_grad=True):
    """(dL/dx, dL/dW) = (col2im(W^T @ grad), grad @ cols^T), with cols rebuilt tile by tile; each chunk sums its
    tiles' dL/dW in its own partial, and the partials are added in chunk order."""
    layer = _Layer(x.shape, weight.shape, stride, padding)
    if layer.n == 0:
        grad_x = np.zeros(x.shape, dtype=grad.dtype) if compute_input_grad else None
        return grad_x, np.zeros(weight.shape, dtype=grad.dtype)
    grad = np.ascontiguousarray(grad).reshape(layer.n, layer.n_out, layer.n_cols)
    x = np.ascontiguousarray(x)
    weight_rows = np.ascontiguousarray(weight).reshape(layer.n_out, -1)  # (O, K); .T is W^T without a copy
    grad_x = np.empty(x.shape, dtype=grad.dtype) if compute_input_grad else None
    chunks = _chunks(layer.n)
    partials = [np.empty((layer.n_out, layer.n_rows), dtype=grad.dtype) for _ in chunks]  # the first gets the sum

    def chunk(index):
        first, last = chunks[index]
        padded = _buffers.padded(layer.padded_shape, x.dtype)
        for t, (a, b) in enumerate(layer.tiles(first, last, x.itemsize)):
            width = (b - a) * layer.n_cols
            block = _buffers.get("block", (layer.n_out, width), grad.dtype)
            _gather_grad(grad, a, b, block)
            cols = _buffers.get("cols", (layer.n_rows, width), x.dtype)
            cols_into(x, a, b, cols, padded, layer.tables, *layer.window)
            if t == 0:  # dL/dW of the chunk = the sum over its tiles of grad @ cols^T
                np.matmul(block, cols.T, out=partials[index])
            else:
                product = _buffers.get("weight_grad", (layer.n_out, layer.n_rows), grad.dtype)
                np.matmul(block, cols.T, out=product)
                _add_into(partials[index], product)
            if compute_input_grad:
                grad_cols = _buffers.get("grad_cols", (layer.n_rows, width), grad.dtype)
                np.matmul(weight_rows.T, block, out=grad_cols)  # dL/dcols = W^T @ grad
                scratch = _buffers.get("col2im", layer.padded_shape, grad.dtype)  # col2im zeroes it itself
                _col2im_tile(grad_cols, grad_x, a, b, scratch, layer.tables, *layer.window)

    with threads.numba_region() as n_threads:
        _run([lambda i=i: chunk(i) for i in range(len(chunks))], n_threads)
    grad_weight = partials[0]
    for part in partials[1:]:
        _add_into(grad_weight, part)
    return grad_x, grad_weight.reshape(weight.shape)
