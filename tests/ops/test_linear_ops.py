"""matmul (the @ operator) and Linear against PyTorch: 1-D, 2-D and batched operands, and shape errors."""

import re

import numpy as np
import pytest
import torch.nn.functional as torch_F

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from minitorch_mnist.ops.linear import Linear, MatMul
from op_parity import check_op

# float64 compares at RTOL 1e-10; float32 at RTOL 1e-5 of max(1, |expected|): each output is a dot
# product of at most 7 terms, summed in a different order by NumPy's and torch's BLAS
DTYPES = [np.float64, np.float32]

# (x shape, y shape): vectors, matrices, batches, broadcast batch dims, batch of one
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((1, 4), (4, 1)),
    ((3, 4), (4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
    ((1, 7, 5), (1, 5, 1)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_matches_torch(shapes, dtype, rng):
    x, y = (rng.standard_normal(shape).astype(dtype) for shape in shapes)
    out = check_op(lambda a, b: a @ b, None, [x, y], rng, what="x @ y")
    assert out.shape == np.matmul(x, y).shape


def test_matmul_method_is_the_operator(rng):
    check_op(lambda a, b: a.matmul(b), None, [rng.standard_normal((3, 4)), rng.standard_normal((4, 2))], rng)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_passes_gradcheck(shapes, rng):
    gradcheck(lambda a, b: a @ b, *(rng.standard_normal(shape) for shape in shapes))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("x_shape", [(1, 5), (7, 5), (2, 3, 5), (5,)], ids=str)
def test_linear_matches_torch(x_shape, with_bias, dtype, rng):
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in [x_shape, (4, 5), (4,)][: 3 if with_bias else 2]]
    out = check_op(lambda *args: Linear.apply(*args), lambda *args: torch_F.linear(*args), arrays, rng, what="linear")
    assert out.shape == x_shape[:-1] + (4,)


def test_linear_with_bias_none_gives_x_times_weight_transposed(rng):
    x, weight = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    out = Linear.apply(mm.tensor(x), mm.tensor(weight, requires_grad=True), None)
    np.testing.assert_allclose(out.array, x @ weight.T, rtol=1e-12)


@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_passes_gradcheck(with_bias, rng):
    arrays = [rng.standard_normal(shape) for shape in [(3, 5), (4, 5), (4,)][: 3 if with_bias else 2]]
    gradcheck(lambda *args: Linear.apply(*args), *arrays)


@pytest.mark.parametrize("x_shape, y_shape", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3, 4), (5, 6)), ((3,), (2, 4, 1))])
def test_matmul_shape_mismatch_names_both_shapes(x_shape, y_shape):
    x, y = mm.tensor(np.zeros(x_shape)), mm.tensor(np.zeros(y_shape))
    message = re.escape(f"matmul: shapes {x_shape} and {y_shape} cannot be multiplied")
    with pytest.raises(RuntimeError, match=message):
        x @ y


def test_matmul_of_a_scalar_tensor_raises():
    with pytest.raises(RuntimeError, match=r"at least 1 dimension, got shapes \(\) and \(3,\)"):
        MatMul.apply(mm.tensor(2.0), mm.tensor(np.ones(3)))


def test_linear_feature_mismatch_names_both_shapes():
    x, weight = mm.tensor(np.zeros((64, 784))), mm.tensor(np.zeros((10, 512)))
    with pytest.raises(RuntimeError, match=r"linear: input has 784 features but weight expects 512 "
                                           r"\(input shape \(64, 784\), weight shape \(10, 512\)\)"):
        Linear.apply(x, weight)


def test_linear_bias_mismatch_names_both_shapes():
    x, weight, bias = mm.tensor(np.zeros((2, 3))), mm.tensor(np.zeros((4, 3))), mm.tensor(np.zeros(5))
    with pytest.raises(RuntimeError, match=r"linear: bias shape \(5,\) does not match weight shape \(4, 3\)"):
        Linear.apply(x, weight, bias)
