"""Matrix products: matmul (the @ operator) and linear (x @ W^T + b)."""

import numpy as np

from ..autograd.function import Function
from ..autograd.graph import shown_node
from .arithmetic import unbroadcast


class MatMul(Function):
    """z = x @ y (NumPy's matmul rules: 1-D operands are promoted, leading dims broadcast)"""

    new_gradients = True  # both gradients are new products (see Function)

    @classmethod
    def torch_name(cls, inputs, options):
        """PyTorch's matmul calls a kernel chosen by the operands' dims (dot, mv, mm); with batch dims it folds them
        around mm/bmm and its top node is the view (or copy) that restores the shape. The engine does all in one op."""
        dims = inputs[0].ndim, inputs[1].ndim
        named = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (2, 2): "MmBackward0", (1, 2): "SqueezeBackward4"}
        if dims in named:
            return named[dims]
        return "CloneBackward0" if dims[0] == 2 else "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, y):
        if x.ndim == 0 or y.ndim == 0:
            raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes {x.shape} and {y.shape}")
        inner_x, inner_y = x.shape[-1], y.shape[0] if y.ndim == 1 else y.shape[-2]
        if inner_x != inner_y:
            raise RuntimeError(
                f"matmul: shapes {x.shape} and {y.shape} cannot be multiplied ({inner_x} != {inner_y})")
        if x.dtype != y.dtype:
            raise RuntimeError(f"matmul: expected both arguments to have the same dtype, but got {x.dtype} and "
                               f"{y.dtype} (shapes {x.shape} and {y.shape}); use .float() or .double()")
        ctx.shapes = x.shape, y.shape
        # 1-D operands become matrices (row for x, column for y) so backward needs one formula
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        needs_x, needs_y = ctx.needs_input_grad
        ctx.save(x2 if needs_y else None, y2 if needs_x else None)  # only what a gradient needs, as PyTorch
        ctx.matrix_shapes = x2.shape, y2.shape
        return np.matmul(x, y)

    @staticmethod
    def backward(ctx, grad):
        x2, y2 = ctx.saved
        (x_shape, y_shape), (x2_shape, y2_shape) = ctx.shapes, ctx.matrix_shapes
        batch_shape = np.broadcast_shapes(x2_shape[:-2], y2_shape[:-2])
        grad = grad.reshape(batch_shape + (x2_shape[-2], y2_shape[-1]))  # undo the 1-D squeeze
        grad_x = grad_y = None  # only what is needed: an input without requires_grad costs nothing
        # dz/dx = grad @ y^T, dz/dy = x^T @ grad
        if ctx.needs_input_grad[0]:
            grad_x = unbroadcast(np.matmul(grad, np.swapaxes(y2, -1, -2)), x2_shape).reshape(x_shape)
        if ctx.needs_input_grad[1]:
            grad_y = unbroadcast(np.matmul(np.swapaxes(x2, -1, -2), grad), y2_shape).reshape(y_shape)
        return grad_x, grad_y


class Linear(Function):
    """z = x @ W^T + b, x of shape (..., in), W of shape (out, in), b of shape (out,)"""

    new_gradients = True  # every gradient is a new product or sum (see Function)

    @classmethod
    def torch_name(cls, inputs, options):
        """PyTorch computes a 2-D linear as one addmm (mm without bias); other inputs are viewed as a matrix and
        back, so the top node is that view (or the squeeze of a 1-D input)."""
        x, bias = inputs[0], inputs[2] if len(inputs) > 2 else None
        if x.ndim == 2:
            return "MmBackward0" if bias is None else "AddmmBackward0"
        if bias is not None:
            return "ViewBackward0"
        return "SqueezeBackward4" if x.ndim == 1 else "UnsafeViewBackward0"

    @classmethod
    def shown_edges(cls, node):
        """PyTorch's addmm(bias, x, weight.t()) lists the bias first and the weight behind a TBackward0."""
        x, weight, bias = node.next
        if node.name() == "AddmmBackward0":
            return bias, x, shown_node("TBackward0", weight)
        return (x, shown_node("TBackward0", weight)) if node.name() == "MmBackward0" else node.next

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        if weight.ndim != 2 or x.ndim == 0 or x.shape[-1] != weight.shape[1]:
            expects = weight.shape[1] if weight.ndim == 2 else "a 2-D weight"
            raise RuntimeError(
                f"linear: input has {x.shape[-1] if x.ndim else 0} features but weight expects {expects} "
                f"(input shape {x.shape}, weight shape {weight.shape})")
        if x.dtype != weight.dtype:
            raise RuntimeError(f"linear: mat1 and mat2 must have the same dtype, but got {x.dtype} (input) and "
                               f"{weight.dtype} (weight); convert the input with .float() or the model with .double()")
        if bias is not None and bias.shape != (weight.shape[0],):
            raise RuntimeError(f"linear: bias shape {bias.shape} does not match weight shape {weight.shape}")
        needs_x, needs_weight = ctx.needs_input_grad[:2]
        ctx.save(x if needs_weight else None, weight if needs_x else None)  # only what a gradient needs
        ctx.input_shape = x.shape
        z = x @ weight.T
        if bias is not None:
            z += bias
        return z

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved
        rows_grad = grad.reshape(-1, grad.shape[-1])
        needs_x, needs_weight = ctx.needs_input_grad[:2]
        needs_bias = len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]  # bias may be left out entirely
        # dz/dx = grad @ W (skipped for the images fed to a first layer: they need no gradient)
        grad_x = grad @ weight if needs_x else None
        # dz/dW = grad^T @ x (summed over all rows), dz/db = grad summed over rows
        grad_weight = rows_grad.T @ x.reshape(-1, ctx.input_shape[-1]) if needs_weight else None
        grad_bias = rows_grad.sum(axis=0) if needs_bias else None
        return grad_x, grad_weight, grad_bias
