"""Keep Numba's worker threads and OpenBLAS's (NumPy's matrix products) from fighting over the cores.

After a NumPy matrix product, OpenBLAS's idle worker threads keep spinning (busy-waiting for the next
product) for a long while. A Numba parallel loop started in that window shares the cores with them and
runs several times slower; Numba's own spinning workers slow the next matrix product in the same way.
In a training step the two alternate all the time (linear layers in BLAS, conv and pooling in Numba).

The fix: from the first Numba parallel kernel on, OpenBLAS runs on a single thread (set through
threadpoolctl), so its workers never wake up and the cores belong to Numba's parallel loops. A model
without conv or pooling (an MLP) never runs one, so its matrix products keep all their threads; selecting
the NumPy kernels gives OpenBLAS its threads back.

Measured on 2 cores (python benchmarks/bench_kernels.py --threadpool --batch-sizes 64): LeNet's conv2,
forward and both gradients, takes 1.3-1.5 ms alone but 5.1-5.5 ms right after three 64x400 @ 400x120
products, and those products take 2.4-2.8 ms instead of 0.2-0.3 ms. With this fix: 1.4-1.6 ms and
0.26-0.34 ms. Limiting BLAS only around each Numba call does not help (5.2-5.4 ms): the workers of the
previous product are already spinning. OPENBLAS_THREAD_TIMEOUT=4 works as well (1.4 ms, 0.23-0.28 ms),
but only if set before NumPy is first imported, which a library imported after NumPy cannot do.
"""

try:
    import threadpoolctl
except ImportError:  # threadpoolctl is optional: without it the threads are left as they are
    threadpoolctl = None

_blas_limit = None  # the active threadpoolctl limit, or None


def give_cores_to_numba():
    """Limit BLAS to one thread (the first call does it; later calls cost one comparison)."""
    global _blas_limit
    if _blas_limit is None and threadpoolctl is not None:
        _blas_limit = threadpoolctl.threadpool_limits(limits=1, user_api="blas")


def give_cores_back():
    """Undo give_cores_to_numba(): BLAS gets back the number of threads it had before."""
    global _blas_limit
    if _blas_limit is not None:
        _blas_limit.restore_original_limits()
        _blas_limit = None


def blas_is_limited():
    return _blas_limit is not None
