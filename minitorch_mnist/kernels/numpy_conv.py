"""Convolution kernels in NumPy: im2col + one matrix product for the whole batch (the readable version).

Shapes: x (N, C, H, W), weight (O, C, kH, kW), out and grad (N, O, OH, OW),
cols (K, N*L) with K = C*kH*kW rows and one column per output pixel of every image, L = OH*OW (numpy_im2col.py).
In the products, out and grad are seen as (O, N*L) matrices, the layout of cols. The backward rebuilds
cols from x rather than keeping them from the forward (they are 2 to 9 times bigger than x).
numba_conv.py has the same functions with the same signatures, written as compiled loops.
"""

from .numpy_im2col import col2im, im2col, output_size


def _as_rows(grad):
    """(N, O, OH, OW) -> (O, N*L): one row per output channel, columns ordered as in cols."""
    return grad.transpose(1, 0, 2, 3).reshape(grad.shape[1], -1)


def conv2d_forward(x, weight, bias, stride, padding):
    """out = W @ cols + b, cols = im2col(x)."""
    n, _, h, w = x.shape
    out_channels, _, kernel_h, kernel_w = weight.shape
    out_h = output_size(h, kernel_h, stride[0], padding[0])
    out_w = output_size(w, kernel_w, stride[1], padding[1])

    cols = im2col(x, (kernel_h, kernel_w), stride, padding)  # (K, N*L)
    out = weight.reshape(out_channels, -1) @ cols  # (O, K) @ (K, N*L) -> (O, N*L)
    if bias is not None:
        out += bias[:, None]
    out = out.reshape(out_channels, n, out_h, out_w).transpose(1, 0, 2, 3)  # back to (N, O, OH, OW)
    return out.copy()


def conv2d_backward(grad, x, weight, stride, padding, compute_input_grad=True):
    """(dL/dx, dL/dW) = (col2im(W^T @ grad), grad @ cols^T), grad seen as (O, N*L), cols = im2col(x).

    compute_input_grad=False skips W^T @ grad and col2im and returns None for dL/dx: a first layer's input
    (the images) needs no gradient, and that half of the work is wasted on it.
    """
    grad_rows = _as_rows(grad)  # (O, N*L)
    grad_x = None
    if compute_input_grad:
        weight_rows = weight.reshape(weight.shape[0], -1)  # (O, K)
        # each column's gradient goes back to the pixels it was copied from
        grad_x = col2im(weight_rows.T @ grad_rows, x.shape, weight.shape[2:], stride, padding)
    # summed over every image and output pixel: (O, N*L) @ (N*L, K) -> (O, K)
    grad_weight = grad_rows @ im2col(x, weight.shape[2:], stride, padding).T
    return grad_x, grad_weight.reshape(weight.shape)
