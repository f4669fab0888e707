"""Binary cross entropy, elementwise (weights and the reduction are applied by nn/loss_functions.py).

From probabilities:  l = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as PyTorch does, so p = 0 or 1
gives a large finite loss instead of inf.
From logits x (numerically stable: never exp of a large positive number), with p = sigmoid(x) and PyTorch's
pos_weight w_pos (the weight of the positive term):
    l = (1 - y) x - (1 + (w_pos - 1) y) log sigmoid(x),    log sigmoid(x) = min(x, 0) - log(1 + e^-|x|)
"""

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast

EPSILON = float(np.float32(1e-12))  # PyTorch's floor (a float32 constant) under p (1 - p) in the backward


class BinaryCrossEntropy(Function):
    """l = -(y * max(log p, -100) + (1 - y) * max(log(1 - p), -100))"""

    @staticmethod
    def forward(ctx, p, y):
        if ((p < 0) | (p > 1)).any():
            raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 and 1 "
                               f"(got values from {p.min()} to {p.max()}); apply sigmoid first, or use "
                               "binary_cross_entropy_with_logits")
        with np.errstate(divide="ignore"):
            log_p, log_1mp = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
        ctx.save(p, y, log_p, log_1mp)
        return -(y * log_p + (1 - y) * log_1mp)

    @staticmethod
    def backward(ctx, grad):
        p, y, log_p, log_1mp = ctx.saved
        # dl/dp = (p - y) / max(p (1 - p), 1e-12) (PyTorch's backward); dl/dy = log(1 - p) - log p (clamped logs)
        grad_p = grad * (p - y) / np.maximum(p * (1 - p), EPSILON) if ctx.needs_input_grad[0] else None
        grad_y = grad * (log_1mp - log_p) if ctx.needs_input_grad[1] else None
        return grad_p, grad_y


def log_sigmoid(x):
    """log(1 / (1 + e^-x)) without overflow: min(x, 0) - log(1 + e^-|x|)"""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


class BinaryCrossEntropyWithLogits(Function):
    """l = (1 - y) x - (1 + (w_pos - 1) y) log sigmoid(x); w_pos (pos_weight) is optional and broadcasts"""

    @staticmethod
    def forward(ctx, x, y, pos_weight=None):
        log_sig = log_sigmoid(x)
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        ctx.save(x, y, pos_weight, log_sig)
        return (1 - y) * x - log_weight * log_sig

    @staticmethod
    def backward(ctx, grad):
        x, y, pos_weight, log_sig = ctx.saved
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        sigmoid_neg = np.exp(log_sigmoid(-x))  # 1 - sigmoid(x), = d log sigmoid(x) / dx
        # dl/dx = (1 - y) - log_weight * (1 - sigmoid x); dl/dy = -x - (w_pos - 1) log sigmoid x;
        # dl/dw_pos = -y log sigmoid x
        grad_x = unbroadcast(grad * ((1 - y) - log_weight * sigmoid_neg), x.shape) if ctx.needs_input_grad[0] else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            grad_y = unbroadcast(grad * (-x - (0 if pos_weight is None else (pos_weight - 1) * log_sig)), y.shape)
        grad_pos_weight = None
        if pos_weight is not None and ctx.needs_input_grad[2]:
            grad_pos_weight = unbroadcast(grad * -y * log_sig, pos_weight.shape)
        return grad_x, grad_y, grad_pos_weight
