"""Learning-rate schedulers with torch.optim.lr_scheduler's names, arguments and semantics.

A scheduler changes group["lr"] in its optimizer's parameter groups; call its step() once per epoch,
after the epoch's optimizer.step() calls:

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)        # lr 0.05 -> 0.005 after 30 epochs -> ...
    (the other schedules, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR, LinearLR,
    ConstantLR and OneCycleLR, are in schedule_formulas.py and reached from here, torch's module path)
    for epoch in range(epochs):
        train(...)                                                # optimizer.step() per batch
        scheduler.step()                                          # ReduceLROnPlateau: scheduler.step(val_loss)

state_dict() holds plain numbers, strings and lists only (no arrays, no optimizer), so it can go to JSON.
"""

import math
import numbers
import warnings

from .optimizer import Optimizer


STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call "
    "them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in "
    "PyTorch skipping the first value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")


def _count_steps(optimizer):
    """Make optimizer.step() note that it ran (optimizer._opt_called), as PyTorch's schedulers do, so the first
    scheduler.step() can warn when it comes before any optimizer.step()."""
    if getattr(optimizer.step, "_noted_by_scheduler", False):
        return
    step = optimizer.step

    def noted_step(*args, **kwargs):
        optimizer._opt_called = True
        return step(*args, **kwargs)

    noted_step._noted_by_scheduler = True
    optimizer.step = noted_step


class LRScheduler:
    """Base: owns the optimizer, records base_lrs (group["initial_lr"]) and the lrs after each step.

    A subclass defines get_lr(): the lrs for epoch self.last_epoch, computed from the current ones (as PyTorch's
    chainable form, so the floating-point sequence is torch's); self._is_initial is True during the first step.
    """

    _is_initial = False

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:  # a fresh start: remember each group's starting lr, as PyTorch does
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', needed to resume "
                                   f"at last_epoch={last_epoch}; load the optimizer's state_dict first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        _count_steps(optimizer)
        self._step_count = 0
        self._is_initial = True  # get_lr() knows this first step only sets the starting lrs
        try:
            self.step()  # epoch 0 (or the epoch after last_epoch): sets the lrs for it
        finally:
            del self._is_initial  # back to the class's False (and out of state_dict)

    def step(self):
        self._step_count += 1
        if self._step_count == 2 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The lr of each parameter group after the latest step()."""
        return list(self._last_lr)

    def state_dict(self):
        """Every attribute except the optimizer (PyTorch's rule); lists are copied."""
        return {key: list(value) if isinstance(value, list) else value
                for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore the attributes saved by state_dict(). Keys this class does not use (a PyTorch scheduler's
        bookkeeping such as _get_lr_called_within_step) are ignored; missing ones are an error and nothing changes."""
        own = self.state_dict()
        # _step_count is absent from the engine's older checkpoints
        state_dict = {"_step_count": getattr(self, "_step_count", 0), **state_dict}
        missing = [key for key in own if key not in state_dict]
        if missing:
            raise KeyError(f"{type(self).__name__}.load_state_dict: the saved state lacks {missing}")
        for key in own:
            value = state_dict[key]
            setattr(self, key, list(value) if isinstance(value, (list, tuple)) else value)


class StepLR(LRScheduler):
    """Multiply each group's lr by gamma every step_size epochs: lr(epoch) = initial_lr * gamma ** (epoch // step_size).

    Like PyTorch, the lr is updated by multiplying the current one (so other changes to group["lr"] carry
    over), which gives the same floating-point sequence as torch's StepLR.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if not isinstance(step_size, numbers.Integral) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by factor when a metric has stopped improving for more than patience epochs.

    step(metric) each epoch. "Improving" (threshold_mode, mode):
        rel, min:  metric < best * (1 - threshold)        abs, min:  metric < best - threshold
        rel, max:  metric > best * (1 + threshold)        abs, max:  metric > best + threshold
    A non-improving epoch counts as bad; after patience + 1 bad epochs in a row, lr = max(lr * factor,
    min_lr) (skipped if that changes lr by eps or less), then cooldown epochs pass in which bad epochs
    are not counted.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: {type(optimizer).__name__} is not an Optimizer")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor should be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode {mode!r} is unknown; use 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode {threshold_mode!r} is unknown; use 'rel' or 'abs'")
        self.optimizer = optimizer
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != groups:
                raise ValueError(f"ReduceLROnPlateau: expected {groups} min_lrs (one per parameter group), "
                                 f"got {len(min_lr)}")
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * groups
        self.mode, self.factor, self.patience, self.threshold = mode, factor, patience, threshold
        self.threshold_mode, self.cooldown, self.eps = threshold_mode, cooldown, eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf  # worse than any metric
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self, metrics):
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)  # a number or 1-element tensor
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self):
        if len(self.min_lrs) != len(self.optimizer.param_groups):
            raise RuntimeError(f"ReduceLROnPlateau: the optimizer has {len(self.optimizer.param_groups)} parameter "
                               f"groups but min_lrs has {len(self.min_lrs)} entries (a group was added after "
                               f"the scheduler was made?); set scheduler.min_lrs to one value per group")
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def is_better(self, a, best):
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold


# the other schedules, after the base class they build on; this module is torch.optim.lr_scheduler's path
from .schedule_formulas import (ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR,  # noqa: E402
                           MultiplicativeLR, MultiStepLR, OneCycleLR)

__all__ = ["LRScheduler", "StepLR", "ReduceLROnPlateau", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "LambdaLR", "MultiplicativeLR", "LinearLR", "ConstantLR", "OneCycleLR"]
