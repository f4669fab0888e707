"""The operators and methods of Tensor that build the graph: each one calls a Function from ops/.

Mixed dtypes follow PyTorch's promotion (dtypes.py): operands are cast to the result type first, through
the Cast op, so gradients flow back in each operand's own dtype.
"""

from collections import namedtuple

import numpy as np

from . import dtypes
from .graph import rename, shown_node
from ..ops import activation, arithmetic, linear, reduce
from ..ops import shape as shape_ops
from ..ops.checks import check_broadcast, check_dim, check_dims, sizes
from .tensor_inplace import array_index
from .tensor_logic import TensorLogic
from .tensor_math import TensorMath

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])  # what max(dim)/min(dim) return, as torch.return_types


class TensorMethods(TensorMath, TensorLogic):
    """Mixed into Tensor: arithmetic, matrix products, reductions and shape methods (pointwise math: TensorMath,
    comparisons and logic: TensorLogic)."""

    # ---- arithmetic with PyTorch's type promotion ----
    def _operands(self, other, true_division=False):
        """self and other as tensors of the result dtype (a Python number joins in that dtype)."""
        from .tensor import Tensor

        result = dtypes.result_type(self, other)
        if true_division and dtypes.category(result) < 2:
            result = dtypes.get_default_dtype()
        if isinstance(other, Tensor):
            check_broadcast(self.array.shape, other.array.shape)
            return self._cast(result, promotion=True), other._cast(result, promotion=True)
        other = np.asarray(other, dtype=result)  # a number or a NumPy array
        check_broadcast(self.array.shape, other.shape)
        return self._cast(result, promotion=True), Tensor(other)

    def _cast(self, dtype, promotion=False):
        """This tensor in `dtype` (itself if it already is). promotion=True: a cast PyTorch makes inside the op that
        needs it, so grad_fn.next_functions looks through it (x * float64_tensor lists x's node, no ToCopyBackward0)."""
        dtype = dtypes.as_numpy(dtype)
        if dtype == self.array.dtype:
            return self
        cast = arithmetic.Cast.apply(self, dtype=dtype)
        return rename(cast, "ToCopyBackward0", hidden=True) if promotion else cast

    def __add__(self, other):
        return arithmetic.Add.apply(*self._operands(other))

    def __radd__(self, other):
        return arithmetic.Add.apply(*self._operands(other))  # other + self: the same sum, bit for bit

    def __sub__(self, other):
        return arithmetic.Sub.apply(*self._operands(other))

    def __rsub__(self, other):
        x, y = self._operands(other)
        return _renamed_for_number(arithmetic.Sub.apply(y, x), other, "RsubBackward1", (self,))

    def __mul__(self, other):
        return arithmetic.Mul.apply(*self._operands(other))

    def __rmul__(self, other):
        return arithmetic.Mul.apply(*self._operands(other))  # other * self: the same product, bit for bit

    def __truediv__(self, other):
        return arithmetic.Div.apply(*self._operands(other, true_division=True))

    def __rtruediv__(self, other):
        x, y = self._operands(other, true_division=True)
        # PyTorch computes number / x as x.reciprocal() * number
        return _renamed_for_number(arithmetic.Div.apply(y, x), other, "MulBackward0",
                                   (shown_node("ReciprocalBackward0", self), None))

    def __pow__(self, exponent):
        return _renamed_for_number(arithmetic.Pow.apply(*self._operands(exponent)), exponent, "PowBackward0", (self,))

    def __rpow__(self, base):
        x, y = self._operands(base)
        return _renamed_for_number(arithmetic.Pow.apply(y, x), base, "PowBackward2", (self,))

    def __floordiv__(self, other):
        return arithmetic.FloorDivide.apply(*self._operands(other))

    def __rfloordiv__(self, other):
        x, y = self._operands(other)
        return arithmetic.FloorDivide.apply(y, x)

    def __mod__(self, other):
        return arithmetic.Remainder.apply(*self._operands(other))

    def __rmod__(self, other):
        x, y = self._operands(other)
        return arithmetic.Remainder.apply(y, x)

    def __neg__(self):
        return self.neg()

    def __matmul__(self, other):
        return linear.MatMul.apply(self, other)

    matmul = __matmul__
    mul, multiply, pow, remainder, true_divide = __mul__, __mul__, __pow__, __mod__, __truediv__

    def add(self, other, *, alpha=1):
        """self + alpha * other"""
        return self + _scaled(self, other, alpha)

    def sub(self, other, *, alpha=1):
        """self - alpha * other"""
        if self.dtype == np.bool_ and getattr(other, "dtype", None) == np.bool_:
            raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                                      "`^` or `logical_xor()` operator instead.")
        return self - _scaled(self, other, alpha)

    subtract = sub

    def div(self, other, *, rounding_mode=None):
        """self / other: true division (integers give the default float dtype), or rounded: 'floor', 'trunc'."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"{rounding_mode!r}")
        return arithmetic.RoundedDiv.apply(*self._operands(other), rounding_mode=rounding_mode)

    divide = div

    def floor_divide(self, other):
        return self // other

    def relu(self):
        return activation.ReLU.apply(self)

    def clone(self):
        """A copy with its own memory; gradients flow back unchanged."""
        return arithmetic.Clone.apply(self)

    def contiguous(self):
        return self if self.array.flags.c_contiguous else self.clone()

    # ---- reductions ----
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return reduce.Sum.apply(self._counting(dtype), dim=dim, keepdim=keepdim)

    def _counting(self, dtype):
        """This tensor in `dtype`, or in int64 if it holds integers or bools (PyTorch's rule for sum, prod, cumsum;
        NumPy would sum uint8 in uint64); a cast inside the op, as PyTorch's (see _cast)."""
        if dtype is None:
            dtype = np.int64 if dtypes.category(self.dtype) < 2 else self.dtype
        return self._cast(dtype, promotion=True)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        x = self if dtype is None else self._cast(dtype, promotion=True)
        if dtypes.category(x.dtype) < 2:
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {np.dtype(x.dtype).name}; convert with .float() or pass dtype=")
        return reduce.Mean.apply(x, dim=dim, keepdim=keepdim)

    def max(self, dim=None, keepdim=False):
        """max() gives the largest value; max(dim) gives (values, indices); max(other_tensor) the elementwise maximum."""
        if _is_tensor(dim):
            return self.maximum(dim)
        return self._extreme(reduce.Max, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        """min() gives the smallest value; min(dim) gives (values, indices); min(other_tensor) the elementwise minimum."""
        if _is_tensor(dim):
            return self.minimum(dim)
        return self._extreme(reduce.Min, dim, keepdim)

    def _extreme(self, function, dim, keepdim):
        if dim is None and self.array.size == 0:
            raise RuntimeError(f"{function.__name__.lower()}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        values = function.apply(self, dim=dim, keepdim=keepdim)
        if dim is None:
            return values
        return ValuesIndices(values, self._arg(function.arg_function, dim, keepdim))

    def argmax(self, dim=None, keepdim=False):
        return self._arg(np.argmax, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return self._arg(np.argmin, dim, keepdim)

    def _arg(self, arg_function, dim, keepdim):
        from .tensor import Tensor

        if dim is None:
            index = np.asarray(arg_function(self.array), dtype=np.int64)
            return Tensor(index.reshape((1,) * self.ndim) if keepdim else index)
        axis = check_dim(dim, self.ndim)
        if self.ndim == 0:
            return Tensor(np.zeros((), dtype=np.int64))
        if self.shape[axis] == 0:
            raise IndexError(f"{arg_function.__name__}(): Expected reduction dim {axis} to have non-zero size.")
        return Tensor(arg_function(self.array, axis=axis, keepdims=keepdim).astype(np.int64))

    # ---- shape ----
    def reshape(self, *shape):
        shape = sizes(shape)
        return shape_ops.Reshape.apply(self, shape=shape)

    def unsqueeze(self, dim):
        """A new axis of size 1 at `dim` (negative counts from the end of the result, as in torch)."""
        dim = check_dim(dim, self.ndim + 1)
        return rename(self.reshape(self.shape[:dim] + (1,) + self.shape[dim:]), "UnsqueezeBackward0")

    def squeeze(self, dim=None):
        """Drop axes of size 1 (only those in `dim`, an int or a tuple, when given)."""
        if dim is None:  # PyTorch's overloads: squeeze() SqueezeBackward0, squeeze(int) 1, squeeze(tuple) 2
            return rename(self.reshape(tuple(size for size in self.shape if size != 1)), "SqueezeBackward0")
        dims = set(check_dims(dim, self.ndim))
        squeezed = self.reshape(tuple(size for axis, size in enumerate(self.shape) if axis not in dims or size != 1))
        return rename(squeezed, "SqueezeBackward2" if isinstance(dim, (tuple, list)) else "SqueezeBackward1")

    def view(self, *shape):
        """Like reshape, but only where the new shape fits the data's strides (as PyTorch: a view never copies)."""
        shape = sizes(shape)
        try:
            np.reshape(self.array, shape, copy=False)
        except ValueError:
            raise RuntimeError(f"view size is not compatible with input tensor's size and stride (shape "
                               f"{tuple(self.shape)} to {shape}; at least one dimension spans across two contiguous "
                               f"subspaces). Use .reshape(...) instead.") from None
        return self.reshape(*shape)

    def view_as(self, other):
        return self.view(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = check_dim(start_dim, self.ndim), check_dim(end_dim, self.ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if start == end:
            return self  # nothing to merge: PyTorch returns the tensor itself
        merged = int(np.prod(self.shape[start:end + 1]))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1:])

    def permute(self, *dims):
        dims = sizes(dims)
        return shape_ops.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        dims = list(range(self.ndim))
        dim0, dim1 = check_dim(dim0, self.ndim), check_dim(dim1, self.ndim)
        if self.ndim == 0:
            return self
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return rename(shape_ops.Permute.apply(self, dims=tuple(dims)), "TransposeBackward0")

    def t(self):
        """The transpose of a matrix; a 0-d or 1-d tensor comes back as it is (a new node, as in PyTorch)."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got shape {tuple(self.shape)}")
        return rename(shape_ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim)))), "TBackward0")

    @property
    def T(self):  # noqa: N802 (PyTorch's name)
        """The dims in reverse order (the transpose of a matrix)."""
        return shape_ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def __getitem__(self, index):
        return shape_ops.Index.apply(self, index=array_index(index))


def _renamed_for_number(output, operand, name, inputs):
    """PyTorch records a different node when one operand is a Python number (x ** 2 is PowBackward0, with one input)."""
    return rename(output, name, inputs) if dtypes.is_python_number(operand) else output


def _scaled(self, other, alpha):
    """alpha * other for add/sub, with PyTorch's checks on alpha."""
    if alpha == 1 and not isinstance(alpha, bool):
        return other
    if isinstance(alpha, bool) and self.dtype != np.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dtypes.category(dtypes.result_type(self, other)) < 2:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return other * alpha


def _is_tensor(value):
    from .tensor import Tensor

    return isinstance(value, Tensor)
