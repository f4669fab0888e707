"""In-place arithmetic on tensors of the graph (y += 1, y.mul_(x), acc += w), recorded as PyTorch records it:
the same values, gradients and grad_fn names in both frameworks, the same refusals where a saved value was
changed, and the engine's one documented refusal (a view of the changed memory in the graph)."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import RTOL, assert_close


def chain(lib, x_np, w_np, upstream):
    """Every recorded in-place op in a row; returns y, acc and the leaves after backward."""
    x, w = lib.tensor(x_np, requires_grad=True), lib.tensor(w_np, requires_grad=True)
    y = x * 2
    y += 1
    y *= x
    y -= w
    y /= 3
    y.add_(w, alpha=2)
    y.sub_(x, alpha=0.5)
    y.mul_(w)
    y.div_(x + 4)
    acc = lib.zeros(x_np.shape, dtype=lib.float64)  # needs no grad, then joins the graph through w
    acc += w * x
    ((y * lib.tensor(upstream)).sum() + (acc * acc).sum()).backward()
    return y, acc, x, w


def test_in_place_arithmetic_in_the_graph_matches_torch(rng):
    x_np, w_np, upstream = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    ours, theirs = chain(mm, x_np, w_np, upstream), chain(torch, x_np, w_np, upstream)
    for a, b, what in zip(ours, theirs, ["y", "acc", "x", "w"]):
        assert_close(a, b, RTOL[np.float64], what)
    for a, b, what in zip(ours[2:], theirs[2:], ["x.grad", "w.grad"]):
        assert_close(a.grad, b.grad, RTOL[np.float64], what)
    assert ours[0].grad_fn.name() == theirs[0].grad_fn.name() == "DivBackward0"
    assert ours[1].grad_fn.name() == theirs[1].grad_fn.name() == "AddBackward0"
    assert not ours[1].is_leaf and ours[1].requires_grad


def residual_block(lib, x_np, weight_np):
    """torchvision's ResNet block writes `out = bn2(conv2(...)); out += identity; out = relu(out)`."""
    x = lib.tensor(x_np, requires_grad=True)
    weight = lib.tensor(weight_np, requires_grad=True)
    out = x @ weight  # a product saves its inputs, not its output, so the output may change in place
    out += x
    out = lib.relu(out)
    out.sum().backward()
    return out, x.grad, weight.grad


def test_a_residual_sum_in_place_trains_as_in_torch(rng):
    x_np, weight_np = rng.standard_normal((5, 6)), rng.standard_normal((6, 6))
    for a, b in zip(residual_block(mm, x_np, weight_np), residual_block(torch, x_np, weight_np)):
        assert_close(a, b, RTOL[np.float64])


def test_a_float32_tensor_keeps_its_dtype_when_a_float64_operand_joins(rng):
    results = []
    for lib in (mm, torch):
        y = lib.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True) * 1
        w = lib.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
        y += w
        y.sum().backward()
        results.append((str(y.dtype), w.grad.numpy().tolist()))
    assert results[0] == results[1]


@pytest.mark.parametrize("lib", [mm, torch], ids=["engine", "torch"])
def test_changing_a_value_the_graph_saved_still_refuses_backward(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()  # sigmoid saves its output
    y += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("lib", [mm, torch], ids=["engine", "torch"])
def test_a_leaf_that_requires_grad_is_refused(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x += 1


def test_a_view_in_the_graph_is_the_engines_one_refusal():
    # PyTorch re-derives the view's history (CopySlices); the engine says it does not, instead of a wrong gradient
    x = mm.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    view = y[:2]
    with pytest.raises(RuntimeError, match="shares its memory with a view in the graph"):
        y *= 3
    assert view.requires_grad


def test_plain_writes_into_a_graph_tensor_name_what_is_supported():
    y = mm.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="arithmetic only"):
        y.fill_(0)
