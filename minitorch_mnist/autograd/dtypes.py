"""Dtypes and PyTorch's type promotion rules, in one place.

A dtype is an object of class `dtype` (torch.dtype): mm.float32 prints as `torch.float32` (PyTorch's text,
which tutorials show), and stands for the NumPy dtype the engine's arrays use. Every dtype argument of the
engine (dtype=, .to(...), set_default_dtype, ...) goes through one function, as_numpy; Tensor.dtype turns the
array's NumPy dtype back into the object with of_numpy. NumPy itself accepts the objects (it reads their
`.dtype`), and they compare equal to the matching NumPy type and dtype (mm.float32 == np.float32), so NumPy
code keeps working.

When an op mixes dtypes, the result type follows PyTorch, not NumPy:
- categories rank bool < integer < floating; the result has the highest category present;
- within that category, only operands of the highest priority take part: tensors with dimensions first,
  then 0-d tensors, then Python numbers. So float32 * float64-0-d-tensor is float32, int64 * 0.5 is the
  default float dtype (float32), and a float32 batch never turns float64 because of a scalar;
- true division of integers gives the default float dtype.
NumPy alone would give float64 in all three cases.
"""

import numbers

import numpy as np


class dtype:  # noqa: N801 (torch.dtype's name)
    """One element type: prints as torch.<name>; `.dtype` is the NumPy dtype behind it (what NumPy reads)."""

    __slots__ = ("dtype", "_name")

    def __init__(self, name):
        self.dtype, self._name = np.dtype(name), name

    def __repr__(self):
        return f"torch.{self._name}"

    __str__ = __repr__

    def __eq__(self, other):
        """Equal to itself, and to the NumPy dtype or scalar type it stands for (np.float32, np.dtype('float32'))."""
        if isinstance(other, dtype):
            return self is other
        if isinstance(other, np.dtype) or (isinstance(other, type) and issubclass(other, np.generic)):
            return self.dtype == other
        return NotImplemented

    def __hash__(self):
        return hash(self.dtype.type)  # the hash of np.float32, so either one finds the other in a dict

    def __reduce__(self):
        return _named, (self._name,)  # pickling and deepcopy give back the same object

    # the attributes of torch.dtype that tutorials use
    is_floating_point = property(lambda self: self.dtype.kind == "f")
    is_complex = property(lambda self: self.dtype.kind == "c")
    is_signed = property(lambda self: self.dtype.kind in "fic")  # bool and the unsigned types are not
    itemsize = property(lambda self: self.dtype.itemsize)


_ALL = {name: dtype(name) for name in ("bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
                                       "int64", "float16", "float32", "float64", "complex64", "complex128")}
_BY_NUMPY = {d.dtype: d for d in _ALL.values()}
_PYTHON_TYPES = {float: _ALL["float64"], int: _ALL["int64"], bool: _ALL["bool"]}  # dtype=float is float64, as in torch

float16, float32, float64 = _ALL["float16"], _ALL["float32"], _ALL["float64"]
int64, int32, int16, int8, uint8 = _ALL["int64"], _ALL["int32"], _ALL["int16"], _ALL["int8"], _ALL["uint8"]
uint16, uint32, uint64, complex64, complex128 = (_ALL[n] for n in ("uint16", "uint32", "uint64", "complex64",
                                                                    "complex128"))
bool_ = _ALL["bool"]


def _named(name):
    return _ALL[name]


def as_numpy(dtype_like, default=None):
    """The NumPy dtype of a dtype argument: an engine dtype (mm.float32), a NumPy dtype or type (np.float32), or
    Python's float, int, bool. None gives `default`'s (None if no default: NumPy infers the dtype). Strings and
    other values raise TypeError, as in PyTorch."""
    if dtype_like is None:
        return None if default is None else as_numpy(default)
    if isinstance(dtype_like, dtype):
        return dtype_like.dtype
    if isinstance(dtype_like, type) and dtype_like in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype_like].dtype
    if isinstance(dtype_like, np.dtype) or (isinstance(dtype_like, type) and issubclass(dtype_like, np.generic)):
        return np.dtype(dtype_like)
    raise TypeError(f"expected a dtype such as minitorch_mnist.float32, got {dtype_like!r} "
                    f"({type(dtype_like).__name__})")


def of_numpy(numpy_dtype):
    """The engine dtype of a NumPy dtype (an array's); a dtype PyTorch lacks (strings, objects) is returned as it is."""
    found = _BY_NUMPY.get(numpy_dtype)  # the common case: an array's dtype, found at once
    if found is None:
        numpy_dtype = np.dtype(numpy_dtype)
        found = _BY_NUMPY.get(numpy_dtype) or _BY_NUMPY.get(numpy_dtype.newbyteorder("="))
    return numpy_dtype if found is None else found


def to_engine(dtype_like):
    """as_numpy, then back to the engine's object: any dtype argument as mm.float32 & co."""
    return of_numpy(as_numpy(dtype_like))


_default = {"dtype": float32}


def get_default_dtype():
    """The dtype of Python floats in new tensors (torch.get_default_dtype); float32 unless changed."""
    return _default["dtype"]


def set_default_dtype(d):
    """Change the default float dtype (float32 or float64), as torch.set_default_dtype does."""
    d = to_engine(d)
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {d}")
    _default["dtype"] = d


def category(dtype):
    """0 for bool, 1 for integers, 2 for floating point."""
    kind = np.dtype(dtype).kind
    return 0 if kind == "b" else 2 if kind == "f" else 1


def promote_types(a, b):
    """torch.promote_types: the higher category wins; within a category the wider type (NumPy's rule there)."""
    if category(a) != category(b):
        return of_numpy(a if category(a) > category(b) else b)
    return of_numpy(np.promote_types(a, b))


def is_python_number(value):
    return isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, np.ndarray)


def result_type(*operands):
    """The dtype PyTorch gives an op on `operands` (Tensors, NumPy arrays or Python numbers)."""
    dimensioned = zero_dim = numbers_ = None
    for operand in operands:
        if is_python_number(operand):
            numbers_ = _promote(numbers_, _python_number_dtype(operand))
            continue
        operand_dtype = operand.dtype if hasattr(operand, "dtype") else np.asarray(operand).dtype
        if np.ndim(operand) == 0:
            zero_dim = _promote(zero_dim, operand_dtype)
        else:
            dimensioned = _promote(dimensioned, operand_dtype)
    result = _combine(dimensioned, _combine(zero_dim, numbers_))
    return None if result is None else of_numpy(result)


def can_cast(source, target):
    """In-place ops may not lower the category (float into an integer tensor, integer into bool), as in PyTorch."""
    return category(source) <= category(target)


def _python_number_dtype(value):
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (numbers.Integral, np.integer)):
        return int64
    return get_default_dtype()


def _promote(a, b):
    return b if a is None else promote_types(a, b)


def _combine(higher, lower):
    """A higher-priority group's type, lifted only when the lower group has a higher category (PyTorch's rule)."""
    if higher is None:
        return lower
    if lower is None or category(higher) == 2:
        return higher
    if category(higher) == 0 or category(lower) == 2:
        return promote_types(higher, lower)
    return higher
