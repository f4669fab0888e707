"""Linear: y = x @ W^T + b, with PyTorch's constructor arguments, defaults and parameter shapes."""

import numpy as np

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter, layer_dtype

class Linear(Module):
    """y = x @ W^T + b with W of shape (out_features, in_features)."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        dtype = layer_dtype(device, dtype)  # None: the default dtype (float32 unless set_default_dtype changed it)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.register_parameter("bias", Parameter(np.empty(out_features, dtype=dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
