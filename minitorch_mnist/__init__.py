"""minitorch_mnist: a small autograd engine on NumPy that trains the classic PyTorch MNIST models.

Names follow PyTorch, so tutorial code runs after `import minitorch_mnist as torch`. The package, in reading order:
    autograd/   the heart: Tensor, Function and the backward walk, dtypes
    ops/        the differentiable functions, each forward beside its backward
    nn/, optim/ layers, losses, initialisation; the optimizers and schedulers
    data/       Dataset, DataLoader, the MNIST/FashionMNIST/CIFAR-10 readers (vision/: torchvision's names)
    kernels/    speed: the loops of conv, pooling, ReLU and SGD in NumPy and in Numba, threads; below one interface
    torch_api/  what exists only to be PyTorch's namespace: factories, torch.* functions, devices, save/load
    storage/, tools/, app/   files on disk; gradcheck and graph pictures; the training command line
    models.py, summary.py, onnx.py   the tutorial models, torchsummary's table, ONNX export (their public paths)
Importing the engine loads NumPy and the autograd core only: data, vision, utils, onnx and viz are loaded when
first used, and Numba when a kernel first runs.
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

from . import nn, optim
from .summary import summary
from .torch_api import accelerator, cuda, random

import importlib as _importlib  # noqa: E402
import sys as _sys  # noqa: E402

# torch.cuda, torch.accelerator and torch.random are modules in PyTorch: `import minitorch_mnist.cuda` finds these
for _module in (accelerator, cuda, random):
    _sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
from .torch_api import backends  # noqa: E402 (torch.backends: mps, cudnn, cuda answered as a CPU-only build)

_sys.modules[f"{__name__}.backends"] = backends

__all__ = ["nn", "optim", "data", "viz", "onnx", "cuda", "accelerator", "summary", "Tensor", "Size", "device",
           "tensor", "from_numpy", "zeros", "ones", "randn", "argmax", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "manual_seed", "get_default_dtype", "set_default_dtype", "promote_types", "float32",
           "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "float", "double", "half",
           "long", "int", "arange", "as_tensor", "empty", "full", "full_like", "ones_like", "rand", "rand_like",
           "randint", "randn_like", "zeros_like", "abs", "allclose", "argmin", "cat", "clamp", "clip", "clone",
           "concat", "concatenate", "equal", "exp", "flatten", "is_floating_point", "is_tensor", "log",
           "log_softmax", "matmul", "max", "maximum", "mean", "min", "minimum", "numel", "permute", "relu",
           "reshape", "round", "sigmoid", "softmax", "sqrt", "squeeze", "stack", "sum", "tanh", "transpose",
           "unsqueeze", "where", "utils", "vision", "save", "load", "get_num_threads", "set_num_threads", "backends"]

from .torch_api.saving import load, save  # torch.save / torch.load  # noqa: E402

# loaded on first use (mm.data, mm.vision, ...), so that `import minitorch_mnist` stays quick
_LAZY = {"data": ".data", "vision": ".vision", "utils": ".utils", "onnx": ".onnx", "viz": ".tools.viz"}


def __getattr__(name):
    if name in _LAZY:
        module = _importlib.import_module(_LAZY[name], __name__)
        globals()[name] = module
        return module
    from .torch_api.missing import missing_name

    missing_name("minitorch_mnist", name, __all__)
