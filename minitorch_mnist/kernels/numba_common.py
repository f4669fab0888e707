"""Compiler options shared by the Numba kernels (numba_conv.py, numba_pool.py, ...), and which arrays their
elementwise loops take."""

import numpy as np

# Never the full fastmath (True): it lets the compiler assume there are no NaNs or infinities, and NaN checks vanish.
# These flags only allow reordering sums (so a dot product can use SIMD lanes) and fused multiply-adds.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}

# parallel=True also tries to parallelise array expressions and fuse loops; the kernels need only their
# explicit prange loops, and asking for just those makes the first compilation about a quarter faster.
PRANGE_ONLY = dict(prange=True, comprehension=False, setitem=False, reduction=False, numpy=False, stencil=False,
                   fusion=False, inplace_binop=False)


def elementwise_fits(*arrays):
    """Whether one flat loop can take these arrays: float32 or float64, all one dtype and shape, C-contiguous.
    Anything else (float16, views with strides, mixed dtypes) goes to the NumPy twin."""
    first = arrays[0]
    return all(a.dtype in (np.float32, np.float64) and a.dtype == first.dtype and a.shape == first.shape
               and a.flags.c_contiguous for a in arrays)
