"""PyTorch's legacy tensor types, for older tutorial code: torch.FloatTensor([...]), torch.LongTensor(2, 3),
isinstance(t, torch.FloatTensor), t.type(torch.DoubleTensor), t.type() == 'torch.FloatTensor', and
torch.autograd.Variable(t, requires_grad=True).

One rule builds them all (`legacy_array`): a legacy constructor takes no argument (an empty tensor), sizes (ints or
a torch.Size: zeros of that shape, where PyTorch leaves the memory uninitialised), or data (a sequence, a NumPy
array or a Tensor) converted to the type's dtype. torch.Tensor(...) is the FloatTensor form of the default dtype.
"""

import numbers
import warnings

import numpy as np

from ..autograd import dtypes

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor", "BoolTensor"]

TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
              "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
              "bool": "BoolTensor"}


def legacy_array(call, args, dtype):
    """The NumPy array a legacy constructor call(*args) makes in `dtype`."""
    from ..autograd.tensor import Size, Tensor

    if not args:
        return np.zeros((0,), dtype=dtype)
    if len(args) == 1 and not isinstance(args[0], Size) and not isinstance(args[0], numbers.Number):
        data = args[0]
        from_python = not isinstance(data, (Tensor, np.ndarray))  # only Python numbers are checked for overflow
        if isinstance(data, Tensor):
            data = data.array
        elif isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
            raise TypeError(f"{call}(): data must be a sequence (got {type(data).__name__})")
        try:
            values = np.array(data)
        except ValueError as error:  # a ragged list
            raise ValueError(f"{call}(): the data is not a rectangular array: {error}") from None
        if from_python and np.issubdtype(dtype, np.integer) and values.size and values.dtype.kind in "iuf":
            limits = np.iinfo(dtype)
            if values.min() < limits.min or values.max() > limits.max:
                raise RuntimeError(f"value cannot be converted to type {np.dtype(dtype).name} without overflow "
                                   f"(values from {values.min()} to {values.max()})")
        return values.astype(dtype)  # as PyTorch: floats into an integer type are truncated toward 0
    shape = tuple(args[0]) if isinstance(args[0], Size) else args
    for size in shape:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"{call}(): sizes must be ints, got {size!r} in {shape}; give data as one sequence "
                            f"({call}([1.5, 2.0]))")
    if any(size < 0 for size in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return np.zeros(shape, dtype=dtype)  # PyTorch: uninitialised memory; zeros here


class LegacyType(type):
    """The type of torch.FloatTensor and its siblings: calling one makes a tensor of its dtype, and isinstance
    asks whether a tensor has that dtype (as in PyTorch; they are not subclasses of Tensor)."""

    def __call__(cls, *args, device=None):
        from ..autograd.tensor import Tensor
        from .device import check_device

        if device is not None:
            check_device(device)
        return Tensor(legacy_array(cls.__name__, args, cls.dtype))

    def __instancecheck__(cls, value):
        from ..autograd.tensor import Tensor

        return isinstance(value, Tensor) and value.dtype == cls.dtype

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


LEGACY_TYPES = {name: LegacyType(name, (), {"dtype": np.dtype(dtype), "is_cuda": False,
                                            "__doc__": f"torch.{name}: the legacy type of {dtype} tensors"})
                for dtype, name in TYPE_NAMES.items()}
FloatTensor, DoubleTensor, HalfTensor = (LEGACY_TYPES[n] for n in ("FloatTensor", "DoubleTensor", "HalfTensor"))
LongTensor, IntTensor, ShortTensor = (LEGACY_TYPES[n] for n in ("LongTensor", "IntTensor", "ShortTensor"))
CharTensor, ByteTensor, BoolTensor = (LEGACY_TYPES[n] for n in ("CharTensor", "ByteTensor", "BoolTensor"))


def type_name(dtype):
    """'torch.FloatTensor' for float32, and so on: what Tensor.type() returns."""
    name = np.dtype(dtype).name
    return f"torch.{TYPE_NAMES.get(name, name)}"


def dtype_of_type(requested):
    """The dtype Tensor.type(requested) converts to: a legacy type, its name ('torch.FloatTensor') or a dtype."""
    if isinstance(requested, LegacyType):
        return requested.dtype
    if isinstance(requested, str):
        for dtype, name in TYPE_NAMES.items():
            if requested in (f"torch.{name}", name):
                return np.dtype(dtype)
        raise ValueError(f"invalid type: {requested!r}")
    return np.dtype(requested)


def Variable(data, requires_grad=False, volatile=False):
    """torch.autograd.Variable (merged into Tensor since PyTorch 0.4): a tensor over the same memory as `data`,
    detached, with requires_grad set."""
    if volatile:
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                      UserWarning, stacklevel=2)
    return data.detach().requires_grad_(requires_grad)


def tensor_array(data, device=None):
    """The array of Tensor(*data): a NumPy array (or scalar) as it is, a Tensor's own array, or else PyTorch's
    legacy constructor forms in the default float dtype."""
    from ..autograd.tensor import Tensor
    from .device import check_device

    if len(data) == 1 and isinstance(data[0], np.ndarray):
        return data[0]
    if len(data) == 1 and isinstance(data[0], np.generic):
        return np.asarray(data[0])
    if len(data) == 1 and isinstance(data[0], Tensor):
        return data[0].array
    if device is not None:
        check_device(device)
    return legacy_array("Tensor", data, dtypes.get_default_dtype())
