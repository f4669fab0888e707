"""The optimizer options PyTorch's tutorials and examples pass: Adam's amsgrad, maximize, weight_decay and
decoupled_weight_decay, SGD's maximize, RMSprop and Adagrad with all their options; each against torch.optim step by
step in float64 with random gradients, with torch's constructor signatures, defaults, param_groups keys, repr,
state_dict round trip, and flags (foreach, fused accepted; differentiable, capturable refused); and torch's ValueError
for an invalid hyperparameter of RMSprop, Adagrad, Adadelta and AdamW."""

import inspect

import pytest
import torch

import minitorch_mnist as mm
from parity import outcome
from test_adadelta_adamw import parameters, run_steps, step_alongside_torch

CASES = [
    ("Adam", dict(amsgrad=True)), ("Adam", dict(amsgrad=True, weight_decay=0.1, lr=0.05)),
    ("Adam", dict(maximize=True)), ("Adam", dict(maximize=True, amsgrad=True, weight_decay=0.01)),
    ("Adam", dict(weight_decay=0.2, decoupled_weight_decay=True)), ("Adam", dict(foreach=False, fused=False)),
    ("SGD", dict(lr=0.1, maximize=True)), ("SGD", dict(lr=0.1, momentum=0.9, maximize=True, weight_decay=0.01)),
    ("RMSprop", {}), ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(momentum=0.9)), ("RMSprop", dict(centered=True)),
    ("RMSprop", dict(centered=True, momentum=0.5, maximize=True)),
    ("Adagrad", {}), ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("Adagrad", dict(initial_accumulator_value=0.5, eps=1e-6, maximize=True)),
]
NAMES = ["SGD", "Adam", "AdamW", "Adadelta", "RMSprop", "Adagrad"]


@pytest.mark.parametrize("name, options", CASES, ids=[f"{n}{o}" for n, o in CASES])
def test_optimizer_matches_torch_step_by_step(name, options, rng):
    ours, theirs = step_alongside_torch(name, options, rng, steps=8)

    def state_names(optimizer):
        return {index: sorted(buffers) for index, buffers in optimizer.state_dict()["state"].items()}
    assert state_names(ours) == state_names(theirs)


@pytest.mark.parametrize("name, options", [("Adam", dict(amsgrad=True, lr=0.05)), ("RMSprop", dict(centered=True,
                                           momentum=0.5)), ("Adagrad", dict(lr_decay=0.1))])
def test_state_dict_round_trip_continues_exactly(name, options, rng):
    params, torch_params = parameters(rng)
    ours, theirs = getattr(mm.optim, name)(params, **options), getattr(torch.optim, name)(torch_params, **options)
    run_steps(ours, theirs, params, torch_params, rng, steps=3)
    saved = ours.state_dict()
    resumed = getattr(mm.optim, name)(params, lr=999.0)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0] == {**ours.param_groups[0], "params": params}
    run_steps(resumed, theirs, params, torch_params, rng, steps=3)


@pytest.mark.parametrize("name", NAMES)
def test_constructor_signature_defaults_param_groups_and_repr_are_torchs(name, rng):
    def parameters_of(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()][2:]
    ours_cls, theirs_cls = getattr(mm.optim, name), getattr(torch.optim, name)
    assert parameters_of(ours_cls) == parameters_of(theirs_cls)
    params, torch_params = parameters(rng)
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.5}]
    ours = ours_cls(groups, weight_decay=0.01)
    theirs = theirs_cls([{"params": torch_params[:1]}, {"params": torch_params[1:], "lr": 0.5}], weight_decay=0.01)
    assert ours.defaults == theirs.defaults
    assert [sorted(group) for group in ours.param_groups] == [sorted(group) for group in theirs.param_groups]
    assert repr(ours) == repr(theirs)
    assert ([{k: v for k, v in g.items() if k != "params"} for g in ours.state_dict()["param_groups"]]
            == [{k: v for k, v in g.items() if k != "params"} for g in theirs.state_dict()["param_groups"]])


def test_a_scheduler_s_initial_lr_shows_in_the_repr_as_in_torch(rng):
    params, torch_params = parameters(rng)
    ours, theirs = mm.optim.SGD(params, lr=0.1, momentum=0.9), torch.optim.SGD(torch_params, lr=0.1, momentum=0.9)
    mm.optim.lr_scheduler.StepLR(ours, 2)
    torch.optim.lr_scheduler.StepLR(theirs, 2)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", NAMES)
def test_flags_are_accepted_or_refused_as_torch(name, rng):
    params, torch_params = parameters(rng)
    fused = name in ("SGD", "Adam", "AdamW", "Adagrad")
    both = [dict(foreach=True), dict(foreach=False), dict(foreach=None)] + ([dict(fused=False)] if fused else [])
    for flags in both:
        ours, theirs = getattr(mm.optim, name)(params, **flags), getattr(torch.optim, name)(torch_params, **flags)
        assert ours.defaults == theirs.defaults
    if fused:
        assert outcome(lambda: getattr(mm.optim, name)(params, foreach=True, fused=True)) is RuntimeError
        assert outcome(lambda: getattr(torch.optim, name)(torch_params, foreach=True, fused=True)) is RuntimeError
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        getattr(mm.optim, name)(params, differentiable=True)


INVALID = [("RMSprop", dict(lr=-1)), ("RMSprop", dict(eps=-1)), ("RMSprop", dict(momentum=-1)),
           ("RMSprop", dict(weight_decay=-1)), ("RMSprop", dict(alpha=-1)), ("Adagrad", dict(lr=-1)),
           ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(weight_decay=-1)),
           ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)), ("Adadelta", dict(lr=-1)),
           ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)), ("Adadelta", dict(weight_decay=-1)),
           ("AdamW", dict(lr=-1)), ("AdamW", dict(betas=(1.0, 0.9))), ("AdamW", dict(eps=-1)),
           ("AdamW", dict(weight_decay=-1))]


@pytest.mark.parametrize("name, options", INVALID, ids=[f"{n}{o}" for n, o in INVALID])
def test_invalid_hyperparameters_raise_torchs_value_error(name, options, rng):
    params, torch_params = parameters(rng)
    with pytest.raises(ValueError) as ours:
        getattr(mm.optim, name)(params, **options)
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)(torch_params, **options)
    assert str(ours.value) == str(theirs.value)


def test_zero_grad_sets_to_none_by_default_and_add_param_group_as_torch(rng):
    assert (inspect.signature(mm.optim.Optimizer.zero_grad).parameters["set_to_none"].default
            == inspect.signature(torch.optim.Optimizer.zero_grad).parameters["set_to_none"].default)
    params, torch_params = parameters(rng)
    ours, theirs = mm.optim.Adam(params[:1], lr=0.01), torch.optim.Adam(torch_params[:1], lr=0.01)
    ours.add_param_group({"params": params[1:], "lr": 0.1, "amsgrad": True})
    theirs.add_param_group({"params": torch_params[1:], "lr": 0.1, "amsgrad": True})
    assert repr(ours) == repr(theirs)
    run_steps(ours, theirs, params, torch_params, rng, steps=4)
    ours.zero_grad()
    assert all(p.grad is None for p in params)
