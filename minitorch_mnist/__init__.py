"""minitorch_mnist: a small autograd engine on NumPy that trains the classic PyTorch MNIST models."""

from .factories import argmax, from_numpy, ones, randn, tensor, zeros
from .function import enable_grad, is_grad_enabled, no_grad
from .random import manual_seed
from .tensor import Tensor, float32, float64, int64

from . import data, nn, optim, viz
from . import onnx  # mm.onnx.export; the onnx package itself is imported only when exporting
from .summary import summary

__all__ = ["nn", "optim", "data", "viz", "onnx", "summary", "Tensor", "tensor", "from_numpy", "zeros", "ones",
           "randn", "argmax", "no_grad", "enable_grad", "is_grad_enabled", "manual_seed", "float32", "float64",
           "int64"]
