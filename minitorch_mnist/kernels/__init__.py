"""The loops that need speed: convolution, pooling and the optimizer's update, in NumPy or in Numba (same names,
same results).

Two backends hold the same functions with the same signatures:
    numpy : numpy_conv.py (im2col.py), numpy_pool.py, numpy_activation.py and numpy_optim.py, readable NumPy
    numba : numba_conv.py, numba_pool.py, numba_activation.py and numba_optim.py, compiled loops (the default)

Choose one with the environment variable MINITORCH_KERNELS=numpy|numba (read at import), or while running:
    kernels.set_backend("numpy"); kernels.get_backend()
    with kernels.use_backend("numpy"): ...
ops/conv.py, ops/pool.py, ops/elementwise.py (ReLU) and optim/sgd.py call the functions at the bottom of this file, which forward to the
chosen backend, so the ops are the same for both.

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
_MODULES = {  # backend -> (conv, pool, activation, optimizer modules), imported the first time the backend is used
    "numpy": ("numpy_conv", "numpy_pool", "numpy_activation", "numpy_optim"),
    "numba": ("numba_conv", "numba_pool", "numba_activation", "numba_optim"),
}
_backend = None
_conv = _pool = _activation = _optim = None


def _check_name(name, where):
    if name not in BACKENDS:
        raise ValueError(f"{where}: unknown kernel backend {name!r}; valid backends are {', '.join(BACKENDS)}")


def set_backend(name):
    """Use the `name` kernels ("numpy" or "numba") from now on."""
    global _backend, _conv, _pool, _activation, _optim
    _check_name(name, "set_backend")
    _conv, _pool, _activation, _optim = (importlib.import_module(f".{module}", __name__) for module in _MODULES[name])
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


# ---- the kernels, as ops/conv.py, ops/pool.py, ops/elementwise.py, optim/sgd.py call them (docstrings in the numpy_*.py files) ----

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


def relu_forward(x):
    """z = max(x, 0), NaN kept."""
    return _activation.relu_forward(x)


def relu_backward(grad, output):
    """dL/dx of z = relu(x), from the upstream gradient and the output z."""
    return _activation.relu_backward(grad, output)


def sgd_update(weights, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step):
    """One torch.optim.SGD step on one parameter, in place on weights and buffer (None without momentum)."""
    return _optim.sgd_update(weights, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step)
