"""The loops that need speed, behind one interface: `kernels.backend`, chosen once.

The ops do the math and hand their loops to the backend: ops/conv.py calls backend.conv2d_forward, ops/pool.py
the pooling kernels, ops/activation.py the ReLU, ops/normalization.py the batch-norm passes, optim/sgd.py
backend.sgd_update. Two backends hold the same functions with the same signatures and give the same results:
    numpy : numpy_conv.py (numpy_im2col.py), numpy_pool.py, numpy_activation.py, numpy_normalization.py,
            numpy_optim.py: readable NumPy, the reference the docs quote
    numba : numba_conv.py (numba_im2col.py; numba_conv_blas.py for layers with many channels), numba_pool.py,
            numba_activation.py, numba_normalization.py, numba_optim.py: compiled loops, the default; Numba
            itself is imported the first time a kernel runs, not with the engine

Choose one with the environment variable MINITORCH_KERNELS=numpy|numba (read at import), or while running:
    kernels.set_backend("numpy"); kernels.get_backend()
    with kernels.use_backend("numpy"): ...

Memory (memory.py): when the first kernel runs, glibc's malloc is told to keep the memory a training step frees
for the next step instead of handing it back to the system and faulting it in again page by page;
MINITORCH_MALLOPT=0 switches that off.

Threads and BLAS (threads.py) are decided here too, never in an op: kernels.set_num_threads(n) (torch's name;
Numba's threads and, process-wide, NumPy's BLAS threads), kernels.get_num_threads(), MINITORCH_NUM_THREADS=n
at import. The policy is applied where it can change: when a backend is chosen, by set_num_threads, at the start
of each training epoch (kernels.fit_threads_to_load, called by the training loop), by the parallel Numba
kernels themselves (threads.numba_region), and before the ReLU and SGD kernels (FITS_BLAS): inside the backend,
never in an op.
"""

import contextlib
import importlib
import os

from . import memory, threads
from .threads import get_num_threads, set_num_threads

BACKENDS = ("numba", "numpy")
KERNELS = {  # module suffix -> the functions it provides; numpy_<suffix>.py and numba_<suffix>.py both have them
    "conv": ("conv2d_forward", "conv2d_backward"),
    "pool": ("max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"),
    "activation": ("relu_forward", "relu_backward"),
    "normalization": ("batch_norm_statistics", "batch_norm_forward", "batch_norm_backward"),
    "optim": ("sgd_update",),
}


class Backend:
    """One set of kernels. Its functions become attributes the first time one is asked for (then importing
    numba_*.py, and so Numba, only when a kernel first runs); docstrings are in the numpy_*.py files."""

    def __init__(self, name):
        if name not in BACKENDS:
            raise ValueError(f"unknown kernel backend {name!r}; valid backends are {', '.join(BACKENDS)}")
        self.name = name

    def __getattr__(self, kernel):  # only called for a name not loaded yet
        if not any(kernel in names for names in KERNELS.values()):
            raise AttributeError(f"the {self.name} kernel backend has no {kernel!r}")
        memory.configure_malloc()  # the first kernel to run: malloc keeps freed memory for the next step (memory.py)
        threads.configure_openmp()  # before Numba loads OpenMP: its idle workers spin less (threads.py)
        for suffix, names in KERNELS.items():
            module = importlib.import_module(f".{self.name}_{suffix}", __name__)
            for name in names:
                kernel_function = getattr(module, name)
                setattr(self, name, _fitting_blas(kernel_function) if name in FITS_BLAS else kernel_function)
        return getattr(self, kernel)

    def __repr__(self):
        return f"<kernel backend {self.name!r}>"


# The kernels every training step runs once or a few times, MLPs and tutorial loops included (ReLU, the SGD
# update): before them BLAS's threads follow the machine's load (threads.follow_load_in_blas: a clock reading,
# /proc/stat at most twice a second). Applying that only at the start of an epoch left a learner's own loop with
# BLAS on two threads while another process held a core: the MLP's epoch took 20-177 s instead of 7-14 s.
FITS_BLAS = ("relu_forward", "sgd_update")


def _fitting_blas(kernel_function):
    def run(*args, **kwargs):
        threads.follow_load_in_blas()
        return kernel_function(*args, **kwargs)

    run.__name__, run.__doc__ = kernel_function.__name__, kernel_function.__doc__
    return run


backend = None  # the Backend in use; set_backend replaces it


def set_backend(name):
    """Use the `name` kernels ("numpy" or "numba") from now on."""
    global backend
    if name not in BACKENDS:
        raise ValueError(f"set_backend: unknown kernel backend {name!r}; valid backends are {', '.join(BACKENDS)}")
    backend = Backend(name)
    if name == "numpy":
        threads.release_blas()  # no Numba loops to keep BLAS's spinning threads away from


def get_backend():
    """The name of the backend in use: "numpy" or "numba"."""
    return backend.name


@contextlib.contextmanager
def use_backend(name):
    """Within the block, use the `name` kernels; the previous backend comes back afterwards."""
    previous = backend
    set_backend(name)
    try:
        yield
    finally:
        set_backend(previous.name)


def fit_threads_to_load():
    """BLAS on one thread while other processes keep all but one core busy, its threads back once they are idle
    (threads.follow_load_in_blas); the training loop calls this at the start of every epoch."""
    threads.follow_load_in_blas()


threads.apply_environment()  # MINITORCH_NUM_THREADS, if set
_environment_choice = os.environ.get("MINITORCH_KERNELS", "numba").strip().lower()
if _environment_choice not in BACKENDS:
    raise ValueError(f"MINITORCH_KERNELS: unknown kernel backend {_environment_choice!r}; "
                     f"valid backends are {', '.join(BACKENDS)}")
set_backend(_environment_choice)
