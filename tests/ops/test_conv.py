"""conv2d against torch.nn.functional.conv2d, forward and every gradient, on both kernel backends."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import minitorch_mnist as mm
from minitorch_mnist import kernels
from minitorch_mnist.tools.gradcheck import gradcheck
from minitorch_mnist.ops.conv import conv2d
from parity import RTOL, assert_close, pair

# float64: only the summation order differs from torch, so RTOL 1e-10 of max(1, |expected|).
# float32: each output sums C*kH*kW <= 400 products, each weight or bias gradient N*OH*OW <= 2704, in
# another order than torch: rounding errors of ~6e-8 per addition grow like sqrt(terms) times the typical
# term. RTOL 1e-5 of max(1, |expected|) leaves a 5x margin over the largest difference seen on these
# shapes (2e-6, and there torch's plain float32 sum for the bias gradient was the less accurate side).
DTYPES = [np.float64, np.float32]

# (N, C, H, W), (O, C, kH, kW), stride, padding, bias
CASES = [
    ((1, 1, 5, 5), (1, 1, 1, 1), 1, 0, True),  # 1x1 kernel, batch of one
    ((2, 3, 7, 9), (4, 3, 3, 3), 1, 1, True),  # odd, non-square input
    ((3, 2, 8, 6), (5, 2, 3, 3), 2, 0, False),  # stride 2, no bias
    ((2, 4, 9, 7), (3, 4, 5, 5), 2, 2, True),  # kernel 5, padding 2
    ((1, 3, 6, 11), (2, 3, 5, 5), 1, 2, False),
    ((2, 2, 10, 10), (3, 2, 1, 1), 2, 1, True),  # 1x1 kernel that only ever sees padding on the border
    ((5, 3, 7, 8), (2, 3, 3, 2), (2, 1), (0, 1), True),  # (h, w) pairs and a non-square kernel
    ((4, 1, 28, 28), (6, 1, 3, 3), 1, 0, True),  # LeNet conv1
    ((2, 6, 13, 13), (16, 6, 3, 3), 1, 0, True),  # LeNet conv2
    ((2, 16, 14, 14), (16, 16, 3, 3), 2, 1, True),  # CNN conv2
    ((3, 16, 7, 7), (10, 16, 3, 3), 2, 1, False),  # CNN conv3
]


@pytest.fixture(params=kernels.BACKENDS, autouse=True)
def backend(request):
    """Every test here runs once with the NumPy kernels and once with the Numba kernels."""
    with kernels.use_backend(request.param):
        yield request.param


def _run_both(x, weight, bias, stride, padding, rng):
    """Forward and backward (random upstream gradient) in the engine and in torch."""
    arrays = [x, weight] + ([bias] if bias is not None else [])
    ours, theirs = zip(*(pair(a) for a in arrays))
    out = conv2d(ours[0], ours[1], ours[2] if bias is not None else None, stride=stride, padding=padding)
    expected = F.conv2d(theirs[0], theirs[1], theirs[2] if bias is not None else None, stride=stride, padding=padding)
    upstream = rng.standard_normal(expected.shape).astype(x.dtype)
    out.backward(mm.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    return out, expected, ours, theirs


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("x_shape, w_shape, stride, padding, has_bias", CASES)
def test_conv2d_matches_torch(x_shape, w_shape, stride, padding, has_bias, dtype, rng):
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal(w_shape).astype(dtype)
    bias = rng.standard_normal(w_shape[0]).astype(dtype) if has_bias else None
    out, expected, ours, theirs = _run_both(x, weight, bias, stride, padding, rng)

    rtol = RTOL[dtype]
    assert out.dtype == dtype
    assert_close(out, expected, rtol, "conv2d forward")
    for name, mine, torchs in zip(["input", "weight", "bias"], ours, theirs):
        assert mine.grad.dtype == dtype, f"grad of {name} changed dtype"
        assert_close(mine.grad, torchs.grad, rtol, f"conv2d grad of {name}")


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), ((1, 2), (2, 0))])
def test_conv2d_gradcheck(stride, padding, rng):
    """backward agrees with central differences of the forward (no torch involved)."""
    x = rng.standard_normal((2, 2, 5, 6))
    weight = rng.standard_normal((3, 2, 3, 2))
    bias = rng.standard_normal(3)
    gradcheck(lambda x, w, b: conv2d(x, w, b, stride=stride, padding=padding), x, weight, bias)


def test_conv2d_without_bias_gradcheck(rng):
    gradcheck(lambda x, w: conv2d(x, w, padding=1), rng.standard_normal((1, 3, 4, 5)), rng.standard_normal((2, 3, 3, 3)))


def test_conv2d_backward_accepts_non_contiguous_gradients(rng):
    """Gradients may arrive as broadcast or transposed views (from sum or permute); both must work."""
    x = rng.standard_normal((2, 3, 6, 5))
    weight = rng.standard_normal((4, 3, 3, 3))
    (ours_x, theirs_x), (ours_w, theirs_w) = pair(x), pair(weight)
    out = conv2d(ours_x, ours_w, padding=1).permute(0, 3, 2, 1)  # its gradient comes back transposed
    expected = F.conv2d(theirs_x, theirs_w, padding=1).permute(0, 3, 2, 1)
    upstream = rng.standard_normal(out.shape)
    out.backward(mm.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(ours_x.grad, theirs_x.grad, RTOL[np.float64], "grad of input through permute")
    assert_close(ours_w.grad, theirs_w.grad, RTOL[np.float64], "grad of weight through permute")

    ours_x.grad = None
    theirs_x.grad = None
    conv2d(ours_x, ours_w).sum().backward()  # a broadcast (zero-stride) gradient of ones
    F.conv2d(theirs_x, theirs_w).sum().backward()
    assert_close(ours_x.grad, theirs_x.grad, RTOL[np.float64], "grad of input through sum")


def test_conv2d_no_grad_records_nothing(rng):
    x = mm.tensor(rng.standard_normal((1, 1, 4, 4)))
    weight = mm.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
    with mm.no_grad():
        out = conv2d(x, weight)
    assert out.grad_fn is None and not out.requires_grad


def _tensors(x_shape, w_shape, dtype=np.float32, b_shape=None, b_dtype=None):
    make = lambda shape, dt: mm.tensor(np.zeros(shape, dtype=dt))
    bias = None if b_shape is None else make(b_shape, b_dtype or dtype)
    return make(x_shape, dtype), make(w_shape, dtype), bias


@pytest.mark.parametrize("x_shape, w_shape, kwargs, message", [
    ((2, 3, 28, 28), (6, 1, 3, 3), {},
     r"conv2d: input has 3 channels but weight expects 1 \(input shape \(2, 3, 28, 28\), weight shape \(6, 1, 3, 3\)\)"),
    ((28, 28), (6, 1, 3, 3), {}, r"conv2d: expected a 4-D input \(N, C, H, W\), got shape \(28, 28\)"),
    ((2, 784), (6, 1, 3, 3), {}, r"conv2d: expected a 4-D input"),
    ((2, 1, 28, 28), (6, 3, 3), {}, r"conv2d: expected a 4-D weight .* got shape \(6, 3, 3\)"),
    ((1, 1, 3, 3), (1, 1, 5, 5), {},
     r"conv2d: kernel \(5, 5\) is larger than the padded input \(3, 3\) \(input shape \(1, 1, 3, 3\), padding \(0, 0\)\)"),
    ((1, 1, 4, 4), (1, 1, 3, 3), {"stride": 0}, r"conv2d: stride must be positive, got \(0, 0\)"),
    ((1, 1, 4, 4), (1, 1, 3, 3), {"stride": (1, -2)}, r"conv2d: stride must be positive, got \(1, -2\)"),
    ((1, 1, 4, 4), (1, 1, 3, 3), {"padding": -1}, r"conv2d: padding must be non-negative"),
    ((1, 1, 4, 4), (1, 1, 3, 3), {"stride": (1, 2, 3)}, r"conv2d: stride must be an int or a pair of ints"),
    ((1, 1, 4, 4), (1, 1, 3, 3), {"padding": 1.5}, r"conv2d: padding must be an int or a pair of ints \(h, w\), got 1.5"),
])
def test_conv2d_rejects_bad_arguments(x_shape, w_shape, kwargs, message):
    x, weight, _ = _tensors(x_shape, w_shape)
    with pytest.raises(RuntimeError, match=message):
        conv2d(x, weight, **kwargs)


def test_conv2d_rejects_bias_of_wrong_shape():
    x, weight, bias = _tensors((1, 1, 4, 4), (6, 1, 3, 3), b_shape=(5,))
    with pytest.raises(RuntimeError, match=r"conv2d: bias of shape \(5,\) .* does not match 6 output channels"):
        conv2d(x, weight, bias)


def test_conv2d_rejects_mixed_dtypes():
    x, _, _ = _tensors((1, 1, 4, 4), (1, 1, 3, 3), np.float32)
    weight = mm.tensor(np.zeros((1, 1, 3, 3)))  # float64
    with pytest.raises(RuntimeError, match="conv2d: input dtype float32 and weight dtype float64 must be the same"):
        conv2d(x, weight)
    with pytest.raises(RuntimeError, match="conv2d: bias of shape .* dtype float64"):
        conv2d(x, mm.tensor(np.zeros((1, 1, 3, 3), dtype=np.float32)), mm.tensor(np.zeros(1)))
