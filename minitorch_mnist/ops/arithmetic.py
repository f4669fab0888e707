"""Arithmetic with NumPy broadcasting: + - * / **, // and %, neg, exp, log; and cast, clone (identity-like copies)."""

import numpy as np

from ..autograd.function import Function


def unbroadcast(grad, shape):
    """Sum `grad` over the axes that broadcasting stretched, so it gets back the input's `shape`."""
    # axes that broadcasting prepended
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    # axes that were 1 in the input and got stretched
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Add(Function):
    """z = x + y"""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        return x + y

    @staticmethod
    def backward(ctx, grad):
        x_shape, y_shape = ctx.shapes
        # dz/dx = 1, dz/dy = 1
        return unbroadcast(grad, x_shape), unbroadcast(grad, y_shape)


class Sub(Function):
    """z = x - y"""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        return x - y

    @staticmethod
    def backward(ctx, grad):
        x_shape, y_shape = ctx.shapes
        # dz/dx = 1, dz/dy = -1
        return unbroadcast(grad, x_shape), unbroadcast(-grad, y_shape)


class Mul(Function):
    """z = x * y"""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        needs_x, needs_y = ctx.needs_input_grad
        ctx.save(y if needs_x else None, x if needs_y else None)  # only what a gradient needs, as PyTorch saves
        return x * y

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved
        x_shape, y_shape = ctx.shapes
        # dz/dx = y, dz/dy = x
        grad_x = unbroadcast(grad * y, x_shape) if y is not None else None
        grad_y = unbroadcast(grad * x, y_shape) if x is not None else None
        return grad_x, grad_y


class Div(Function):
    """z = x / y"""

    @staticmethod
    def forward(ctx, x, y):
        ctx.shapes = x.shape, y.shape
        ctx.save(x if ctx.needs_input_grad[1] else None, y)  # x is needed only for y's gradient
        with np.errstate(divide="ignore", invalid="ignore"):  # 1/0 = inf and 0/0 = nan, silently, as in PyTorch
            return x / y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved
        x_shape, y_shape = ctx.shapes
        needs_x, needs_y = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            # dz/dx = 1/y, dz/dy = -x/y^2
            grad_x = unbroadcast(grad / y, x_shape) if needs_x else None
            grad_y = unbroadcast(-grad * x / (y * y), y_shape) if needs_y else None
        return grad_x, grad_y


class Pow(Function):
    """z = x ** y (y a tensor or a number broadcast to one)"""

    node_name = "PowBackward1"  # tensor ** tensor; tensor ** number and number ** tensor are renamed by the caller

    @staticmethod
    def forward(ctx, x, y):
        z = x**y
        ctx.save(x, y, z if ctx.needs_input_grad[1] else None)  # z only for the exponent's gradient
        return z

    @staticmethod
    def backward(ctx, grad):
        x, y, z = ctx.saved
        if z is None:
            z = x**y
        # dz/dx = y * x^(y-1), dz/dy = z * ln x; PyTorch takes 0 for dz/dx where y == 0 and for dz/dy where
        # x == 0 and y >= 0, and lets ln of a negative x give nan
        with np.errstate(divide="ignore", invalid="ignore"):
            grad_x = np.where(y == 0, 0, grad * y * x ** (y - 1))
            grad_y = np.where((x == 0) & (y >= 0), 0, grad * z * np.log(x))
        return unbroadcast(grad_x, x.shape), unbroadcast(grad_y, y.shape)


def _check_integer_divisor(x, y):
    if y.dtype.kind in "iub" and x.dtype.kind in "iub" and not np.all(y):
        raise RuntimeError("ZeroDivisionError: integer division by zero (in the divisor of //, % or div with "
                           "rounding_mode)")


class RoundedDiv(Function):
    """z = x / y rounded down ('floor', as Python's //) or toward 0 ('trunc'); exact for integers"""

    @staticmethod
    def forward(ctx, x, y, rounding_mode="floor"):
        _check_integer_divisor(x, y)
        ctx.shapes = x.shape, y.shape
        with np.errstate(divide="ignore", invalid="ignore"):
            if rounding_mode == "floor":
                return np.floor_divide(x, y)
            if x.dtype.kind in "iub":  # integer trunc: floor, then one step back toward 0 where the signs differ
                floor = np.floor_divide(x, y)
                return floor + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0)))
            return np.trunc(x / y)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = dz/dy = 0: a step function of x / y (PyTorch's gradient for div with rounding_mode)
        return tuple(np.zeros(shape, dtype=grad.dtype) for shape in ctx.shapes)


class FloorDivide(RoundedDiv):
    """z = x // y"""

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented (x // y has no gradient in "
                           "PyTorch either; use torch.div(x, y, rounding_mode='floor') for a zero gradient)")


class Remainder(Function):
    """z = x - y * floor(x / y), with the sign of y (Python's %, torch.remainder)"""

    @staticmethod
    def forward(ctx, x, y):
        _check_integer_divisor(x, y)
        ctx.save(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.remainder(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved
        # dz/dx = 1, dz/dy = -floor(x / y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return unbroadcast(grad, x.shape), unbroadcast(-grad * np.floor_divide(x, y), y.shape)


class Neg(Function):
    """z = -x"""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = -1
        return (-grad,)


class Exp(Function):
    """z = e^x"""

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):  # e^x beyond the dtype's range is inf, silently, as in PyTorch
            z = np.exp(x)
        ctx.save(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved
        # dz/dx = e^x = z
        return (grad * z,)


class Log(Function):
    """z = ln x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf, log of a negative = nan, as in PyTorch
            return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        # dz/dx = 1/x
        return (grad / x,)


class Cast(Function):
    """z = x converted to `dtype`"""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 1; the gradient returns in the input's dtype
        return (grad.astype(ctx.input_dtype),)


class Clone(Function):
    """z = a copy of x in new memory"""

    @staticmethod
    def forward(ctx, x):
        return np.array(x, copy=True, order="C")

    @staticmethod
    def backward(ctx, grad):
        # dz/dx = 1
        return (grad,)
