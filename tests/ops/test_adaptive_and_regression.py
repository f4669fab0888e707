"""F.adaptive_avg_pool2d (windows that divide and that overlap), F.l1_loss, F.smooth_l1_loss (beta, reductions,
weight) and F.one_hot against PyTorch: values, gradients in float64 with random upstream gradients, central
differences, and the same exception types."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch_mnist.nn.functional as F
import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op

SIZES = [1, (1, 1), 2, (3, 2), (7, 7), (None, 2), (5, 4)]


@pytest.mark.parametrize("output_size", SIZES, ids=str)
@pytest.mark.parametrize("shape", [(2, 3, 8, 6), (3, 5, 7), (1, 1, 4, 4)], ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_avg_pool2d_matches_torch(shape, output_size, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    # float32: a window mean is at most 64 products of a value and 1/n, summed (a few ulps, as in avg_pool2d)
    check_op(lambda t: F.adaptive_avg_pool2d(t, output_size), lambda t: torch_F.adaptive_avg_pool2d(t, output_size),
             [x], rng, what=f"adaptive_avg_pool2d {output_size}")


def test_adaptive_avg_pool2d_passes_gradcheck_with_overlapping_windows(rng):
    gradcheck(lambda t: F.adaptive_avg_pool2d(t, (3, 2)), rng.standard_normal((1, 2, 5, 5)))


def test_adaptive_avg_pool2d_as_the_tutorials_use_it():
    """nn_tutorial: AdaptiveAvgPool2d(1) after the convolutions; resnet: (1, 1); vgg: (7, 7) from 14 x 14."""
    for lib in (mm, torch):
        functional = F if lib is mm else torch_F
        assert tuple(functional.adaptive_avg_pool2d(lib.ones(1, 2, 4, 4), 1).shape) == (1, 2, 1, 1)
        assert tuple(functional.adaptive_avg_pool2d(lib.ones(2, 8, 14, 14), (7, 7)).shape) == (2, 8, 7, 7)
        assert tuple(functional.adaptive_avg_pool2d(lib.ones(1, 2, 4, 4), 0).shape) == (1, 2, 0, 0)


@pytest.mark.parametrize("args", [((1, 2, 4, 4), -1), ((1, 4, 4, 4), (1, 2, 3)), ((1, 4, 4), (1, 2, 3)),
                                  ((1, 4, 4),)], ids=str)
def test_adaptive_avg_pool2d_errors_match_torch(args):
    shape, *size = args
    with pytest.raises(Exception) as expected:
        torch_F.adaptive_avg_pool2d(torch.ones(shape), *size)
    with pytest.raises(expected.type):
        F.adaptive_avg_pool2d(mm.ones(shape), *size)
    with pytest.raises(RuntimeError):
        torch_F.adaptive_avg_pool2d(torch.ones(1, 4, 4, dtype=torch.long), 1)
    with pytest.raises(RuntimeError):
        F.adaptive_avg_pool2d(mm.ones(1, 4, 4, dtype=mm.long), 1)


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0, 2.0])
def test_smooth_l1_loss_matches_torch(beta, reduction, rng):
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    check_op(lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=beta),
             lambda a, b: torch_F.smooth_l1_loss(a, b, reduction=reduction, beta=beta), [x, y], rng,
             what=f"smooth_l1_loss beta={beta}")
    gradcheck(lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=beta), x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_l1_loss_matches_torch_with_and_without_weight(reduction, rng):
    x, y, w = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)), rng.random((4, 5))
    check_op(lambda a, b: F.l1_loss(a, b, reduction=reduction), lambda a, b: torch_F.l1_loss(a, b, reduction=reduction),
             [x, y], rng, what="l1_loss")
    check_op(lambda a, b: F.l1_loss(a, b, reduction=reduction, weight=mm.tensor(w)),
             lambda a, b: torch_F.l1_loss(a, b, reduction=reduction, weight=torch.tensor(w)), [x, y], rng,
             what="l1_loss weight")


def test_regression_losses_take_the_legacy_reduction_and_warn_on_broadcasting_as_torch(rng):
    x, y = rng.standard_normal((4, 1)), rng.standard_normal(4)
    for lib, functional in ((mm, F), (torch, torch_F)):
        for name in ["l1_loss", "smooth_l1_loss", "mse_loss"]:
            with pytest.warns(UserWarning, match="target size"):
                getattr(functional, name)(lib.tensor(x), lib.tensor(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summed = functional.smooth_l1_loss(lib.tensor(x[:, 0]), lib.tensor(y), size_average=False)
        assert summed.item() == pytest.approx(torch_F.smooth_l1_loss(torch.tensor(x[:, 0]), torch.tensor(y),
                                                                     reduction="sum").item(), rel=1e-12)
        with pytest.raises(RuntimeError, match="negative values for beta"):
            functional.smooth_l1_loss(lib.tensor(y), lib.tensor(y), beta=-1.0)
        with pytest.raises(ValueError):
            functional.l1_loss(lib.tensor(y), lib.tensor(y), reduction="average")


def test_the_regression_example_trains_with_smooth_l1_loss_as_in_torch(rng):
    """pytorch/examples regression: output = F.smooth_l1_loss(fc(batch_x), batch_y), then backward."""
    x, y, w = rng.standard_normal((32, 4)), rng.standard_normal((32, 1)), rng.standard_normal((1, 4))
    grads = []
    for lib, functional in ((mm, F), (torch, torch_F)):
        weight = lib.tensor(w, requires_grad=True)
        loss = functional.smooth_l1_loss(lib.tensor(x) @ weight.T, lib.tensor(y))
        loss.backward()
        grads.append(np.asarray(weight.grad.tolist()))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_one_hot_matches_torch_and_its_errors():
    for values, classes in [([0, 2, 1], 3), ([[0, 1], [3, 2]], -1), (1, 4), ([], 3)]:
        ours = F.one_hot(mm.tensor(values, dtype=mm.int64), classes)
        theirs = torch_F.one_hot(torch.tensor(values, dtype=torch.int64), classes)
        assert ours.dtype == theirs.numpy().dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours.array, theirs.numpy())
    for values, classes in [([0.0, 1.0], 3), ([-1], 3), ([3], 3), ([], -1)]:
        with pytest.raises(RuntimeError):
            torch_F.one_hot(torch.tensor(values), classes)
        with pytest.raises(RuntimeError):
            F.one_hot(mm.tensor(values), classes)
