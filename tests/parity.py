"""Helpers the parity tests share: tolerances scaled to the tensor, engine <-> torch conversion, and the same
exception type as torch."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm


def assert_close(actual, expected, rtol, what=""):
    """max|actual - expected| <= rtol * max(1, max|expected|), with the numbers in the failure message."""
    actual = to_numpy(actual)
    expected = to_numpy(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    error = float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64)), initial=0.0))
    assert error <= rtol * scale, f"{what}: max abs error {error:.3g} > {rtol:.1g} * scale {scale:.3g}"


def to_numpy(value):
    if isinstance(value, mm.Tensor):
        return value.array
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def pair(array, requires_grad=True):
    """The same array as an engine tensor and a torch tensor (each its own copy)."""
    array = np.asarray(array)
    return (mm.tensor(array, requires_grad=requires_grad),
            torch.tensor(array.copy(), requires_grad=requires_grad))


# float64: only rounding differs; float32: a few ulps of the values involved, summed over the reduction
RTOL = {np.float64: 1e-10, np.float32: 1e-5}


def assert_same_accuracy(our_predictions, their_predictions, labels, what):
    """Two models trained by the same recipe but rounded differently (float32 sums in other orders on other CPUs
    and thread counts, or other dropout draws) are equally good when their correct counts differ by chance only.
    Only the d images on which their predictions differ can move the counts, each by one; if the two are equally
    good, which one is right there is a fair coin, so the difference has standard deviation sqrt(d) at most:
    allow 3 sqrt(d) (a 0.3% false alarm rate, on any CPU)."""
    ours, theirs, labels = (np.asarray(a).reshape(-1) for a in (our_predictions, their_predictions, labels))
    disagree = int((ours != theirs).sum())
    gap = abs(int((ours == labels).sum()) - int((theirs == labels).sum()))
    assert gap <= 3 * np.sqrt(disagree), f"{what}: correct counts differ by {gap} over {disagree} disagreements"


def outcome(fn):
    """What fn() gives: its value, or the type of the exception it raises (to compare two frameworks' answers)."""
    try:
        return fn()
    except Exception as error:  # noqa: BLE001 (the exception type is what is compared)
        return type(error)


def assert_raises_like_torch(call):
    """call(torch) raises, and call(mm) raises an exception of the same type."""
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(mm)
