"""The learning-rate schedulers against torch.optim.lr_scheduler: StepLR, ReduceLROnPlateau, MultiStepLR,
ExponentialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR, LinearLR, ConstantLR and OneCycleLR. Every group's lr
(and OneCycleLR's momentum or beta1) after every step must be exactly torch's, since both compute the same
floating-point operations in the same order; state_dict must resume a schedule."""

import json
import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau, StepLR
from parity import outcome


def optimizers(lrs=(0.1, 0.03), momentum=0.9):
    """(ours, torch's): SGD with one parameter group per lr; nothing is trained, only lrs are read."""
    ours = mm.optim.SGD([{"params": [mm.nn.Parameter(mm.tensor(np.zeros(2)))], "lr": lr} for lr in lrs],
                        lr=lrs[0], momentum=momentum)
    theirs = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs],
                             lr=lrs[0], momentum=momentum)
    return ours, theirs


def lrs_of(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def step_both(ours, theirs, our_scheduler, their_scheduler, epochs):
    """Step both optimizers (a scheduler stepped before its optimizer warns), then both fresh schedulers, `epochs`
    times: after each epoch, the same last_epoch and the same lr in every group."""
    for epoch in range(1, epochs + 1):
        ours.step()
        theirs.step()
        our_scheduler.step()
        their_scheduler.step()
        assert our_scheduler.last_epoch == their_scheduler.last_epoch == epoch
        assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr() == lrs_of(ours) == lrs_of(theirs), epoch


def plateau_metrics(length, seed, mode="min"):
    """A loss-like curve: falls, then flat stretches (exact repeats and noise below the threshold), then
    small improvements, then a rise; negated for mode='max'."""
    rng = np.random.default_rng(seed)
    falling = 2.0 * 0.85 ** np.arange(length // 3)
    flat = np.full(length // 6, falling[-1]) + rng.choice([0.0, 1e-6, -1e-6], length // 6)
    slow = falling[-1] - 0.02 * np.arange(1, length // 6 + 1) + rng.normal(0, 0.01, length // 6)
    rest = slow[-1] + np.abs(rng.normal(0, 0.05, length - len(falling) - len(flat) - len(slow))).cumsum()
    values = np.concatenate([falling, flat, slow, rest])
    return [float(v) for v in (values if mode == "min" else -values)]


# ---------------------------------------------------------------- StepLR

@pytest.mark.parametrize("step_size, gamma", [(1, 0.9), (3, 0.1), (7, 0.5), (10, 0.3), (60, 0.1)])
def test_steplr_matches_torch_for_50_epochs(step_size, gamma):
    ours, theirs = optimizers()
    our_scheduler = StepLR(ours, step_size, gamma)
    their_scheduler = torch.optim.lr_scheduler.StepLR(theirs, step_size, gamma)
    assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr() == [0.1, 0.03]
    step_both(ours, theirs, our_scheduler, their_scheduler, 50)
    assert lrs_of(ours)[0] == pytest.approx(0.1 * gamma ** (50 // step_size))


def test_steplr_state_dict_matches_torch_and_resumes():
    ours, theirs = optimizers()
    our_scheduler, their_scheduler = StepLR(ours, 4, 0.5), torch.optim.lr_scheduler.StepLR(theirs, 4, 0.5)
    step_both(ours, theirs, our_scheduler, their_scheduler, 10)
    saved = our_scheduler.state_dict()
    their_saved = their_scheduler.state_dict()
    assert saved == {key: their_saved[key] for key in saved}  # ours: the keys it uses; torch adds bookkeeping
    saved_optimizer = ours.state_dict()
    assert [group["initial_lr"] for group in saved_optimizer["param_groups"]] == [0.1, 0.03]  # as in torch

    # resume as torch's docs say: optimizer and scheduler made fresh, then optimizer state, then scheduler state
    saved = json.loads(json.dumps(saved))
    resumed_optimizer, _ = optimizers()
    resumed = StepLR(resumed_optimizer, 4, 0.5)
    resumed_optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved)
    for _ in range(30):
        resumed.step()
        our_scheduler.step()
        assert resumed.get_last_lr() == our_scheduler.get_last_lr() == lrs_of(resumed_optimizer)


def test_steplr_loads_torchs_state_dict():
    ours, theirs = optimizers()
    their_scheduler = torch.optim.lr_scheduler.StepLR(theirs, 3, 0.2)
    for _ in range(5):
        theirs.step()
        their_scheduler.step()
    our_scheduler = StepLR(ours, 3, 0.2)
    for group, lr in zip(ours.param_groups, lrs_of(theirs)):
        group["lr"] = lr
    our_scheduler.load_state_dict(their_scheduler.state_dict())
    for _ in range(20):
        our_scheduler.step()
        their_scheduler.step()
        assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr()


def test_steplr_errors():
    with pytest.raises(TypeError, match="StepLR: list is not an Optimizer"):
        StepLR([], 3)
    ours, _ = optimizers()
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        StepLR(ours, 0)
    with pytest.raises(KeyError, match=r"param_groups\[0\] has no 'initial_lr', needed to resume at last_epoch=5"):
        StepLR(ours, 3, last_epoch=5)
    scheduler = StepLR(ours, 3)
    with pytest.raises(KeyError, match=r"the saved state lacks \['gamma'\]"):
        scheduler.load_state_dict({"step_size": 2, "base_lrs": [0.1, 0.03], "last_epoch": 1, "_last_lr": [0.1, 0.03]})
    assert scheduler.step_size == 3 and isinstance(scheduler, LRScheduler)


# ---------------------------------------------------------------- ReduceLROnPlateau

PLATEAU_VARIANTS = [
    dict(),
    dict(patience=2),
    dict(patience=1, cooldown=3),
    dict(patience=0, factor=0.5, min_lr=0.01),              # reaches min_lr, then the eps rule stops changes
    dict(patience=2, factor=0.5, min_lr=[0.02, 0.001]),     # one min_lr per group
    dict(patience=1, threshold=0.05, threshold_mode="abs"),
    dict(patience=2, threshold=0.1, cooldown=2),
    dict(patience=0, factor=0.9, eps=1e-3, min_lr=0.0),     # eps larger than some reductions
    dict(mode="max", patience=2),
    dict(mode="max", patience=1, threshold=0.02, threshold_mode="abs", cooldown=1),
    dict(mode="max", patience=3, threshold=0.2, factor=0.3),
]


@pytest.mark.parametrize("options", PLATEAU_VARIANTS,
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "defaults")
@pytest.mark.parametrize("seed", [0, 1])
def test_reduce_lr_on_plateau_matches_torch_for_60_epochs(options, seed):
    metrics = plateau_metrics(60, seed, options.get("mode", "min"))
    ours, theirs = optimizers()
    our_scheduler = ReduceLROnPlateau(ours, **options)
    their_scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **options)
    history = []
    for epoch, metric in enumerate(metrics, start=1):
        our_scheduler.step(metric)
        their_scheduler.step(metric)
        assert lrs_of(ours) == lrs_of(theirs) == our_scheduler.get_last_lr() == their_scheduler.get_last_lr(), epoch
        for name in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
            assert getattr(our_scheduler, name) == getattr(their_scheduler, name), f"epoch {epoch}: {name}"
        history.append(lrs_of(ours)[0])
    assert len(set(history)) > 1, "this metric sequence should make the scheduler reduce the lr at least once"


def test_reduce_lr_on_plateau_takes_tensors_and_counts_exact_repeats_as_bad():
    ours, _ = optimizers(lrs=(1.0,))
    scheduler = ReduceLROnPlateau(ours, patience=2, factor=0.5)
    for metric in [mm.tensor(3.0), np.float64(3.0), torch.tensor(3.0), 3.0]:
        scheduler.step(metric)
    # epoch 1 sets best = 3; epochs 2, 3, 4 repeat it: the third bad epoch exceeds patience=2
    assert scheduler.best == 3.0 and scheduler.get_last_lr() == [0.5] and scheduler.num_bad_epochs == 0


@pytest.mark.parametrize("mode, metrics", [("min", [2.0, 1.5, 1.75, 1.5]), ("max", [-2.0, -1.5, -1.75, -1.5])])
def test_reduce_lr_on_plateau_a_gain_of_exactly_the_threshold_is_not_an_improvement(mode, metrics):
    # gains over best of exactly threshold = 0.5 (exact in binary) or less: the comparisons are strict, so every
    # epoch after the first is bad, and the second bad one (> patience=1) reduces the lr once
    ours, theirs = optimizers()
    our_scheduler = ReduceLROnPlateau(ours, mode=mode, patience=1, threshold=0.5, threshold_mode="abs")
    their_scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, mode=mode, patience=1, threshold=0.5,
                                                                 threshold_mode="abs")
    for metric in metrics:
        our_scheduler.step(metric)
        their_scheduler.step(metric)
        assert our_scheduler.get_last_lr() == their_scheduler.get_last_lr()
        assert our_scheduler.best == their_scheduler.best == metrics[0]
    assert our_scheduler.get_last_lr() == pytest.approx([0.01, 0.003])


def test_reduce_lr_on_plateau_state_dict_resumes_and_matches_torch():
    metrics = plateau_metrics(60, seed=2)
    options = dict(patience=2, cooldown=1, factor=0.5, min_lr=1e-3)
    ours, theirs = optimizers()
    our_scheduler = ReduceLROnPlateau(ours, **options)
    their_scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **options)
    for metric in metrics[:25]:
        our_scheduler.step(metric)
        their_scheduler.step(metric)
    saved, their_saved = our_scheduler.state_dict(), their_scheduler.state_dict()
    assert "optimizer" not in saved and saved == {key: their_saved[key] for key in saved}
    saved_optimizer = ours.state_dict()
    text = json.dumps(saved)  # plain numbers (best may be inf before the first step: JSON's Infinity)

    for source in (json.loads(text), their_saved):  # our own checkpoint, and torch's
        resumed_optimizer, _ = optimizers()
        resumed = ReduceLROnPlateau(resumed_optimizer, **options)
        resumed_optimizer.load_state_dict(saved_optimizer)
        resumed.load_state_dict(source)
        uninterrupted_optimizer, _ = optimizers()
        uninterrupted = ReduceLROnPlateau(uninterrupted_optimizer, **options)
        for metric in metrics[:25]:
            uninterrupted.step(metric)
        for metric in metrics[25:]:
            resumed.step(metric)
            uninterrupted.step(metric)
            assert lrs_of(resumed_optimizer) == lrs_of(uninterrupted_optimizer) == resumed.get_last_lr()
        assert resumed.state_dict() == uninterrupted.state_dict()


def test_reduce_lr_on_plateau_state_dict_before_any_step_goes_through_json():
    ours, _ = optimizers()
    scheduler = ReduceLROnPlateau(ours, mode="max")
    restored = ReduceLROnPlateau(optimizers()[0], mode="max")
    restored.load_state_dict(json.loads(json.dumps(scheduler.state_dict())))
    assert restored.best == -float("inf") and restored.state_dict() == scheduler.state_dict()


@pytest.mark.parametrize("options, error, message", [
    (dict(factor=1.0), ValueError, "factor should be < 1.0, got 1.0"),
    (dict(mode="lowest"), ValueError, "mode 'lowest' is unknown; use 'min' or 'max'"),
    (dict(threshold_mode="relative"), ValueError, "threshold_mode 'relative' is unknown; use 'rel' or 'abs'"),
    (dict(min_lr=[0.1, 0.2, 0.3]), ValueError, r"expected 2 min_lrs \(one per parameter group\), got 3"),
])
def test_reduce_lr_on_plateau_rejects_bad_arguments(options, error, message):
    with pytest.raises(error, match=message):
        ReduceLROnPlateau(optimizers()[0], **options)


def test_reduce_lr_on_plateau_notices_a_group_added_later():
    ours, _ = optimizers()
    scheduler = ReduceLROnPlateau(ours, patience=0, min_lr=[0.0, 0.0])
    ours.add_param_group({"params": [mm.nn.Parameter(mm.tensor([1.0]))]})
    scheduler.step(1.0)
    with pytest.raises(RuntimeError, match="the optimizer has 3 parameter groups but min_lrs has 2 entries"):
        scheduler.step(2.0)


# ---------------------------------------------------------------- MultiStepLR, ExponentialLR, ..., OneCycleLR

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
    step_both(ours, theirs, our_scheduler, their_scheduler, 40)


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_goes_through_json_and_resumes_the_schedule(name):
    ours, theirs = optimizers()
    our_scheduler, their_scheduler = SCHEDULES[name](mm, ours), SCHEDULES[name](torch, theirs)
    step_both(ours, theirs, our_scheduler, their_scheduler, 5)
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
        getattr(mm.optim.lr_scheduler, name)(ours, **kwargs)
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
