"""Tensor methods for pointwise math and activations (abs, sqrt, clamp, sigmoid, softmax, ...), with PyTorch's dtypes.

Mixed into TensorMethods (tensor_methods.py); each method calls a Function from ops/. Functions that only make sense
for real numbers (sqrt, sigmoid, tanh, exp, log) turn an integer tensor into the default float dtype first,
as PyTorch does.
"""

import numpy as np

from . import dtypes
from .graph import rename
from ..ops import activation, arithmetic, pointwise



class TensorMath:
    def _floating(self):
        """This tensor, or its cast to the default float dtype when it holds integers or booleans."""
        return self if dtypes.category(self.dtype) == 2 else self._cast(dtypes.get_default_dtype())

    def exp(self):
        return arithmetic.Exp.apply(self._floating())

    def log(self):
        return arithmetic.Log.apply(self._floating())

    def sqrt(self):
        return pointwise.Sqrt.apply(self._floating())

    def sigmoid(self):
        return activation.Sigmoid.apply(self._floating())

    def tanh(self):
        return activation.Tanh.apply(self._floating())

    def abs(self):
        return pointwise.Abs.apply(self)

    __abs__ = abs

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

    def clamp_(self, min=None, max=None):
        """clamp in place (under no_grad, or on a tensor that needs no gradient), returning self."""
        from .function import no_grad
        from .tensor import Tensor

        self._check_in_place()
        with no_grad():
            clamped = Tensor(self.array).clamp(min, max)
        self._check_in_place(clamped.dtype)
        np.copyto(self.array, clamped.array, casting="unsafe")
        self._bump_version()
        return self

    clip_ = clamp_

    # ---- elementwise extremes and selection ----
    def maximum(self, other):
        return pointwise.Maximum.apply(*self._operands(other))

    def minimum(self, other):
        return pointwise.Minimum.apply(*self._operands(other))

    def where(self, condition, other):
        """self where condition holds, else other (torch.where(condition, self, other))."""
        from ..torch_api.tensor_functions import where

        return where(condition, self, other)
