"""SGD against torch.optim.SGD: the same small network, the same batches, 12 steps, every variant."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn
from minitorch_mnist.nn import functional as F
from parity import assert_close

VARIANTS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.02, momentum=0.5, weight_decay=5e-3, nesterov=True),
]


def small_nets(dtype):
    torch_net = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).to(dtype)
    ours = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(torch_to_numpy_dtype(dtype))
    ours.load_state_dict(torch_net.state_dict())
    return ours, torch_net


def torch_to_numpy_dtype(dtype):
    return {torch.float64: np.float64, torch.float32: np.float32}[dtype]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 2e-6)])
def test_sgd_matches_torch_over_12_steps(options, dtype, rtol):
    # float32: both frameworks do the same float32 operations in the same order except inside the
    # matmul reductions (different summation order), so parameters drift by a few ulps per step
    rng = np.random.default_rng(3)
    ours, theirs = small_nets(dtype)
    our_optimizer = mm.optim.SGD(ours.parameters(), **options)
    their_optimizer = torch.optim.SGD(theirs.parameters(), **options)
    for _ in range(12):
        x = rng.standard_normal((5, 6)).astype(torch_to_numpy_dtype(dtype))
        y = rng.integers(0, 3, size=5)
        our_optimizer.zero_grad()
        F.cross_entropy(ours(mm.tensor(x)), mm.tensor(y)).backward()
        our_optimizer.step()
        their_optimizer.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        their_optimizer.step()
    for (name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        assert ours_p.dtype == torch_to_numpy_dtype(dtype), f"{name} changed dtype"
        assert_close(ours_p, theirs_p, rtol, name)


def test_sgd_skips_parameters_without_gradient():
    frozen = mm.nn.Parameter(mm.tensor([1.0, 2.0]))
    optimizer = mm.optim.SGD([frozen], lr=0.1, momentum=0.9)
    optimizer.step()
    assert frozen.data.tolist() == [1.0, 2.0]


def test_sgd_parameter_groups_have_their_own_lr():
    a, b = mm.nn.Parameter(mm.tensor([1.0])), mm.nn.Parameter(mm.tensor([1.0]))
    optimizer = mm.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a * 1.0 + b * 1.0).sum().backward()
    optimizer.step()
    assert a.data.tolist() == pytest.approx([0.9]) and b.data.tolist() == pytest.approx([0.5])


@pytest.mark.parametrize("options, message", [
    (dict(lr=-1), "lr, momentum and weight_decay must be >= 0"),
    (dict(lr=0.1, nesterov=True), "Nesterov momentum requires"),
])
def test_sgd_rejects_bad_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        mm.optim.SGD([mm.nn.Parameter(mm.tensor([1.0]))], **options)


def test_sgd_rejects_empty_parameter_list():
    with pytest.raises(ValueError, match="empty parameter list"):
        mm.optim.SGD([], lr=0.1)
