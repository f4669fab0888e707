"""The gradient checker itself: it passes correct backwards, and it fails a wrong one (so its passes mean something)."""

import numpy as np
import pytest

from minitorch_mnist.autograd.function import Function
from minitorch_mnist.autograd.tensor import Tensor
from minitorch_mnist.ops.unary import Square
from minitorch_mnist.tools.gradcheck import analytic_grad, gradcheck, numerical_grad


class SquareWithWrongBackward(Square):
    """z = x^2 (the engine's Square forward), with a backward that forgets the factor 2"""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (grad * x,)


class MatMulWithUntransposedBackward(Function):
    """z = x @ y, with dz/dy missing its transpose: x @ grad instead of x^T @ grad (square shapes hide it)"""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save(x, y)
        return x @ y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved
        return grad @ y.T, x @ grad


def test_gradcheck_fails_a_backward_with_a_wrong_factor(rng):
    with pytest.raises(AssertionError, match=r"gradcheck: input 0 \(shape \(3, 4\)\): backward differs"):
        gradcheck(SquareWithWrongBackward.apply, rng.uniform(0.5, 2.0, (3, 4)))


def test_gradcheck_fails_a_missing_transpose_and_names_the_input(rng):
    with pytest.raises(AssertionError, match=r"gradcheck: input 1 \(shape \(3, 3\)\)"):
        gradcheck(MatMulWithUntransposedBackward.apply, rng.standard_normal((3, 3)), rng.standard_normal((3, 3)))


def test_gradcheck_passes_a_correct_backward_and_reports_a_tiny_error(rng):
    error = gradcheck(lambda x, y: (x @ y).exp() * x.sum(), rng.standard_normal((3, 4)), rng.standard_normal((4, 3)))
    assert 0.0 <= error < 1e-7


def test_gradcheck_treats_an_unused_input_as_having_gradient_zero(rng):
    assert gradcheck(lambda x, unused: x * 2, rng.standard_normal(3), rng.standard_normal(2)) < 1e-7


def test_numerical_and_analytic_gradients_agree_with_the_formula(rng):
    """d/dx sum(x^2 * g) = 2 x g"""
    x = Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    upstream = rng.standard_normal((2, 3))
    (numeric,) = numerical_grad(lambda t: t * t, [x], upstream)
    (analytic,) = analytic_grad(lambda t: t * t, [x], upstream)
    np.testing.assert_allclose(numeric, 2 * x.array * upstream, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(analytic, 2 * x.array * upstream, rtol=1e-14)


def test_numerical_grad_leaves_the_inputs_unchanged(rng):
    data = rng.standard_normal(4)
    x = Tensor(data.copy(), requires_grad=True)
    numerical_grad(lambda t: t.exp(), [x], rng.standard_normal(4))
    np.testing.assert_array_equal(x.array, data)
