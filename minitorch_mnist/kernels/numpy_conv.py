"""Convolution kernels in NumPy: im2col + one matrix product per image (the readable version).

Shapes: x (N, C, H, W), weight (O, C, kH, kW), out and grad (N, O, OH, OW),
cols (N, K, L) with K = C*kH*kW rows and L = OH*OW columns (see im2col.py).
numba_conv.py has the same functions with the same signatures, written as compiled loops.
"""

from .im2col import col2im, im2col, output_size


def conv2d_forward(x, weight, bias, stride, padding):
    """out[n] = W @ cols[n] + b. Returns (out, cols); cols is kept for the weight gradient."""
    n, _, h, w = x.shape
    out_channels, _, kernel_h, kernel_w = weight.shape
    out_h = output_size(h, kernel_h, stride[0], padding[0])
    out_w = output_size(w, kernel_w, stride[1], padding[1])

    cols = im2col(x, (kernel_h, kernel_w), stride, padding)  # (N, K, L)
    weight_rows = weight.reshape(out_channels, -1)  # (O, K)
    out = weight_rows @ cols  # (O, K) @ (N, K, L) -> (N, O, L): one matrix product per image
    if bias is not None:
        out += bias[:, None]
    return out.reshape(n, out_channels, out_h, out_w), cols


def conv2d_input_grad(grad, weight, input_shape, stride, padding):
    """dL/dx = col2im(W^T @ grad[n]): each column's gradient goes back to the pixels it was copied from."""
    n, out_channels = grad.shape[:2]
    weight_rows = weight.reshape(out_channels, -1)  # (O, K)
    grad_cols = weight_rows.T @ grad.reshape(n, out_channels, -1)  # (K, O) @ (N, O, L) -> (N, K, L)
    return col2im(grad_cols, input_shape, weight.shape[2:], stride, padding)


def conv2d_weight_grad(grad, cols, weight_shape):
    """dL/dW = sum over images n of grad[n] @ cols[n]^T."""
    n, out_channels = grad.shape[:2]
    grad_rows = grad.reshape(n, out_channels, -1)  # (N, O, L)
    per_image = grad_rows @ cols.transpose(0, 2, 1)  # (N, O, L) @ (N, L, K) -> (N, O, K)
    return per_image.sum(axis=0).reshape(weight_shape)
