"""minitorch_mnist: a small autograd engine on NumPy that trains the classic PyTorch MNIST models.

Names follow PyTorch, so tutorial code runs after `import minitorch_mnist as torch`.
"""

from .autograd.dtypes import bool_ as bool  # noqa: A001 (torch.bool)
from .autograd.dtypes import float16, float32, float64, get_default_dtype, int8, int16, int32, int64, promote_types, \
    set_default_dtype, uint8
from .autograd.dtypes import float16 as half, float32 as float, float64 as double, int32 as int, int64 as long  # noqa: A001
from .torch_api.device import device
from .torch_api.creation import argmax, from_numpy, ones, randn, tensor, zeros
from .torch_api.creation import arange, as_tensor, empty, full, full_like, ones_like, rand, rand_like, randint, randn_like, \
    zeros_like
from .torch_api.tensor_functions import (abs, allclose, argmin, cat, clamp, clip, clone, concat, concatenate, equal, exp,  # noqa: A004
                        flatten, is_floating_point, is_tensor, log, log_softmax, matmul, max, maximum, mean, min,
                        minimum, numel, permute, relu, reshape, round, sigmoid, softmax, sqrt, squeeze, stack, sum,
                        tanh, transpose, unsqueeze, where)
from .autograd.function import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .kernels import get_num_threads, set_num_threads
from .torch_api.random import manual_seed
from .autograd.tensor import Size, Tensor

from . import data, nn, optim

from .torch_api import accelerator

from .torch_api import cuda

from .tools import viz
from . import onnx  # mm.onnx.export; the onnx package itself is imported only when exporting
from .summary import summary

__all__ = ["nn", "optim", "data", "viz", "onnx", "cuda", "accelerator", "summary", "Tensor", "Size", "device",
           "tensor", "from_numpy", "zeros", "ones", "randn", "argmax", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "manual_seed", "get_default_dtype", "set_default_dtype", "promote_types", "float32",
           "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "float", "double", "half",
           "long", "int", "arange", "as_tensor", "empty", "full", "full_like", "ones_like", "rand", "rand_like",
           "randint", "randn_like", "zeros_like", "abs", "allclose", "argmin", "cat", "clamp", "clip", "clone",
           "concat", "concatenate", "equal", "exp", "flatten", "is_floating_point", "is_tensor", "log",
           "log_softmax", "matmul", "max", "maximum", "mean", "min", "minimum", "numel", "permute", "relu",
           "reshape", "round", "sigmoid", "softmax", "sqrt", "squeeze", "stack", "sum", "tanh", "transpose",
           "unsqueeze", "where", "utils", "vision", "save", "load", "get_num_threads", "set_num_threads"]

from . import utils, vision  # torch.utils.data / torch.utils.tensorboard, torchvision  # noqa: E402
from .torch_api.saving import load, save  # torch.save / torch.load  # noqa: E402


def __getattr__(name):
    from .torch_api.missing import missing_name

    missing_name("minitorch_mnist", name, __all__)
