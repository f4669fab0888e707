"""The loops that need speed: convolution and pooling, in NumPy or in Numba (same names, same results).

Two backends hold the same functions with the same signatures:
    numpy : numpy_conv.py (im2col.py) and numpy_pool.py, readable, vectorised NumPy
    numba : numba_conv.py and numba_pool.py, compiled parallel loops (the default)

Choose one with the environment variable MINITORCH_KERNELS=numpy|numba (read at import), or while running:
    kernels.set_backend("numpy"); kernels.get_backend()
    with kernels.use_backend("numpy"): ...
ops/conv.py and ops/pool.py call the functions at the bottom of this file, which forward to the chosen
backend, so the ops are the same for both.

Threads, as in PyTorch: kernels.set_num_threads(n) (Numba's and, process-wide, NumPy's BLAS threads),
kernels.get_num_threads(); the environment variable MINITORCH_NUM_THREADS=n does the same at import;
otherwise the kernels use the cores this process may run on (threads.py).
A process-wide effect: the first parallel Numba kernel run with more than one thread limits NumPy's BLAS
(OpenBLAS) to one thread for the whole process, so that its idle threads do not spin on the cores Numba's
loops need; threads.release_blas() or selecting "numpy" gives BLAS its threads back (threads.py measures why).
"""

import contextlib
import importlib
import os

from . import threads
from .threads import follow_load_in_blas, get_num_threads, set_num_threads

BACKENDS = ("numba", "numpy")
_MODULES = {  # backend -> (conv module, pool module), imported the first time the backend is used
    "numpy": ("numpy_conv", "numpy_pool"),
    "numba": ("numba_conv", "numba_pool"),
}
_backend = None
_conv = _pool = None


def _check_name(name, where):
    if name not in BACKENDS:
        raise ValueError(f"{where}: unknown kernel backend {name!r}; valid backends are {', '.join(BACKENDS)}")


def set_backend(name):
    """Use the `name` kernels ("numpy" or "numba") from now on."""
    global _backend, _conv, _pool
    _check_name(name, "set_backend")
    conv_name, pool_name = _MODULES[name]
    _conv = importlib.import_module(f".{conv_name}", __name__)
    _pool = importlib.import_module(f".{pool_name}", __name__)
    _backend = name
    if name == "numpy":
        threads.release_blas()


def get_backend():
    """The name of the backend in use: "numpy" or "numba"."""
    return _backend


@contextlib.contextmanager
def use_backend(name):
    """Within the block, use the `name` kernels; the previous backend comes back afterwards."""
    previous = _backend
    set_backend(name)
    try:
        yield
    finally:
        set_backend(previous)


threads.apply_environment()  # MINITORCH_NUM_THREADS, if set
_environment_choice = os.environ.get("MINITORCH_KERNELS", "numba").strip().lower()
_check_name(_environment_choice, "MINITORCH_KERNELS")
set_backend(_environment_choice)


# ---- the kernels, as ops/conv.py and ops/pool.py call them (docstrings in numpy_conv.py, numpy_pool.py) ----

def conv2d_forward(x, weight, bias, stride, padding):
    return _conv.conv2d_forward(x, weight, bias, stride, padding)


def conv2d_backward(grad, x, weight, stride, padding, compute_input_grad=True):
    """(dL/dx, dL/dW); dL/dx is None when compute_input_grad is False (col2im is skipped)."""
    return _conv.conv2d_backward(grad, x, weight, stride, padding, compute_input_grad=compute_input_grad)


def max_pool2d_forward(x, kernel_size, stride, padding):
    return _pool.max_pool2d_forward(x, kernel_size, stride, padding)


def max_pool2d_backward(grad, argmax, input_shape):
    return _pool.max_pool2d_backward(grad, argmax, input_shape)


def avg_pool2d_forward(x, kernel_size, stride, padding):
    return _pool.avg_pool2d_forward(x, kernel_size, stride, padding)


def avg_pool2d_backward(grad, input_shape, kernel_size, stride, padding):
    return _pool.avg_pool2d_backward(grad, input_shape, kernel_size, stride, padding)
