"""Module bookkeeping, layers and initialisation, checked against torch.nn."""

import math

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn
from minitorch_mnist.nn import functional as F
from parity import RTOL, assert_close


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 3)
        self.out = nn.Linear(3, 2, bias=False)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


def test_parameters_are_registered_in_order_with_dotted_names():
    model = nn.Sequential(TwoLayer(), nn.ReLU())
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.hidden.weight", "0.hidden.bias", "0.out.weight"]
    assert [p.shape for p in model.parameters()] == [(3, 4), (3,), (2, 3)]
    assert list(model.state_dict()) == names


def test_unknown_attribute_raises_instead_of_returning_none():
    model = TwoLayer()
    with pytest.raises(AttributeError, match="'TwoLayer' object has no attribute 'dropout'"):
        model.dropout


def test_train_and_eval_reach_every_submodule():
    model = nn.Sequential(TwoLayer(), nn.Sequential(nn.ReLU()))
    model.eval()
    assert [m.training for m in model.modules()] == [False] * 6
    model.train()
    assert all(m.training for m in model.modules())


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(3, 3)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2


@pytest.mark.parametrize("make_pair", [
    lambda: (nn.Linear(784, 10), torch.nn.Linear(784, 10)),
    lambda: (nn.Linear(5, 3, bias=False), torch.nn.Linear(5, 3, bias=False)),
    lambda: (nn.Conv2d(1, 6, 3), torch.nn.Conv2d(1, 6, 3)),
    lambda: (nn.Conv2d(16, 10, 3, stride=2, padding=1), torch.nn.Conv2d(16, 10, 3, stride=2, padding=1)),
    lambda: (nn.Conv2d(2, 4, 5, bias=False), torch.nn.Conv2d(2, 4, 5, bias=False)),
    lambda: (nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
    lambda: (nn.Flatten(), torch.nn.Flatten()),
    lambda: (nn.ReLU(), torch.nn.ReLU()),
])
def test_layer_parameter_names_shapes_and_repr_match_torch(make_pair):
    ours, theirs = make_pair()
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    if not isinstance(ours, nn.MaxPool2d):  # torch also prints dilation and ceil_mode, which we do not support
        assert repr(ours) == repr(theirs)


def test_sequential_repr_matches_torch():
    ours = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Sequential(nn.Linear(512, 10)))
    theirs = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                 torch.nn.Sequential(torch.nn.Linear(512, 10)))
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("shape", [(512, 784), (6, 1, 3, 3), (16, 6, 3, 3)])
def test_default_init_bounds_and_spread_match_pytorch(shape):
    """Weights ~ U(+-1/sqrt(fan_in)) (kaiming_uniform with a=sqrt(5)); check the bound and the variance."""
    layer = nn.Linear(shape[1], shape[0]) if len(shape) == 2 else nn.Conv2d(shape[1], shape[0], shape[2])
    fan_in = int(np.prod(shape[1:]))
    bound = 1 / math.sqrt(fan_in)
    weight = layer.weight.array
    assert weight.dtype == np.float32 and layer.bias.array.dtype == np.float32
    assert np.abs(weight).max() <= bound
    assert np.abs(weight).max() > 0.95 * bound
    # a uniform variable on (-b, b) has variance b^2/3; the sample of >= 54 values is within 35%
    assert abs(weight.var() / (bound**2 / 3) - 1) < 0.35
    assert np.abs(layer.bias.array).max() <= bound


def test_manual_seed_makes_init_reproducible():
    mm.manual_seed(7)
    first = nn.Linear(10, 5).weight.array.copy()
    mm.manual_seed(7)
    assert np.array_equal(nn.Linear(10, 5).weight.array, first)
    assert not np.array_equal(nn.Linear(10, 5).weight.array, first)


def test_state_dict_round_trip_is_exact_and_shares_memory_like_torch():
    source, target = TwoLayer(), TwoLayer()
    state = source.state_dict()
    result = target.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for name, value in target.state_dict().items():
        assert isinstance(value, mm.Tensor) and not value.requires_grad
        assert np.array_equal(value, state[name])
    torch_layer = torch.nn.Linear(4, 3)
    for values, weight in ((state["hidden.weight"], source.hidden.weight),
                           (torch_layer.state_dict()["weight"], torch_layer.weight)):
        values.zero_()  # state_dict() values are the model's memory in both frameworks, not copies
        assert not weight.detach().numpy().any()


def test_load_state_dict_accepts_torch_tensors():
    model = TwoLayer()
    torch_state = {name: torch.from_numpy(value.numpy() * 2) for name, value in model.state_dict().items()}
    model.load_state_dict(torch_state)
    assert_close(model.hidden.bias, torch_state["hidden.bias"], RTOL[np.float64])


def test_load_state_dict_reports_missing_and_unexpected_keys_by_name():
    model = TwoLayer()
    state = model.state_dict()
    del state["out.weight"]
    state["extra.bias"] = np.zeros(3, dtype=np.float32)
    before = model.hidden.weight.array.copy()
    state["hidden.weight"] = before + 1
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "out.weight"') as error:
        model.load_state_dict(state)
    assert '"extra.bias"' in str(error.value)
    assert np.array_equal(model.hidden.weight.array, before), "a failed load must change nothing"
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["out.weight"] and result.unexpected_keys == ["extra.bias"]
    assert np.array_equal(model.hidden.weight.array, before + 1)


def test_load_state_dict_reports_shape_mismatch_by_name():
    model = TwoLayer()
    state = model.state_dict()
    state["hidden.weight"] = np.zeros((4, 3), dtype=np.float32)
    with pytest.raises(RuntimeError, match=r"size mismatch for hidden.weight: .*shape \(4, 3\).*shape .*\(3, 4\)"):
        model.load_state_dict(state, strict=False)


def test_zero_grad_clears_and_backward_accumulates_until_then():
    model = TwoLayer()
    x = mm.tensor(np.random.default_rng(0).standard_normal((5, 4)))
    model(x.float()).sum().backward()
    first = model.hidden.weight.grad.array.copy()
    model(x.float()).sum().backward()
    assert_close(model.hidden.weight.grad, 2 * first, RTOL[np.float32])
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_double_converts_parameters_and_forward_stays_float64():
    model = TwoLayer().double()
    assert all(p.dtype == np.float64 for p in model.parameters())
    out = model(mm.tensor(np.ones((2, 4))))
    assert out.dtype == np.float64


def test_frozen_parameters_get_no_gradient():
    model = TwoLayer()
    model.hidden.requires_grad_(False)
    model(mm.tensor(np.ones((2, 4), dtype=np.float32))).sum().backward()
    assert model.hidden.weight.grad is None and model.out.weight.grad is not None


def test_lambda_and_sequential_compose():
    model = nn.Sequential(nn.Lambda(lambda x: x * 2), nn.Flatten())
    out = model(mm.tensor(np.ones((2, 3, 4), dtype=np.float32)))
    assert out.shape == (2, 12) and out.array.max() == 2
    assert len(model) == 2 and isinstance(model[1], nn.Flatten)


def test_calling_a_module_without_forward_is_a_clear_error():
    with pytest.raises(TypeError, match="Module has no forward"):
        nn.Module()(mm.tensor([1.0]))
