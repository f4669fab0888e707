"""How many threads the Numba kernels use, and how their workers share the cores with NumPy's BLAS.

Thread count. get_num_threads() is, in this order: the last set_num_threads(n) (which also sets NumPy's
BLAS threads); the environment variable MINITORCH_NUM_THREADS (the same, at import); the number of cores this process may run on (os.sched_getaffinity, so `taskset` and
container CPU sets count, not the machine's total). It is capped at Numba's pool size (NUMBA_NUM_THREADS,
fixed when Numba starts its workers). Every parallel kernel runs inside numba_region(), which applies it.

Spinning. After a NumPy matrix product, OpenBLAS's idle worker threads keep spinning (busy-waiting for the
next product) for a long while; a Numba parallel loop started in that window shares the cores with them
and runs several times slower, and spinning Numba workers slow the next product in the same way. In a
training step the two alternate all the time (linear layers in BLAS, conv and pooling in Numba).
Measured on 2 cores (python benchmarks/bench_kernels.py --threadpool --batch-sizes 64): LeNet's conv2,
forward and both gradients, takes 1.3-1.5 ms alone but 5.1-5.5 ms right after three 64x400 @ 400x120
products, and those products take 2.4-2.8 ms instead of 0.2-0.3 ms. Limiting BLAS only around each Numba
call does not help (5.2-5.4 ms): the workers of the previous product are already spinning.
OPENBLAS_THREAD_TIMEOUT=4 works as well, but only if set before NumPy is first imported, which a library
imported after NumPy cannot do.

So, besides what set_num_threads asks for, one process-wide effect: the first parallel Numba kernel that runs with more than one
thread limits OpenBLAS to one thread (threadpoolctl) for the whole process, the user's own NumPy code
included. It does not happen with one kernel thread (set_num_threads(1), MINITORCH_NUM_THREADS=1), with the
NumPy kernels, or for a model without conv or pooling (an MLP); release_blas() or set_backend("numpy")
gives BLAS back the threads it had.
"""

import contextlib
import os

try:
    import threadpoolctl
except ImportError:  # threadpoolctl is optional: without it BLAS keeps its threads
    threadpoolctl = None

ENVIRONMENT_VARIABLE = "MINITORCH_NUM_THREADS"
_requested = None  # set by set_num_threads()
_blas_limit = None  # the active threadpoolctl limit, or None


def available_cores():
    """The cores this process may run on (its CPU affinity), or the machine's count where that is unknown."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _from_environment():
    text = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}: expected a positive whole number of threads, got {text!r}")
    return int(text)


def apply_environment():
    """set_num_threads($MINITORCH_NUM_THREADS) when it is set (kernels/__init__.py calls this at import)."""
    n = _from_environment()
    if n is not None:
        set_num_threads(n)


def _numba_pool_size():
    import numba
    return numba.config.NUMBA_NUM_THREADS


def set_num_threads(n):
    """Use n threads for the engine's compute from now on (the name and meaning of torch.set_num_threads).

    Process-wide, as torch.set_num_threads is: the Numba kernels run on n threads (capped at Numba's pool
    size, NUMBA_NUM_THREADS), and NumPy's BLAS, which computes the engine's linear layers and also any
    other matrix product in this process, is set to n threads (through threadpoolctl, when installed).
    MINITORCH_NUM_THREADS=n in the environment does the same when the engine is imported. Without either,
    BLAS keeps its own default, except for the limit described in the module docstring.
    On a machine whose cores are busy with other work, n=1 is often much faster: a multi-threaded BLAS
    or Numba loop waits for its slowest thread, and a thread that shares its core runs at half speed.
    """
    global _requested
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive whole number of threads, got {n!r}")
    _requested = n
    release_blas()
    if threadpoolctl is not None:
        threadpoolctl.threadpool_limits(limits=n, user_api="blas")


def get_num_threads():
    """The threads the Numba kernels use: set_num_threads, else MINITORCH_NUM_THREADS, else the usable cores."""
    wanted = _requested or available_cores()
    return max(1, min(wanted, _numba_pool_size()))


@contextlib.contextmanager
def numba_region():
    """Around a parallel Numba kernel: apply the thread count, and keep BLAS's spinning threads off its cores."""
    import numba
    n_threads = get_num_threads()
    numba.set_num_threads(n_threads)
    if n_threads > 1:
        limit_blas()
    yield n_threads


def limit_blas():
    """Limit OpenBLAS to one thread for the whole process (the first call does it; later calls cost a comparison)."""
    global _blas_limit
    if _blas_limit is None and threadpoolctl is not None:
        _blas_limit = threadpoolctl.threadpool_limits(limits=1, user_api="blas")


def release_blas():
    """Undo limit_blas(): BLAS gets back the number of threads it had before."""
    global _blas_limit
    if _blas_limit is not None:
        _blas_limit.restore_original_limits()
        _blas_limit = None


def blas_is_limited():
    return _blas_limit is not None
