"""max_pool2d and avg_pool2d against torch.nn.functional, forward and backward, on both kernel backends."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import minitorch_mnist as mm
from minitorch_mnist import kernels
from minitorch_mnist.tools.gradcheck import gradcheck
from minitorch_mnist.ops.pool import avg_pool2d, max_pool2d
from parity import RTOL, assert_close, pair

# float64 at RTOL 1e-10; float32 at RTOL 1e-5: max pooling copies values (exact), average pooling sums
# at most 25 values and divides, a few float32 ulps of the scale.
DTYPES = [np.float64, np.float32]
POOLS = {"max": (max_pool2d, F.max_pool2d), "avg": (avg_pool2d, F.avg_pool2d)}

# (N, C, H, W), kernel_size, stride, padding
CASES = [
    ((1, 1, 4, 4), 2, None, 0),  # batch of one
    ((2, 3, 7, 9), 2, None, 0),  # leftover last row and column are dropped (floor mode)
    ((2, 16, 11, 11), 2, None, 0),  # LeNet's second pool: 11 -> 5, one row and column left over
    ((3, 2, 9, 8), 3, 2, 1),  # overlapping windows with padding
    ((2, 3, 10, 7), 3, 1, 0),  # stride 1: heavy overlap
    ((2, 10, 4, 4), 4, None, 0),  # the CNN's final average pool
    ((1, 2, 7, 5), (3, 2), (2, 1), (1, 0)),  # (h, w) pairs
    ((2, 1, 6, 6), 5, 3, 2),  # kernel 5, padding 2
    ((4, 6, 26, 26), 2, None, 0),  # LeNet's first pool
]


@pytest.fixture(params=kernels.BACKENDS, autouse=True)
def backend(request):
    """Every test here runs once with the NumPy kernels and once with the Numba kernels."""
    with kernels.use_backend(request.param):
        yield request.param


def _compare(pool, x, kernel_size, stride, padding, rng, rtol):
    ours_fn, torch_fn = POOLS[pool]
    ours, theirs = pair(x)
    out = ours_fn(ours, kernel_size, stride, padding)
    expected = torch_fn(theirs, kernel_size, stride, padding)
    assert out.dtype == x.dtype
    assert_close(out, expected, rtol, f"{pool}_pool2d forward")
    upstream = rng.standard_normal(out.shape).astype(x.dtype)
    out.backward(mm.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert ours.grad.dtype == x.dtype
    assert_close(ours.grad, theirs.grad, rtol, f"{pool}_pool2d grad of input")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("shape, kernel_size, stride, padding", CASES)
def test_pool_matches_torch(pool, shape, kernel_size, stride, padding, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)  # continuous values: no ties
    _compare(pool, x, kernel_size, stride, padding, rng, RTOL[dtype])


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("kernel_size, stride, padding", [(2, None, 0), (3, 2, 1)])
def test_pool_gradcheck(pool, kernel_size, stride, padding, rng):
    x = rng.standard_normal((2, 2, 5, 6))  # maxima are apart by far more than eps, so max is smooth here
    gradcheck(lambda t: POOLS[pool][0](t, kernel_size, stride, padding), x)


# ---- ties: PyTorch's CPU kernel keeps the first maximum of a window (row by row) ----

def test_max_pool_tie_gradient_goes_to_first_maximum():
    """Every 2x2 window holds a tie; its gradient goes to the tied pixel met first, row by row."""
    x = np.array([[[[1.0, 1.0, 2.0, 2.0],
                    [1.0, 1.0, 2.0, 2.0],
                    [4.0, 0.0, 0.0, 7.0],
                    [4.0, 4.0, 7.0, 7.0]]]])
    ours, theirs = pair(x)
    upstream = np.array([[[[1.5, -2.0], [3.0, 0.5]]]])
    max_pool2d(ours, 2).backward(mm.tensor(upstream))
    F.max_pool2d(theirs, 2).backward(torch.tensor(upstream))
    expected = np.zeros_like(x)
    expected[0, 0, 0, 0], expected[0, 0, 0, 2], expected[0, 0, 2, 0], expected[0, 0, 2, 3] = 1.5, -2.0, 3.0, 0.5
    assert np.array_equal(ours.grad.array, expected)
    assert np.array_equal(ours.grad.array, theirs.grad.numpy())


@pytest.mark.parametrize("kernel_size, stride, padding", [(2, 1, 0), (3, 2, 1), (3, 1, 1)])
def test_max_pool_ties_in_overlapping_windows_match_torch(kernel_size, stride, padding):
    """A constant image: every window is one big tie, and overlapping windows pick the same first pixels."""
    x = np.full((1, 2, 5, 6), 3.0)
    ours, theirs = pair(x)
    upstream = np.random.default_rng(7).standard_normal(F.max_pool2d(theirs, kernel_size, stride, padding).shape)
    max_pool2d(ours, kernel_size, stride, padding).backward(mm.tensor(upstream))
    F.max_pool2d(theirs, kernel_size, stride, padding).backward(torch.tensor(upstream))
    assert_close(ours.grad, theirs.grad, RTOL[np.float64], "constant image")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_max_pool_ties_among_small_integers_match_torch(dtype, rng):
    x = rng.integers(0, 3, size=(3, 4, 9, 8)).astype(dtype)  # three values: ties in almost every window
    _compare("max", x, 3, 2, 1, rng, RTOL[dtype])
    _compare("max", x, 2, None, 0, rng, RTOL[dtype])


def test_max_pool_nan_and_minus_infinity_like_torch():
    """A NaN wins its window (the last NaN met takes the gradient); an all -inf window points at its first pixel."""
    nan, inf = float("nan"), float("inf")
    x = np.array([[[[1.0, nan, 2.0, 2.0],
                    [nan, 1.0, 2.0, nan],
                    [-inf, -inf, -inf, -inf],
                    [-inf, -inf, -inf, -inf]]]])
    ours, theirs = pair(x)
    out, expected = max_pool2d(ours, 2), F.max_pool2d(theirs, 2)
    assert np.array_equal(out.array, expected.detach().numpy(), equal_nan=True)
    upstream = np.array([[[[1.5, -2.0], [3.0, 0.5]]]])
    out.backward(mm.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert np.array_equal(ours.grad.array, theirs.grad.numpy())


# ---- errors ----

@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("shape, args, message", [
    ((6, 28, 28), (2,), r"expected a 4-D input \(N, C, H, W\), got shape \(6, 28, 28\)"),
    ((1, 1, 3, 3), (4,),
     r"kernel \(4, 4\) is larger than the padded input \(3, 3\) \(input shape \(1, 1, 3, 3\), padding \(0, 0\)\)"),
    ((1, 1, 6, 6), (3, 1, 2), r"padding \(2, 2\) must be at most half of kernel_size \(3, 3\)"),
    ((1, 1, 6, 6), (2, 0), r"stride must be positive, got \(0, 0\)"),
    ((1, 1, 6, 6), (0,), r"kernel_size must be positive, got \(0, 0\)"),
    ((1, 1, 6, 6), ((2, 2, 2),), r"kernel_size must be an int or a pair of ints"),
])
def test_pool_rejects_bad_arguments(pool, shape, args, message):
    with pytest.raises(RuntimeError, match=f"{pool}_pool2d: {message}"):
        POOLS[pool][0](mm.tensor(np.zeros(shape, dtype=np.float32)), *args)


def test_pool_rejects_integer_input():
    with pytest.raises(RuntimeError, match="max_pool2d: expected a floating point input, got dtype int64"):
        max_pool2d(mm.tensor(np.zeros((1, 1, 4, 4), dtype=np.int64)), 2)
