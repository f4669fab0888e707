"""MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR, LinearLR, ConstantLR and OneCycleLR
against torch.optim.lr_scheduler: every group's lr (and OneCycleLR's momentum or beta1) after every step must be
exactly torch's, since both compute the same floating-point operations in the same order; state_dict resumes."""

import json
import warnings

import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.optim import lr_scheduler
from parity import outcome
from test_lr_scheduler import lrs_of, optimizers


class Halving:
    """A callable object: its attributes go into state_dict (a plain function's do not)."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, epoch):
        return self.base ** (epoch // 3)


SCHEDULES = {
    "MultiStepLR": lambda m, o: m.optim.lr_scheduler.MultiStepLR(o, milestones=[3, 7, 7, 20], gamma=0.3),
    "ExponentialLR": lambda m, o: m.optim.lr_scheduler.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda m, o: m.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10),
    "CosineAnnealingLR-eta_min": lambda m, o: m.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "LambdaLR": lambda m, o: m.optim.lr_scheduler.LambdaLR(o, lambda epoch: 0.95 ** epoch),
    "LambdaLR-per-group": lambda m, o: m.optim.lr_scheduler.LambdaLR(o, [lambda e: 1 / (e + 1), Halving()]),
    "MultiplicativeLR": lambda m, o: m.optim.lr_scheduler.MultiplicativeLR(o, lambda epoch: 0.97),
    "LinearLR": lambda m, o: m.optim.lr_scheduler.LinearLR(o),
    "LinearLR-down": lambda m, o: m.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12),
    "ConstantLR": lambda m, o: m.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_matches_torch_exactly_for_40_epochs(name):
    ours, theirs = optimizers()
    our_scheduler, their_scheduler = SCHEDULES[name](mm, ours), SCHEDULES[name](torch, theirs)
    assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr()
    for epoch in range(1, 41):
        ours.step()
        theirs.step()
        our_scheduler.step()
        their_scheduler.step()
        assert our_scheduler.last_epoch == their_scheduler.last_epoch == epoch
        assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr() == lrs_of(ours) == lrs_of(theirs), epoch


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_goes_through_json_and_resumes_the_schedule(name):
    ours, theirs = optimizers()
    our_scheduler, their_scheduler = SCHEDULES[name](mm, ours), SCHEDULES[name](torch, theirs)
    for _ in range(5):
        ours.step()
        theirs.step()
        our_scheduler.step()
        their_scheduler.step()
    saved = json.loads(json.dumps(our_scheduler.state_dict(), default=dict))  # Counter -> dict, int keys -> str
    resumed_optimizer, _ = optimizers()
    resumed = SCHEDULES[name](mm, resumed_optimizer)  # a checkpoint's order: build both, then load both
    resumed_optimizer.load_state_dict(ours.state_dict())
    resumed.load_state_dict(saved)
    for _ in range(10):
        resumed.step()
        their_scheduler.step()
        assert resumed.get_last_lr() == their_scheduler.get_last_lr()


def test_a_callable_object_keeps_its_attributes_in_state_dict_as_in_torch():
    ours, theirs = optimizers()
    saved = [SCHEDULES["LambdaLR-per-group"](m, o).state_dict()["lr_lambdas"] for m, o in ((mm, ours), (torch, theirs))]
    assert saved[0] == saved[1] == [None, {"base": 0.5}]


ONE_CYCLE = [dict(max_lr=0.1, total_steps=30), dict(max_lr=[0.2, 0.05], epochs=3, steps_per_epoch=10, pct_start=0.25),
             dict(max_lr=0.1, total_steps=40, anneal_strategy="linear", three_phase=True),
             dict(max_lr=0.1, total_steps=25, cycle_momentum=False, div_factor=10.0, final_div_factor=100.0),
             dict(max_lr=0.1, total_steps=20, base_momentum=0.8, max_momentum=0.9)]


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("options", ONE_CYCLE, ids=[str(o) for o in ONE_CYCLE])
def test_one_cycle_lr_and_momentum_match_torch_at_every_batch(options, optimizer):
    def build(m):
        groups = [{"params": [m.nn.Parameter(m.zeros(2))], "lr": 0.1}, {"params": [m.nn.Parameter(m.zeros(2))]}]
        extra = dict(momentum=0.9) if optimizer == "SGD" else {}
        opt = getattr(m.optim, optimizer)(groups, lr=0.01, **extra)
        return opt, m.optim.lr_scheduler.OneCycleLR(opt, **options)
    (ours, our_scheduler), (theirs, their_scheduler) = build(mm), build(torch)
    momentum = "momentum" if optimizer == "SGD" else "betas"
    total = options.get("total_steps") or options["epochs"] * options["steps_per_epoch"]
    for step in range(total):
        assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr(), step
        assert [g[momentum] for g in ours.param_groups] == [g[momentum] for g in theirs.param_groups], step
        ours.step()
        theirs.step()
        our_scheduler.step()
        their_scheduler.step()
    assert outcome(our_scheduler.step) is outcome(their_scheduler.step) is ValueError  # past total_steps


@pytest.mark.parametrize("name, kwargs", [
    ("OneCycleLR", dict(max_lr=0.1)), ("OneCycleLR", dict(max_lr=0.1, total_steps=0)),
    ("OneCycleLR", dict(max_lr=0.1, epochs=2, steps_per_epoch=0)), ("OneCycleLR", dict(max_lr=0.1, total_steps=9,
                                                                                      pct_start=1)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=9, anneal_strategy="step")), ("LinearLR", dict(start_factor=0)),
    ("LinearLR", dict(end_factor=2)), ("ConstantLR", dict(factor=2)), ("LambdaLR", dict(lr_lambda=[abs])),
    ("MultiplicativeLR", dict(lr_lambda=3))])
def test_argument_errors_are_torchs(name, kwargs):
    ours, theirs = optimizers()
    with pytest.raises((ValueError, TypeError)) as our_error:
        getattr(lr_scheduler, name)(ours, **kwargs)
    with pytest.raises((ValueError, TypeError)) as their_error:
        getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
    assert type(our_error.value) is type(their_error.value) and str(our_error.value) == str(their_error.value)


def test_stepping_the_scheduler_before_the_optimizer_warns_as_torch():
    messages = []
    for m, optimizer in zip((mm, torch), optimizers()):
        scheduler = m.optim.lr_scheduler.ExponentialLR(optimizer, 0.9)
        with pytest.warns(UserWarning) as caught:
            scheduler.step()
        messages.append([str(w.message) for w in caught])
        optimizer.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scheduler.step()  # once the optimizer has stepped: no warning
    assert messages[0] == messages[1] and "before `optimizer.step()`" in messages[0][0]
