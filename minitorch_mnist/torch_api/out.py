"""out=: the functions that take it write their result into a tensor the caller gives, with PyTorch's rules.

    torch.add(a, b, out=c)   computes a + b, writes it into c's memory, returns c
Rules, as PyTorch:
- out must be a Tensor (TypeError); out= records no graph, so with grad mode on, neither out nor an input may
  require grad (RuntimeError);
- an out of the wrong shape is resized; one that held elements warns first, as PyTorch deprecates resizing it
  (the engine gives it new memory, so views of the old out keep the old values: PyTorch grows the storage in
  place, where a view of the first elements would see the result);
- dtype, by one of three rules: "cast" (most functions) casts the result into out's dtype if that does not lower
  its kind (a float result into an integer out raises RuntimeError; TypeError for cat and stack, as PyTorch);
  "exact" (matmul, softmax, gather, ...) needs out's dtype to equal the result's; "any" (sum, prod, cumsum) casts
  into whatever out holds.
"""

import functools
import warnings

import numpy as np

from ..autograd import dtypes
from ..autograd.function import is_grad_enabled


def write_out(name, result, out, rule="cast", error=RuntimeError):
    """Write `result` (a Tensor, or a tuple of them for (values, indices) results) into `out`; return out.
    rule: how out's dtype may differ from the result's ("cast", "exact" or "any", above)."""
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors")
        written = tuple(write_out(name, part, target, rule="exact") for part, target in zip(result, out))
        return type(result)(*written)
    from ..autograd.tensor import Tensor

    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and (out.requires_grad or result.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           f"but one of the arguments requires grad.")
    _check_out_dtype(name, result.dtype, out.dtype, rule, error)
    if out.array.shape != result.array.shape:
        if out.array.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          f"which does not match the required output shape {list(result.shape)}. This behavior is "
                          f"deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                          f"zero elements.", UserWarning, stacklevel=3)
        out.array = np.empty(result.array.shape, dtype=out.dtype)
    np.copyto(out.array, result.array, casting="unsafe")
    out._bump_version()
    return out


def _check_out_dtype(name, result_dtype, out_dtype, rule, error):
    if rule == "exact" and np.dtype(result_dtype) != np.dtype(out_dtype):
        raise RuntimeError(f"{name}(): Expected out tensor to have dtype {np.dtype(result_dtype).name}, but got "
                           f"{np.dtype(out_dtype).name} instead")
    if rule == "cast" and not dtypes.can_cast(result_dtype, out_dtype):
        raise error(f"{name}(): result type {np.dtype(result_dtype).name} can't be cast to the desired output "
                           f"type {np.dtype(out_dtype).name}")


def takes_out(rule="cast", error=RuntimeError):
    """Decorator: the function gains out=None; its result is written there by write_out when out is given."""
    def decorate(function):
        @functools.wraps(function)
        def with_out(*args, out=None, **kwargs):
            result = function(*args, **kwargs)
            return result if out is None else write_out(function.__name__, result, out, rule, error)

        return with_out

    return decorate
