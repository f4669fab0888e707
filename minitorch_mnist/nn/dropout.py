"""Dropout layers: active in train(), the identity in eval() (they read self.training at every call).

Dropout zeroes single elements; Dropout2d zeroes whole channels (feature maps), one draw per (sample, channel).
inplace=True is accepted and gives the same values, computed out of place (as nn.ReLU(inplace=True)).
"""

import warnings

import numpy as np

from ..ops.dropout import Dropout as DropoutOp
from ..ops.dropout import check_probability, draw_keep_mask
from ..torch_api.random import generator
from . import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability(p)
        self.p, self.inplace = p, inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p during training and scale the rest by 1/(1-p)."""

    def forward(self, input):
        return F.dropout(input, self.p, self.training)


class Dropout2d(_DropoutNd):
    """Zero each channel of (N, C, H, W) input with probability p during training and scale the rest by 1/(1-p)."""

    def forward(self, input):
        return channel_dropout(input, self.p, self.training)


def channel_dropout(input, p, training):
    """z = x * keep / (1 - p) with one keep draw per (sample, channel): the mask has shape (N, C, 1, 1), broadcast
    over H and W. Other input ranks are handled as PyTorch does, dims 0 and 1 taken as (N, C), with its warnings."""
    check_probability(p)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", UserWarning, stacklevel=3)
    elif input.ndim != 4:
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      f"in an error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      f"spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      f"inputs).", UserWarning, stacklevel=3)
    if not training:
        return input
    channels = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    keep = np.broadcast_to(draw_keep_mask(generator(), channels, p), input.shape)
    return DropoutOp.apply(input, keep=keep, p=p)
