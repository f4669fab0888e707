"""How many threads the Numba kernels use, and how their workers share the cores with NumPy's BLAS.

Thread count. get_num_threads() is, in this order: the last set_num_threads(n) (which also sets NumPy's
BLAS threads); the environment variable MINITORCH_NUM_THREADS (the same, at import); otherwise the cores
this process may run on (os.sched_getaffinity, so `taskset` and container CPU sets count, not the machine's
total) minus the cores other processes kept busy in the last half second or so (/proc/stat): a parallel
loop waits for its slowest thread, and a thread that shares its core with other work runs at half speed or
worse. It is capped at Numba's pool size (NUMBA_NUM_THREADS, fixed when Numba starts its workers). Every
parallel kernel runs inside numba_region(), which applies it.

Spinning. After a NumPy matrix product, OpenBLAS's idle worker threads keep spinning (busy-waiting for the
next product) for a long while; a Numba parallel loop started in that window shares the cores with them
and runs several times slower, and spinning Numba workers slow the next product in the same way. In a
training step the two alternate all the time (linear layers in BLAS, conv and pooling in Numba).
Measured on 2 cores (python benchmarks/bench_kernels.py --threadpool --batch-sizes 64): LeNet's conv2,
forward and both gradients, takes 1.3-1.5 ms alone but 5.1-5.5 ms right after three 64x400 @ 400x120
products, and those products take 2.4-2.8 ms instead of 0.2-0.3 ms. Limiting BLAS only around each Numba
call does not help (5.2 ms): the workers of the previous product are already spinning.
OPENBLAS_THREAD_TIMEOUT=4 works as well, but only if set before NumPy is first imported, which a library
imported after NumPy cannot do. Numba's threading layer stays its default (OpenMP here, whose workers spin
briefly): the workqueue layer, which never spins, made that conv 2.5x slower, and OMP_WAIT_POLICY=PASSIVE
1.3x slower (the same run, with other processes using 0.6 cores).

So, besides what set_num_threads asks for, two process-wide effects on OpenBLAS (through threadpoolctl),
the user's own NumPy code included:
- the first parallel Numba kernel that runs with more than one thread limits OpenBLAS to one thread for the
  whole process. It does not happen while the kernels run on one thread, with the NumPy kernels, or for a
  model without conv or pooling (an MLP); release_blas() or set_backend("numpy") gives BLAS back the threads
  it had;
- at the start of each training epoch (kernels.fit_threads_to_load), follow_load_in_blas() limits OpenBLAS to one thread
  while other processes keep all but one of the usable cores busy, and lifts that limit once they are idle
  again: a two-thread product with one thread on a busy core runs at the busy core's pace.
Neither happens after set_num_threads(n) or MINITORCH_NUM_THREADS: then the user's choice holds.

OpenMP's spinning. Numba's parallel loops run on OpenMP's threads (libgomp here), which keep spinning after a loop
for GOMP_SPINCOUNT iterations (300,000 by default: milliseconds) in case another loop follows. The BLAS convolution
(numba_conv_blas.py) runs on threads of its own, which then share their cores with those spinning workers after
every BatchNorm or pooling loop. configure_openmp(), called before Numba first loads, sets GOMP_SPINCOUNT=30000
unless the environment already says how OpenMP should wait. Measured (bench_models.py, engine-numba, 3 runs each
alternating): CifarAlexNet 521-538 s an epoch with the default, 479-515 with 30000; LeNet unchanged (6 runs each,
medians 2.32 and 2.35 s with the DataLoader, 2.24 and 2.21 with tensor(x[idx])). Not spinning at all
(OMP_WAIT_POLICY=PASSIVE) made LeNet's step 3x slower (2.05 -> 6.87 ms, profile_step.py): its many short loops
need their workers awake.
"""

import contextlib
import os
import time

try:
    import threadpoolctl
except ImportError:  # threadpoolctl is optional: without it BLAS keeps its threads
    threadpoolctl = None

ENVIRONMENT_VARIABLE = "MINITORCH_NUM_THREADS"
OPENMP_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")  # the user's say on how OpenMP's workers wait
SPIN_COUNT = "30000"
_requested = None  # set by set_num_threads()
_blas_limit = None  # the active threadpoolctl limit, or None
_limited_for_load = False  # whether follow_load_in_blas() set that limit (and so may lift it)


def configure_openmp():
    """GOMP_SPINCOUNT=SPIN_COUNT for the OpenMP library Numba is about to load, unless OMP_WAIT_POLICY or
    GOMP_SPINCOUNT is set already (see the module docstring). It only takes effect if no OpenMP library is loaded
    yet (importing torch first, for one, loads libgomp with its own defaults)."""
    if not any(name in os.environ for name in OPENMP_SETTINGS):
        os.environ["GOMP_SPINCOUNT"] = SPIN_COUNT


def available_cores():
    """The cores this process may run on (its CPU affinity), or the machine's count where that is unknown."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


MAX_THREADS = 1 << 16
_environment_problem = None  # why MINITORCH_NUM_THREADS was ignored, if it was
_environment_warned = False


def _from_environment():
    text = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_THREADS:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}: expected a positive whole number of threads (at most "
                         f"{MAX_THREADS}), got {text!r}; unset it or give a number of threads")
    return int(text)


def apply_environment():
    """set_num_threads($MINITORCH_NUM_THREADS) when it is set (kernels/__init__.py calls this at import).

    Never raises, since it runs at import: a value that is not a number of threads is ignored, and the reason kept
    for environment_problem() (the command line refuses to start with it; in Python, the first kernel warns)."""
    global _environment_problem
    _environment_problem = None
    try:
        n = _from_environment()
    except ValueError as error:
        _environment_problem = str(error)
        return
    if n is not None:
        set_num_threads(n)


def environment_problem():
    """Why MINITORCH_NUM_THREADS was ignored at import, or None."""
    return _environment_problem


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
    """The threads the Numba kernels use now: set_num_threads / MINITORCH_NUM_THREADS if given, else the
    usable cores minus those other processes kept busy lately (re-measured at most every CHECK_EVERY_S)."""
    global _environment_warned
    if _environment_problem and _requested is None and not _environment_warned:
        _environment_warned = True
        import warnings
        warnings.warn(f"{_environment_problem}; ignored", RuntimeWarning, stacklevel=2)
    wanted = _requested or _idle_cores.threads(available_cores())
    return max(1, min(wanted, _numba_pool_size()))


class _IdleCores:
    """How many of our cores other processes leave free, from /proc/stat (the machine's busy time) minus our own
    CPU time (os.times, all our threads), over the last CHECK_EVERY_S or more. Linux only; elsewhere: all cores.
    /proc/stat counts the whole machine: where this process may use only some cores, load on the others counts
    too, which errs towards fewer threads."""

    CHECK_EVERY_S = 0.5

    def __init__(self):
        self.sample = None  # (wall, machine busy s, own cpu s) at the start of the current window
        self.other_cores = 0.0  # cores other processes used in the last window

    @staticmethod
    def _now():
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]  # cpu user nice system idle iowait irq softirq steal ...
        ticks = [int(v) for v in fields[:8]]
        busy = sum(ticks) - ticks[3] - ticks[4]  # everything but idle and iowait
        own = os.times()
        return time.monotonic(), busy / os.sysconf("SC_CLK_TCK"), own.user + own.system

    def threads(self, cores):
        if cores == 1 or self.sample is False:
            return cores
        now = time.monotonic()
        if self.sample is None or now - self.sample[0] >= self.CHECK_EVERY_S:
            try:
                current = self._now()
            except (OSError, ValueError, IndexError):
                self.sample = False  # no /proc/stat: no measure of the others, use every core
                return cores
            if self.sample is not None:
                wall = current[0] - self.sample[0]
                other = (current[1] - self.sample[1]) - (current[2] - self.sample[2])
                self.other_cores = max(0.0, other / wall)
            self.sample = current
        # a core counts as taken when others used more than half of it
        return max(1, int(cores - self.other_cores + 0.5))


_idle_cores = _IdleCores()
_next_load_check = 0.0  # follow_load_in_blas looks at the load again from this time.monotonic() on


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
    global _blas_limit, _limited_for_load
    _limited_for_load = False  # a limit asked for here stays
    if _blas_limit is None and threadpoolctl is not None:
        _blas_limit = threadpoolctl.threadpool_limits(limits=1, user_api="blas")


def release_blas():
    """Undo limit_blas(): BLAS gets back the number of threads it had before."""
    global _blas_limit
    if _blas_limit is not None:
        _blas_limit.restore_original_limits()
        _blas_limit = None


def follow_load_in_blas():
    """At the start of an epoch: while other processes keep all but one of our cores busy, BLAS runs
    on one thread (process-wide, as limit_blas), and gets its threads back once they are idle again.

    A multi-threaded BLAS product waits for its slowest thread; on a busy core that thread runs at half speed or
    worse (measured: the MLP's epoch took 13.4 s with BLAS on 2 threads and one core busy, 5.2 s on one).
    Nothing happens after set_num_threads (the user chose), or once a parallel kernel limited BLAS for good.
    The check costs a clock reading; /proc/stat is re-read at most every CHECK_EVERY_S.
    """
    global _limited_for_load, _next_load_check
    if _requested is not None or threadpoolctl is None:
        return
    now = time.monotonic()
    if now < _next_load_check:  # checked less than CHECK_EVERY_S ago: nothing can have changed
        return
    _next_load_check = now + _IdleCores.CHECK_EVERY_S
    cores = available_cores()
    busy = cores > 1 and _idle_cores.threads(cores) == 1
    if busy and _blas_limit is None:
        limit_blas()
        _limited_for_load = True
    elif not busy and _limited_for_load:
        release_blas()
        _limited_for_load = False


def blas_is_limited():
    return _blas_limit is not None
