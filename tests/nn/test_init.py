"""nn.init as torch.nn.init: the deterministic fills give torch's values exactly; the random ones draw from
torch's distribution (other numbers: the generators differ), checked by the bound and the spread of many draws
from both frameworks; gains, fans, errors and warnings as torch's."""

import math
import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.nn import init
from parity import outcome

SHAPE = (96, 64, 3, 3)  # 55296 draws: fan_in 576, fan_out 864


def pair(shape=SHAPE, dtype=np.float32):
    return mm.zeros(*shape, dtype=dtype), torch.zeros(*shape, dtype=getattr(torch, np.dtype(dtype).name))


@pytest.mark.parametrize("name, args", [("zeros_", ()), ("ones_", ()), ("constant_", (0.3,)), ("eye_", ())])
def test_deterministic_fills_equal_torchs(name, args):
    shape = (3, 5) if name == "eye_" else (2, 3, 4)
    ours, theirs = pair(shape)
    assert getattr(init, name)(ours, *args) is ours
    getattr(torch.nn.init, name)(theirs, *args)
    np.testing.assert_array_equal(ours.array, theirs.numpy())


CASES = [("uniform_", dict(a=-0.5, b=2.0)), ("normal_", dict(mean=0.5, std=2.0)), ("xavier_uniform_", {}),
         ("xavier_uniform_", dict(gain=init.calculate_gain("relu"))), ("xavier_normal_", dict(gain=0.5)),
         ("kaiming_uniform_", {}), ("kaiming_uniform_", dict(a=math.sqrt(5))),
         ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu")), ("kaiming_normal_", {}),
         ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu")), ("kaiming_normal_", dict(nonlinearity="tanh")),
         ("trunc_normal_", dict(std=0.02)), ("trunc_normal_", dict(mean=1.0, std=1.0, a=0.0, b=1.5))]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}{sorted(k.items())}" for n, k in CASES])
def test_random_fills_draw_from_torchs_distribution(name, kwargs):
    ours, theirs = pair()
    ours.requires_grad_(True)
    assert getattr(init, name)(ours, **kwargs) is ours
    assert ours.grad_fn is None and ours.dtype == np.float32  # in place, unrecorded, dtype kept
    getattr(torch.nn.init, name)(theirs, **kwargs)
    a, b = ours.array.astype(np.float64), theirs.numpy().astype(np.float64)
    n = a.size
    # every distribution here has a bounded fourth moment (kurtosis <= 3): the standard error of the mean is at most
    # std / sqrt(n) and that of the standard deviation at most std / sqrt(2n) (up to 1.2x for the uniform); 6 such
    # errors between two independent samples: a false failure about once in a hundred million
    std = b.std()
    assert abs(a.mean() - b.mean()) <= 6 * math.sqrt(2) * std / math.sqrt(n)
    assert abs(a.std() - std) <= 6 * math.sqrt(2) * 1.2 * std / math.sqrt(2 * n)
    if "uniform" in name:  # U(low, high): the extremes of n draws are within (high - low) * 20 / n of the bounds,
        # except with probability e^-20 each
        width = b.max() - b.min()
        assert abs(a.min() - b.min()) <= 40 * width / n and abs(a.max() - b.max()) <= 40 * width / n
    if name == "trunc_normal_":
        assert kwargs.get("a", -2.0) <= a.min() and a.max() <= kwargs.get("b", 2.0)


def test_the_default_layer_init_is_torchs_kaiming_uniform_with_a_sqrt5():
    ours, theirs = pair((400, 300))
    init.kaiming_uniform_(ours, a=math.sqrt(5))
    bound = 1 / math.sqrt(300)
    assert np.abs(ours.array).max() <= bound and np.abs(ours.array).max() > 0.999 * bound


@pytest.mark.parametrize("nonlinearity, param", [("linear", None), ("conv2d", None), ("conv_transpose3d", None),
                                                 ("sigmoid", None), ("tanh", None), ("relu", None),
                                                 ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 0),
                                                 ("leaky_relu", math.sqrt(5)), ("selu", None)])
def test_calculate_gain_equals_torchs(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_errors_and_warnings_are_torchs():
    def attempts(m):
        nn_init = m.nn.init
        return [outcome(lambda: nn_init.kaiming_normal_(m.zeros(3))),
                outcome(lambda: nn_init.kaiming_normal_(m.zeros(3, 3), mode="fan")),
                outcome(lambda: nn_init.kaiming_uniform_(m.zeros(3, 3), nonlinearity="gelu")),
                outcome(lambda: nn_init.calculate_gain("leaky_relu", "a")),
                outcome(lambda: nn_init.calculate_gain("leaky_relu", True)),
                outcome(lambda: nn_init.eye_(m.zeros(3))), outcome(lambda: nn_init.xavier_uniform_(m.zeros(3)))]
    assert attempts(mm) == attempts(torch)
    for m in (mm, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.nn.init.kaiming_normal_(m.zeros(0, 3))
        assert [str(w.message) for w in caught] == ["Initializing zero-element tensors is a no-op"]


def test_a_generator_makes_the_draws_reproducible_and_the_global_seed_too():
    first, second = mm.zeros(4, 5), mm.zeros(4, 5)
    init.normal_(first, generator=np.random.default_rng(3))
    init.normal_(second, generator=np.random.default_rng(3))
    np.testing.assert_array_equal(first.array, second.array)
    mm.manual_seed(7)
    init.xavier_normal_(first)
    mm.manual_seed(7)
    init.xavier_normal_(second)
    np.testing.assert_array_equal(first.array, second.array)
