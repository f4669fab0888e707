"""The BLAS convolution (kernels/numba_conv_blas.py) against the readable NumPy reference, and the rule that chooses
it inside numba_conv: layers with many channels go to BLAS, MNIST's layers stay on the hand-written product."""

import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from minitorch_mnist import kernels, models
from minitorch_mnist.kernels import numba_conv, numba_conv_blas, numpy_conv, threads
from minitorch_mnist.nn import Conv2d

# (N, C, H, W), (O, C, kH, kW), stride, padding: AlexNet-like channel counts on small images
CASES = [
    ((2, 64, 8, 8), (96, 64, 3, 3), (1, 1), (1, 1)),
    ((3, 64, 9, 7), (96, 64, 3, 3), (2, 1), (1, 0)),  # stride along the height only: rows copied
    ((5, 40, 6, 6), (128, 40, 3, 3), (1, 2), (0, 1)),  # stride along the width: columns through tables
    ((7, 16, 4, 4), (64, 16, 2, 2), (2, 2), (0, 0)),  # odd batch: chunks of 3 and 4 images
    ((5, 8, 20, 20), (64, 8, 3, 3), (1, 1), (1, 1)),  # 400 columns per image: several tiles per chunk
    ((3, 32, 5, 5), (64, 32, 1, 1), (1, 1), (0, 0)),  # 1x1 kernel
]
DTYPES = [np.float64, np.float32]


def _arrays(rng, x_shape, w_shape, dtype):
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = (rng.standard_normal(w_shape) / np.sqrt(np.prod(w_shape[1:]))).astype(dtype)
    bias = rng.standard_normal(w_shape[0]).astype(dtype)
    return x, weight, bias


def _error_bounds(x, weight, bias, grad, stride, padding):
    """Worst-case rounding error of out, dL/dx and dL/dW, each summed in any order: an n-term sum of products
    a_i * b_i, computed in floating point, is off by at most about n * eps/2 * sum|a_i * b_i| (Higham's gamma_n);
    two such results (ours and the reference) differ by at most n * eps * sum|a_i * b_i| (1.01: gamma_n's
    1 / (1 - n * eps/2), and rounding in the bound itself). sum|a_i * b_i| is the same convolution of the absolute
    values, in float64. n: out sums K = C*kH*kW products and the bias; dL/dx sums O*kH*kW products (O per kernel
    tap, then col2im adds the taps); dL/dW sums N*OH*OW products (tiles and chunks only change the order)."""
    eps = np.finfo(x.dtype).eps
    a = [np.abs(v).astype(np.float64) for v in (x, weight, bias, grad)]
    out_sums = numpy_conv.conv2d_forward(a[0], a[1], a[2], stride, padding)
    dx_sums, dw_sums = numpy_conv.conv2d_backward(a[3], a[0], a[1], stride, padding)
    out_ch, _, kh, kw = weight.shape
    n_out, n_dx, n_dw = np.prod(weight.shape[1:]) + 1, out_ch * kh * kw + kh * kw, grad.shape[0] * np.prod(grad.shape[2:])
    return [1.01 * n * eps * sums for n, sums in ((n_out, out_sums), (n_dx, dx_sums), (n_dw, dw_sums))]


def _assert_within(actual, expected, bound, what):
    assert actual.shape == expected.shape and actual.dtype == expected.dtype, what
    error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    assert np.all(error <= bound), f"{what}: error {error.max():.3g} over the bound (at most {bound.max():.3g})"


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CASES)
def test_blas_conv_matches_the_numpy_reference(x_shape, w_shape, stride, padding, dtype, rng):
    x, weight, bias = _arrays(rng, x_shape, w_shape, dtype)
    out = numba_conv_blas.conv2d_forward(x, weight, bias, stride, padding)
    grad = rng.standard_normal(out.shape).astype(dtype)  # a random upstream gradient
    grad_x, grad_w = numba_conv_blas.conv2d_backward(grad, x, weight, stride, padding)
    # the reference: the NumPy kernels in float64 on the very same (float32 or float64) values
    wide = [v.astype(np.float64) for v in (x, weight, bias, grad)]
    expected = numpy_conv.conv2d_forward(*wide[:3], stride, padding)
    expected_x, expected_w = numpy_conv.conv2d_backward(wide[3], *wide[:2], stride, padding)
    bounds = _error_bounds(x, weight, bias, grad, stride, padding)
    for ours, theirs, bound, what in zip((out, grad_x, grad_w), (expected, expected_x, expected_w), bounds,
                                         ("out", "dL/dx", "dL/dW")):
        assert ours.dtype == dtype, what
        _assert_within(ours.astype(np.float64), theirs, bound, what)


def test_blas_conv_skips_the_input_gradient_without_changing_the_weight_gradient(rng):
    x, weight, _ = _arrays(rng, (5, 64, 6, 6), (96, 64, 3, 3), np.float32)
    grad = rng.standard_normal((5, 96, 4, 4)).astype(np.float32)
    grad_x, grad_w = numba_conv_blas.conv2d_backward(grad, x, weight, (1, 1), (0, 0))
    skipped_x, skipped_w = numba_conv_blas.conv2d_backward(grad, x, weight, (1, 1), (0, 0), compute_input_grad=False)
    assert skipped_x is None and grad_x.shape == x.shape
    assert np.array_equal(skipped_w, grad_w)


def test_blas_conv_accepts_non_contiguous_arrays(rng):
    x = rng.standard_normal((3, 64, 7, 6)).transpose(0, 1, 3, 2)  # a transposed view, (3, 64, 6, 7)
    weight = rng.standard_normal((96, 3, 64, 3)).transpose(0, 2, 3, 1)[..., :2]  # (96, 64, 3, 2), strided
    bias = rng.standard_normal(192)[::2]
    out = numba_conv_blas.conv2d_forward(x, weight, bias, (1, 2), (1, 0))
    grad = rng.standard_normal(out.shape[::-1]).T  # non-contiguous, the shape of out
    contiguous = [np.ascontiguousarray(v) for v in (x, weight, bias, grad)]
    assert np.array_equal(out, numba_conv_blas.conv2d_forward(*contiguous[:3], (1, 2), (1, 0)))
    for ours, expected in zip(numba_conv_blas.conv2d_backward(grad, x, weight, (1, 2), (1, 0)),
                              numba_conv_blas.conv2d_backward(contiguous[3], *contiguous[:2], (1, 2), (1, 0))):
        assert np.array_equal(ours, expected), "a view must give what its contiguous copy gives"


def test_blas_conv_propagates_nan_and_infinity_like_torch():
    x = np.arange(2 * 64 * 5 * 5, dtype=np.float64).reshape(2, 64, 5, 5) / 1000
    x[0, 1, 2, 3] = np.nan
    x[1, 0, 4, 4] = np.inf
    weight = np.linspace(-1, 1, 96 * 64 * 9).reshape(96, 64, 3, 3)
    out = numba_conv_blas.conv2d_forward(x, weight, None, (1, 1), (1, 1))
    grad = np.ones(out.shape)
    grad[1, 3, 0, 0] = np.nan
    grad_x, grad_w = numba_conv_blas.conv2d_backward(grad, x, weight, (1, 1), (1, 1))
    theirs = [torch.tensor(v, requires_grad=True) for v in (x, weight)]
    expected = F.conv2d(*theirs, padding=1)
    expected.backward(torch.tensor(grad))
    for ours, reference in ((out, expected), (grad_x, theirs[0].grad), (grad_w, theirs[1].grad)):
        reference = reference.detach().numpy()
        assert np.array_equal(np.isnan(ours), np.isnan(reference))
        assert np.array_equal(np.isinf(ours), np.isinf(reference))


@pytest.mark.parametrize("compute_input_grad", [True, False])
def test_blas_conv_accepts_an_empty_batch(compute_input_grad, rng):
    x = np.zeros((0, 64, 5, 5), dtype=np.float32)
    weight = rng.standard_normal((96, 64, 3, 3)).astype(np.float32)
    out = numba_conv_blas.conv2d_forward(x, weight, None, (1, 1), (0, 0))
    grad_x, grad_w = numba_conv_blas.conv2d_backward(np.zeros(out.shape, np.float32), x, weight, (1, 1), (0, 0),
                                                     compute_input_grad=compute_input_grad)
    assert out.shape == (0, 96, 3, 3) and out.dtype == np.float32
    assert np.array_equal(grad_w, np.zeros(weight.shape)) and grad_w.dtype == np.float32
    assert grad_x is None if not compute_input_grad else grad_x.shape == x.shape


def test_blas_conv_gives_the_same_bits_on_any_thread_count_and_after_a_fork(restore_threads, rng):
    """The chunks, and the order their weight gradients are added in, are fixed by Numba's pool size, not by the
    threads in use (which follow the machine's load)."""
    x, weight, bias = _arrays(rng, (13, 64, 9, 9), (128, 64, 3, 3), np.float32)
    grad = rng.standard_normal((13, 128, 9, 9)).astype(np.float32)

    def run():
        return [numba_conv_blas.conv2d_forward(x, weight, bias, (1, 1), (1, 1)),
                *numba_conv_blas.conv2d_backward(grad, x, weight, (1, 1), (1, 1))]

    results = []
    for n in (1, 2, 1, 2):
        kernels.set_num_threads(n)
        results.append(run())
    for other in results[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(results[0], other))
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the pool's threads do not survive a fork: the child must start its own, not wait forever
        os._exit(0 if all(np.array_equal(a, b) for a, b in zip(results[0], run())) else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


# ---- the rule in numba_conv ----

def _conv_weights(model_name):
    return [m.weight.shape for m in models.MODELS[model_name]().modules() if isinstance(m, Conv2d)]


@pytest.mark.parametrize("model_name", ["lenet", "cnn"])
def test_the_mnist_models_stay_on_the_hand_written_product(model_name):
    """Their convolutions run the code they ran before BLAS was added, so their results are the same bits."""
    assert not any(numba_conv.uses_blas(shape, np.float32) for shape in _conv_weights(model_name))


def test_alexnet_sends_conv2_to_conv5_to_blas():
    assert [numba_conv.uses_blas(shape, np.float32) for shape in _conv_weights("alexnet")] == [False] + [True] * 4


def test_numba_conv_calls_blas_exactly_where_the_rule_says(monkeypatch, rng):
    calls = []
    for name in ("conv2d_forward", "conv2d_backward"):
        original = getattr(numba_conv_blas, name)
        monkeypatch.setattr(numba_conv_blas, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    x, weight, bias = _arrays(rng, (2, 6, 12, 12), (16, 6, 5, 5), np.float32)  # LeNet's conv2
    out = numba_conv.conv2d_forward(x, weight, bias, (1, 1), (0, 0))
    numba_conv.conv2d_backward(out, x, weight, (1, 1), (0, 0))
    assert calls == []
    x, weight, bias = _arrays(rng, (2, 128, 4, 4), (128, 128, 3, 3), np.float64)  # K = 1152, K*O = 147,456
    out = numba_conv.conv2d_forward(x, weight, bias, (1, 1), (1, 1))
    grad = rng.standard_normal(out.shape)
    grad_x, grad_w = numba_conv.conv2d_backward(grad, x, weight, (1, 1), (1, 1))
    assert calls == ["conv2d_forward", "conv2d_backward"]
    bounds = _error_bounds(x, weight, bias, grad, (1, 1), (1, 1))
    expected = [numpy_conv.conv2d_forward(x, weight, bias, (1, 1), (1, 1)),
                *numpy_conv.conv2d_backward(grad, x, weight, (1, 1), (1, 1))]
    for ours, theirs, bound, what in zip((out, grad_x, grad_w), expected, bounds, ("out", "dL/dx", "dL/dW")):
        _assert_within(ours, theirs, bound, what)


def test_float16_never_goes_to_blas():
    assert not numba_conv.uses_blas((256, 96, 3, 3), np.float16)
    assert numba_conv.uses_blas((256, 96, 3, 3), np.float32) and numba_conv.uses_blas((256, 96, 3, 3), np.float64)
