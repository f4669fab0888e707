"""Module.register_forward_hook behaves as in PyTorch: hook(module, inputs, output), replacement, order, remove()."""

import numpy as np
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn
from parity import RTOL, assert_close


def test_hook_gets_the_module_the_positional_inputs_and_the_output(rng):
    layer = nn.Linear(3, 2)
    x = mm.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    seen = []
    layer.register_forward_hook(lambda module, inputs, output: seen.append((module, inputs, output)))
    y = layer(x)
    assert len(seen) == 1
    module, inputs, output = seen[0]
    assert module is layer and output is y
    assert isinstance(inputs, tuple) and len(inputs) == 1 and inputs[0] is x


def test_a_returned_value_replaces_the_output_and_the_next_layer_sees_it(rng):
    values = rng.standard_normal((4, 3))
    ours = nn.Sequential(nn.Linear(3, 3, dtype=np.float64), nn.ReLU())
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 3, dtype=torch.float64), torch.nn.ReLU())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    ours[0].register_forward_hook(lambda module, inputs, output: output * -2.0)
    theirs[0].register_forward_hook(lambda module, inputs, output: output * -2.0)
    assert_close(ours(mm.tensor(values)), theirs(torch.tensor(values)), RTOL[np.float64], "hooked output")


def test_gradients_flow_through_a_replaced_output(rng):
    layer = nn.Linear(3, 2, dtype=np.float64)
    layer.register_forward_hook(lambda module, inputs, output: output * 3.0)
    upstream = rng.standard_normal((4, 2))
    x = mm.tensor(rng.standard_normal((4, 3)))
    layer(x).backward(mm.tensor(upstream))
    assert_close(layer.bias.grad, 3.0 * upstream.sum(axis=0), RTOL[np.float64], "bias grad x3")


def test_hooks_run_in_registration_order_each_seeing_the_last_replacement():
    layer = nn.ReLU()
    order = []
    layer.register_forward_hook(lambda m, i, out: order.append(("first", out.item())) or out + 1.0)
    layer.register_forward_hook(lambda m, i, out: order.append(("second", out.item())) or out * 10.0)
    layer.register_forward_hook(lambda m, i, out: order.append(("prepended", out.item())), prepend=True)
    assert layer(mm.tensor(2.0)).item() == 30.0
    assert order == [("prepended", 2.0), ("first", 2.0), ("second", 3.0)]


def test_inner_modules_report_before_outer_ones_as_in_torch():
    def names_in_call_order(model):
        order = []
        for name, module in model.named_modules():
            module.register_forward_hook(lambda module, inputs, output, name=name: order.append(name))
        return order

    ours = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Linear(2, 1))
    theirs = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()), torch.nn.Linear(2, 1))
    our_order, their_order = names_in_call_order(ours), names_in_call_order(theirs)
    ours(mm.tensor(np.ones((1, 2), dtype=np.float32)))
    theirs(torch.ones(1, 2))
    assert our_order == their_order == ["0.0", "0.1", "0", "1", ""]


def test_remove_unregisters_and_is_idempotent():
    layer = nn.ReLU()
    calls = []
    handle = layer.register_forward_hook(lambda m, i, out: calls.append("a"))
    keep = layer.register_forward_hook(lambda m, i, out: calls.append("b"))
    layer(mm.tensor(1.0))
    handle.remove()
    handle.remove()  # a second remove does nothing
    layer(mm.tensor(1.0))
    keep.remove()
    layer(mm.tensor(1.0))
    assert calls == ["a", "b", "b"]


def test_a_hook_may_remove_itself_and_the_handle_is_a_context_manager():
    layer = nn.ReLU()
    calls = []
    handles = []
    handles.append(layer.register_forward_hook(lambda m, i, out: calls.append("once") or handles[0].remove()))
    layer.register_forward_hook(lambda m, i, out: calls.append("always"))
    layer(mm.tensor(1.0))
    layer(mm.tensor(1.0))
    assert calls == ["once", "always", "always"]
    with layer.register_forward_hook(lambda m, i, out: out * 0.0):
        assert layer(mm.tensor(5.0)).item() == 0.0
    assert layer(mm.tensor(5.0)).item() == 5.0


def test_hooks_are_not_state():
    layer = nn.Linear(2, 2)
    layer.register_forward_hook(lambda m, i, out: None)
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert [name for name, _ in layer.named_modules()] == [""]
