"""Parameter: a leaf Tensor that a Module registers as learnable."""

import numpy as np

from ..autograd.printing import parameter_repr
from ..autograd.tensor import Tensor


class Parameter(Tensor):
    """Parameter(tensor, requires_grad=True): shares the tensor's data, always a leaf."""

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = np.empty(0, dtype=np.float32)
        super().__init__(data.array if isinstance(data, Tensor) else np.asarray(data), requires_grad=requires_grad)

    def __repr__(self):
        return parameter_repr(self)  # Parameter containing:\ntensor(..., requires_grad=True)
