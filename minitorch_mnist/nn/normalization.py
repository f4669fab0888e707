"""BatchNorm1d and BatchNorm2d, with torch.nn's arguments, parameters, buffers and state_dict names.

Parameters: weight (ones) and bias (zeros), one per channel, when affine. Buffers, when
track_running_stats: running_mean (zeros), running_var (ones) and num_batches_tracked (an int64 count).
train(): normalise with the batch's statistics and update the running ones; eval(): use the running ones.
"""

import numpy as np

from ..autograd.function import no_grad
from ..autograd.tensor import Tensor
from . import functional as F
from .module import Module
from .parameter import Parameter, layer_dtype


class _BatchNorm(Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        dtype = layer_dtype(device, dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.register_parameter("bias", Parameter(np.zeros(num_features, dtype=dtype)) if bias else None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        with no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()

    def _check_input(self, input):
        if input.ndim not in self.expected_dims:
            raise ValueError(f"expected {self.dims_text} input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            raise RuntimeError(f"{type(self).__name__}: input has {input.shape[1]} channels (dim 1 of shape "
                               f"{tuple(input.shape)}) but the layer has num_features={self.num_features}")

    def forward(self, input):
        self._check_input(input)
        if self.training and input.array.size // self.num_features == 1:  # checked before counting the batch
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {tuple(input.shape)}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative average: the k-th batch gets weight 1/k
                momentum = 1.0 / float(self.num_batches_tracked.array)
        # batch statistics in training, and in eval when there are no running ones to use
        use_batch_stats = self.training or self.running_mean is None
        # the running statistics are passed (and so updated) in training only when they are tracked
        pass_running = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if pass_running else None,
                            self.running_var if pass_running else None, self.weight, self.bias,
                            use_batch_stats, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) or (N, C, L) inputs; statistics over N (and L) for each of the C features."""

    expected_dims, dims_text = (2, 3), "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) inputs; statistics over N, H and W for each of the C channels."""

    expected_dims, dims_text = (4,), "4D"
