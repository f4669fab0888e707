"""Where the big arrays of a training step come from: glibc's malloc, told once to keep the memory it frees.

A training step allocates and frees the same large arrays every time: activations, im2col columns, gradients,
from a few hundred KiB (LeNet) to tens of MiB (CifarAlexNet). glibc's malloc serves a request above its
mmap threshold with fresh pages from the kernel (mmap) and gives them back on free (munmap); below it, from
its heap, whose free top it gives back (trims) once that exceeds the trim threshold. Each fresh page costs a
minor page fault when first written (the kernel maps and zeroes 4 KiB), so a step that gets its arrays fresh
pays hundreds of thousands of faults. Both thresholds also move by themselves (freeing an mmapped block raises
the mmap threshold to its size, up to 32 MiB, and the trim threshold to twice that): which arrays the program
happened to allocate and free before decides the engine's speed. Measured on LeNet at batch 64 (python
benchmarks/bench_malloc.py, glibc's defaults): 4.9 ms and 1,203 faults a step, but 2.5 ms and 6 faults once
the program had run one evaluation at batch 1000, whose freed 15 MiB arrays raised the threshold.

configure_malloc() fixes both thresholds (mallopt, through ctypes): an allocation up to MMAP_THRESHOLD comes from
the heap, and freed memory stays with the process, up to TRIM_THRESHOLD, for the next step. The kernel backend
calls it once, when its first kernel runs (kernels.Backend), never an op. Its effects, all process-wide (NumPy,
Numba and every other library in the process share this malloc):
- steady state: LeNet 0-1 faults per step instead of ~1,200 (2.5 ms a step, before and after that evaluation),
  CifarAlexNet 1-2 instead of ~6,400 (with the BLAS kernels' own reused buffers), whatever the loop did before;
- resident memory stays at the step's high-water mark between steps instead of dropping and growing back, and
  memory freed after a bigger pass is kept for reuse rather than returned (AlexNet after an evaluation at batch
  256: 859 MiB resident instead of 545; its peak was lower, 859 MiB instead of 1,025);
- glibc only: with another C library (musl) or a preloaded allocator it does nothing.
Switch it off with MINITORCH_MALLOPT=0; it also stands back when MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_
or GLIBC_TUNABLES' malloc settings are in the environment (the user chose). docs/09-memory-traffic.md explains
the measurements.
"""

import ctypes
import os
import sys

ENVIRONMENT_VARIABLE = "MINITORCH_MALLOPT"
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # <malloc.h>
MMAP_THRESHOLD = 1 << 30  # 1 GiB: only a single array bigger than this gets pages of its own
OLD_GLIBC_MMAP_THRESHOLD = 32 << 20  # the most that glibc before 2.26 accepts (HEAP_MAX_SIZE / 2 on 64-bit)
TRIM_THRESHOLD = 1 << 30  # keep up to 1 GiB of freed heap for reuse
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")

_state = None  # None: not tried yet; then the outcome of configure_malloc as a short text


def _switched_off():
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in ("0", "off", "false", "no")


def _user_chose():
    """Whether the environment already sets glibc's malloc thresholds (read by glibc at start-up)."""
    return any(name in os.environ for name in USER_SETTINGS) or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", "")


def _glibc_mallopt():
    """glibc's mallopt, or None where the process's C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the C library this process is linked with
        libc.gnu_get_libc_version  # only glibc has it (musl has a mallopt that ignores these settings)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt


def configure_malloc():
    """Fix glibc's mmap and trim thresholds for this process, once; returns what happened, as a short text:
    "set", "off (MINITORCH_MALLOPT)", "left to the environment", or "not glibc". Later calls only report."""
    global _state
    if _state is not None:
        return _state
    if _switched_off():
        _state = f"off ({ENVIRONMENT_VARIABLE})"
    elif _user_chose():
        _state = "left to the environment"
    elif (mallopt := _glibc_mallopt()) is None:
        _state = "not glibc"
    else:
        # mallopt returns 1 on success; glibc before 2.26 refuses an mmap threshold above 32 MiB
        if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1:
            mallopt(M_MMAP_THRESHOLD, OLD_GLIBC_MMAP_THRESHOLD)
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        _state = "set"
    return _state


def malloc_state():
    """What configure_malloc did ("set", "off (MINITORCH_MALLOPT)", ...), or "not tried yet"."""
    return _state or "not tried yet"
