"""The torch.* functions that take tensors (torch.add, torch.max, torch.cat, torch.where, ...).

One rule makes most of them: torch.NAME(input, *args, **kwargs) is input.NAME(*args, **kwargs), the Tensor method
of the same name and arguments (`method_function`). Where PyTorch's function takes out=, the result is written
there by torch_api/out.py; the arithmetic ones (add, mul, pow, ...) also take a number as input, as PyTorch does
(torch.add(1, t)). Functions whose signature is not a method's (cat, stack, where, max, std_mean, ...) are written
out below. Making new tensors (zeros, arange, rand, ...) is in creation.py and sampling.py.
"""

import builtins

import numpy as np

from ..autograd import dtypes
from ..autograd.tensor import Tensor
from ..ops.join import Cat, Stack
from ..ops.pointwise import Where
from .out import takes_out, write_out

NUMBER_FIRST = {"add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
                "remainder", "pow"}


def _check_tensor(value, function, argument="input"):
    if not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{argument}' (position 1) must be Tensor, not {type(value).__name__}")


def method_function(name, out=None):
    """torch.NAME: input.NAME(*args, **kwargs). out: None (no out=), or the rule for out's dtype: "cast" (any dtype
    the result casts to without losing its kind), "exact" (the result's dtype), "any" (out.py)."""
    method = getattr(Tensor, name)

    def function(input, *args, **kwargs):
        if name in NUMBER_FIRST and not isinstance(input, Tensor) and dtypes.is_python_number(input):
            input = _number_as_tensor(input, args[0] if args else kwargs.get("other", kwargs.get("exponent")))
        _check_tensor(input, name)
        if out is None:
            return method(input, *args, **kwargs)
        target = kwargs.pop("out", None)
        result = method(input, *args, **kwargs)
        return result if target is None else write_out(name, result, target, rule=out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}(input, ...): input.{name}(...)" + (", with out=" if out else "") + \
        (f"\n\n{method.__doc__}" if method.__doc__ else "")
    function.__wrapped__ = method
    return function


def _number_as_tensor(number, other):
    """A number in input's place, as a 0-d tensor of the dtype PyTorch gives number (op) other."""
    if isinstance(other, Tensor):
        return Tensor(np.asarray(number, dtype=dtypes.result_type(number, other)))
    from .creation import tensor

    return tensor(number)


CAST_OUT = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "remainder",
            "pow", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "sigmoid", "tanh", "sin", "cos",
            "reciprocal", "square", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less",
            "less_equal", "greater", "greater_equal", "logical_not", "logical_and", "logical_or", "logical_xor",
            "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor", "mean", "std", "var", "logsumexp"]
ANY_OUT = ["sum", "prod", "cumsum"]
EXACT_OUT = ["abs", "absolute", "neg", "negative", "floor", "ceil", "trunc", "fix", "sign", "clamp", "clip",
             "softmax", "log_softmax", "matmul", "mm", "bmm", "mv", "dot", "outer", "ger", "gather", "index_select",
             "scatter", "scatter_add", "masked_select", "argmax", "argmin", "amax", "amin", "sort", "topk", "nonzero",
             "round", "any", "all"]
NO_OUT = ["relu", "flatten", "reshape", "squeeze", "unsqueeze", "transpose", "permute", "t", "narrow", "chunk",
          "split", "unbind", "masked_fill", "argsort", "clone", "numel", "is_floating_point", "isnan", "isinf",
          "isfinite", "isclose", "allclose", "equal"]

for _name in CAST_OUT:
    globals()[_name] = method_function(_name, "cast")
for _name in EXACT_OUT:
    globals()[_name] = method_function(_name, "exact")
for _name in ANY_OUT:
    globals()[_name] = method_function(_name, "any")
for _name in NO_OUT:
    globals()[_name] = method_function(_name)


# ---- functions whose signature is not a method's ----

@takes_out()
def max(input, dim=None, keepdim=False):
    """max(input): the largest value; max(input, dim, keepdim=False): (values, indices); max(input, other): elementwise."""
    _check_tensor(input, "max")
    return input.max(dim, keepdim)


@takes_out()
def min(input, dim=None, keepdim=False):
    """min(input): the smallest value; min(input, dim, keepdim=False): (values, indices); min(input, other): elementwise."""
    _check_tensor(input, "min")
    return input.min(dim, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: input.norm(p, dim, keepdim, dtype) (out by position, as in PyTorch's signature)."""
    _check_tensor(input, "norm")
    result = input.norm(p, dim, keepdim, dtype)
    return result if out is None else write_out("norm", result, out, rule="exact")


def std_mean(input, dim=None, *, correction=None, keepdim=False, unbiased=None):
    """(std, mean) over dim, with std's arguments."""
    return input.std(dim, unbiased, keepdim, correction=correction), _mean_of(input, dim, keepdim)


def var_mean(input, dim=None, *, correction=None, keepdim=False, unbiased=None):
    """(var, mean) over dim, with var's arguments."""
    return input.var(dim, unbiased, keepdim, correction=correction), _mean_of(input, dim, keepdim)


def _mean_of(input, dim, keepdim):
    return input.mean(None if isinstance(dim, bool) else dim, keepdim)


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


@takes_out(error=TypeError)
def cat(tensors, dim=0):
    """The tensors laid end to end along dim (every other size must agree); dtypes promote as in PyTorch."""
    return Cat.apply(*_tensor_list(tensors, "cat"), dim=dim)


concat = concatenate = cat


@takes_out(error=TypeError)
def stack(tensors, dim=0):
    """The tensors (all of one shape) side by side along a new dim."""
    return Stack.apply(*_tensor_list(tensors, "stack"), dim=dim)


@takes_out("exact")
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


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_nonzero(input):
    """The truth of a one-element tensor (RuntimeError for more elements, as bool(t))."""
    return builtins.bool(input)


__all__ = CAST_OUT + EXACT_OUT + ANY_OUT + NO_OUT + ["max", "min", "norm", "std_mean", "var_mean", "cat", "concat",
                                           "concatenate", "stack", "where", "is_tensor", "is_nonzero"]
