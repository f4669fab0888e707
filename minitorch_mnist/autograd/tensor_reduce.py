"""Tensor methods for the reductions beyond sum/mean/max/min (tensor_methods.py): var, std, norm, prod, amax, amin,
logsumexp, the running sum cumsum, and sorting (sort, argsort, topk).

Integer and bool inputs follow PyTorch: prod and cumsum count in int64; var, std, norm and logsumexp need (or turn
to) floating point. sort and topk find the order in NumPy (stable: equal values keep their order, NaN counts as the
largest), then read the values with gather, so their gradient flows to the elements picked.
"""

import numpy as np

from . import dtypes
from ..ops import reduce, statistics
from ..ops.checks import check_dim
from .tensor_methods import ValuesIndices


class TensorReductions:
    # ---- spread: var and std ----
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """sum((x - mean)^2) / (N - correction); correction=1 (unbiased=True) by default, 0 for unbiased=False."""
        return self._spread(statistics.Var, "var", dim, unbiased, keepdim, correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """sqrt(var(...)), with var's arguments."""
        return self._spread(statistics.Std, "std", dim, unbiased, keepdim, correction)

    def _spread(self, function, name, dim, unbiased, keepdim, correction):
        if isinstance(dim, bool):  # x.var(False): PyTorch's (unbiased) form
            dim, unbiased = None, dim
        if unbiased is not None and correction is not None:
            raise TypeError(f"{name}() received an invalid combination of arguments: give unbiased= or "
                            f"correction=, not both")
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        if dtypes.category(self.dtype) < 2:
            raise RuntimeError(f"std and var only support floating point and complex dtypes (got "
                               f"{np.dtype(self.dtype).name}); convert with .float()")
        return function.apply(self, dim=dim, correction=correction, keepdim=keepdim)

    # ---- size: vector norms ----
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """(sum |x|^p)^(1/p) over dim (everything by default); p: 2 ('fro'), 1, inf, -inf, 0, or any number."""
        if isinstance(p, str):
            if p != "fro":
                if p == "nuc":
                    raise NotImplementedError("norm(p='nuc'): the nuclear norm (a matrix norm) is not in the engine")
                raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
            p = 2
        x = self if dtype is None else self._cast(dtype)
        if dtypes.category(x.dtype) < 2:
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                               f"{np.dtype(x.dtype).name}")
        return statistics.Norm.apply(x, p=float(p), dim=dim, keepdim=keepdim)

    # ---- products and running sums ----
    def prod(self, dim=None, keepdim=False, *, dtype=None):
        """The product over dim (or of every element); integers and bools multiply in int64."""
        return reduce.Prod.apply(self._counting(dtype), dim=dim, keepdim=keepdim)

    def cumsum(self, dim, *, dtype=None):
        """z_i = x_0 + ... + x_i along dim; integers and bools add up in int64."""
        return reduce.Cumsum.apply(self._counting(dtype), dim=dim)

    # ---- extremes as values only ----
    def amax(self, dim=(), keepdim=False):
        """The largest value over dim (every dim by default); ties share the gradient."""
        return self._extreme_values(reduce.AMax, "amax", dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        """The smallest value over dim (every dim by default); ties share the gradient."""
        return self._extreme_values(reduce.AMin, "amin", dim, keepdim)

    def _extreme_values(self, function, name, dim, keepdim):
        if self.array.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               f"the reduction dim with the 'dim' argument.")
        return function.apply(self, dim=dim, keepdim=keepdim)

    def logsumexp(self, dim, keepdim=False):
        """log(sum(exp(x))) over dim, shifted by the max so it never overflows; its gradient is softmax(x)."""
        from .function import no_grad

        x = self._floating()
        with no_grad():  # the shift m is a constant: log sum e^x = m + log sum e^(x - m) for any m
            shift = x.amax(dim, keepdim=True)
            shift = shift.masked_fill(shift.isinf(), 0.0)
        result = (x - shift).exp().sum(dim, keepdim=True).log() + shift
        return result if keepdim else result.squeeze(dim)

    # ---- sorting ----
    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort self along dim (stable: equal values keep their order; NaN is the largest)."""
        from .tensor import Tensor

        return Tensor(_order(self.array, check_dim(dim, self.ndim), descending))

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) of self sorted along dim."""
        indices = self.argsort(dim, descending)
        return ValuesIndices(self.gather(dim, indices), indices)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (smallest) elements along dim, largest first (smallest first). Among
        equal values the first one comes first, and sorted=False gives them sorted too: PyTorch leaves both orders
        open (its values are the same)."""
        from .tensor import Tensor

        axis = check_dim(dim, self.ndim)
        size = self.shape[axis] if self.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError(f"selected index k out of range (k={k}, dimension {axis} has size {size})")
        order = _order(self.array, axis, descending=largest)
        indices = Tensor(np.take(order, np.arange(k), axis=axis) if self.ndim else order)
        return ValuesIndices(self.gather(dim, indices), indices)


def _order(array, axis, descending):
    """A stable argsort along axis, as int64; descending reverses a stable ascending sort of the reversed array, so
    equal values still keep their order and NaN (last in NumPy's ascending order) comes first."""
    if array.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if not descending:
        return np.argsort(array, axis=axis, kind="stable").astype(np.int64)
    size = array.shape[axis]
    reversed_order = np.argsort(np.flip(array, axis), axis=axis, kind="stable")
    return (size - 1 - np.flip(reversed_order, axis)).astype(np.int64)
