"""The ReLU's forward and backward as NumPy expressions: the readable reference (numba_activation.py is its twin)."""

import numpy as np


def relu_forward(x):
    """z = max(x, 0); NaN stays NaN and -0.0 stays -0.0, as in PyTorch (np.maximum keeps its second argument on a
    tie in float32 and float64; in float16 relu(-0.0) gives +0.0, the one difference left)."""
    return np.maximum(0, x)


def relu_backward(grad, output):
    """dL/dx = grad where the ReLU's output z is > 0 (or NaN: PyTorch passes the gradient through), else 0."""
    passes = ~(output <= 0)  # True at NaN too
    with np.errstate(invalid="ignore"):  # inf * 0 = nan here, set to exactly 0 just below
        grad_x = grad * passes  # several times faster than np.where
    if not np.isfinite(grad).all():  # a blocked entry must be exactly 0, as in PyTorch
        grad_x[~passes] = 0
    return grad_x
