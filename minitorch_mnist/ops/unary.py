"""More pointwise functions of one tensor: log1p, expm1, log2, log10, rsqrt, square, reciprocal, sin, cos, and the
steps floor, ceil, trunc, sign (gradient 0 almost everywhere, as PyTorch returns).

Each saves what its derivative needs; the values at the edges (log of 0, 1/0) follow NumPy and PyTorch (inf or nan,
silently).
"""

import numpy as np

from ..autograd.function import Function

LN2, LN10 = np.log(2.0), np.log(10.0)


class OfInput(Function):
    """z = f(x), element by element, where dz/dx is a function of x alone: a subclass names f (`function`) and
    f' (`derivative`), both NumPy functions, and the chain rule does the rest: dL/dx = dL/dz * f'(x)."""

    @classmethod
    def forward(cls, ctx, x):
        ctx.save(x)
        return cls.function(x)

    @classmethod
    def backward(cls, ctx, grad):
        (x,) = ctx.saved
        return (grad * cls.derivative(x),)


class Log1p(Function):
    """z = ln(1 + x), accurate for small x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        # dz/dx = 1 / (1 + x)
        with np.errstate(divide="ignore"):
            return (grad / (1 + x),)


class Expm1(Function):
    """z = e^x - 1, accurate for small x"""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            z = np.expm1(x)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = e^x = z + 1
        return (grad * (z + 1),)


class _LogBase(Function):
    """z = log_b x (NumPy's log2 and log10 are exact at powers of the base, as PyTorch's)"""

    numpy_function, ln_base = staticmethod(np.log2), LN2

    @classmethod
    def forward(cls, ctx, x):
        ctx.save(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return cls.numpy_function(x)

    @classmethod
    def backward(cls, ctx, grad):
        (x,) = ctx.saved
        # dz/dx = 1 / (x ln b)
        with np.errstate(divide="ignore"):
            return (grad / (x * np.asarray(cls.ln_base, dtype=x.dtype)),)


class Log2(_LogBase):
    """z = log2 x"""

    numpy_function, ln_base = staticmethod(np.log2), LN2


class Log10(_LogBase):
    """z = log10 x"""

    numpy_function, ln_base = staticmethod(np.log10), LN10


class Rsqrt(Function):
    """z = 1 / sqrt(x)"""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            z = 1 / np.sqrt(x)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = -x^(-3/2) / 2 = -z^3 / 2
        return (grad * -0.5 * z * z * z,)


class Square(OfInput):
    """z = x^2"""

    function = staticmethod(lambda x: x * x)
    derivative = staticmethod(lambda x: 2 * x)  # dz/dx = 2x


class Reciprocal(Function):
    """z = 1 / x"""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(divide="ignore"):
            z = 1 / x
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = -1 / x^2 = -z^2
        return (grad * -(z * z),)


class Sin(OfInput):
    """z = sin x"""

    function = staticmethod(np.sin)
    derivative = staticmethod(np.cos)  # dz/dx = cos x


class Cos(OfInput):
    """z = cos x"""

    function = staticmethod(np.cos)
    derivative = staticmethod(lambda x: -np.sin(x))  # dz/dx = -sin x


class _Step(Function):
    """z = a step function of x (floor, ceil, trunc, sign)"""

    numpy_function = staticmethod(np.floor)

    @classmethod
    def forward(cls, ctx, x):
        return cls.numpy_function(x)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 0 wherever it is defined (PyTorch returns zeros at the jumps too)
        return (np.zeros_like(grad),)


class Floor(_Step):
    """z = the largest integer <= x"""

    numpy_function = staticmethod(np.floor)


class Ceil(_Step):
    """z = the smallest integer >= x"""

    numpy_function = staticmethod(np.ceil)


class Trunc(_Step):
    """z = x rounded toward 0"""

    numpy_function = staticmethod(np.trunc)


class Sign(_Step):
    """z = -1, 0 or 1 as x is negative, zero or positive"""

    numpy_function = staticmethod(np.sign)
