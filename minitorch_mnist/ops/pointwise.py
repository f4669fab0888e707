"""Pointwise math beyond arithmetic: abs, sqrt, round, clamp, where, maximum, minimum."""

import numpy as np

from ..autograd.function import Function
from .arithmetic import unbroadcast
from .unary import OfInput


class Abs(OfInput):
    """z = |x|"""

    function = staticmethod(np.abs)
    derivative = staticmethod(np.sign)  # dz/dx = sign(x), 0 at x == 0 (PyTorch's choice at the kink)


class Sqrt(Function):
    """z = sqrt(x)"""

    @staticmethod
    def forward(ctx, x):
        z = np.sqrt(x)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = 1 / (2 sqrt(x)) = 1 / (2z): infinite at x == 0, as in PyTorch
        with np.errstate(divide="ignore"):
            return (grad / (2 * z),)


class Round(Function):
    """z = x rounded to `decimals` places, halves to even (as torch.round and np.round)"""

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 0 almost everywhere (a step function); PyTorch returns zeros too
        return (np.zeros_like(grad),)


class Clamp(Function):
    """z = min(max(x, low), high) for numbers low and high (either may be None); tensor bounds are
    maximum/minimum (tensor_math.py), as PyTorch computes them"""

    node_name = "ClampBackward1"  # clamp with number bounds (tensor bounds: ClampBackward0, in tensor_math.py)

    @staticmethod
    def forward(ctx, x, low=None, high=None):
        z = x
        if low is not None:
            z = np.maximum(z, np.asarray(low, dtype=x.dtype))
        if high is not None:
            z = np.minimum(z, np.asarray(high, dtype=x.dtype))
        ctx.save(x)
        ctx.low, ctx.high = low, high
        return z if z is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        inside = np.ones(x.shape, dtype=bool)
        if ctx.low is not None:
            inside &= x > ctx.low
        if ctx.high is not None:
            inside &= x < ctx.high
        # dz/dx = 1 strictly inside (low, high), 0 outside and at the bounds themselves (PyTorch's choice)
        return (np.where(inside, grad, 0),)


class Where(Function):
    """z = x where condition, else y (all three broadcast together)"""

    shown_inputs = slice(1, None)  # x and y (the condition is not differentiable)

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save(condition)
        ctx.shapes = x.shape, y.shape
        return np.where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved
        x_shape, y_shape = ctx.shapes
        # dz/dx = 1 where condition holds, dz/dy = 1 where it does not
        return None, unbroadcast(np.where(condition, grad, 0), x_shape), unbroadcast(np.where(condition, 0, grad), y_shape)


class _Pick(Function):
    """z = the larger (Maximum) or smaller (Minimum) of x and y, element by element"""

    pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, x, y):
        ctx.save(x, y)
        return cls.pick(x, y)  # NaN wins, as in PyTorch

    @classmethod
    def backward(cls, ctx, grad):
        x, y = ctx.saved
        # dz/dx = 0 where x loses to y, dz/dy = 0 where y loses to x, 1 elsewhere, and a tie splits the gradient
        # in half (PyTorch's rule: where a NaN is involved neither loses, so both get the gradient)
        share = np.where(x == y, grad / 2, grad)
        grad_x, grad_y = np.where(cls.loses(x, y), 0, share), np.where(cls.loses(y, x), 0, share)
        return unbroadcast(grad_x, x.shape), unbroadcast(grad_y, y.shape)


class Maximum(_Pick):
    """z = max(x, y) elementwise"""

    pick, loses = staticmethod(np.maximum), staticmethod(np.less)


class Minimum(_Pick):
    """z = min(x, y) elementwise"""

    pick, loses = staticmethod(np.minimum), staticmethod(np.greater)
