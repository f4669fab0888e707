"""The batch-norm kernels: the Numba twins against the NumPy reference, both against the exact (float64) values.

The two sum differently: NumPy pairwise in the input's dtype, Numba in float64 per channel. So each is compared with
the same formulas evaluated in float64 on the same inputs, within a bound derived from its summation: a sum of M
terms rounded in precision u is off by at most about log2(M) * u * sum|terms| (pairwise; float64 accumulation is
far inside that), and every value below is a few roundings away from those sums.
"""

import numpy as np
import pytest

from minitorch_mnist.kernels import numba_normalization, numpy_normalization

SHAPES = [(16, 5, 1), (6, 4, 7), (4, 3, 30), (1, 2, 3)]  # (N, C, L): BatchNorm1d's (N, C) and (N, C, L), 2d's H*W
TWINS = {"numpy": numpy_normalization, "numba": numba_normalization}


def bound(dtype, count, scale):
    """(log2(M) + 8) roundings of the given magnitude: the pairwise-sum bound plus the formula's own operations."""
    return (np.log2(count) + 8) * np.finfo(dtype).eps * scale


def inputs(shape, dtype, rng):
    x = (rng.standard_normal(shape) * 3 + rng.standard_normal((1, shape[1], 1))).astype(dtype)  # offset channels
    channels = shape[1]
    weight, bias = rng.uniform(0.5, 1.5, channels).astype(dtype), rng.standard_normal(channels).astype(dtype)
    return x, weight, bias, rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False], ids=["training", "eval"])
def test_batch_norm_twins_match_the_exact_values(twin, dtype, shape, training, rng):
    module = TWINS[twin]
    x, weight, bias, grad = inputs(shape, dtype, rng)
    count = shape[0] * shape[2]
    exact = {k: v.astype(np.float64) for k, v in dict(x=x, weight=weight, bias=bias, grad=grad).items()}

    mean, var = module.batch_norm_statistics(x)
    exact_mean, exact_var = numpy_normalization.batch_norm_statistics(exact["x"])
    assert mean.dtype == var.dtype == dtype
    assert np.abs(mean - exact_mean).max() <= bound(dtype, count, np.abs(x).max())
    assert np.abs(var - exact_var).max() <= bound(dtype, count, 2 * np.abs(x).max() ** 2)
    if not training:  # eval: running statistics come from outside; take the exact ones, rounded
        mean, var = exact_mean.astype(dtype), exact_var.astype(dtype) + 1
        exact_mean, exact_var = mean.astype(np.float64), var.astype(np.float64)
    inv_std = (1 / np.sqrt(var + 1e-5)).astype(dtype)

    y, x_hat = module.batch_norm_forward(x, mean, inv_std, weight, bias, keep_x_hat=True)
    exact_y, exact_x_hat = numpy_normalization.batch_norm_forward(exact["x"], mean.astype(np.float64),
                                                                  inv_std.astype(np.float64), exact["weight"],
                                                                  exact["bias"], keep_x_hat=True)
    assert y.dtype == x_hat.dtype == dtype and y.shape == x.shape
    assert np.abs(x_hat - exact_x_hat).max() <= bound(dtype, 1, np.abs(exact_x_hat).max())
    assert np.abs(y - exact_y).max() <= bound(dtype, 1, np.abs(exact_y).max() + np.abs(bias).max())
    y_only, none = module.batch_norm_forward(x, mean, inv_std, weight, bias, keep_x_hat=False)
    assert none is None and np.array_equal(y_only, y)

    grad_x, grad_weight, grad_bias = module.batch_norm_backward(grad, x_hat, inv_std, weight, training)
    exact_grads = numpy_normalization.batch_norm_backward(exact["grad"], x_hat.astype(np.float64),
                                                          inv_std.astype(np.float64), exact["weight"], training)
    sums = np.abs(grad).max() * (1 + np.abs(x_hat).max())  # |g| and |g x_hat|, the terms of the two sums
    scale = np.abs(inv_std * weight).max() * (np.abs(grad).max() + sums * (1 + np.abs(x_hat).max()))
    assert grad_x.dtype == grad_weight.dtype == grad_bias.dtype == dtype
    assert np.abs(grad_x - exact_grads[0]).max() <= bound(dtype, count, scale)
    assert np.abs(grad_weight - exact_grads[1]).max() <= bound(dtype, count, count * sums)
    assert np.abs(grad_bias - exact_grads[2]).max() <= bound(dtype, count, count * np.abs(grad).max())


@pytest.mark.parametrize("case", ["float16", "transposed", "empty"])
def test_numba_batch_norm_hands_what_it_cannot_take_to_numpy(case, rng):
    x = rng.standard_normal((4, 3, 5)).astype(np.float16 if case == "float16" else np.float32)
    if case == "transposed":
        x = np.ascontiguousarray(x.transpose(2, 1, 0)).transpose(2, 1, 0)  # same shape, not C-contiguous
    if case == "empty":
        x = x[:0]
    mean, inv_std = np.zeros(3, x.dtype), np.ones(3, x.dtype)
    ours = numba_normalization.batch_norm_forward(x, mean, inv_std, None, None, keep_x_hat=True)
    reference = numpy_normalization.batch_norm_forward(x, mean, inv_std, None, None, keep_x_hat=True)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(ours, reference))


def test_weight_and_bias_none_mean_one_and_zero(rng):
    x, weight, bias, grad = inputs((5, 3, 4), np.float64, rng)
    mean, var = numba_normalization.batch_norm_statistics(x)
    inv_std = 1 / np.sqrt(var + 1e-5)
    for module in TWINS.values():
        plain, x_hat = module.batch_norm_forward(x, mean, inv_std, None, None, keep_x_hat=True)
        ones, _ = module.batch_norm_forward(x, mean, inv_std, np.ones(3), np.zeros(3), keep_x_hat=True)
        np.testing.assert_array_equal(plain, ones)
        np.testing.assert_array_equal(plain, x_hat)
        assert np.array_equal(module.batch_norm_backward(grad, x_hat, inv_std, None, True)[0],
                              module.batch_norm_backward(grad, x_hat, inv_std, np.ones(3), True)[0])
