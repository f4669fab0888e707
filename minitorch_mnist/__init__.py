"""minitorch_mnist: a small autograd engine on NumPy that trains the classic PyTorch MNIST models."""

import numpy as np

from .function import enable_grad, is_grad_enabled, no_grad
from .random import manual_seed
from .tensor import Tensor, float32, float64, int64


def tensor(data, requires_grad=False, dtype=None):
    """A new Tensor holding a copy of `data`, like torch.tensor.

    A NumPy array or scalar keeps its dtype (float64 stays float64, integer labels stay integer); Python
    floats become float32 and Python ints int64, as in PyTorch.
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data)
    else:
        array = np.array(data)
        if array.dtype == np.float64:
            array = array.astype(float32)
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(int64)
    if dtype is not None:
        array = array.astype(dtype)
    return Tensor(array, requires_grad=requires_grad)


def from_numpy(array):
    """A Tensor sharing memory with `array` (no copy), like torch.from_numpy."""
    return Tensor(array)


from . import data, nn, optim  # noqa: E402  (they build on Tensor, defined above)
from . import onnx  # noqa: E402  (mm.onnx.export; the onnx package itself is imported only when exporting)
from .summary import summary  # noqa: E402

__all__ = ["nn", "optim", "data", "onnx", "summary", "Tensor", "tensor", "from_numpy", "no_grad", "enable_grad",
           "is_grad_enabled", "manual_seed", "float32", "float64", "int64"]
