"""The torch.* functions that take tensors (torch.max, torch.cat, torch.where, torch.sigmoid, ...).

Each is PyTorch's signature over a Tensor method or an op, so tutorial code runs after
`import minitorch_mnist as torch`. Making new tensors (arange, full, rand, ...) is in creation.py.
"""

import numpy as np

from ..autograd import dtypes
from ..ops.join import Cat, Stack
from ..ops.pointwise import Where
from ..autograd.tensor import Tensor


def _check_tensor(value, function, argument="input"):
    if not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{argument}' must be Tensor, not {type(value).__name__}")


def max(input, dim=None, keepdim=False):
    """max(input): the largest value; max(input, dim, keepdim=False): (values, indices); max(input, other): elementwise."""
    _check_tensor(input, "max")
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    """min(input): the smallest value; min(input, dim, keepdim=False): (values, indices); min(input, other): elementwise."""
    _check_tensor(input, "min")
    return input.min(dim, keepdim)


def maximum(input, other):
    return input.maximum(other)


def minimum(input, other):
    return input.minimum(other)


def argmin(input, dim=None, keepdim=False):
    return input.argmin(dim, keepdim)


def _tensor_list(tensors, function):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{function}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"expected Tensor as element {position} in argument 0, but got {type(tensor).__name__}")
    if not tensors:
        return []
    result = dtypes.result_type(*[t.array if t.ndim else t.array.reshape(1) for t in tensors])
    return [tensor._cast(result, promotion=True) for tensor in tensors]  # gradients go back in each input's dtype


def cat(tensors, dim=0):
    """The tensors laid end to end along dim (every other size must agree); dtypes promote as in PyTorch."""
    return Cat.apply(*_tensor_list(tensors, "cat"), dim=dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    """The tensors (all of one shape) side by side along a new dim."""
    return Stack.apply(*_tensor_list(tensors, "stack"), dim=dim)


def where(condition, input=None, other=None):
    """input where condition holds, else other (numbers or tensors, broadcast together); where(condition) gives
    the indices of the True elements, one tensor per dim (as torch.nonzero(condition, as_tuple=True))."""
    _check_tensor(condition, "where", "condition")
    if input is None and other is None:
        return tuple(Tensor(indices.astype(np.int64)) for indices in np.nonzero(condition.array))
    if condition.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{np.dtype(condition.dtype).name}")
    result = dtypes.result_type(input, other)

    def operand(value):
        if isinstance(value, Tensor):
            return value._cast(result, promotion=True)
        return Tensor(np.asarray(value, dtype=result))

    return Where.apply(condition, operand(input), operand(other))


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def reshape(input, shape):
    return input.reshape(shape)


def squeeze(input, dim=None):
    return input.squeeze(dim)


def unsqueeze(input, dim):
    return input.unsqueeze(dim)


def transpose(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def permute(input, dims):
    return input.permute(dims)


def matmul(input, other):
    return input.matmul(other)


def clone(input):
    return input.clone()


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def relu(input):
    return input.relu()


def exp(input):
    return input.exp()


def log(input):
    return input.log()


def sqrt(input):
    return input.sqrt()


def abs(input):
    return input.abs()


def round(input, *, decimals=None):
    return input.round(decimals=decimals)


def clamp(input, min=None, max=None):
    return input.clamp(min, max)


clip = clamp


def sum(input, dim=None, keepdim=False, *, dtype=None):
    return input.sum(dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return input.mean(dim, keepdim, dtype=dtype)


def softmax(input, dim, *, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return input.log_softmax(dim, dtype)


def numel(input):
    return input.numel()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def equal(input, other):
    """True when both have the same shape and the same values (a Python bool, as torch.equal)."""
    return input.shape == other.shape and bool(np.array_equal(input.array, other.array))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input.array, other.array, rtol=rtol, atol=atol, equal_nan=equal_nan))


__all__ = ["max", "min", "maximum", "minimum", "argmin", "cat", "concat", "concatenate", "stack", "where", "flatten",
           "reshape", "squeeze", "unsqueeze", "transpose", "permute", "matmul", "clone", "sigmoid", "tanh", "relu",
           "exp", "log", "sqrt", "abs", "round", "clamp", "clip", "sum", "mean", "softmax", "log_softmax", "numel",
           "is_tensor", "is_floating_point", "equal", "allclose"]
