"""Layers take PyTorch's arguments in PyTorch's positions (device and dtype included), so subclasses that call
super().__init__(...) positionally work; dtype=None means the default dtype; PyTorch's argument checks raise its
exception types, and values the engine cannot compute raise NotImplementedError naming them."""

import inspect

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from op_parity import check_op
from parity import outcome

LAYERS = ["Linear", "Conv2d", "BatchNorm1d", "BatchNorm2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Dropout",
          "Dropout2d", "LeakyReLU", "ReLU", "Flatten", "Unflatten", "Softmax", "LogSoftmax", "Embedding"]


@pytest.mark.parametrize("name", LAYERS)
def test_constructor_parameters_are_torchs_in_order_with_the_same_defaults(name):
    def parameters(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()]
    assert parameters(getattr(mm.nn, name)) == parameters(getattr(torch.nn, name))


def test_forward_forward_layer_subclass_passes_device_and_dtype_positionally():
    # examples/mnist_forward_forward: class Layer(nn.Linear) calling super().__init__(in, out, bias, device, dtype)
    def build(m):
        class Layer(m.nn.Linear):
            def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
                super().__init__(in_features, out_features, bias, device, dtype)
                self.relu = m.nn.ReLU()

        layer = Layer(4, 3, True, "cpu", m.float64)
        return repr(layer), layer.weight.dtype == m.float64, tuple(layer.bias.shape)
    assert build(mm) == build(torch)


@pytest.mark.parametrize("make", [
    lambda m, **kw: m.nn.Linear(2, 3, **kw), lambda m, **kw: m.nn.Conv2d(1, 2, 3, **kw),
    lambda m, **kw: m.nn.BatchNorm1d(3, **kw), lambda m, **kw: m.nn.BatchNorm2d(3, **kw)])
def test_dtype_none_is_the_default_dtype_and_device_may_be_the_cpu(make):
    for m in (mm, torch):
        assert all(t.dtype == m.float32 for t in make(m, dtype=None).state_dict().values() if t.is_floating_point())
        assert make(m, device="cpu", dtype=m.float64).weight.dtype == m.float64
        assert make(m, device=m.device("cpu")).weight.dtype == m.float32
    previous = mm.get_default_dtype()
    try:
        mm.set_default_dtype(mm.float64)
        assert make(mm).weight.dtype == mm.float64
    finally:
        mm.set_default_dtype(previous)
    with pytest.raises(RuntimeError, match="cuda"):
        make(mm, device="cuda")


def test_batch_norm_positional_arguments_reach_the_same_attributes():
    def build(m):
        layer = m.nn.BatchNorm2d(4, 1e-3, 0.3, True, False, None, m.float64, bias=False)
        return repr(layer), layer.bias is None, layer.running_mean is None, layer.weight.dtype == m.float64
    assert build(mm) == build(torch)


@pytest.mark.parametrize("kwargs", [dict(groups=0), dict(groups=2, in_channels=3), dict(groups=2, out_channels=3),
                                    dict(padding="full"), dict(padding="same", stride=2), dict(padding_mode="mirror")])
def test_conv2d_argument_checks_raise_torchs_value_error(kwargs):
    arguments = dict(in_channels=2, out_channels=4, kernel_size=3) | kwargs
    assert outcome(lambda: mm.nn.Conv2d(**arguments)) is outcome(lambda: torch.nn.Conv2d(**arguments)) is ValueError


@pytest.mark.parametrize("make", [
    lambda nn: nn.Conv2d(2, 4, 3, dilation=2), lambda nn: nn.Conv2d(2, 4, 3, 1, 1, 1, 2),
    lambda nn: nn.Conv2d(2, 4, 3, padding_mode="reflect"), lambda nn: nn.Conv2d(2, 4, 2, padding="same"),
    lambda nn: nn.MaxPool2d(2, dilation=2), lambda nn: nn.MaxPool2d(2, return_indices=True),
    lambda nn: nn.AvgPool2d(3, 1, 1, count_include_pad=False), lambda nn: nn.AvgPool2d(2, divisor_override=3)])
def test_what_the_engine_cannot_compute_raises_not_implemented_naming_it(make):
    make(torch.nn)  # torch supports it
    with pytest.raises(NotImplementedError, match="not supported by the engine"):
        make(mm.nn)


def test_conv2d_padding_strings_compute_as_torch(rng):
    x = rng.standard_normal((2, 2, 7, 6))
    for padding in ["same", "valid"]:
        torch.manual_seed(0)
        theirs = torch.nn.Conv2d(2, 3, (3, 5), padding=padding, dtype=torch.float64)
        ours = mm.nn.Conv2d(2, 3, (3, 5), padding=padding, dtype=mm.float64)
        ours.load_state_dict(theirs.state_dict())
        out, expected = ours(mm.tensor(x)), theirs(torch.tensor(x))
        assert tuple(out.shape) == tuple(expected.shape)
        # float64 sums of 30 products: rounding only
        np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(1, 1, 6, 6), (1, 1, 7, 7), (2, 3, 5, 8), (1, 2, 9, 4)])
@pytest.mark.parametrize("make", [lambda nn: nn.MaxPool2d(2, 2, ceil_mode=True),
                                  lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True),
                                  lambda nn: nn.MaxPool2d((3, 2), (2, 3), ceil_mode=True)])
def test_max_pool_ceil_mode_matches_torch_forward_and_backward(shape, make, rng):
    # float64, values distinct with probability 1: every window has one maximum, routing is exact
    check_op(make(mm.nn), make(torch.nn), [rng.standard_normal(shape)], rng, what="MaxPool2d ceil_mode")


@pytest.mark.parametrize("shape", [(1, 1, 6, 6), (1, 1, 7, 7), (2, 3, 5, 8)])
def test_avg_pool_ceil_mode_computes_where_it_changes_nothing_and_refuses_where_it_would(shape, rng):
    x = rng.standard_normal(shape)
    expected = torch.nn.AvgPool2d(2, ceil_mode=True)(torch.tensor(x))
    if tuple(torch.nn.AvgPool2d(2)(torch.tensor(x)).shape) != tuple(expected.shape):
        with pytest.raises(NotImplementedError, match="ceil_mode=True"):
            mm.nn.AvgPool2d(2, ceil_mode=True)(mm.tensor(x))
    else:  # float64: a mean of 4 only rounds
        np.testing.assert_allclose(mm.nn.AvgPool2d(2, ceil_mode=True)(mm.tensor(x)).array, expected.numpy(),
                                   rtol=1e-14, atol=1e-15)
