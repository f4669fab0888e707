"""Adadelta and AdamW against torch.optim step by step (float64), their state_dict round trip, flags and versions
(their invalid hyperparameters: test_optimizer_options.py)."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import assert_close

CASES = [
    ("Adadelta", {}), ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)), ("AdamW", {}), ("AdamW", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.3)),
    ("AdamW", dict(weight_decay=0)), ("AdamW", dict(amsgrad=True)), ("AdamW", dict(maximize=True, weight_decay=0.1)),
]


def parameters(rng, dtype=np.float64):
    """Two parameters of different shapes, as engine and torch leaves holding the same values."""
    arrays = [rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal(4).astype(dtype)]
    return ([mm.tensor(a.copy(), requires_grad=True) for a in arrays],
            [torch.tensor(a.copy(), requires_grad=True) for a in arrays])


def run_steps(ours, theirs, params, torch_params, rng, steps, dtype=np.float64):
    for step in range(steps):
        for p, q in zip(params, torch_params):
            grad = rng.standard_normal(p.shape).astype(dtype)
            p.grad, q.grad = mm.tensor(grad), torch.tensor(grad)
        ours.step()
        theirs.step()
        for p, q in zip(params, torch_params):
            assert_close(p, q, 1e-10 if dtype == np.float64 else 1e-6, f"step {step + 1}")


def step_alongside_torch(name, options, rng, steps):
    """The engine's and torch's optimizer `name(**options)` on the same parameters, compared by run_steps for `steps`
    steps: (ours, torch's)."""
    params, torch_params = parameters(rng)
    ours = getattr(mm.optim, name)(params, **options)
    theirs = getattr(torch.optim, name)(torch_params, **options)
    run_steps(ours, theirs, params, torch_params, rng, steps)
    return ours, theirs


@pytest.mark.parametrize("name, options", CASES, ids=[f"{n}{o}" for n, o in CASES])
def test_optimizer_matches_torch_step_by_step(name, options, rng):
    step_alongside_torch(name, options, rng, steps=6)


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_optimizer_keeps_float32_parameters_float32_and_close_to_torch(name, rng):
    params, torch_params = parameters(rng, np.float32)
    ours, theirs = getattr(mm.optim, name)(params), getattr(torch.optim, name)(torch_params)
    run_steps(ours, theirs, params, torch_params, rng, steps=4, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in params)
    assert all(v.dtype == np.float32 for state in ours.state.values() for v in state.values()
               if isinstance(v, np.ndarray))


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_defaults_are_torchs(name, rng):
    params, torch_params = parameters(rng)
    ours, theirs = getattr(mm.optim, name)(params), getattr(torch.optim, name)(torch_params)
    expected = theirs.defaults
    for key, value in ours.defaults.items():
        if key in expected:
            assert value == expected[key], key
    assert {"lr", "eps", "weight_decay"} <= set(ours.defaults)


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_parameter_groups_use_their_own_hyperparameters(name, rng):
    params, torch_params = parameters(rng)
    ours = getattr(mm.optim, name)([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.3}], weight_decay=0.05)
    theirs = getattr(torch.optim, name)([{"params": [torch_params[0]]}, {"params": [torch_params[1]], "lr": 0.3}],
                                         weight_decay=0.05)
    run_steps(ours, theirs, params, torch_params, rng, steps=3)
    assert [g["weight_decay"] for g in ours.param_groups] == [0.05, 0.05]  # AdamW restores what its step hides


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_state_dict_round_trip_continues_exactly(name, rng):
    params, torch_params = parameters(rng)
    ours, theirs = getattr(mm.optim, name)(params, lr=0.1), getattr(torch.optim, name)(torch_params, lr=0.1)
    run_steps(ours, theirs, params, torch_params, rng, steps=2)
    saved = ours.state_dict()
    assert sorted(saved["state"][0]) == sorted(theirs.state_dict()["state"][0])
    resumed = getattr(mm.optim, name)(params, lr=999.0)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.1
    run_steps(resumed, theirs, params, torch_params, rng, steps=2)


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_step_bumps_the_version_and_skips_parameters_without_gradients(name, rng):
    params, _ = parameters(rng)
    optimizer = getattr(mm.optim, name)(params)
    params[0].grad = mm.tensor(rng.standard_normal(params[0].shape))
    before = [p._version for p in params], params[1].array.copy()
    optimizer.step()
    assert params[0]._version > before[0][0]
    assert params[1]._version == before[0][1] and np.array_equal(params[1].array, before[1])


@pytest.mark.parametrize("name", ["Adadelta", "AdamW"])
def test_flags_the_engine_cannot_honour_raise_and_the_others_are_kept(name, rng):
    params, torch_params = parameters(rng)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        getattr(mm.optim, name)(params, differentiable=True)
    # torch refuses capturable=True for CPU parameters (an AssertionError, at its first step)
    with pytest.raises(AssertionError, match="capturable=True"):
        getattr(mm.optim, name)(params, capturable=True)
    ours, theirs = getattr(mm.optim, name)(params, foreach=True), getattr(torch.optim, name)(torch_params, foreach=True)
    assert ours.defaults == theirs.defaults and repr(ours) == repr(theirs)
