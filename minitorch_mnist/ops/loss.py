"""log_softmax and the negative log-likelihood loss; cross_entropy is the two together."""

import numpy as np

from ..function import Function
from .dims import check_dim

REDUCTIONS = ("mean", "sum", "none")


class LogSoftmax(Function):
    """z = x - log(sum(exp(x))) along `dim`, computed as (x - max) - log(sum(exp(x - max))) so exp never overflows"""

    @staticmethod
    def forward(ctx, x, dim):
        dim = check_dim(dim, x.ndim)
        shifted = x - x.max(axis=dim, keepdims=True, initial=-np.inf)  # initial: an empty dim gives an empty result
        z = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # d/dx log_softmax: g - softmax * g.sum  (softmax = exp(z))
        return (grad - np.exp(z) * grad.sum(axis=ctx.dim, keepdims=True),)


def check_target(logp, target):
    """Targets must be integer class indices of shape (N,) with values in [0, C)."""
    if logp.ndim != 2:
        raise RuntimeError(f"nll_loss: expected input of shape (N, C), got shape {logp.shape}")
    if not np.issubdtype(target.dtype, np.integer):
        raise RuntimeError(f"nll_loss: target must hold integer class indices, got dtype {target.dtype}")
    if target.shape != (logp.shape[0],):
        raise RuntimeError(f"nll_loss: target shape {target.shape} does not match input shape {logp.shape} (expected ({logp.shape[0]},))")
    out_of_range = (target < 0) | (target >= logp.shape[1])
    if out_of_range.any():
        raise IndexError(f"nll_loss: target {target[out_of_range][0]} is out of bounds for {logp.shape[1]} classes")


class NLLLoss(Function):
    """loss_i = -logp[i, target_i], then averaged (mean), added (sum) or kept (none)"""

    @staticmethod
    def forward(ctx, logp, target, reduction="mean"):
        if reduction not in REDUCTIONS:
            raise ValueError(f"nll_loss: reduction must be one of {REDUCTIONS}, got {reduction!r}")
        check_target(logp, target)
        rows = np.arange(logp.shape[0])
        ctx.input_shape, ctx.rows, ctx.target, ctx.reduction = logp.shape, rows, target, reduction
        losses = -logp[rows, target]
        if reduction == "mean":
            return losses.mean()
        if reduction == "sum":
            return losses.sum()
        return losses

    @staticmethod
    def backward(ctx, grad):
        # dloss_i/dlogp[i, target_i] = -1 (divided by N for the mean); every other entry gets 0
        if ctx.reduction == "mean":
            grad = grad / ctx.input_shape[0]
        grad_logp = np.zeros(ctx.input_shape, dtype=grad.dtype)
        grad_logp[ctx.rows, ctx.target] = -grad
        return grad_logp, None
