"""im2col and col2im in NumPy: turn a convolution into one matrix product, and back.

A convolution slides a (C, kH, kW) window over the zero-padded input. im2col copies the window under
every output pixel of every image into one column of a matrix:

    cols  has shape (C*kH*kW, N*OH*OW)      column n*OH*OW + p = the patch image n's output pixel p sees
    out   = W.reshape(O, C*kH*kW) @ cols    (O, N*OH*OW): the whole batch in one matrix product

Row r of cols belongs to one (channel c, kernel row i, kernel column j), numbered r = (c*kH + i)*kW + j,
the order in which W.reshape(O, -1) lays out the weights.

col2im goes the other way: it adds every entry of the columns back onto the input pixel it was copied
from. A pixel that sits under several windows collects several contributions, which is exactly the
gradient of im2col (its adjoint).
"""

import numpy as np


def output_size(size, kernel, stride, padding):
    """Output length along one axis: how many window positions fit into the padded input (PyTorch's floor)."""
    return (size + 2 * padding - kernel) // stride + 1


def im2col(x, kernel_size, stride, padding):
    """(N, C, H, W) -> cols of shape (C*kH*kW, N*OH*OW); kernel_size, stride, padding are (h, w) pairs."""
    n, c, h, w = x.shape
    kernel_h, kernel_w = kernel_size
    stride_h, stride_w = stride
    pad_h, pad_w = padding
    out_h = output_size(h, kernel_h, stride_h, pad_h)
    out_w = output_size(w, kernel_w, stride_w, pad_w)

    padded = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    cols = np.empty((c, kernel_h, kernel_w, n, out_h, out_w), dtype=x.dtype)
    for i in range(kernel_h):
        for j in range(kernel_w):
            # kernel offset (i, j) sees, for output pixel (p, q), the padded pixel (p*stride_h + i, q*stride_w + j):
            # a strided slice of the padded images gives that pixel for every output position at once
            rows = slice(i, i + stride_h * out_h, stride_h)
            columns = slice(j, j + stride_w * out_w, stride_w)
            cols[:, i, j] = padded[:, :, rows, columns].transpose(1, 0, 2, 3)  # (N, C, ..) -> (C, N, ..)
    return cols.reshape(c * kernel_h * kernel_w, n * out_h * out_w)


def col2im(cols, input_shape, kernel_size, stride, padding):
    """The adjoint of im2col: (C*kH*kW, N*OH*OW) -> (N, C, H, W), overlapping entries added up."""
    n, c, h, w = input_shape
    kernel_h, kernel_w = kernel_size
    stride_h, stride_w = stride
    pad_h, pad_w = padding
    out_h = output_size(h, kernel_h, stride_h, pad_h)
    out_w = output_size(w, kernel_w, stride_w, pad_w)

    cols = cols.reshape(c, kernel_h, kernel_w, n, out_h, out_w)
    padded = np.zeros((n, c, h + 2 * pad_h, w + 2 * pad_w), dtype=cols.dtype)
    for i in range(kernel_h):
        for j in range(kernel_w):
            # the same strided slice as in im2col; within one offset no pixel repeats, so += is safe
            rows = slice(i, i + stride_h * out_h, stride_h)
            columns = slice(j, j + stride_w * out_w, stride_w)
            padded[:, :, rows, columns] += cols[:, i, j].transpose(1, 0, 2, 3)
    # the padding was never part of the input: drop its gradient
    return np.ascontiguousarray(padded[:, :, pad_h:pad_h + h, pad_w:pad_w + w])
