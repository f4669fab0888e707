"""Making tensors, with torch's names: tensor, as_tensor, from_numpy, zeros, ones, empty, full, arange, linspace,
logspace, eye and the *_like forms (random ones: sampling.py).

One rule (`factory`) gives every factory PyTorch's keywords: dtype=, device= (the CPU; a GPU is a clear error),
requires_grad=, layout=/pin_memory=/memory_format= (accepted at their defaults) and, where PyTorch has it, out=.
Each factory itself only makes the NumPy array. Floating results take the default dtype
(dtypes.get_default_dtype()) unless dtype= says otherwise; the *_like forms take their input's.
"""

import functools
import inspect
import numbers

import numpy as np

from ..autograd.dtypes import as_numpy, bool_, get_default_dtype
from ..autograd.tensor import Tensor, int64
from ..ops.checks import sizes
from .device import check_device
from .out import write_out

__all__ = ["tensor", "from_numpy", "as_tensor", "zeros", "ones", "empty", "full", "eye", "arange", "linspace",
           "logspace", "zeros_like", "ones_like", "empty_like", "full_like"]


def factory(takes_out=True):
    """Decorator: `make(*args, dtype=..., **kwargs)` returns a NumPy array; the Tensor gets PyTorch's keywords.

    A factory written make(*size, ...) also takes its size by keyword (torch.zeros(size=(2, 3))).
    """
    def decorate(make):
        first = next(iter(inspect.signature(make).parameters.values()))
        size_by_keyword = first.kind is inspect.Parameter.VAR_POSITIONAL and first.name == "size"

        @functools.wraps(make)
        def build(*args, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False,
                  memory_format=None, out=None, **kwargs):
            if size_by_keyword and "size" in kwargs and not args:
                args = (kwargs.pop("size"),)
            if device is not None:
                check_device(device)
            if layout is not None or pin_memory:
                raise NotImplementedError(f"{make.__name__}(): layout= and pin_memory= are not in the engine (its "
                                          f"tensors are dense, on the CPU)")
            if out is not None and not takes_out:
                raise TypeError(f"{make.__name__}() got an unexpected keyword argument 'out'")
            array = make(*args, dtype=as_numpy(dtype), **kwargs)  # mm.float32, np.float32, float; not strings
            result = Tensor(array, requires_grad=requires_grad)
            return result if out is None else write_out(make.__name__, result, out)

        return build

    return decorate


def shape_of(call, size):
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(torch.Size([2, 3])): the shape, checked as PyTorch checks."""
    shape = sizes(size)
    for n in shape:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (numbers.Integral, Tensor)):
            raise TypeError(f"{call}(): argument 'size' (position 1) must be tuple of ints, not {type(n).__name__}")
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise RuntimeError(f"{call}(): Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return shape


def _size(call, size):
    if not size:
        raise TypeError(f'{call}() missing 1 required positional arguments: "size"')
    return shape_of(call, size)


def number_dtype(value):
    """The dtype PyTorch gives a Python number: bool, int64, or the default float dtype."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, numbers.Integral):
        return int64
    return get_default_dtype()


# ---- from data ----

@factory(takes_out=False)
def tensor(data, dtype=None):
    """A new Tensor holding a copy of `data`, like torch.tensor.

    A NumPy array or scalar keeps its dtype (float64 stays float64, integer labels stay integer); Python
    floats become float32 and Python ints int64, as in PyTorch.
    """
    if isinstance(data, Tensor):
        data = data.array
    array = np.array(data, dtype=dtype)  # a dtype given converts the values directly (1.7 stays 1.7 in float64)
    if dtype is None and not isinstance(data, (np.ndarray, np.generic)):
        if array.dtype == np.float64:
            array = array.astype(get_default_dtype())
        elif np.issubdtype(array.dtype, np.integer):
            array = array.astype(int64)
    return array


def from_numpy(array):
    """A Tensor sharing memory with `array` (no copy), like torch.from_numpy: changes to one show in the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"can't convert np.ndarray of type {array.dtype}. The only supported types are: float64, "
                        f"float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool.")
    return Tensor(array)


def as_tensor(data, dtype=None, device=None):
    """Like torch.as_tensor: a Tensor or NumPy array of the right dtype is used as is (shared memory), else copied."""
    if device is not None:
        check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or as_numpy(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or as_numpy(dtype) == data.dtype):
        return Tensor(data)
    return tensor(data, dtype=dtype)


# ---- filled ----

@factory()
def zeros(*size, dtype=None):
    return np.zeros(_size("zeros", size), dtype=dtype or get_default_dtype())


@factory()
def ones(*size, dtype=None):
    return np.ones(_size("ones", size), dtype=dtype or get_default_dtype())


@factory()
def empty(*size, dtype=None):
    """Like torch.empty, but filled with zeros (uninitialised memory helps nobody learn)."""
    return np.zeros(_size("empty", size), dtype=dtype or get_default_dtype())


@factory()
def full(size, fill_value, dtype=None):
    """A tensor of `size` filled with fill_value; its dtype follows fill_value (bool, int64 or the default float)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return np.full(shape_of("full", size), fill_value, dtype=dtype or number_dtype(fill_value))


@factory()
def eye(n, m=None, dtype=None):
    """The n x m identity matrix (m = n by default): ones on the diagonal."""
    for name, value in (("n", n), ("m", m)):
        if value is not None and value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    return np.eye(n, n if m is None else m, dtype=dtype or get_default_dtype())


# ---- ranges ----

@factory()
def arange(start=0, end=None, step=1, dtype=None):
    """start, start + step, ... up to but excluding end (arange(end) starts at 0); int64 when every argument is an
    integer, else the default float dtype. The values are start + i * step, computed in float64 then cast."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign (start={start}, end={end}, "
                           f"step={step})")
    if dtype is None:
        integral = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        dtype = np.dtype(int64 if integral else get_default_dtype())
    count = int(np.ceil((end - start) / step))
    values = start + np.arange(count, dtype=np.float64) * step if np.issubdtype(dtype, np.floating) \
        else start + np.arange(count, dtype=np.int64) * step
    return values.astype(dtype)


@factory()
def linspace(start, end, steps, dtype=None):
    """`steps` values from start to end, both included, evenly spaced, computed as PyTorch does: in the result's
    float dtype (float64 for an integer dtype, then truncated), the first half as start + i * step and the second
    as end - (steps - 1 - i) * step, so both ends are exact."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = (float(v.item()) if isinstance(v, Tensor) else v for v in (start, end))
    return _linspace(start, end, int(steps), dtype or np.dtype(get_default_dtype()))


def _linspace(start, end, steps, dtype):
    """PyTorch's kernel: step in the compute dtype, then start + step * i as one fused multiply-add (done here in
    float64, exact for float32 operands, then rounded once: float32 results equal PyTorch's; float64 ones may
    differ from them by an ulp, NumPy having no fused multiply-add)."""
    compute = np.dtype(dtype) if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)
    start, end = compute.type(start), compute.type(end)
    step = np.float64((end - start) / compute.type(max(steps - 1, 1)))
    i = np.arange(steps, dtype=np.float64)
    values = np.where(i < steps // 2, np.float64(start) + step * i, np.float64(end) - step * (steps - 1 - i))
    if steps == 1:
        values = np.full(1, start, dtype=np.float64)
    return values.astype(compute).astype(dtype)


@factory()
def logspace(start, end, steps, base=10.0, dtype=None):
    """base ** linspace(start, end, steps)."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return (base ** _linspace(start, end, int(steps), np.dtype(np.float64))).astype(dtype or get_default_dtype())


# ---- like another tensor: its shape, and its dtype unless told ----

@factory(takes_out=False)
def zeros_like(input, dtype=None):
    return np.zeros(input.shape, dtype=dtype or input.dtype)


@factory(takes_out=False)
def ones_like(input, dtype=None):
    return np.ones(input.shape, dtype=dtype or input.dtype)


@factory(takes_out=False)
def empty_like(input, dtype=None):
    """Zeros of input's shape (see empty)."""
    return np.zeros(input.shape, dtype=dtype or input.dtype)


@factory(takes_out=False)
def full_like(input, fill_value, dtype=None):
    return np.full(input.shape, fill_value, dtype=dtype or input.dtype)
