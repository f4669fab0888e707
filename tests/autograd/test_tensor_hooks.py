"""register_hook and retain_grad behave as in PyTorch."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import RTOL, assert_close, pair


def run_with_hooks(x, upstream):
    """exp(3x) with two hooks on it: one records the gradient, one doubles it. Returns (recorded, x.grad)."""
    recorded = []
    hidden = (x * 3.0).exp()
    hidden.register_hook(lambda grad: recorded.append(grad * 1.0))
    hidden.register_hook(lambda grad: grad * 2.0)
    hidden.backward(upstream)
    return recorded[0], x.grad


def test_hook_sees_the_gradient_and_can_replace_it(rng):
    values = rng.standard_normal((3, 4))
    upstream = rng.standard_normal((3, 4))
    ours, theirs = pair(values)
    our_seen, our_grad = run_with_hooks(ours, mm.tensor(upstream))
    their_seen, their_grad = run_with_hooks(theirs, torch.tensor(upstream))
    assert_close(our_seen, their_seen, RTOL[np.float64], "gradient seen by the hook")
    assert_close(our_grad, their_grad, RTOL[np.float64], "x.grad after the doubling hook")


def test_hook_on_a_leaf_runs_before_accumulation_and_can_be_removed():
    weight = mm.tensor([1.0, 2.0], requires_grad=True)
    handle = weight.register_hook(lambda grad: grad * 0.0)
    (weight * 5.0).sum().backward()
    assert weight.grad.array.tolist() == [0.0, 0.0]
    handle.remove()
    (weight * 5.0).sum().backward()
    assert weight.grad.array.tolist() == [5.0, 5.0]


def test_hook_returning_a_wrong_shape_is_a_clear_error():
    x = mm.tensor([[1.0, 2.0]], requires_grad=True)
    y = x * 2.0
    y.register_hook(lambda grad: mm.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match=r"hook returned a gradient of shape \(3,\) for a tensor of shape \(1, 2\)"):
        y.sum().backward()


def test_hook_needs_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        mm.tensor([1.0]).register_hook(print)


def test_retain_grad_keeps_an_intermediate_gradient(rng):
    values = rng.standard_normal(5)
    ours, theirs = pair(values)
    our_hidden, their_hidden = ours.exp(), theirs.exp()
    our_hidden.retain_grad()
    their_hidden.retain_grad()
    (our_hidden * our_hidden).sum().backward()
    (their_hidden * their_hidden).sum().backward()
    assert_close(our_hidden.grad, their_hidden.grad, RTOL[np.float64], "retained grad")
    assert (ours * 2.0).grad is None
