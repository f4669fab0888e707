"""Layers added for PyTorch's tutorials: LeakyReLU, Dropout2d, Unflatten, Identity and AdaptiveAvgPool2d.
Forward and backward against torch in float64 with random upstream gradients, plus gradcheck."""

import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.nn import functional as F
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op


def layer_pair(name, *args, **kwargs):
    return getattr(mm.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.5])
def test_leaky_relu_matches_torch_including_its_gradient_at_zero(slope, rng):
    ours, theirs = layer_pair("LeakyReLU", slope)
    x = rng.standard_normal((3, 5))
    x[0, :2] = 0.0  # the kink: torch's gradient there is negative_slope
    check_op(ours, theirs, [x], rng, what="LeakyReLU")
    check_op(ours, theirs, [x.astype(np.float32)], rng, what="LeakyReLU float32")
    gradcheck(ours, rng.standard_normal((4, 3)) + 0.1)


@pytest.mark.parametrize("sizes, dim", [((2, 3), 1), ((3, -1), -1), ((1, 2, 3), 0), ((6,), 1)])
def test_unflatten_matches_torch(sizes, dim, rng):
    x = rng.standard_normal((6, 6))
    ours, theirs = layer_pair("Unflatten", dim, sizes)
    out = check_op(ours, theirs, [x], rng, what="Unflatten")
    assert tuple(out.shape) == tuple(theirs(torch.tensor(x)).shape)
    gradcheck(ours, x)


def test_unflatten_errors_are_torchs_types():
    for m in (mm, torch):
        with pytest.raises(RuntimeError):
            m.nn.Unflatten(1, (4, 2))(m.zeros(2, 6))
        with pytest.raises(TypeError):
            m.nn.Unflatten(1, 6)


def test_identity_returns_its_input_and_ignores_arguments(rng):
    x = mm.tensor(rng.standard_normal(3))
    assert mm.nn.Identity(54, unused_argument1=0.1)(x) is x
    check_op(mm.nn.Identity(), torch.nn.Identity(), [rng.standard_normal((2, 3))], rng, what="Identity")


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_dropout2d_zeroes_whole_channels_and_backward_uses_the_same_mask(p, rng):
    x = mm.tensor(rng.standard_normal((200, 30, 3, 2)) + 5.0, requires_grad=True)  # +5: no element is 0 by chance
    out = mm.nn.Dropout2d(p)(x)
    kept = out.array != 0
    assert (kept == kept[:, :, :1, :1]).all(), "a channel is either kept whole or dropped whole"
    channels_dropped = 1 - kept[:, :, 0, 0].mean()
    # the dropped count is Binomial(6000, p): 5 standard deviations, a false failure about once in 3.5 million
    assert abs(channels_dropped - p) <= 5 * np.sqrt(p * (1 - p) / 6000)
    np.testing.assert_allclose(out.array[kept], x.array[kept] / (1 - p), rtol=1e-15)
    grad = rng.standard_normal(out.shape)
    out.backward(mm.tensor(grad))
    np.testing.assert_allclose(x.grad.array, grad * kept / (1 - p), rtol=1e-15)


def test_dropout2d_in_eval_is_the_identity_and_warns_as_torch_for_other_ranks(rng):
    x = rng.standard_normal((2, 3, 4))
    messages = []
    for m in (mm, torch):
        layer = m.nn.Dropout2d(0.5).eval()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = layer(m.tensor(x))
            layer(m.tensor(x[0]))
        np.testing.assert_array_equal(np.asarray(out.numpy()), x)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 2
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        mm.nn.Dropout2d(1.5)


@pytest.mark.skipif(not hasattr(F, "adaptive_avg_pool2d"),
                    reason="nn.functional.adaptive_avg_pool2d is written by another branch; the layer calls it")
@pytest.mark.parametrize("output_size, shape", [(1, (2, 3, 4, 4)), ((1, 1), (2, 3, 5, 7)), ((7, 7), (1, 2, 7, 7)),
                                                ((2, 3), (2, 1, 6, 9)), ((None, 3), (1, 2, 4, 6)), (2, (1, 1, 5, 5))])
def test_adaptive_avg_pool2d_matches_torch(output_size, shape, rng):
    ours, theirs = layer_pair("AdaptiveAvgPool2d", output_size)
    check_op(ours, theirs, [rng.standard_normal(shape)], rng, what=f"AdaptiveAvgPool2d({output_size})")
    gradcheck(ours, rng.standard_normal(shape))


@pytest.mark.parametrize("padding_idx", [None, 0, -1])
def test_embedding_matches_torch_forward_backward_and_repr(padding_idx, rng):
    ours, theirs = layer_pair("Embedding", 6, 3, padding_idx=padding_idx)
    assert repr(ours) == repr(theirs) and ours.padding_idx == theirs.padding_idx
    if padding_idx is not None:
        assert not ours.weight.array[ours.padding_idx].any()  # the padding row starts at zero, as torch's
    weights = rng.standard_normal((6, 3))
    ours.weight, theirs.weight = mm.nn.Parameter(mm.tensor(weights)), torch.nn.Parameter(torch.tensor(weights))
    indices = np.array([[0, 5, 2, 5], [1, 0, 0, 3]])
    out, expected = ours(mm.tensor(indices)), theirs(torch.tensor(indices))
    np.testing.assert_array_equal(out.array, expected.detach().numpy())  # a lookup: exact
    grad = rng.standard_normal(out.shape)
    out.backward(mm.tensor(grad))
    expected.backward(torch.tensor(grad))
    # sums of at most 3 float64 upstream values per row: rounding only
    np.testing.assert_allclose(ours.weight.grad.array, theirs.weight.grad.numpy(), rtol=1e-15, atol=1e-15)


def test_embedding_from_pretrained_errors_and_unsupported_options():
    weights = np.arange(6.0).reshape(3, 2)
    ours = mm.nn.Embedding.from_pretrained(mm.tensor(weights))
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(weights))
    assert repr(ours) == repr(theirs) and ours.weight.requires_grad is theirs.weight.requires_grad is False
    for m in (mm, torch):
        with pytest.raises(AssertionError):
            m.nn.Embedding(3, 2, padding_idx=5)
        with pytest.raises(IndexError):
            m.nn.Embedding(3, 2)(m.tensor([3]))
        with pytest.raises(RuntimeError):
            m.nn.Embedding(3, 2)(m.tensor([0.5]))
    with pytest.raises(NotImplementedError, match="max_norm=1.0 is not supported"):
        mm.nn.Embedding(3, 2, max_norm=1.0)
