"""torch.backends for the engine, answered as a CPU-only PyTorch build answers: no MPS, no CUDA, no cuDNN.

    torch.backends.mps.is_available()        False   (the tutorials' device choice then falls back to "cpu")
    torch.backends.mps.is_built()            False
    torch.backends.cudnn.is_available()      False,  cudnn.version() None
    torch.backends.cudnn.benchmark           False   flags a program may set; they change nothing here (the
    torch.backends.cudnn.deterministic       False   engine's CPU results are already deterministic)
    torch.backends.cuda.is_built()           False,  cuda.matmul.allow_tf32 False

`import minitorch_mnist.backends.cudnn as cudnn` works too: the submodules are registered under the package's
names (see minitorch_mnist/__init__.py, which registers this module as minitorch_mnist.backends).
"""

import sys
import types

PUBLIC_NAME = "minitorch_mnist.backends"


def _submodule(name, doc, **attributes):
    module = types.ModuleType(f"{PUBLIC_NAME}.{name}", doc)
    module.__dict__.update(attributes)
    sys.modules[module.__name__] = module
    return module


mps = _submodule("mps", "Apple's Metal backend: not in this build.", is_available=lambda: False,
                 is_built=lambda: False)

cudnn = _submodule("cudnn", "NVIDIA cuDNN: not in this build; its flags can be set (and change nothing).",
                   is_available=lambda: False, version=lambda: None, is_acceptable=lambda tensor: False,
                   enabled=True, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True)

cuda = _submodule("cuda", "CUDA: not in this build; its matmul flags can be set (and change nothing).",
                  is_built=lambda: False,
                  matmul=types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                                               allow_bf16_reduced_precision_reduction=True))

__all__ = ["mps", "cudnn", "cuda"]


def __getattr__(name):
    from .missing import missing_name

    missing_name(PUBLIC_NAME, name, __all__)
