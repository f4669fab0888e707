"""Tensor methods that answer questions, outside the graph: comparisons (== < ...), any/all, the logical and bitwise
operators (~ & | ^), and isnan/isinf/isfinite/isclose. Their results are bool (or integer) tensors with no gradient,
as in PyTorch. Mixed into TensorMethods (tensor_methods.py).
"""

import numpy as np

from . import dtypes
from ..ops.checks import check_broadcast, check_dims


def _plain(array):
    from .tensor import Tensor

    return Tensor(np.asarray(array))


def _values(other):
    from .tensor import Tensor

    return other.array if isinstance(other, Tensor) else other


class TensorLogic:
    # ---- comparisons: plain boolean tensors, outside the graph ----
    def _compare(self, other, numpy_op):
        from .tensor import Tensor

        if not isinstance(other, (Tensor, np.ndarray)) and not dtypes.is_python_number(other):
            return NotImplemented  # t == None is False, as in PyTorch (Python compares identities)
        other_array = _values(other)
        check_broadcast(self.array.shape, np.shape(other_array))
        return Tensor(numpy_op(self.array, other_array))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__
    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    # ---- any / all, over everything or over dims ----
    def any(self, dim=None, keepdim=False):
        return self._truth(np.any, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return self._truth(np.all, dim, keepdim)

    def _truth(self, numpy_function, dim, keepdim):
        """any/all give bool, except uint8 stays uint8 (PyTorch's rule); dim=None reduces everything."""
        if dim is None and not keepdim:
            result = numpy_function(self.array)
        else:
            result = numpy_function(self.array, axis=check_dims(dim, self.ndim), keepdims=keepdim)
        return _plain(np.asarray(result).astype(np.uint8 if self.dtype == np.uint8 else np.bool_))

    # ---- logical: any dtype in, bool out ----
    def logical_not(self):
        return _plain(np.logical_not(self.array))

    def logical_and(self, other):
        return self._logical(other, np.logical_and)

    def logical_or(self, other):
        return self._logical(other, np.logical_or)

    def logical_xor(self, other):
        return self._logical(other, np.logical_xor)

    def _logical(self, other, numpy_op):
        check_broadcast(self.array.shape, np.shape(_values(other)))
        return _plain(numpy_op(self.array, _values(other)))

    # ---- bitwise: bool and integer tensors only, dtypes promoted as in PyTorch ----
    def _bitwise(self, other, numpy_op, name):
        result = dtypes.result_type(self, other)
        if dtypes.category(result) == 2:
            raise NotImplementedError(f'"{name}_cpu" not implemented for {np.dtype(result).name!r} (bitwise '
                                      f'operators take bool and integer tensors)')
        check_broadcast(self.array.shape, np.shape(_values(other)))
        return _plain(numpy_op(self.array.astype(result), np.asarray(_values(other)).astype(result)))

    def __and__(self, other):
        return self._bitwise(other, np.bitwise_and, "bitwise_and")

    def __or__(self, other):
        return self._bitwise(other, np.bitwise_or, "bitwise_or")

    def __xor__(self, other):
        return self._bitwise(other, np.bitwise_xor, "bitwise_xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__
    bitwise_and, bitwise_or, bitwise_xor = __and__, __or__, __xor__

    def __invert__(self):
        if dtypes.category(self.dtype) == 2:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return _plain(np.invert(self.array))

    bitwise_not = __invert__

    # ---- special values ----
    def isnan(self):
        return _plain(np.isnan(self.array))

    def isinf(self):
        return _plain(np.isinf(self.array))

    def isfinite(self):
        return _plain(np.isfinite(self.array))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """|self - other| <= atol + rtol * |other|, elementwise (torch.isclose)."""
        check_broadcast(self.array.shape, np.shape(_values(other)))
        return _plain(np.isclose(self.array, _values(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(self.isclose(other, rtol, atol, equal_nan).array.all())

    def equal(self, other):
        """True when both have the same shape and the same values (a Python bool, as torch.equal)."""
        return self.shape == other.shape and bool(np.array_equal(self.array, other.array))
