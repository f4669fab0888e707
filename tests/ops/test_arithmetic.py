"""Elementwise ops (+ - * / **, neg, exp, log, relu, casts) against PyTorch, forward and backward."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op, upstream_grad
from parity import pair

# float64 compares at RTOL 1e-10 (only rounding differs); float32 at RTOL 1e-5, ~80 float32 ulps of
# max(1, |expected|): each framework rounds every op (and its libm exp/log/pow) on its own
DTYPES = [np.float64, np.float32]

BINARY_OPS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
}

# (x shape, y shape): equal, broadcast both ways, prepended axes, scalar tensors, batch of one
BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((1, 4), (3, 1)),
    ((4,), (2, 3, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 3), (4, 1)),
    ((5, 3), (5, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((1,), (5,)),
    ((1, 7), (1, 7)),
]


def operands(op_name, shapes, dtype, rng):
    """Continuous random inputs, kept where the op is smooth: divisors away from 0, powers of positive bases."""
    x_shape, y_shape = shapes
    x, y = rng.standard_normal(x_shape), rng.standard_normal(y_shape)
    if op_name == "div":
        y = np.sign(y) * rng.uniform(0.5, 2.0, y_shape)
    if op_name == "pow":
        x, y = rng.uniform(0.5, 2.0, x_shape), rng.uniform(-2.0, 2.0, y_shape)
    return np.asarray(x, dtype=dtype), np.asarray(y, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("op_name", BINARY_OPS)
def test_binary_op_with_broadcasting_matches_torch(op_name, shapes, dtype, rng):
    x, y = operands(op_name, shapes, dtype, rng)
    out = check_op(BINARY_OPS[op_name], None, [x, y], rng, what=op_name)
    assert out.shape == np.broadcast_shapes(*shapes)


@pytest.mark.parametrize("shapes", [((3, 1), (1, 4)), ((4,), (2, 3, 4)), ((), (2, 3))], ids=str)
@pytest.mark.parametrize("op_name", BINARY_OPS)
def test_binary_op_passes_gradcheck(op_name, shapes, rng):
    gradcheck(BINARY_OPS[op_name], *operands(op_name, shapes, np.float64, rng))


# a Python number on either side; x is drawn in [0.5, 2] so every expression is smooth there
NUMBER_OPS = {
    "x + 2.5": lambda x: x + 2.5,
    "2.5 + x": lambda x: 2.5 + x,
    "x - 3": lambda x: x - 3,
    "2.0 - x": lambda x: 2.0 - x,
    "x * 0.5": lambda x: x * 0.5,
    "-1.5 * x": lambda x: -1.5 * x,
    "x / 4.0": lambda x: x / 4.0,
    "3.0 / x": lambda x: 3.0 / x,
    "x ** 2": lambda x: x**2,
    "x ** 0.5": lambda x: x**0.5,
    "x ** -1.5": lambda x: x**-1.5,
    "2.0 ** x": lambda x: 2.0**x,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("expression", NUMBER_OPS)
def test_python_number_operand_matches_torch_and_keeps_dtype(expression, dtype, rng):
    x = rng.uniform(0.5, 2.0, (3, 5)).astype(dtype)
    out = check_op(NUMBER_OPS[expression], None, [x], rng, what=expression)
    assert out.dtype == dtype


@pytest.mark.parametrize("expression", NUMBER_OPS)
def test_python_number_operand_passes_gradcheck(expression, rng):
    gradcheck(NUMBER_OPS[expression], rng.uniform(0.5, 2.0, (2, 3)))


UNARY_OPS = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "relu": lambda x: x.relu(),
}


def unary_input(op_name, shape, dtype, rng):
    """Log needs positive inputs; relu gets continuous ones, so no element sits exactly on its kink."""
    x = rng.uniform(0.1, 3.0, shape) if op_name == "log" else rng.standard_normal(shape)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (1, 5), (3, 5), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("op_name", UNARY_OPS)
def test_unary_op_matches_torch(op_name, shape, dtype, rng):
    check_op(UNARY_OPS[op_name], None, [unary_input(op_name, shape, dtype, rng)], rng, what=op_name)


@pytest.mark.parametrize("op_name", UNARY_OPS)
def test_unary_op_passes_gradcheck(op_name, rng):
    gradcheck(UNARY_OPS[op_name], unary_input(op_name, (3, 4), np.float64, rng))


def test_relu_at_exactly_zero_has_gradient_zero_like_torch(rng):
    x, tx = pair(np.array([-1.0, 0.0, -0.0, 0.0, 2.0]))
    grad = upstream_grad(rng, (5,), np.float64)
    x.relu().backward(mm.tensor(grad))
    tx.relu().backward(torch.tensor(grad))
    np.testing.assert_array_equal(x.grad.array, tx.grad.numpy())
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 0.0, 0.0, grad[4]])


def test_pow_at_zero_and_negative_base_follows_torch(rng):
    """Where x ** y is not smooth, PyTorch's conventions: 0 for x == 0 (y >= 0) or y == 0, nan for ln of x < 0."""
    base = np.array([0.0, 0.0, 0.0, 2.0, -2.0, -2.0])
    exponent = np.array([2.0, 0.0, 0.5, 0.0, 2.0, 1.5])
    (x, tx), (y, ty) = pair(base), pair(exponent)
    grad = upstream_grad(rng, (6,), np.float64)
    with np.errstate(invalid="ignore"):  # (-2) ** 1.5 is nan in both frameworks
        (x**y).backward(mm.tensor(grad))
    (tx**ty).backward(torch.tensor(grad))
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(y.grad.array, ty.grad.numpy(), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("source, target", [(np.float32, np.float64), (np.float64, np.float32)])
def test_cast_matches_torch_and_sends_the_gradient_back_in_the_input_dtype(source, target, rng):
    to_target = {np.float64: lambda x: x.double(), np.float32: lambda x: x.float()}[target]
    out = check_op(to_target, None, [rng.standard_normal((3, 4)).astype(source)], rng, what="cast")
    assert out.dtype == target


def test_cast_passes_gradcheck(rng):
    # the float32 output rounds by ~1e-7 relative, so the step must be large for the difference quotient
    # to stay accurate; a cast is linear, so a large step costs no truncation error
    gradcheck(lambda x: x.float(), rng.standard_normal((3, 4)), eps=1e-2, rtol=1e-4)


def test_cast_to_the_same_dtype_returns_the_tensor_itself_like_torch():
    x = mm.tensor([1.0, 2.0], requires_grad=True)
    assert x.float() is x


def test_cast_to_integer_leaves_the_graph_like_torch():
    x, tx = pair(np.array([1.7, -2.2, 3.0]))
    assert x.long().requires_grad is tx.long().requires_grad is False
    np.testing.assert_array_equal(x.long().array, tx.long().numpy())


INTEGER_EXPRESSIONS = {
    "ints * 0.5": ([1, 2, 3], lambda x: x * 0.5),
    "ints + 0.25": ([1, 2, 3], lambda x: x + 0.25),
    "1.5 - ints": ([1, 2, 3], lambda x: 1.5 - x),
    "ints * 2": ([1, 2, 3], lambda x: x * 2),
    "bools * 2": ([True, False], lambda x: x * 2),
}


@pytest.mark.parametrize("expression", INTEGER_EXPRESSIONS)
def test_python_number_with_integer_or_bool_tensor_keeps_its_value(expression):
    """0.5 must not be truncated to the tensor's integer dtype (nor 2 to True)."""
    values, fn = INTEGER_EXPRESSIONS[expression]
    out, expected = fn(mm.tensor(values)), fn(torch.tensor(values))
    np.testing.assert_array_equal(out.array, expected.numpy())
    assert np.issubdtype(out.dtype, np.floating) == expected.is_floating_point()


def test_relu_keeps_nan_like_torch():
    ours = mm.tensor([np.nan, -1.0, 2.0]).relu().array
    theirs = torch.relu(torch.tensor([np.nan, -1.0, 2.0])).numpy()
    assert np.array_equal(ours, theirs, equal_nan=True)


def test_numpy_array_on_the_left_defers_to_the_tensor():
    out = np.ones(2) + mm.tensor([1.0, 2.0])
    assert isinstance(out, mm.Tensor) and out.array.tolist() == [2.0, 3.0]
