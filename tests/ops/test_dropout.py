"""Dropout: masks cannot match torch's random stream, so parity is checked by statistics, by reusing
torch's own mask in our op, and by the exact backward rule grad * keep / (1 - p). Last, eval() must switch
off Dropout and switch BatchNorm to its running statistics inside a Sequential."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn
from minitorch_mnist.nn import functional as F
from minitorch_mnist.ops.dropout import Dropout
from op_parity import upstream_grad
from parity import RTOL, assert_close


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_and_mean_are_within_binomial_bounds(p):
    n = 200_000
    out = F.dropout(mm.tensor(np.ones(n)), p).array
    dropped = np.mean(out == 0)
    # the count of zeros is Binomial(n, p); 5 standard deviations: a false failure about once in 3.5 million
    assert abs(dropped - p) <= 5 * np.sqrt(p * (1 - p) / n), f"dropped fraction {dropped} for p={p}"
    # each element is 0 or 1/(1-p): mean 1, standard deviation sqrt(p/(1-p))
    assert abs(out.mean() - 1) <= 5 * np.sqrt(p / (1 - p) / n), f"mean {out.mean()} for p={p}"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_survivors_are_scaled_by_one_over_keep_probability_and_backward_uses_the_same_mask(dtype, rng):
    p = 0.3
    x = mm.tensor(np.asarray(rng.standard_normal((50, 40)), dtype), requires_grad=True)
    out = F.dropout(x, p)
    assert out.dtype == dtype
    keep = out.array != 0  # x is continuous, so an output is zero exactly where it was dropped
    scale = np.asarray(1 / (1 - p), dtype)
    assert np.array_equal(out.array, np.where(keep, x.array * scale, 0))
    grad = upstream_grad(rng, x.shape, dtype)
    out.backward(mm.tensor(grad))
    assert x.grad.dtype == dtype
    assert np.array_equal(x.grad.array, grad * keep * scale)  # grad * mask / (1 - p), exactly


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_op_with_torchs_mask_matches_torch_forward_and_backward(p, dtype, rng):
    x = np.asarray(rng.standard_normal((30, 20)), dtype)
    x_theirs = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.dropout(x_theirs, p)
    keep = expected.detach().numpy() != 0
    x_ours = mm.tensor(x, requires_grad=True)
    out = Dropout.apply(x_ours, keep=keep, p=p)
    assert_close(out, expected, RTOL[dtype], "forward")
    grad = upstream_grad(rng, x.shape, dtype)
    out.backward(mm.tensor(grad))
    expected.backward(torch.tensor(grad))
    assert_close(x_ours.grad, x_theirs.grad, RTOL[dtype], "grad of input")


def test_same_seed_gives_the_same_mask_and_the_stream_moves_on():
    x = mm.tensor(np.ones((20, 30)))
    mm.manual_seed(3)
    first, second = F.dropout(x).array, F.dropout(x).array
    mm.manual_seed(3)  # replaces the generator: dropout must read it at call time
    assert np.array_equal(F.dropout(x).array, first)
    assert np.array_equal(F.dropout(x).array, second)
    assert not np.array_equal(first, second)


def test_eval_and_training_false_are_the_identity(rng):
    x = mm.tensor(rng.standard_normal((4, 5)), requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    layer = nn.Dropout(0.9).eval()
    assert layer(x) is x
    layer.train()
    assert (layer(x).array == 0).any()


def test_p_one_gives_zeros_and_p_zero_the_input(rng):
    x = mm.tensor(rng.standard_normal((6, 7)).astype(np.float32), requires_grad=True)
    out = F.dropout(x, 1.0)
    assert out.dtype == np.float32 and np.array_equal(out.array, np.zeros((6, 7)))
    out.backward(mm.tensor(np.ones((6, 7), np.float32)))
    assert np.array_equal(x.grad.array, np.zeros((6, 7)))
    assert np.array_equal(F.dropout(x, 0.0).array, x.array)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probability_outside_zero_one_raises_like_torch(p):
    message = f"dropout probability has to be between 0 and 1, but got {p}"
    with pytest.raises(ValueError, match=message):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=message):
        F.dropout(mm.tensor(np.ones(3)), p)
    with pytest.raises(ValueError, match=message):
        F.dropout(mm.tensor(np.ones(3)), p, training=False)  # torch checks p in eval too
    with pytest.raises(ValueError, match=message):
        torch.nn.functional.dropout(torch.ones(3), p)


def test_repr_matches_torch():
    assert repr(nn.Dropout()) == repr(torch.nn.Dropout())
    assert repr(nn.Dropout(0.25)) == repr(torch.nn.Dropout(0.25))


def test_eval_switches_dropout_off_and_batch_norm_to_running_stats_inside_sequential(rng):
    model = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    x = mm.tensor(rng.standard_normal((16, 6)).astype(np.float32))

    # training: every call draws a new mask and moves the running statistics
    first, second = model(x).array, model(x).array
    assert not np.array_equal(first, second)
    batch_norm = model[1]
    assert batch_norm.num_batches_tracked.item() == 2

    model.eval()
    assert not batch_norm.training and not model[3].training
    state = model.state_dict()
    out = model(x).array
    assert np.array_equal(model(x).array, out), "eval must be deterministic"
    assert batch_norm.num_batches_tracked.item() == 2
    for name, value in model.state_dict().items():
        assert np.array_equal(value, state[name]), f"eval changed {name}"
    # and it is exactly: Linear -> normalise with the running statistics -> ReLU -> (no dropout) -> Linear
    h = x.array @ model[0].weight.array.T + model[0].bias.array
    h = (h - batch_norm.running_mean.array) / np.sqrt(batch_norm.running_var.array + batch_norm.eps)
    h = np.maximum(h * batch_norm.weight.array + batch_norm.bias.array, 0)
    assert_close(out, h @ model[4].weight.array.T + model[4].bias.array, RTOL[np.float32], "eval forward")

    model.train()
    assert not np.array_equal(model(x).array, model(x).array)
    assert batch_norm.num_batches_tracked.item() == 4


def test_inplace_dropout_is_accepted_and_prints_as_torch():
    # computed out of place (as nn.ReLU(inplace=True)): same values for `x = dropout(x)`, torch's repr
    layer = nn.Dropout(0.5, inplace=True).eval()
    x = mm.tensor(np.arange(4.0))
    assert layer(x) is x
    assert repr(layer) == repr(torch.nn.Dropout(0.5, inplace=True)) == "Dropout(p=0.5, inplace=True)"
