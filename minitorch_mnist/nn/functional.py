"""The stateless functions of the layers, with torch.nn.functional's names and argument order."""

from ..ops.conv import conv2d
from ..ops.dropout import Dropout, check_probability, draw_keep_mask
from ..ops.elementwise import ReLU
from ..ops.loss import LogSoftmax, NLLLoss
from ..ops.matmul import Linear
from ..ops.normalization import BatchNorm
from ..ops.pool import avg_pool2d, max_pool2d
from ..random import generator
from ..tensor import Tensor

__all__ = ["linear", "conv2d", "relu", "max_pool2d", "avg_pool2d", "log_softmax", "softmax", "nll_loss",
           "cross_entropy", "dropout", "batch_norm"]


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias"""
    return Linear.apply(input, weight, bias)


def relu(input):
    return ReLU.apply(input)


def log_softmax(input, dim):
    """log of softmax along dim, max-shifted so it never overflows"""
    return LogSoftmax.apply(input, dim=dim)


def softmax(input, dim):
    return log_softmax(input, dim).exp()


def nll_loss(input, target, reduction="mean"):
    """-input[i, target_i], reduced by mean (default), sum or none. `input` holds log-probabilities."""
    if not isinstance(target, Tensor):
        raise TypeError(f"nll_loss: target must be a Tensor of class indices, got {type(target).__name__}")
    return NLLLoss.apply(input, target, reduction=reduction)


def cross_entropy(input, target, reduction="mean"):
    """nll_loss(log_softmax(logits)); its gradient with respect to the logits is softmax - one_hot."""
    return nll_loss(log_softmax(input, dim=1), target, reduction=reduction)


def dropout(input, p=0.5, training=True):
    """In training, zero each element with probability p and scale the rest by 1/(1-p); otherwise return input.

    The mask comes from the engine's global generator, so mm.manual_seed makes it reproducible.
    """
    check_probability(p)
    if not training:
        return input
    keep = draw_keep_mask(generator(), input.shape, p)  # generator() read now: manual_seed replaces it
    return Dropout.apply(input, keep=keep, p=p)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1), then scale by weight and shift by bias.

    training=True: use the batch's mean and biased variance, and (when running_mean and running_var are
    given) update them in place: running = (1 - momentum) * running + momentum * batch statistic, with the
    unbiased variance. training=False: use running_mean and running_var.
    """
    for name, value in (("running_mean", running_mean), ("running_var", running_var)):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"batch_norm: {name} must be a Tensor or None, got {type(value).__name__}")
    return BatchNorm.apply(input, weight, bias, running_mean, running_var,
                           training=training, momentum=momentum, eps=eps)
