"""sigmoid, tanh and softmax (ops, F.*, torch.*, Tensor methods, layers) against PyTorch, and the layers' reprs."""

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch_mnist as mm
import minitorch_mnist.nn.functional as F
from minitorch_mnist import nn
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op

DTYPES = [np.float64, np.float32]

ACTIVATIONS = {
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "softmax dim 1": (lambda t: F.softmax(t, dim=1), lambda t: torch_F.softmax(t, dim=1)),
    "softmax dim 0": (lambda t: mm.softmax(t, 0), lambda t: torch.softmax(t, 0)),
    "log_softmax dim -1": (lambda t: t.log_softmax(-1), lambda t: t.log_softmax(-1)),
    "Tensor.softmax": (lambda t: t.softmax(-1), lambda t: t.softmax(-1)),
    "Sigmoid layer": (nn.Sigmoid(), torch.nn.Sigmoid()),
    "Tanh layer": (nn.Tanh(), torch.nn.Tanh()),
    "Softmax layer": (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_torch(name, dtype, rng):
    ours, theirs = ACTIVATIONS[name]
    check_op(ours, theirs, [(3 * rng.standard_normal((4, 5))).astype(dtype)], rng, what=name)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax dim 1", "softmax dim 0"])
def test_activation_passes_gradcheck(name, rng):
    gradcheck(ACTIVATIONS[name][0], rng.standard_normal((3, 4)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_and_softmax_of_huge_inputs_stay_finite_and_match_torch(dtype, rng):
    x = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow on the way (underflow to 0 is fine)
        check_op(F.sigmoid, torch.sigmoid, [x], rng, what="sigmoid")
        check_op(lambda t: F.softmax(t, 1), lambda t: torch.softmax(t, 1), [x], rng, what="softmax")


def test_softmax_of_a_3d_batch_along_each_dim_matches_torch(rng):
    x = rng.standard_normal((2, 3, 4))
    for dim in (0, 1, 2, -1):
        check_op(lambda t: t.softmax(dim), lambda t: t.softmax(dim), [x], rng, what=f"softmax dim {dim}")


@pytest.mark.parametrize("shape", [(5,), (2, 5), (2, 3, 4), (2, 3, 4, 5)], ids=str)
def test_softmax_without_dim_warns_and_picks_torchs_dim(shape, rng):
    x = rng.standard_normal(shape)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        ours = F.softmax(mm.tensor(x))
    with pytest.warns(UserWarning):
        theirs = torch_F.softmax(torch.tensor(x))
    np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning, match="log_softmax"):
        F.log_softmax(mm.tensor(x))


def test_softmax_dtype_argument_casts_first_as_torch():
    x = np.arange(4.0, dtype=np.float32)
    assert F.softmax(mm.tensor(x), 0, dtype=mm.float64).dtype == np.float64
    assert mm.log_softmax(mm.tensor(x), 0, dtype=mm.float64).dtype == np.float64


def test_identity_returns_its_input_and_ignores_arguments():
    x = mm.randn(2, 3)
    assert nn.Identity(54, unused="x")(x) is x


LAYERS = [
    (nn.Sigmoid(), torch.nn.Sigmoid()), (nn.Tanh(), torch.nn.Tanh()), (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
    (nn.Softmax(), torch.nn.Softmax()), (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
    (nn.LogSoftmax(), torch.nn.LogSoftmax()), (nn.Identity(), torch.nn.Identity()), (nn.ReLU(), torch.nn.ReLU()),
    (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
]


@pytest.mark.parametrize("ours, theirs", LAYERS, ids=lambda layer: repr(layer))
def test_layer_repr_matches_torch(ours, theirs):
    assert repr(ours) == repr(theirs)
