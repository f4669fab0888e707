"""Parameter: a leaf Tensor that a Module registers as learnable; layer_dtype: what a layer's device= and dtype=
keywords mean."""

import numpy as np

from ..autograd import dtypes
from ..autograd.printing import parameter_repr
from ..autograd.tensor import Tensor
from ..torch_api.device import check_device


class Parameter(Tensor):
    """Parameter(tensor, requires_grad=True): shares the tensor's data, always a leaf."""

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0, dtype=np.float32)
        super().__init__(data.array if isinstance(data, Tensor) else np.asarray(data), requires_grad=requires_grad)

    def __repr__(self):
        return parameter_repr(self)  # Parameter containing:\ntensor(..., requires_grad=True)


def layer_dtype(device=None, dtype=None):
    """The dtype of a new layer's parameters and buffers, as PyTorch's factory keywords: dtype, or when None the
    default dtype (torch.set_default_dtype); device must be the CPU (or None)."""
    if device is not None:
        check_device(device)
    return dtypes.as_numpy(dtype, dtypes.get_default_dtype())  # mm.float32, np.float32, float; not strings
