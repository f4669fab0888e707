"""log_softmax, nll_loss and cross entropy (the two together) against PyTorch, and their input checks."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from minitorch_mnist.ops.activation import LogSoftmax
from minitorch_mnist.ops.loss import NLLLoss
from op_parity import check_op

# float64 compares at RTOL 1e-10; float32 at RTOL 1e-5 of max(1, |expected|): exp, log and a sum of
# at most 10 terms, each rounded by each framework in its own way
DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]


def cross_entropy(logits, target, reduction="mean"):
    """The engine's cross entropy: log_softmax over the classes, then the negative log-likelihood."""
    return NLLLoss.apply(LogSoftmax.apply(logits, dim=1), target, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, dim", [((1, 10), 1), ((7, 10), 1), ((7, 10), -1), ((3, 4, 5), 1), ((3, 4, 5), -1)],
                         ids=str)
def test_log_softmax_matches_torch(shape, dim, dtype, rng):
    x = (3 * rng.standard_normal(shape)).astype(dtype)
    check_op(lambda t: LogSoftmax.apply(t, dim=dim), lambda t: torch_F.log_softmax(t, dim=dim), [x], rng)


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_softmax_of_large_inputs_stays_finite_and_matches_torch(dtype, rng):
    """exp(1000) overflows: the max must be subtracted first."""
    x = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.5], [0.0, 1000.0, 1000.0]], dtype=dtype)
    out = check_op(lambda t: LogSoftmax.apply(t, dim=1), lambda t: torch_F.log_softmax(t, dim=1), [x], rng)
    assert np.isfinite(out.array).all()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_log_softmax_passes_gradcheck(dim, rng):
    gradcheck(lambda t: LogSoftmax.apply(t, dim=dim), rng.standard_normal((3, 5)))


def classification_batch(batch, classes, dtype, rng):
    """Log-probabilities of shape (batch, classes) and integer targets, every class possible."""
    logits = rng.standard_normal((batch, classes))
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return logp.astype(dtype), rng.integers(0, classes, batch)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [1, 7])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_torch(reduction, batch, dtype, rng):
    logp, target = classification_batch(batch, 10, dtype, rng)
    check_op(lambda t: NLLLoss.apply(t, mm.tensor(target), reduction=reduction),
             lambda t: torch_F.nll_loss(t, torch.tensor(target), reduction=reduction), [logp], rng)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [1, 7])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_log_softmax_then_nll_loss_matches_torch_cross_entropy(reduction, batch, dtype, rng):
    logits = (3 * rng.standard_normal((batch, 10))).astype(dtype)
    target = rng.integers(0, 10, batch)
    check_op(lambda t: cross_entropy(t, mm.tensor(target), reduction),
             lambda t: torch_F.cross_entropy(t, torch.tensor(target), reduction=reduction), [logits], rng)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_and_cross_entropy_pass_gradcheck(reduction, rng):
    logits, target = rng.standard_normal((4, 5)), mm.tensor(np.array([4, 0, 2, 4]))
    gradcheck(lambda t: NLLLoss.apply(t, target, reduction=reduction), logits)
    gradcheck(lambda t: cross_entropy(t, target, reduction), logits)


def test_nll_loss_rejects_a_float_target_naming_its_dtype():
    with pytest.raises(RuntimeError, match="target must hold integer class indices, got dtype float32"):
        NLLLoss.apply(mm.tensor(np.zeros((2, 3))), mm.tensor([0.0, 1.0]))


@pytest.mark.parametrize("bad_class", [10, -1])
def test_nll_loss_rejects_an_out_of_range_class_naming_it_and_the_count(bad_class):
    with pytest.raises(IndexError, match=rf"target {bad_class} is out of bounds for 10 classes"):
        NLLLoss.apply(mm.tensor(np.zeros((3, 10))), mm.tensor([0, bad_class, 9]))


def test_nll_loss_rejects_a_target_of_the_wrong_shape():
    message = re.escape("target shape (3, 1) does not match input shape (3, 10) (expected (3,))")
    with pytest.raises(RuntimeError, match=message):
        NLLLoss.apply(mm.tensor(np.zeros((3, 10))), mm.tensor([[0], [1], [2]]))


def test_nll_loss_rejects_a_0d_input_as_torch_does():
    """A 1-D input (C,) is one sample, as in PyTorch; a 0-d input has no class dim (PyTorch's ValueError)."""
    with pytest.raises(ValueError, match=r"Expected 1 or more dimensions \(got 0\)"):
        NLLLoss.apply(mm.tensor(0.5), mm.tensor(0))
    with pytest.raises(ValueError):
        torch_F.nll_loss(torch.tensor(0.5), torch.tensor(0))


def test_nll_loss_rejects_an_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be one of .*got 'average'"):
        NLLLoss.apply(mm.tensor(np.zeros((2, 3))), mm.tensor([0, 1]), reduction="average")
