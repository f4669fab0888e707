"""ModuleList and ModuleDict: registration (parameters, state_dict, train/eval), list/dict methods, PyTorch's reprs."""

from collections import OrderedDict

import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn


def build(m):
    layers = m.nn.ModuleList([m.nn.Linear(4, 4), m.nn.Linear(4, 4), m.nn.ReLU(), m.nn.Linear(4, 2)])
    heads = m.nn.ModuleDict(OrderedDict(relu=m.nn.ReLU(), out=m.nn.Linear(2, 3)))
    return layers, heads


def test_containers_print_as_torch_including_repeated_blocks():
    for ours, theirs in zip(build(mm), build(torch)):
        assert repr(ours) == repr(theirs)
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())


def test_containers_register_their_modules_for_parameters_state_dict_and_eval():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers, self.heads = build(mm)

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return self.heads["out"](self.heads["relu"](x))

    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers, self.heads = build(torch)

    ours, theirs = Net(), TorchNet()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 8
    ours.eval()
    assert not ours.layers[0].training and not ours.heads["out"].training
    assert ours(mm.randn(5, 4)).shape == (5, 3)


def test_module_list_behaves_as_a_list():
    layers = nn.ModuleList([nn.ReLU()])
    layers.append(nn.Tanh()).extend([nn.Sigmoid()])
    layers.insert(0, nn.Identity())
    layers += [nn.Softmax(dim=1)]
    assert [type(m).__name__ for m in layers] == ["Identity", "ReLU", "Tanh", "Sigmoid", "Softmax"]
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2 and type(layers[-1]) is nn.Softmax
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2", "3"] and type(layers[0]) is nn.ReLU
    layers[0] = nn.Identity()
    assert type(layers[0]) is nn.Identity
    with pytest.raises(IndexError):
        layers[10]
    with pytest.raises(TypeError, match="can only hold Modules"):
        layers.append(lambda x: x)


def test_module_dict_behaves_as_a_dict():
    heads = nn.ModuleDict({"a": nn.ReLU()})
    heads["b"] = nn.Tanh()
    heads.update([("c", nn.Sigmoid())])
    assert list(heads) == list(heads.keys()) == ["a", "b", "c"] and "b" in heads and len(heads) == 3
    assert type(heads.pop("a")) is nn.ReLU and list(heads) == ["b", "c"]
    del heads["b"]
    assert [name for name, _ in heads.items()] == ["c"]
    heads.clear()
    assert len(heads) == 0
