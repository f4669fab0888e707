"""The losses as ops: the negative log-likelihood (cross_entropy is log_softmax then this, in nn/functional.py),
binary cross entropy and smooth L1, elementwise (weights and the reduction are applied by nn/functional.py).

From probabilities:  l = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 as PyTorch does, so p = 0 or 1
gives a large finite loss instead of inf.
From logits x (numerically stable: never exp of a large positive number), with p = sigmoid(x) and PyTorch's
pos_weight w_pos (the weight of the positive term):
    l = (1 - y) x - (1 + (w_pos - 1) y) log sigmoid(x),    log sigmoid(x) = min(x, 0) - log(1 + e^-|x|)
"""

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast
from .checks import check_dim, check_floating

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction, name):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def check_target(logp, target, weight=None, ignore_index=-100):
    """PyTorch's checks on class-index targets: logp is (C,), (N, C) or (N, C, d1, ...), target (), (N,) or (N, d1, ...).

    Exception types are PyTorch's; the messages add the shapes and dtypes involved.
    """
    if logp.ndim < 1:
        raise ValueError(f"nll_loss: Expected 1 or more dimensions (got 0): input must have a class dim")
    if logp.ndim >= 2 and (target.ndim == 0 or target.shape[0] != logp.shape[0]):
        got = target.shape[0] if target.ndim else "none (0-d target)"
        raise ValueError(f"nll_loss: Expected input batch_size ({logp.shape[0]}) to match target batch_size ({got}).")
    if target.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"nll_loss: target must hold integer class indices, got dtype {target.dtype} (expected "
                           f"target dtype to be Long or Byte, i.e. int64 or uint8, as PyTorch; convert with .long())")
    if logp.ndim <= 2 and target.ndim > 1:
        expected = (logp.shape[0],) if logp.ndim == 2 else ()
        raise RuntimeError(f"nll_loss: 0D or 1D target tensor expected, multi-target not supported: target shape "
                           f"{target.shape} does not match input shape {logp.shape} (expected {expected})")
    if logp.ndim > 2 and target.shape != logp.shape[:1] + logp.shape[2:]:
        raise RuntimeError(f"nll_loss: Expected target size {list(logp.shape[:1] + logp.shape[2:])}, "
                           f"got {list(target.shape)} (input shape {logp.shape})")
    if logp.ndim == 1 and target.size != 1:
        raise RuntimeError(f"nll_loss: an input of shape {logp.shape} (one sample) takes one target, got shape {target.shape}")
    classes = logp.shape[0] if logp.ndim == 1 else logp.shape[1]
    if weight is not None and weight.shape != (classes,):
        raise RuntimeError(f"nll_loss: weight tensor should be defined either for all {classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    if target.size and (target.min() < 0 or target.max() >= classes):  # two reductions; the mask only on error
        used = target[target != ignore_index]
        out_of_range = (used < 0) | (used >= classes)
        if out_of_range.any():
            raise IndexError(f"nll_loss: target {used[out_of_range][0]} is out of bounds for {classes} classes")
    return classes


def rows(logp):
    """logp as a (M, C) matrix, one row per sample and position (the class dim moved last)."""
    if logp.ndim <= 2:
        return logp.reshape(-1, logp.shape[-1])
    return np.moveaxis(logp, 1, -1).reshape(-1, logp.shape[1])


def unrows(matrix, shape):
    """Undo rows(): the (M, C) matrix back in the input's layout."""
    if len(shape) <= 2:
        return matrix.reshape(shape)
    return np.moveaxis(matrix.reshape(shape[:1] + shape[2:] + shape[1:2]), -1, 1)


class NLLLoss(Function):
    """loss_i = -weight[t_i] * logp[i, t_i] (0 where t_i == ignore_index), then

    mean: sum_i loss_i / sum_i weight[t_i] over the targets not ignored (NaN when all are ignored, as PyTorch),
    sum: sum_i loss_i, none: the losses in the target's shape.
    """

    node_name = "NllLossBackward0"
    shown_inputs = slice(0, 1)  # the log-probabilities only (the target is not differentiable)

    @staticmethod
    def forward(ctx, logp, target, weight=None, ignore_index=-100, reduction="mean"):
        check_reduction(reduction, "nll_loss")
        check_target(logp, target, weight, ignore_index)
        flat_target = target.reshape(-1)
        kept = flat_target != ignore_index
        safe_target = flat_target if kept.all() else np.where(kept, flat_target, 0)  # an ignored row reads class 0,
        safe_target = safe_target.astype(np.int64, copy=False)                          # then weighs 0
        row_weight = kept.astype(logp.dtype) if weight is None else np.where(kept, weight[safe_target], 0)
        row_weight = row_weight.astype(logp.dtype, copy=False)
        picked = rows(logp)[np.arange(len(safe_target)), safe_target]
        with np.errstate(invalid="ignore"):  # 0 * inf in an ignored row: a nan that np.where replaces with 0
            losses = np.where(kept, -row_weight * picked, 0)  # not 0 * picked, which would keep that nan
        ctx.save(target)  # as PyTorch: changing the target in place before backward raises (safe_target may be it)
        ctx.input_shape, ctx.target_shape, ctx.reduction = logp.shape, target.shape, reduction
        ctx.safe_target, ctx.row_weight, ctx.kept = safe_target, row_weight, kept
        if reduction == "mean":
            ctx.total_weight = row_weight.sum()
            with np.errstate(invalid="ignore", divide="ignore"):
                return losses.sum() / ctx.total_weight
        if reduction == "sum":
            return losses.sum()
        return losses.reshape(target.shape)

    @staticmethod
    def backward(ctx, grad):
        # dloss_i/dlogp[i, t_i] = -weight[t_i] (divided by the total weight for the mean); every other entry gets 0
        grad = np.broadcast_to(grad, ctx.target_shape).reshape(-1)
        if ctx.reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                grad = grad / ctx.total_weight
        count = len(ctx.safe_target)
        grad_rows = np.zeros((count, ctx.input_shape[0] if len(ctx.input_shape) == 1 else ctx.input_shape[1]),
                             dtype=grad.dtype)
        with np.errstate(invalid="ignore"):  # all ignored: 0 / 0 above, but ignored rows get exactly 0, as in PyTorch
            grad_rows[np.arange(count), ctx.safe_target] = np.where(ctx.kept, -ctx.row_weight * grad, 0)
        return unrows(grad_rows, ctx.input_shape), None


# ---- binary cross entropy ----

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

    shown_inputs = slice(0, 2)  # PyTorch's node lists the logits and the target

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


# ---- regression ----

class SmoothL1(Function):
    """l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, for d = x - y (beta = 0: |d|)"""

    @staticmethod
    def forward(ctx, x, y, beta=1.0):
        d = x - y
        ctx.save(d)
        ctx.beta, ctx.shapes = beta, (x.shape, y.shape)
        magnitude = np.abs(d)
        if beta == 0:
            return magnitude
        return np.where(magnitude < beta, 0.5 * d * d / beta, magnitude - 0.5 * beta).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved
        x_shape, y_shape = ctx.shapes
        # dl/dx = d / beta where |d| < beta, else sign(d); dl/dy = -dl/dx
        slope = np.sign(d) if ctx.beta == 0 else np.where(np.abs(d) < ctx.beta, d / ctx.beta, np.sign(d))
        grad_x = grad * slope.astype(d.dtype, copy=False)
        return unbroadcast(grad_x, x_shape), unbroadcast(-grad_x, y_shape)
