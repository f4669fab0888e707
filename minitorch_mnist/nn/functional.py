"""The stateless functions of the layers and the losses, with torch.nn.functional's names and argument order.

nll_loss and the binary cross entropies are single ops (ops/loss.py); cross_entropy is log_softmax then
nll_loss, plus label smoothing and class-probability targets built from ordinary tensor ops, so their gradients
come for free. Losses take PyTorch's arguments, defaults, reductions and errors.
"""

import warnings

import numpy as np

from ..autograd import dtypes
from ..autograd.graph import rename
from ..autograd.tensor import Tensor
from ..ops.activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from ..ops.conv import conv2d
from ..ops.dropout import Dropout, check_probability, draw_keep_mask
from ..ops.linear import Linear
from ..ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, NLLLoss, SmoothL1, check_reduction
from ..ops.normalization import BatchNorm
from ..ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from ..torch_api.random import generator
from ..torch_api.tensor_functions import where

__all__ = ["linear", "conv2d", "relu", "sigmoid", "tanh", "max_pool2d", "avg_pool2d", "log_softmax", "softmax",
           "nll_loss", "cross_entropy", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "dropout", "batch_norm", "adaptive_avg_pool2d", "l1_loss", "smooth_l1_loss", "one_hot"]


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias"""
    return Linear.apply(input, weight, bias)


def relu(input, inplace=False):
    """max(input, 0); inplace=True gives the same values (the engine computes them out of place)."""
    return ReLU.apply(input)


def sigmoid(input):
    """1 / (1 + e^-input)"""
    return Sigmoid.apply(input._floating())


def tanh(input):
    return Tanh.apply(input._floating())


def implicit_dim(name, ndim, stacklevel):
    """PyTorch's choice when softmax is called without dim (with its deprecation warning): 0 for 0-, 1- and 3-d
    input, else 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  f"an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log of softmax along dim, max-shifted so it never overflows"""
    if dim is None:
        dim = implicit_dim("log_softmax", input.ndim, _stacklevel)
    return LogSoftmax.apply(input if dtype is None else input._cast(dtype), dim=dim)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """e^input / sum(e^input) along dim, max-shifted so it never overflows"""
    if dim is None:
        dim = implicit_dim("softmax", input.ndim, _stacklevel)
    return Softmax.apply(input if dtype is None else input._cast(dtype), dim=dim)


def dropout(input, p=0.5, training=True):
    """In training, zero each element with probability p and scale the rest by 1/(1-p); otherwise return input.

    The mask comes from the engine's global generator, so mm.manual_seed makes it reproducible.
    """
    check_probability(p)
    if not training or p == 0:
        return input  # nothing dropped: the tensor itself, as in PyTorch
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


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape (*tensor.shape, num_classes): 1 at each class index, 0 elsewhere (num_classes=-1:
    one more than the largest index)."""
    if not isinstance(tensor, Tensor) or tensor.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    labels = tensor.array
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}; the largest is "
                           f"{int(labels.max())}).")
    return Tensor((labels[..., None] == np.arange(num_classes)).astype(np.int64))


def __getattr__(name):
    from ..torch_api.missing import missing_name

    missing_name("minitorch_mnist.nn.functional", name, __all__)


# ---- losses ----


def legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated size_average/reduce pair, turned into a reduction string (reduction wins when both unset)."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='...' instead.",
                  UserWarning, stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _check_target_tensor(target, name):
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}: target must be a Tensor, got {type(target).__name__}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-weight[t] * input[i, t] for each target t (input holds log-probabilities, classes on dim 1), skipping
    targets equal to ignore_index; 'mean' divides by the summed weights of the targets kept."""
    _check_target_tensor(target, "nll_loss")
    reduction = legacy_reduction(size_average, reduce, reduction)
    weight_array = None if weight is None else weight.array.astype(input.dtype, copy=False)
    return NLLLoss.apply(input, target, weight=weight_array, ignore_index=ignore_index, reduction=reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim)); the target holds class indices, or class probabilities (a float
    tensor of the input's shape). label_smoothing=e mixes each target with the uniform distribution:
    (1 - e) * nll + e * (mean over classes of -weight * log-probability)."""
    _check_target_tensor(target, "cross_entropy")
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim == 0:
        raise ValueError("cross_entropy: Expected 1 or more dimensions (got 0): input must have a class dim")
    class_dim = 0 if input.ndim == 1 else 1
    classes = input.shape[class_dim]
    if weight is not None and tuple(weight.shape) != (classes,):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    logp = LogSoftmax.apply(input, dim=class_dim)
    weight_b = None if weight is None else weight._cast(input.dtype).reshape(
        [classes if d == class_dim else 1 for d in range(input.ndim)])
    if target.shape == input.shape:  # PyTorch reads a target of the input's shape as class probabilities
        return _probability_cross_entropy(logp, target, weight_b, ignore_index, reduction, label_smoothing, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    # the uniform part of the smoothed target: -sum_c weight_c * logp_c per sample, 0 where the target is ignored
    smooth = -(logp if weight_b is None else logp * weight_b).sum(class_dim)
    kept = target != ignore_index
    smooth = where(kept, smooth, 0.0)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / float(kept.array.sum())
        else:
            smooth = smooth.sum() / float(weight.array[target.array[kept.array]].sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def _probability_cross_entropy(logp, target, weight_b, ignore_index, reduction, label_smoothing, class_dim):
    """-sum_c weight_c * target_c * logp_c per sample; 'mean' divides by the number of samples (not the weights)."""
    if dtypes.category(target.dtype) < 2:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{np.dtype(target.dtype).name} (a target of the input's shape {tuple(logp.shape)} holds "
                           f"probabilities; class indices have the input's shape without the class dim)")
    if target.dtype != logp.dtype:
        raise RuntimeError(f"cross_entropy: class-probability targets must have the input's dtype "
                           f"{np.dtype(logp.dtype).name}, got {np.dtype(target.dtype).name}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    classes = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    products = logp * target if weight_b is None else logp * target * weight_b
    if reduction == "mean":
        total = -products.sum()
        return rename(total / (logp.numel() / classes), "DivBackward1", (total,))  # PyTorch divides by a Scalar
    if reduction == "sum":
        return -products.sum()
    return -products.sum(class_dim)


def _regression_loss(name, input, target, losses, size_average, reduce, reduction, weight=None, node=None):
    """The rules mse_loss, l1_loss and smooth_l1_loss share: PyTorch's reductions and broadcast warning, and an
    optional weight (of the input's shape) on each term, where 'mean' divides by the weights' sum."""
    _check_target_tensor(target, name)
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, name)
    if weight is not None and weight.shape != input.shape:
        raise ValueError(f"{name}: Weights and input must have the same size (weight shape {tuple(weight.shape)}, "
                         f"input shape {tuple(input.shape)})")
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      f"This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      f"same size.", UserWarning, stacklevel=3)
    losses = losses()
    if weight is None:  # PyTorch's one node for the whole loss (node=None: the ops' own nodes, as l1_loss)
        reduced = _reduce(losses, reduction)
        return reduced if node is None else rename(reduced, node, (input, target))
    weighted = losses * weight
    if reduction == "mean":
        return weighted.sum() / float(weight.array.sum())
    return _reduce(weighted, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)^2, reduced; weight (of the input's shape) weighs each term and 'mean' divides by its sum."""
    return _regression_loss("mse_loss", input, target, lambda: (input - target) ** 2, size_average, reduce,
                            reduction, weight, node="MseLossBackward0")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, reduced as mse_loss."""
    return _regression_loss("l1_loss", input, target, lambda: (input - target).abs(), size_average, reduce,
                            reduction, weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target): quadratic near 0, then linear."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")

    def losses():
        x, y = input._operands(target)
        return SmoothL1.apply(x, y, beta=beta)

    return _regression_loss("smooth_l1_loss", input, target, losses, size_average, reduce, reduction,
                            node="SmoothL1LossBackward0")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log p + (1 - t) log(1 - p)) with each log clamped at -100, times weight, reduced (mean over elements)."""
    _check_target_tensor(target, "binary_cross_entropy")
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "binary_cross_entropy")
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         f"is deprecated. Please ensure they have the same size.")
    if target.dtype != input.dtype:
        raise RuntimeError(f"binary_cross_entropy: Found dtype {np.dtype(target.dtype).name} but expected "
                           f"{np.dtype(input.dtype).name} (the target must have the input's dtype)")
    losses = BinaryCrossEntropy.apply(input, target)
    losses = _reduce(losses if weight is None else losses * weight, reduction)
    return rename(losses, "BinaryCrossEntropyBackward0", (input, target))  # one node in PyTorch, weight included


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target) computed stably from the logits; pos_weight weighs the
    positive term (broadcast along the last dim, one weight per class)."""
    _check_target_tensor(target, "binary_cross_entropy_with_logits")
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "binary_cross_entropy_with_logits")
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if not np.issubdtype(target.dtype, np.floating):
        raise RuntimeError(f"binary_cross_entropy_with_logits: result type {np.dtype(input.dtype).name} can't be cast "
                           f"to the desired output type {np.dtype(target.dtype).name} (the target must be floating "
                           f"point: use target.float())")
    result = dtypes.result_type(input, target, *([] if pos_weight is None else [pos_weight]))
    pos = None if pos_weight is None else pos_weight._cast(result, promotion=True)
    losses = BinaryCrossEntropyWithLogits.apply(input._cast(result, promotion=True),
                                                target._cast(result, promotion=True), pos)
    losses = _reduce(losses if weight is None else losses * weight, reduction)
    return rename(losses, "BinaryCrossEntropyWithLogitsBackward0", (input, target))  # one node in PyTorch
