"""Edge cases found by trying the engine adversarially: each runs the same code in PyTorch and the engine and
expects the same answer, or the same exception type."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
import minitorch_mnist.nn.functional as F

NAN = float("nan")


def outcome(function):
    try:
        value = function()
    except Exception as error:  # noqa: BLE001 - the exception type is what is compared
        return "raises", type(error).__name__
    if isinstance(value, (mm.Tensor, torch.Tensor)):
        return "tensor", tuple(value.shape), np.asarray(value.detach().numpy(), dtype=np.float64).round(12).tolist()
    return "value", value


CASES = {
    "sum(dim=[])": lambda lib: lib.arange(12.0).reshape(3, 4).sum(dim=[]),
    "mean(dim=())": lambda lib: lib.arange(12.0).reshape(3, 4).mean(dim=()),
    "argmax(keepdim=True)": lambda lib: lib.arange(12.0).reshape(3, 4).argmax(keepdim=True),
    "t == None": lambda lib: lib.tensor([1.0, 2.0]) == None,  # noqa: E711 - the comparison is the point
    "t != None": lambda lib: lib.tensor([1.0, 2.0]) != None,  # noqa: E711
    "t == 'a'": lambda lib: lib.tensor([1.0, 2.0]) == "a",
    "broadcast mismatch +": lambda lib: lib.tensor([1.0, 2.0]) + lib.tensor([1.0, 2.0, 3.0]),
    "broadcast mismatch <": lambda lib: lib.tensor([1.0, 2.0]) < lib.tensor([1.0, 2.0, 3.0]),
    "in-place to a bigger shape": lambda lib: lib.zeros(3).add_(lib.ones(2, 3)),
    "max over an empty dim": lambda lib: lib.zeros(0, 3).max(0),
    "argmax over an empty dim": lambda lib: lib.zeros(0, 3).argmax(0),
    "softmax of integers": lambda lib: lib.tensor([1, 2]).softmax(0),
    "view of a column": lambda lib: lib.arange(12.0).reshape(3, 4)[:, 0].view(3),
    "view of a transpose": lambda lib: lib.arange(12.0).reshape(3, 4).t().view(4, 1, 3),
    "view that needs a copy": lambda lib: lib.arange(12.0).reshape(3, 4).t().view(12),
    "squeeze a tuple of dims": lambda lib: lib.zeros(1, 2, 1).squeeze((0, 2)),
    "bce with logits, integer target": lambda lib: (lib.nn.functional.binary_cross_entropy_with_logits(
        lib.tensor([[-2.0, 0.5, 3.0]]), lib.tensor([[0, 1, 1]]))),
}


@pytest.mark.parametrize("name", CASES)
def test_edge_case_answers_or_raises_as_torch(name):
    ours, theirs = outcome(lambda: CASES[name](mm)), outcome(lambda: CASES[name](torch))
    assert ours == theirs


@pytest.mark.parametrize("op", ["maximum", "minimum"])
@pytest.mark.parametrize("x, y", [([NAN, 2.0, 1.0], [1.0, NAN, 1.0]), ([3.0, -1.0, 2.0], [1.0, 5.0, 2.0])])
def test_maximum_and_minimum_send_gradients_where_nan_wins_and_split_ties_as_torch(op, x, y):
    grads = []
    for lib in (mm, torch):
        a, b = lib.tensor(x, dtype=lib.float64, requires_grad=True), lib.tensor(y, dtype=lib.float64, requires_grad=True)
        getattr(lib, op)(a, b).backward(lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64))
        grads.append((a.grad.numpy().tolist(), b.grad.numpy().tolist()))
    assert grads[0] == grads[1]


def test_clamp_with_tensor_bounds_passes_the_gradient_at_nan_as_torch():
    grads = []
    for lib in (mm, torch):
        x = lib.tensor([NAN, 1.0, -2.0], dtype=lib.float64, requires_grad=True)
        x.clamp(min=lib.tensor([0.0, 0.0, 0.0], dtype=lib.float64)).sum().backward()
        grads.append(x.grad.numpy().tolist())
    assert grads[0] == grads[1] == [1.0, 1.0, 0.0]


@pytest.mark.parametrize("assigned", ["wrong shape", "wrong dtype", "not a tensor"])
def test_assigning_a_grad_that_does_not_fit_raises_as_torch(assigned):
    for lib in (mm, torch):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        value = {"wrong shape": lambda: lib.tensor([1.0]), "wrong dtype": lambda: lib.tensor([1.0, 1.0], dtype=lib.float64),
                 "not a tensor": lambda: [1.0, 1.0]}[assigned]()
        with pytest.raises((RuntimeError, TypeError)):
            p.grad = value


def test_a_hook_that_changes_the_dtype_raises_as_torch():
    for lib in (mm, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda grad: grad.double())
        with pytest.raises(RuntimeError, match="changed the type of value"):
            y.sum().backward()


def test_data_of_a_leaf_that_requires_grad_must_stay_floating_as_in_torch():
    for lib in (mm, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="floating point"):
            x.data = lib.tensor([1, 2, 3])
        x.data = lib.tensor([5.0, 6.0, 7.0])  # a float of another shape is fine
        assert x.tolist() == [5.0, 6.0, 7.0]


def test_log_softmax_of_integers_raises_as_torch():
    with pytest.raises(NotImplementedError):
        torch.log_softmax(torch.tensor([1, 2]), 0)
    with pytest.raises(NotImplementedError, match="convert the input with .float"):
        F.log_softmax(mm.tensor([1, 2]), 0)
