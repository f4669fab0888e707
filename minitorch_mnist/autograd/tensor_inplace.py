"""In-place changes of a Tensor: +=, -=, *=, /=, add_, mul_, zero_, fill_, copy_, t[index] = value, and by one rule
the in-place twin NAME_ of the out-of-place methods (relu_, exp_, masked_fill_, scatter_, clamp_, ...).

They are allowed under no_grad (x -= lr * x.grad) and on tensors that need no gradient, as in PyTorch, and
each one bumps the version counter of the memory it changed: backward then refuses any value that was saved
before the change (function.py, docs/08-saved-values.md).

Arithmetic in place on a tensor of the graph (y = x * 2; y += 1), or with an operand that requires grad, is
recorded as PyTorch records it: the op runs out of place on a copy of y's old value (which keeps y's history),
the result is written into y's memory, and y's grad_fn becomes the op's node (AddBackward0). Values saved
before the change still refuse to be used. Views are the exception: PyTorch re-derives every view of the
changed memory, the engine refuses the change when a recorded view shares that memory.
"""

import numpy as np

from . import dtypes
from .function import is_grad_enabled, no_grad


def in_place(name):
    """The method NAME_: NAME's result (computed outside the graph) written into this tensor's memory, returning it.

    PyTorch's rules: the result must keep this tensor's shape (no broadcasting up) and fit its dtype (no float
    result in an integer tensor).
    """
    def method(self, *args, **kwargs):
        from .tensor import Tensor

        self._check_in_place()
        with no_grad():
            result = getattr(Tensor(self.array), name)(*args, **kwargs)
        self._check_in_place(result.dtype)
        if result.array.shape != self.array.shape:
            raise RuntimeError(f"output with shape {list(self.array.shape)} doesn't match the broadcast shape "
                               f"{list(result.array.shape)}")
        np.copyto(self.array, result.array, casting="unsafe")
        self._bump_version()
        return self

    method.__name__ = f"{name}_"
    method.__doc__ = f"{name}, in place (under no_grad, or on a tensor that needs no gradient); returns self."
    return method


class InPlaceOps:
    """Mixed into Tensor: every method here changes self.array in place and records it in the version counter."""

    def _check_in_place(self, result_dtype=None, recorded=False):
        """PyTorch's refusals; recorded: the change is an op the graph records (arithmetic), else plain writes."""
        if is_grad_enabled() and self.requires_grad:
            if self.grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation; "
                                   "do the update inside `with no_grad():`")
            if not recorded:
                raise RuntimeError(f"in-place operations on a tensor that is part of a graph ({self.grad_fn.name()}) "
                                   f"are supported by the engine for arithmetic only (+=, -=, *=, /=, add_, "
                                   f"mul_, ...); write y = ... instead")
        if result_dtype is not None and not dtypes.can_cast(result_dtype, self.dtype):
            raise RuntimeError(f"result type {np.dtype(result_dtype).name} can't be cast to the desired output "
                               f"type {np.dtype(self.dtype).name}")

    def _bump_version(self):
        """Record an in-place change: backward refuses values saved before it (see function.py)."""
        self._version_counter.value += 1

    def _update_in_place(self, numpy_op, other, graph_op):
        """self = numpy_op(self, other) in self's memory; graph_op(a, b) is the same op on Tensors, for the graph."""
        other_array = as_values(other)
        self._check_in_place(dtypes.result_type(self.array, other_array), recorded=True)
        broadcast = _broadcast_shape(self.array.shape, np.shape(other_array))
        if broadcast != self.array.shape:
            raise RuntimeError(f"output with shape {list(self.array.shape)} doesn't match the broadcast shape "
                               f"{list(broadcast)}")
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            return self._record_in_place(graph_op, other)
        numpy_op(self.array, other_array, out=self.array, casting="unsafe")
        self._bump_version()
        return self

    def _record_in_place(self, graph_op, other):
        """y op= other inside the graph: run the op out of place on y's old value, write the result into y's
        memory, and let y's grad_fn be the op's node (see the module docstring)."""
        from .tensor import Tensor

        if self._version_counter.has_graph_views:
            raise RuntimeError("an in-place operation on a tensor that shares its memory with a view in the graph "
                               "is not supported by the engine; write y = y + ... instead of y += ...")
        old = Tensor(self.array.copy())  # y's value before the change, with y's history
        old.grad_fn, old._requires_grad = self.grad_fn, self.requires_grad
        result = graph_op(old, other)
        if result.dtype != self.dtype:
            result = result._cast(self.dtype)
        np.copyto(self.array, result.array)
        self._bump_version()
        self.grad_fn, self._requires_grad = result.grad_fn, result.requires_grad
        return self

    def __iadd__(self, other):
        return self._update_in_place(np.add, other, lambda a, b: a + b)

    def __isub__(self, other):
        return self._update_in_place(np.subtract, other, lambda a, b: a - b)

    def __imul__(self, other):
        return self._update_in_place(np.multiply, other, lambda a, b: a * b)

    def __itruediv__(self, other):
        if dtypes.category(self.dtype) < 2:
            raise RuntimeError(f"result type {np.dtype(dtypes.get_default_dtype()).name} can't be cast to the "
                               f"desired output type {np.dtype(self.dtype).name}")
        return self._update_in_place(np.divide, other, lambda a, b: a / b)

    def add_(self, other, alpha=1):
        other = other if alpha == 1 else other * alpha
        return self._update_in_place(np.add, other, lambda a, b: a + b)

    def sub_(self, other, alpha=1):
        other = other if alpha == 1 else other * alpha
        return self._update_in_place(np.subtract, other, lambda a, b: a - b)

    def mul_(self, other):
        return self._update_in_place(np.multiply, other, lambda a, b: a * b)

    def div_(self, other):
        return self.__itruediv__(other)

    relu_, sigmoid_, tanh_, exp_, log_, sqrt_, abs_, neg_ = map(in_place, ["relu", "sigmoid", "tanh", "exp", "log",
                                                                        "sqrt", "abs", "neg"])
    log1p_, expm1_, rsqrt_, reciprocal_, square_ = map(in_place, ["log1p", "expm1", "rsqrt", "reciprocal", "square"])
    sin_, cos_, sign_, floor_, ceil_, trunc_, round_ = map(in_place, ["sin", "cos", "sign", "floor", "ceil", "trunc",
                                                                      "round"])
    pow_, clamp_, clip_, masked_fill_ = map(in_place, ["pow", "clamp", "clip", "masked_fill"])
    scatter_, scatter_add_ = in_place("scatter"), in_place("scatter_add")

    def t_(self):
        """Transpose a tensor of at most 2 dims in place: it becomes a transposed view of the same memory."""
        if self.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        self._check_in_place()
        self.array = self.array.T
        return self

    def detach_(self):
        """Cut this tensor from the graph, in place: it becomes a leaf that requires no gradient."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        self._check_in_place()
        self.array[...] = as_values(value)
        self._bump_version()
        return self

    def __setitem__(self, index, value):
        """t[index] = value, in place (under no_grad for tensors that require grad), as in PyTorch."""
        self._check_in_place()
        self.array[array_index(index)] = as_values(value)
        self._bump_version()

    def copy_(self, source):
        """Copy `source`'s values (a Tensor, array or number, broadcast to this shape) into this tensor's memory."""
        self._check_in_place()
        values = np.asarray(as_values(source))
        try:
            np.copyto(self.array, np.broadcast_to(values, self.array.shape), casting="unsafe")
        except ValueError:
            raise RuntimeError(f"copy_: the source of shape {values.shape} cannot be broadcast to "
                               f"shape {tuple(self.shape)}") from None
        self._bump_version()
        return self


def array_index(index):
    """An index for NumPy: tensors inside it (masks, index lists) replaced by their arrays."""
    if isinstance(index, tuple):
        return tuple(as_values(part) for part in index)
    return as_values(index)


def as_values(value):
    """A Tensor's array; anything else (a number, a NumPy array, a slice) as it is."""
    from .tensor import Tensor

    return value.array if isinstance(value, Tensor) else value


def _broadcast_shape(a_shape, b_shape):
    from ..ops.checks import check_broadcast

    check_broadcast(a_shape, b_shape)
    return np.broadcast_shapes(a_shape, b_shape)
