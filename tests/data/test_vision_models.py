"""vision.models against torchvision.models: the same repr and state_dict names and shapes, torchvision's weights
load into the engine's model, and the same outputs and input gradients (float64, random upstream gradient)."""

import numpy as np
import pytest
import torch
import torchvision.models as tv_models
from torchvision.models.vgg import cfgs, make_layers

import minitorch_mnist as mm
from minitorch_mnist.nn import functional as F
from minitorch_mnist.vision import models
from parity import assert_close


def same_structure(ours, theirs):
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def engine_copy(theirs, ours):
    """ours holding theirs' weights, both in float64."""
    theirs.double()
    ours.double().load_state_dict(theirs.state_dict())
    return ours


def forward_backward(module, x, grad, lib):
    inputs = lib.tensor(x, requires_grad=True)
    out = module(inputs)
    out.backward(lib.tensor(grad))
    return out, inputs.grad


@pytest.mark.parametrize("name", ["resnet18", "resnet34"])
def test_resnet_prints_and_names_its_weights_as_torchvision(name):
    same_structure(getattr(models, name)(), getattr(tv_models, name)())
    same_structure(models.resnet18(num_classes=10), tv_models.resnet18(num_classes=10))


@pytest.mark.parametrize("train", [False, True])
def test_resnet_body_computes_as_torchvision(train, rng):
    theirs = tv_models.resnet18()
    ours = engine_copy(theirs, models.resnet18())
    ours.train(train), theirs.train(train)

    def body(model, x):  # everything but the adaptive pool and fc
        x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        return model.layer4(model.layer3(model.layer2(model.layer1(x))))
    x, grad = rng.standard_normal((2, 3, 32, 32)), rng.standard_normal((2, 512, 1, 1))
    (out, x_grad), (expected, expected_grad) = (forward_backward(lambda v: body(ours, v), x, grad, mm),
                                                forward_backward(lambda v: body(theirs, v), x, grad, torch))
    # float64 through 17 convolutions and BatchNorms: rounding only, amplified by the normalisations
    assert_close(out, expected, 1e-9, "resnet18 body")
    assert_close(x_grad, expected_grad, 1e-9, "resnet18 body input gradient")


@pytest.mark.skipif(not hasattr(F, "adaptive_avg_pool2d"),
                    reason="nn.functional.adaptive_avg_pool2d (the models' pooling) is written by another branch")
def test_resnet18_forward_and_backward_equal_torchvision(rng):
    theirs = tv_models.resnet18(num_classes=10).eval()
    ours = engine_copy(theirs, models.resnet18(num_classes=10)).eval()
    x, grad = rng.standard_normal((2, 3, 32, 32)), rng.standard_normal((2, 10))
    (out, x_grad), (expected, expected_grad) = forward_backward(ours, x, grad, mm), forward_backward(theirs, x, grad,
                                                                                                    torch)
    assert_close(out, expected, 1e-9, "resnet18")
    assert_close(x_grad, expected_grad, 1e-9, "resnet18 input gradient")


@pytest.mark.parametrize("depth, batch_norm", [(11, True), (16, False)])
def test_vgg_features_print_and_compute_as_torchvision(depth, batch_norm, rng):
    theirs = make_layers(cfgs[{11: "A", 13: "B", 16: "D", 19: "E"}[depth]], batch_norm=batch_norm)
    ours = models._vgg_features(depth, batch_norm)
    same_structure(ours, theirs)
    engine_copy(theirs, ours).eval(), theirs.eval()
    x, grad = rng.standard_normal((1, 3, 32, 32)), rng.standard_normal((1, 512, 1, 1))
    (out, x_grad), (expected, expected_grad) = forward_backward(ours, x, grad, mm), forward_backward(theirs, x, grad,
                                                                                                    torch)
    assert_close(out, expected, 1e-9, "vgg features")
    assert_close(x_grad, expected_grad, 1e-9, "vgg features input gradient")


@pytest.mark.slow
def test_vgg16_prints_and_names_its_weights_as_torchvision():
    # slow: 138 million parameters in each framework (seconds and 1.5 GB to build both)
    same_structure(models.vgg16(), tv_models.vgg16())


def test_initialisation_is_torchvisions_and_pretrained_weights_are_refused():
    model = models.resnet18()
    assert all(np.all(m.weight.array == 1) and np.all(m.bias.array == 0) for m in model.modules()
               if isinstance(m, mm.nn.BatchNorm2d))
    weight = model.layer1[0].conv1.weight.array  # kaiming normal, fan_out = 64 * 3 * 3, gain sqrt(2)
    # the standard deviation of 36864 normal draws is within 2% of sqrt(2 / 576) but for a 6-sigma chance
    assert abs(weight.std() / np.sqrt(2 / 576) - 1) < 0.02
    assert not models.resnet18(zero_init_residual=True).layer1[0].bn2.weight.array.any()
    for weights in (models.ResNet18_Weights.DEFAULT, models.ResNet18_Weights.IMAGENET1K_V1, "IMAGENET1K_V1"):
        with pytest.raises(NotImplementedError, match="pretrained weights are not available"):
            models.resnet18(weights=weights)
    assert str(models.ResNet18_Weights.DEFAULT) == str(tv_models.ResNet18_Weights.DEFAULT)
