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

import sys as _sys

_command = getattr(_sys, "orig_argv", [])
if _sys.argv[:1] == ["-m"] and "-m" in _command and _command[_command.index("-m") + 1:][:1] == ["minitorch_mnist"]:
    # `python -m minitorch_mnist ...` is importing this package: a Ctrl-C from now on ends it with one line
    # (app/interrupt.py); the command line's own handlers take over once it runs
    from .app.interrupt import quiet_start as _quiet_start

    _quiet_start()

from .autograd.dtypes import bool_ as bool  # noqa: A001 (torch.bool)
from .autograd.dtypes import complex64, complex128, dtype, float16, float32, float64, get_default_dtype, int8, int16, \
    int32, int64, promote_types, set_default_dtype, uint8, uint16, uint32, uint64
from .autograd.dtypes import float16 as half, float32 as float, float64 as double, int32 as int, int64 as long  # noqa: A001
from .autograd.dtypes import int16 as short, complex64 as cfloat, complex128 as cdouble
from .autograd.printing import set_printoptions
from .torch_api.device import device
from .torch_api import creation as _creation, legacy as _legacy, sampling as _sampling, tensor_functions as _functions
from .torch_api.creation import *  # noqa: F401,F403 (tensor, zeros, arange, eye, linspace, ...: creation.__all__)
from .torch_api.sampling import *  # noqa: F401,F403 (rand, randn, randint, randperm, normal, ...: sampling.__all__)
from .torch_api.tensor_functions import *  # noqa: F401,F403,A004 (add, mm, sum, max, gather, ...: its __all__)
from .torch_api.legacy import *  # noqa: F401,F403 (FloatTensor, LongTensor, ...: legacy.__all__)
from .autograd.function import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .kernels import get_num_threads, set_num_threads
from .torch_api.random import Generator, default_generator, initial_seed, manual_seed, seed
from .autograd.tensor import Size, Tensor

from . import nn, optim
from .summary import summary
from .torch_api import accelerator, backends, cuda, random

import importlib as _importlib  # noqa: E402

# torch.cuda, torch.accelerator, torch.backends (mps, cudnn, cuda: answered as a CPU-only build) and torch.random
# are modules in PyTorch: `import minitorch_mnist.cuda` finds these
for _module in (accelerator, backends, cuda, random):
    _sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module

__all__ = ["nn", "optim", "data", "viz", "onnx", "cuda", "accelerator", "summary", "Tensor", "Size", "device",
           "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "manual_seed", "seed", "initial_seed",
           "Generator", "default_generator", "get_default_dtype", "set_default_dtype", "promote_types", "dtype",
           "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64",
           "complex64", "complex128", "bool", "float", "double", "half", "long", "int", "short", "cfloat", "cdouble",
           "set_printoptions", "utils", "vision", "save", "load", "get_num_threads", "set_num_threads",
           "backends"]
__all__ += _creation.__all__ + _sampling.__all__ + _functions.__all__ + _legacy.__all__

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
