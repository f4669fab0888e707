"""Reductions (sum, mean, max) against PyTorch: every kind of dim, keepdim, and the tie rules of max."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op, upstream_grad
from parity import RTOL, assert_close, pair

# float64 compares at RTOL 1e-10; float32 at RTOL 1e-5 of max(1, |expected|): the two frameworks add
# the (at most 60) float32 terms in different orders, each addition rounding by half an ulp
DTYPES = [np.float64, np.float32]
SHAPES = [(3, 4, 5), (1, 5, 3), (2, 1, 7)]
DIMS = [None, 0, 1, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_sum_and_mean_match_torch(reduction, shape, dim, keepdim, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    out = check_op(lambda t: getattr(t, reduction)(dim=dim, keepdim=keepdim), None, [x], rng, what=reduction)
    if keepdim:
        assert out.ndim == len(shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_sum_and_mean_of_a_scalar_tensor_match_torch(reduction, dtype, rng):
    check_op(lambda t: getattr(t, reduction)(), None, [np.asarray(rng.standard_normal(), dtype=dtype)], rng)


@pytest.mark.parametrize("dim", [None, 1, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_sum_and_mean_pass_gradcheck(reduction, dim, rng):
    gradcheck(lambda t: getattr(t, reduction)(dim=dim), rng.standard_normal((2, 3, 4)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + [(1,), (9,)], ids=str)
def test_max_over_everything_matches_torch(shape, dtype, rng):
    check_op(lambda t: t.max(), None, [rng.standard_normal(shape).astype(dtype)], rng, what="max()")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_max_over_a_dim_returns_values_and_indices_like_torch(shape, dim, keepdim, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    check_op(lambda t: t.max(dim, keepdim=keepdim).values, None, [x], rng, what="max(dim).values")
    (values, indices), (torch_values, torch_indices) = mm.tensor(x).max(dim, keepdim), torch.tensor(x).max(dim, keepdim)
    assert_close(values, torch_values, RTOL[dtype], "values")
    assert indices.dtype == np.int64 and not indices.requires_grad
    np.testing.assert_array_equal(indices.array, torch_indices.numpy())


@pytest.mark.parametrize("dim", [None, 0, -1])
def test_max_passes_gradcheck(dim, rng):
    gradcheck(lambda t: t.max() if dim is None else t.max(dim).values, rng.standard_normal((3, 4)))


def test_max_over_everything_splits_the_gradient_evenly_among_ties_like_torch(rng):
    (x, tx) = pair(np.array([[1.0, 3.0, 3.0], [-2.0, 3.0, 0.5]]))
    grad = upstream_grad(rng, (), np.float64)
    x.max().backward(mm.tensor(grad))
    tx.max().backward(torch.tensor(grad))
    assert_close(x.grad, tx.grad, RTOL[np.float64], "tied max() grad")
    assert_close(x.grad, np.array([[0, grad / 3, grad / 3], [0, grad / 3, 0]]), RTOL[np.float64], "even split")


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1])
def test_max_over_a_dim_sends_the_gradient_to_the_first_tied_index_like_torch(dim, keepdim, rng):
    x_data = np.array([[5.0, 5.0, 1.0, 5.0], [2.0, 7.0, 7.0, 5.0], [5.0, 7.0, 0.0, 4.0]])
    (x, tx) = pair(x_data)
    (values, indices), (torch_values, torch_indices) = x.max(dim, keepdim), tx.max(dim, keepdim)
    np.testing.assert_array_equal(indices.array, torch_indices.numpy())
    np.testing.assert_array_equal(indices.array, np.argmax(x_data, axis=dim, keepdims=keepdim))  # first maximum
    grad = upstream_grad(rng, values.shape, np.float64)
    values.backward(mm.tensor(grad))
    torch_values.backward(torch.tensor(grad))
    np.testing.assert_array_equal(x.grad.array, tx.grad.numpy())


@pytest.mark.parametrize("reduction", ["sum", "mean", "max"])
def test_dim_out_of_range_raises_index_error_like_torch(reduction):
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        getattr(mm.tensor(np.ones((2, 3))), reduction)(dim=2)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_argmax_matches_torch_and_takes_the_first_of_tied_maxima(dim, keepdim):
    x_data = np.array([[5.0, 5.0, 1.0, 5.0], [2.0, 7.0, 7.0, 5.0], [5.0, 7.0, 0.0, 4.0]])
    indices = mm.tensor(x_data).argmax(dim, keepdim) if dim is not None else mm.tensor(x_data).argmax()
    expected = torch.tensor(x_data).argmax(dim, keepdim) if dim is not None else torch.tensor(x_data).argmax()
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.array, expected.numpy())


def test_counting_matches_by_comparison_and_sum_gives_int64_like_torch(rng):
    """The accuracy computation: (predictions == labels).sum()."""
    predictions, labels = rng.integers(0, 10, 50), rng.integers(0, 10, 50)
    correct = (mm.tensor(predictions) == mm.tensor(labels)).sum()
    expected = (torch.tensor(predictions) == torch.tensor(labels)).sum()
    assert correct.dtype == np.int64 and not correct.requires_grad
    assert correct.item() == expected.item()
