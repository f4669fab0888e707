"""Tensor methods for pointwise math and activations (abs, sqrt, clamp, sigmoid, softmax, ...), with PyTorch's dtypes.

Mixed into TensorMethods (tensor_methods.py); each method calls a Function from ops/. One rule for dtypes, as
PyTorch: functions that only make sense for real numbers (exp, log, sqrt, sin, sigmoid, ...) turn an integer or
bool tensor into the default float dtype first (`_real_function`); the others (abs, square, floor, sign, ...) keep
the tensor's dtype (`_same_dtype_function`), where rounding an integer changes nothing.
"""

import numpy as np

from . import dtypes
from .graph import rename
from ..ops import activation, arithmetic, pointwise, unary


def _real_function(function):
    """A method that applies `function` to this tensor, cast to the default float dtype if it is not floating."""
    def method(self):
        return function.apply(self._floating())

    method.__name__, method.__doc__ = function.__name__.lower(), function.__doc__
    return method


def _same_dtype_function(function, integer_identity=False, bools="refuse"):
    """A method that applies `function` in this tensor's dtype. integer_identity: an integer tensor is returned as a
    copy (floor, ceil, trunc of an integer are the integer). bools, as PyTorch: "refuse" (NotImplementedError),
    "keep" (the sign of a bool is the bool itself), or "int64" (square of a bool counts in int64)."""
    name = function.__name__.lower()

    def method(self):
        if self.dtype == np.bool_:
            if bools == "refuse":
                raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
            if bools == "int64":
                return function.apply(self._cast(np.int64))
            if bools == "keep":
                return self.clone()
        if integer_identity and dtypes.category(self.dtype) == 1:
            return self.clone()
        return function.apply(self)

    method.__name__, method.__doc__ = name, function.__doc__
    return method


class TensorMath:
    def _floating(self):
        """This tensor, or its cast to the default float dtype when it holds integers or booleans."""
        return self if dtypes.category(self.dtype) == 2 else self._cast(dtypes.get_default_dtype())

    exp, log, sqrt = _real_function(arithmetic.Exp), _real_function(arithmetic.Log), _real_function(pointwise.Sqrt)
    sigmoid, tanh = _real_function(activation.Sigmoid), _real_function(activation.Tanh)
    log1p, expm1 = _real_function(unary.Log1p), _real_function(unary.Expm1)
    log2, log10 = _real_function(unary.Log2), _real_function(unary.Log10)
    rsqrt, reciprocal = _real_function(unary.Rsqrt), _real_function(unary.Reciprocal)
    sin, cos = _real_function(unary.Sin), _real_function(unary.Cos)

    abs, square = _same_dtype_function(pointwise.Abs), _same_dtype_function(unary.Square, bools="int64")
    sign = _same_dtype_function(unary.Sign, bools="keep")
    floor, ceil = _same_dtype_function(unary.Floor, True), _same_dtype_function(unary.Ceil, True)
    trunc = _same_dtype_function(unary.Trunc, True)
    absolute, fix = abs, trunc
    __abs__ = abs

    def neg(self):
        if self.dtype == np.bool_:
            raise NotImplementedError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                                      "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return arithmetic.Neg.apply(self)

    negative = neg

    def round(self, decimals=None):
        """Halves go to the even neighbour (0.5 -> 0, 1.5 -> 2), as torch.round; the gradient is 0."""
        rounded = pointwise.Round.apply(self, decimals=decimals or 0)
        return rounded if decimals is None else rename(rounded, "RoundBackward1")  # PyTorch's round(decimals=)

    def softmax(self, dim, dtype=None):
        return activation.Softmax.apply(self if dtype is None else self._cast(dtype), dim=dim)

    def log_softmax(self, dim, dtype=None):
        return activation.LogSoftmax.apply(self if dtype is None else self._cast(dtype), dim=dim)

    # ---- clamp: bounds may be numbers or tensors (broadcast), either may be None ----
    def clamp(self, min=None, max=None):
        """Each element limited to [min, max]; where min > max every element becomes max (as PyTorch).

        With number bounds the gradient passes strictly inside (min, max); tensor bounds are maximum then
        minimum, so a tie splits the gradient between x and the bound, as in PyTorch.
        """
        from .tensor import Tensor

        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            result = self if min is None else self.maximum(min)
            result = result if max is None else result.minimum(max)
            return rename(result, "ClampBackward0", (self, min, max))  # one node in PyTorch
        x = self._cast(dtypes.result_type(self, *[bound for bound in (min, max) if bound is not None]), promotion=True)
        return pointwise.Clamp.apply(x, low=min, high=max)

    clip = clamp

    # ---- elementwise extremes and selection ----
    def maximum(self, other):
        return pointwise.Maximum.apply(*self._operands(other))

    def minimum(self, other):
        return pointwise.Minimum.apply(*self._operands(other))

    def where(self, condition, other):
        """self where condition holds, else other (torch.where(condition, self, other))."""
        from ..torch_api.tensor_functions import where

        return where(condition, self, other)
