"""Dtypes and PyTorch's type promotion rules, in one place.

The dtypes are NumPy's (the engine's arrays are NumPy arrays), under PyTorch's names. When an op mixes
dtypes, the result type follows PyTorch, not NumPy:
- categories rank bool < integer < floating; the result has the highest category present;
- within that category, only operands of the highest priority take part: tensors with dimensions first,
  then 0-d tensors, then Python numbers. So float32 * float64-0-d-tensor is float32, int64 * 0.5 is the
  default float dtype (float32), and a float32 batch never turns float64 because of a scalar;
- true division of integers gives the default float dtype.
NumPy alone would give float64 in all three cases.
"""

import numbers

import numpy as np

float32, float64, float16 = np.float32, np.float64, np.float16
int64, int32, int16, int8, uint8 = np.int64, np.int32, np.int16, np.int8, np.uint8
bool_ = np.bool_

_default = {"dtype": float32}


def get_default_dtype():
    """The dtype of Python floats in new tensors (torch.get_default_dtype); float32 unless changed."""
    return _default["dtype"]


def set_default_dtype(dtype):
    """Change the default float dtype (float32 or float64), as torch.set_default_dtype does."""
    dtype = np.dtype(dtype).type
    if dtype not in (float32, float64):
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {dtype.__name__}")
    _default["dtype"] = dtype


def category(dtype):
    """0 for bool, 1 for integers, 2 for floating point."""
    if np.dtype(dtype) == np.bool_:
        return 0
    return 2 if np.issubdtype(dtype, np.floating) else 1


def promote_types(a, b):
    """torch.promote_types: the higher category wins; within a category the wider type (NumPy's rule there)."""
    if category(a) != category(b):
        return np.dtype(a if category(a) > category(b) else b).type
    return np.promote_types(a, b).type


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
    return _combine(dimensioned, _combine(zero_dim, numbers_))


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
