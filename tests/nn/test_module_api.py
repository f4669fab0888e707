"""Module's PyTorch API: apply, buffers (persistent or not), the named_* walks and their signatures, attribute
assignment by kind, get_submodule, train(mode) and state_dict's keywords. Each test runs the same code on
torch.nn and on the engine's nn and compares what it prints, returns or raises."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import outcome


class Net:
    """The same small model in either framework; `m` is torch or minitorch_mnist."""

    @staticmethod
    def build(m):
        class Block(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = m.nn.Conv2d(1, 2, 3)
                self.norm = m.nn.BatchNorm2d(2)
                self.register_buffer("scale", m.ones(2))
                self.register_buffer("cache", m.zeros(3), persistent=False)

        class Model(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.block = Block()
                shared = m.nn.Linear(2, 2)
                self.head = m.nn.Sequential(shared, m.nn.ReLU(), shared)
                self.register_buffer("steps", m.zeros(1))

        return Model()


def names(pairs):
    return [name for name, _ in pairs]


def test_named_walks_give_torch_names_order_and_deduplication():
    ours, theirs = Net.build(mm), Net.build(torch)
    for walk in [lambda m: names(m.named_modules()), lambda m: names(m.named_modules(remove_duplicate=False)),
                 lambda m: names(m.named_modules(None, "net")), lambda m: names(m.named_children()),
                 lambda m: names(m.named_parameters()), lambda m: names(m.named_parameters("p", False)),
                 lambda m: names(m.named_parameters(remove_duplicate=False)),
                 lambda m: names(m.named_buffers()), lambda m: names(m.named_buffers("b", True)),
                 lambda m: names(m.block.named_buffers(recurse=False)), lambda m: len(list(m.modules())),
                 lambda m: len(list(m.children())), lambda m: len(list(m.buffers())),
                 lambda m: len(list(m.parameters()))]:
        assert walk(ours) == walk(theirs)


def test_state_dict_leaves_out_non_persistent_buffers_and_takes_prefix_and_keep_vars():
    ours, theirs = Net.build(mm), Net.build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert "block.cache" not in ours.state_dict()
    assert list(ours.state_dict(prefix="model.")) == list(theirs.state_dict(prefix="model."))
    kept = ours.state_dict(keep_vars=True)
    assert kept["block.conv.weight"] is ours.block.conv.weight
    assert not ours.state_dict()["block.conv.weight"].requires_grad
    destination = {}
    assert ours.state_dict(destination=destination) is destination and list(destination) == list(theirs.state_dict())
    # the non-persistent buffer is neither expected nor accepted by load_state_dict, as in torch
    fresh = Net.build(mm)
    fresh.load_state_dict(ours.state_dict())
    with pytest.raises(RuntimeError, match="Unexpected key"):
        fresh.load_state_dict({**ours.state_dict(), "block.cache": mm.zeros(3)})


def test_apply_visits_children_first_and_returns_the_module():
    for m in (mm, torch):
        model = Net.build(m)
        seen = []
        assert model.apply(lambda module: seen.append(type(module).__name__)) is model
        if m is mm:
            ours = seen
        else:
            assert ours == seen
    # the tutorials' use: re-initialise every Linear
    model = Net.build(mm)

    def init_weights(module):
        if isinstance(module, mm.nn.Linear):
            mm.nn.init.zeros_(module.weight)

    model.apply(init_weights)
    assert not model.head[0].weight.array.any()


def test_register_buffer_checks_as_torch():
    def attempts(m):
        layer = m.nn.Linear(2, 2)
        return [outcome(lambda: layer.register_buffer(1, m.zeros(1))),
                outcome(lambda: layer.register_buffer("a.b", m.zeros(1))),
                outcome(lambda: layer.register_buffer("", m.zeros(1))),
                outcome(lambda: layer.register_buffer("bias", m.zeros(1))),
                outcome(lambda: layer.register_buffer("c", [1.0])),
                outcome(lambda: layer.register_buffer("d", None)),
                sorted(layer._buffers)]
    assert attempts(mm) == attempts(torch)


def test_assigning_to_a_registered_name_keeps_its_kind_as_torch():
    def attempts(m):
        layer = m.nn.Linear(2, 2)
        layer.register_buffer("counts", m.zeros(2))
        results = [outcome(lambda: setattr(layer, "weight", m.zeros(2, 2))),  # a plain tensor is no Parameter
                   outcome(lambda: setattr(layer, "weight", 3)),
                   outcome(lambda: setattr(layer, "counts", [1])),
                   outcome(lambda: setattr(layer, "counts", m.ones(3)))]
        results.append(("counts" in layer._buffers, tuple(layer.counts.shape), "counts" in layer.state_dict()))
        layer.bias = None  # stays registered, as an absent parameter
        results.append((list(layer._parameters), layer.bias, list(layer.state_dict())))
        sequential = m.nn.Sequential(m.nn.ReLU())
        results.append(outcome(lambda: setattr(sequential, "0", 3)))
        sequential[0] = m.nn.Tanh()
        results.append(repr(sequential))
        return results
    assert attempts(mm) == attempts(torch)


def test_get_submodule_get_parameter_get_buffer_and_add_module_checks():
    def attempts(m):
        model = Net.build(m)
        return [type(model.get_submodule("block.conv")).__name__, model.get_submodule("") is model,
                outcome(lambda: model.get_submodule("block.nothing")),
                tuple(model.get_parameter("head.0.weight").shape), outcome(lambda: model.get_parameter("head.0.x")),
                tuple(model.get_buffer("block.norm.running_mean").shape),
                outcome(lambda: model.add_module("a.b", m.nn.ReLU())), outcome(lambda: model.add_module("c", 3)),
                outcome(lambda: model.add_module("block", m.nn.ReLU())) is None,
                outcome(lambda: model.add_module("steps", m.nn.ReLU()))]
    assert attempts(mm) == attempts(torch)


def test_train_wants_a_bool_and_module_init_takes_no_arguments():
    for m in (mm, torch):
        with pytest.raises(ValueError, match="training mode is expected to be boolean"):
            m.nn.Linear(1, 1).train(1)
    model = Net.build(mm).train(False)
    assert not any(module.training for module in model.modules())
    assert all(module.training for module in model.train().modules())


def test_buffers_move_with_to_and_a_reassigned_buffer_is_still_saved():
    model = Net.build(mm).double()
    assert model.steps.dtype == np.float64 and model.block.cache.dtype == np.float64
    model.steps = model.steps + 1  # a new tensor under a buffer's name stays the buffer (torch's rule)
    assert model.state_dict()["steps"].item() == 1.0
