"""The four tutorial models: same parameters as the PyTorch twins, same logits, loss and gradients."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import models
from minitorch_mnist.nn import functional as F
from parity import RTOL, assert_close
from reference import interop
from reference import models as torch_models

MNIST_NAMES = ["MnistLogistic", "MnistMLP", "MnistCNN", "LeNet"]
NAMES = MNIST_NAMES + ["CifarAlexNet"]


def twins(name, dtype):
    """A PyTorch model (torch's own init) and the engine model loaded with its weights by state_dict."""
    theirs = getattr(torch_models, name)().to({np.float64: torch.float64, np.float32: torch.float32}[dtype])
    ours = getattr(models, name)().to(dtype)
    interop.torch_to_engine(theirs, ours)
    return ours, theirs


@pytest.mark.parametrize("name", NAMES)
def test_parameter_names_and_shapes_match_the_reference(name):
    ours, theirs = getattr(models, name)(), getattr(torch_models, name)()
    assert [(n, p.shape) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert [(n, v.shape, v.dtype) for n, v in ours.state_dict().items()] == \
        [(n, tuple(v.shape), v.numpy().dtype) for n, v in theirs.state_dict().items()]
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())


@pytest.mark.parametrize("name", MNIST_NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_batch_loss_and_every_gradient_match_torch(name, dtype, rng):
    ours, theirs = twins(name, dtype)
    images = rng.standard_normal((7, 1, 28, 28)).astype(dtype)
    labels = rng.integers(0, 10, size=7)
    our_logits = ours(mm.tensor(images))
    our_loss = F.cross_entropy(our_logits, mm.tensor(labels))
    our_loss.backward()
    their_logits = theirs(torch.from_numpy(images))
    their_loss = torch.nn.functional.cross_entropy(their_logits, torch.from_numpy(labels))
    their_loss.backward()
    # float32: sums of up to 784 products in another order; a few hundred ulps of the activations
    rtol = RTOL[np.float64] if dtype == np.float64 else 2e-5
    assert our_logits.shape == (7, 10) and our_logits.dtype == dtype
    assert_close(our_logits, their_logits, rtol, "logits")
    assert_close(our_loss, their_loss, rtol, "loss")
    for (param_name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(ours_p.grad, theirs_p.grad, rtol, f"{name}.{param_name}.grad")


@pytest.mark.parametrize("name", ["MnistLogistic", "MnistMLP"])
def test_flat_input_gives_the_same_logits(name, rng):
    model = getattr(models, name)()
    images = rng.standard_normal((3, 1, 28, 28)).astype(np.float32)
    square = model(mm.tensor(images)).array
    flat = model(mm.tensor(images.reshape(3, 784))).array
    assert np.array_equal(square, flat)


@pytest.mark.parametrize("name", NAMES)
def test_interop_round_trip_is_exact(name):
    ours = getattr(models, name)()
    theirs = interop.engine_to_torch(ours, getattr(torch_models, name)())
    back = interop.torch_to_engine(theirs, getattr(models, name)())
    for key, value in ours.state_dict().items():
        assert np.array_equal(back.state_dict()[key], value), key
        assert np.array_equal(theirs.state_dict()[key].numpy(), value), key


def test_interop_rejects_mismatched_models():
    with pytest.raises(RuntimeError, match="parameter names differ"):
        interop.engine_to_torch(models.LeNet(), torch_models.MnistMLP())


def test_lenet_rejects_flat_input_with_a_clear_error():
    with pytest.raises(RuntimeError, match="conv2d"):
        models.LeNet()(mm.tensor(np.zeros((2, 784), dtype=np.float32)))


def without_dropout(model):
    """Dropout masks come from each framework's own RNG; p = 0 makes training mode comparable."""
    for module in model.modules():
        if type(module).__name__ == "Dropout":
            module.p = 0.0
    return model


@pytest.mark.parametrize("training", [True, False], ids=["train-mode", "eval-mode"])
def test_cifar_alexnet_matches_torch_in_both_modes(training, rng):
    ours, theirs = twins("CifarAlexNet", np.float64)
    ours.train(training)
    theirs.train(training)
    without_dropout(ours)
    without_dropout(theirs)
    images = rng.standard_normal((4, 3, 32, 32))
    labels = rng.integers(0, 10, size=4)
    our_loss = F.cross_entropy(ours(mm.tensor(images)), mm.tensor(labels))
    our_loss.backward()
    their_loss = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(images)), torch.from_numpy(labels))
    their_loss.backward()
    assert_close(our_loss, their_loss, RTOL[np.float64], "loss")
    for (name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(ours_p.grad, theirs_p.grad, 1e-9, f"CifarAlexNet.{name}.grad")
    for name, value in theirs.state_dict().items():  # running statistics moved alike in train mode
        assert_close(ours.state_dict()[name], value, RTOL[np.float64], name)
