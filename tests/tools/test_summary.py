"""summary(model, input_size) prints what torchsummary prints for the PyTorch twin, character for character;
summary_text(model, input_shape) gives the engine's table as a string: checked against the twins' parameters and
the output shapes that forward hooks on the twins record."""

import contextlib
import io

import numpy as np
import pytest
import torch
import torchsummary

import minitorch_mnist as mm
from minitorch_mnist import models
from minitorch_mnist.summary import layer_summaries, summary, summary_text
from reference import models as torch_models

MB = 1024.0**2


def torch_leaf_outputs(model, input_shape, batch_size=2):
    """(type name, [-1, *output shape]) for every leaf-module call of a torch model, in call order."""
    calls = []

    def record(module, inputs, output):
        calls.append((type(module).__name__, [-1] + list(output.shape[1:])))

    leaves = [module for module in model.modules() if next(module.children(), None) is None]
    handles = [module.register_forward_hook(record) for module in leaves]
    model.eval()
    with torch.no_grad():
        model(torch.zeros((batch_size,) + input_shape))
    for handle in handles:
        handle.remove()
    return calls


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_layers_and_totals_match_the_torch_twin(name):
    input_shape = models.MODEL_INPUTS[name]
    ours, theirs = models.MODELS[name](), torch_models.MODELS[name]()
    rows = layer_summaries(ours, input_shape)
    expected = torch_leaf_outputs(theirs, input_shape)
    assert [(row.layer.rsplit("-", 1)[0], row.output_shape) for row in rows] == expected
    assert [row.layer for row in rows] == [f"{kind}-{index}" for index, (kind, _) in enumerate(expected, start=1)]

    total = sum(p.numel() for p in theirs.parameters())
    text = summary_text(ours, input_shape)
    assert f"Total params: {total:,}\n" in text
    assert f"Trainable params: {total:,}\n" in text
    assert "Non-trainable params: 0\n" in text
    # the rows of a model whose layers are each called once add up to the total
    if len({row.module_name for row in rows}) == len(rows):
        assert sum(row.params for row in rows) == total


def test_lenet_table_and_sizes():
    text = summary_text(models.LeNet(), (1, 28, 28))
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    assert lines[3].split() == ["Conv2d-1", "[-1,", "6,", "26,", "26]", "60"]  # 6 * 1 * 3 * 3 + 6
    assert lines[9].split() == ["Linear-7", "[-1,", "120]", "48,120"]  # 400 * 120 + 120
    # sizes for one sample in float32, as torchsummary computes them
    outputs = sum(np.prod(shape[1:]) for _, shape in torch_leaf_outputs(torch_models.LeNet(), (1, 28, 28)))
    input_mb, activations_mb, params_mb = 28 * 28 * 4 / MB, 2 * outputs * 4 / MB, 60074 * 4 / MB
    assert f"Input size (MB): {input_mb:.2f}\n" in text
    assert f"Forward/backward pass size (MB): {activations_mb:.2f}\n" in text
    assert f"Params size (MB): {params_mb:.2f}\n" in text
    assert f"Estimated Total Size (MB): {input_mb + activations_mb + params_mb:.2f}\n" in text


def test_a_frozen_layer_counts_as_non_trainable():
    model = models.LeNet()
    model.conv1.requires_grad_(False)
    text = summary_text(model, (1, 28, 28))
    assert "Total params: 60,074\n" in text
    assert "Trainable params: 60,014\n" in text
    assert "Non-trainable params: 60\n" in text  # conv1: 54 weights + 6 biases


def test_buffers_are_not_parameters():
    model = mm.nn.Sequential(mm.nn.Linear(4, 3), mm.nn.BatchNorm1d(3))
    text = summary_text(model, (4,))
    assert "Total params: 21\n" in text  # 4*3 + 3 + BatchNorm's weight and bias; running stats are buffers


def test_each_modules_training_flag_is_restored_and_the_model_is_unchanged():
    model = models.CifarAlexNet()
    model.classifier.eval()  # mixed modes must come back exactly as they were
    before = {name: module.training for name, module in model.named_modules()}
    state = {name: value.clone() for name, value in model.state_dict().items()}
    summary_text(model, (3, 32, 32))
    assert {name: module.training for name, module in model.named_modules()} == before
    for name, value in model.state_dict().items():  # eval mode: running statistics untouched
        np.testing.assert_array_equal(value, state[name], err_msg=name)
    assert all(not module._forward_hooks for module in model.modules())  # hooks removed
    assert mm.is_grad_enabled()


def test_modes_and_hooks_are_restored_when_the_forward_pass_fails():
    model = models.LeNet()
    with pytest.raises(RuntimeError, match="conv2d"):
        summary_text(model, (3, 28, 28))  # LeNet takes one channel
    assert model.training and all(module.training for module in model.modules())
    assert all(not module._forward_hooks for module in model.modules())


def test_a_leaf_model_and_a_shared_layer():
    assert layer_summaries(mm.nn.Linear(5, 2), (5,))[0][:3] == ("Linear-1", "", [-1, 2])
    shared = mm.nn.ReLU()
    rows = layer_summaries(mm.nn.Sequential(mm.nn.Linear(5, 2), shared, shared), (5,))
    assert [(row.layer, row.module_name) for row in rows] == [("Linear-1", "0"), ("ReLU-2", "1"), ("ReLU-3", "1")]


def test_float64_doubles_the_byte_counts():
    model = mm.nn.Linear(256, 256).double()
    text = summary_text(model, (256,), dtype=np.float64)
    assert f"Params size (MB): {(256 * 256 + 256) * 8 / MB:.2f}\n" in text


@pytest.mark.parametrize("bad", [(0, 28), (1.5,), ("1",)])
def test_bad_input_shapes_are_named(bad):
    with pytest.raises(ValueError, match="input_shape"):
        summary_text(models.MnistMLP(), bad)


# ---- summary: torchsummary's printed table ----

def printed(function, *args, **kwargs):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert function(*args, **kwargs) is None, "like torchsummary, summary prints and returns None"
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(models.MODELS))
@pytest.mark.parametrize("batch_size", [-1, 16])
def test_summary_prints_what_torchsummary_prints_for_the_twin(name, batch_size):
    input_shape = models.MODEL_INPUTS[name]
    expected = printed(torchsummary.summary, torch_models.MODELS[name](), input_shape, batch_size=batch_size,
                       device="cpu")
    assert printed(summary, models.MODELS[name](), input_shape, batch_size=batch_size, device="cpu") == expected
    assert printed(mm.summary, models.MODELS[name](), input_shape, batch_size) == expected  # the default, "cuda"


def block_model(lib):
    """The same code in both frameworks: a custom container module (a row of its own in torchsummary, after its
    children), a reused ReLU (two rows) and a frozen last layer (non-trainable)."""

    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.act = lib.nn.Linear(6, 4), lib.nn.ReLU()

        def forward(self, x):
            return self.act(self.act(self.fc(x)))

    model = lib.nn.Sequential(Block(), lib.nn.Linear(4, 3))
    model[1].weight.requires_grad_(False)
    return model


def test_summary_counts_a_custom_container_and_frozen_layers_as_torchsummary_does():
    text = printed(summary, block_model(mm), (6,), device="cpu")
    assert text == printed(torchsummary.summary, block_model(torch), (6,), device="cpu")
    assert "Block-4" in text and "Non-trainable params: 15" in text


def test_summary_checks_the_device_as_torchsummary():
    with pytest.raises(ValueError, match="please specify 'cuda' or 'cpu'"):
        summary(models.LeNet(), (1, 28, 28), device="tpu")
