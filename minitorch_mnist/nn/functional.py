"""The stateless functions of the layers, with torch.nn.functional's names and argument order."""

from ..ops.conv import conv2d
from ..ops.elementwise import ReLU
from ..ops.loss import LogSoftmax, NLLLoss
from ..ops.matmul import Linear
from ..ops.pool import avg_pool2d, max_pool2d
from ..tensor import Tensor

__all__ = ["linear", "conv2d", "relu", "max_pool2d", "avg_pool2d", "log_softmax", "softmax", "nll_loss",
           "cross_entropy"]


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
