"""What a training checkpoint (last.npz) may hold, declared once, and the one check every reader runs.

read_training_checkpoint (training_checkpoint.py) runs check() on every checkpoint before anything is built
from it, for `train --resume` and `evaluate` alike: a hand-edited or hostile file stops with one line naming
the field, never a traceback, a MemoryError or a run that quietly trains something else. The rules check
values, not only types:

    epoch, history, best_*   counts that agree: one history row per epoch, the best row's accuracy
    partial                  the step an interrupted epoch reached, and the loader RNG that draws its batches
    settings                 what the flags could have given (flag_types.py): --lr nan or --optimizer rmsprop
                             cannot be in a checkpoint either
    model                    real arrays with finite values (names, shapes and dtypes: against the model, later)
    optimizer                SGD or Adam state by its keys (buffers finite, Adam's second moments >= 0, betas
                             in [0, 1), a step count >= 1), groups whose params number the parameters once, and,
                             without a scheduler, the settings' lr, momentum and weight decay
    scheduler                null exactly when settings.scheduler is none; StepLR / ReduceLROnPlateau with the
                             settings' step size, gamma and patience, and the groups' lr as its last lr
    rng                      NumPy PCG64 states (PyTorch's: a uint8 array)

What needs the live objects (the model's names and shapes, the buffers' shapes, the number of batches) is
checked by restore_training. A problem raises Invalid("WHERE should be WHAT, got VALUE").
"""

import math

import numpy as np

from .flag_types import OPTIMIZERS, SCHEDULERS, SETTING_TYPES, plateau_gamma_problem, setting_problem


class Invalid(ValueError):
    """One thing wrong with a checkpoint, as "WHERE should be WHAT, got VALUE"."""


def _fail(where, wanted, value):
    raise Invalid(f"{where or 'its run state'} should be {wanted}, got {_shown(value)}")


def _shown(value):
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    return f"{value!r:.60}"


# ---- the rules: rule(value, where) returns nothing or raises Invalid ----

def integer(low=0, high=None):
    def rule(value, where):
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            _fail(where, f"an integer >= {low}" + (f" and <= {_bound(high)}" if high is not None else ""), value)
    return rule


def _bound(high):
    """2**128 - 1 rather than its 39 digits."""
    return f"2**{high.bit_length()} - 1" if high > 1 << 20 and (high + 1) & high == 0 else str(high)


def number(low=0.0, high=None, above=None, below=None, finite=True):
    """A real number in [low, high] (or (above, below)); `finite=False` admits +-inf, never NaN."""
    def rule(value, where):
        wanted = "a finite number" if finite else "a number (not NaN)"
        wanted += " and".join(f" {sign} {bound}" for sign, bound in ((">=", low), ("<=", high), (">", above),
                                                                      ("<", below)) if bound is not None)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or \
                (finite and math.isinf(value)) or (low is not None and value < low) or \
                (high is not None and value > high) or (above is not None and value <= above) or \
                (below is not None and value >= below):
            _fail(where, wanted, value)
    return rule


def boolean(value, where):
    if not isinstance(value, bool):
        _fail(where, "true or false", value)


def text(value, where):
    if not isinstance(value, str):
        _fail(where, "a string", value)


def one_of(*choices):
    def rule(value, where):
        if not isinstance(value, str) or value not in choices:
            _fail(where, "one of " + ", ".join(choices), value)
    return rule


def nullable(inner):
    def rule(value, where):
        if value is not None:
            inner(value, where)
    return rule


def equal_to(expected, what):
    def rule(value, where):
        if type(value) is bool or value != expected:
            _fail(where, f"{what} ({expected!r})", value)
    return rule


def record(fields, optional=None):
    """A mapping holding every name of `fields` (and maybe those of `optional`), each passing its rule."""
    def rule(value, where):
        mapping(value, where)
        for name, inner in fields.items():
            if name not in value:
                raise Invalid(f"{_join(where, name)} is missing")
            inner(value[name], _join(where, name))
        for name, inner in (optional or {}).items():
            if name in value:
                inner(value[name], _join(where, name))
    return rule


def mapping(value, where):
    if not isinstance(value, dict):
        _fail(where, "a mapping", value)


def sequence(item, length=None):
    def rule(value, where):
        if not isinstance(value, list) or (length is not None and len(value) != length):
            _fail(where, "a list" + (f" of {length}" if length is not None else ""), value)
        for index, element in enumerate(value):
            item(element, f"{where}[{index}]")
    return rule


def real_array(non_negative=False, floating=False):
    """An array of real numbers (bool, complex, strings refused), finite where floating."""
    def rule(value, where):
        kinds = "f" if floating else "fiu"
        if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds:
            _fail(where, "an array of floating-point numbers" if floating else "an array of real numbers", value)
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            _fail(where, "an array of finite numbers", "an array holding NaN or infinity")
        if non_negative and (value < 0).any():
            _fail(where, "an array of numbers >= 0", "an array holding negative numbers")
    return rule


def step_count(value, where):
    """Adam's step: an integer >= 1 (the engine's), or a 0-d float array holding one (PyTorch's)."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "fiu":
        value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    integer(1)(value, where)


def _join(where, name):
    return f"{where}.{name}" if where else name


def _either(*rules, wanted):
    def rule(value, where):
        for inner in rules:
            try:
                inner(value, where)
                return
            except Invalid:
                pass
        _fail(where, wanted, value)
    return rule


# ---- the checkpoint ----

def _uint8(value, where):
    if not isinstance(value, np.ndarray) or value.dtype != np.uint8 or value.ndim != 1:
        _fail(where, "a uint8 array", value)


U128 = (1 << 128) - 1
PCG64 = record({"bit_generator": one_of("PCG64"),
                "state": record({"state": integer(0, U128), "inc": integer(0, U128)}),
                "has_uint32": integer(0, 1), "uinteger": integer(0, (1 << 32) - 1)})
TORCH_RNG = record({"cpu": _uint8}, optional={"cuda": _uint8})
HISTORY_ROW = record({"epoch": integer(1), "train_loss": number(0), "eval_loss": number(0),
                      "eval_accuracy": number(0, 100), "eval_set": one_of("test", "validation"), "lr": number(0),
                      "seconds": number(0)})
TOP = record({"epoch": integer(0), "history": sequence(HISTORY_ROW), "best_accuracy": number(None),
              "best_epoch": integer(0), "model": mapping, "optimizer": record({"state": mapping,
                                                                                "param_groups": sequence(mapping)}),
              "scheduler": nullable(mapping), "rng": record({"framework": _either(PCG64, TORCH_RNG, wanted=(
                  "a NumPy PCG64 state or PyTorch's uint8 RNG state")), "loader": PCG64})},
             optional={"partial": nullable(mapping), "settings": mapping,
                       "folders": record({"checkpoint_dir": nullable(text), "log_dir": nullable(text)})})
PARTIAL = record({"epoch": integer(1), "steps": integer(1), "loss_sum": number(0), "samples": integer(1),
                  "loader_rng": PCG64, "seconds": number(0)})
SGD_GROUP = {"lr": number(0), "momentum": number(0), "dampening": number(0), "weight_decay": number(0),
             "nesterov": boolean}
ADAM_GROUP = {"lr": number(0), "betas": sequence(number(0, below=1), length=2), "eps": number(above=0),
              "weight_decay": number(0)}
FLAGS_OF_GROUPS = {"maximize": boolean, "amsgrad": boolean, "foreach": nullable(boolean), "fused": nullable(boolean),
                   "capturable": boolean, "differentiable": boolean, "decoupled_weight_decay": boolean,
                   "initial_lr": number(0)}
SGD_STATE = record({}, optional={"momentum_buffer": nullable(real_array(floating=True))})
ADAM_STATE = record({"step": step_count, "exp_avg": real_array(floating=True),
                     "exp_avg_sq": real_array(non_negative=True, floating=True)},
                    optional={"max_exp_avg_sq": real_array(non_negative=True, floating=True)})
STEP_LR = {"step_size": integer(1), "gamma": number(0), "last_epoch": integer(0), "_last_lr": sequence(number(0)),
           "base_lrs": sequence(number(0))}
PLATEAU = {"mode": one_of("min", "max"), "threshold_mode": one_of("rel", "abs"), "factor": number(0, below=1),
           "patience": integer(0), "threshold": number(0), "eps": number(0), "cooldown": integer(0),
           "cooldown_counter": integer(0), "num_bad_epochs": integer(0), "min_lrs": sequence(number(0)),
           "best": number(None, finite=False), "last_epoch": integer(0), "_last_lr": sequence(number(0))}


def check(checkpoint):
    """Raise Invalid naming the first thing in `checkpoint` (read_training_checkpoint's structure) that is wrong."""
    TOP(checkpoint, "")
    settings = checkpoint.get("settings", {})
    check_settings(settings)
    _check_progress(checkpoint)
    for name, array in checkpoint["model"].items():
        real_array()(array, f"model[{name!r}]")
    groups = _check_optimizer(checkpoint["optimizer"], settings)
    _check_scheduler(checkpoint["scheduler"], settings, checkpoint["epoch"], groups)


def check_settings(settings):
    """Every stored setting must be a value its flag accepts (the names a checkpoint of an older version or of a
    library fit() call leaves out are not required). model and dataset: names, checked by their user."""
    choices = {"optimizer": OPTIMIZERS, "scheduler": SCHEDULERS}
    for name in ("model", "dataset"):
        if name in settings:
            text(settings[name], f"settings.{name}")
    for name, value in settings.items():
        if name in SETTING_TYPES or name in choices:
            wanted = setting_problem(name, value, choices)
            if wanted is not None:
                _fail(f"settings.{name}", wanted, value)
    if "scheduler" in settings and "gamma" in settings:
        problem = plateau_gamma_problem(settings["scheduler"], settings["gamma"])
        if problem:
            _fail("settings.gamma", "below 1 with scheduler plateau", settings["gamma"])


def _check_progress(checkpoint):
    epoch, history = checkpoint["epoch"], checkpoint["history"]
    if len(history) != epoch:
        _fail("history", f"a list of {epoch} rows (one per epoch completed)", history)
    for index, row in enumerate(history):
        equal_to(index + 1, "its place in the list")(row["epoch"], f"history[{index}].epoch")
    best_epoch = checkpoint["best_epoch"]
    integer(0, epoch)(best_epoch, "best_epoch")
    best = -1.0 if best_epoch == 0 else history[best_epoch - 1]["eval_accuracy"]
    equal_to(best, "the accuracy of best_epoch")(checkpoint["best_accuracy"], "best_accuracy")
    if best_epoch and max(row["eval_accuracy"] for row in history) > best:
        _fail("best_epoch", "the epoch of the best accuracy in history", best_epoch)
    partial = checkpoint.get("partial")
    if partial is not None:
        PARTIAL(partial, "partial")
        equal_to(epoch + 1, "epoch + 1")(partial["epoch"], "partial.epoch")
        if partial["samples"] < partial["steps"]:
            _fail("partial.samples", f"at least partial.steps ({partial['steps']})", partial["samples"])


def _check_optimizer(optimizer, settings):
    """The groups (checked); the per-parameter state by the optimizer its groups' keys show."""
    groups = optimizer["param_groups"]
    if not groups:
        _fail("optimizer.param_groups", "a list of at least one group", groups)
    kind = "adam" if "betas" in groups[0] else "sgd" if "momentum" in groups[0] else None
    if "optimizer" in settings and settings["optimizer"] != kind:
        _fail("optimizer.param_groups[0]", f"the groups of {settings['optimizer']} (settings.optimizer)",
              sorted(groups[0]))
    group_rule = record({**{"adam": ADAM_GROUP, "sgd": SGD_GROUP}.get(kind, {"lr": number(0)}),
                         "params": sequence(integer(0))}, optional=FLAGS_OF_GROUPS)
    numbered = []
    for index, group in enumerate(groups):
        group_rule(group, f"optimizer.param_groups[{index}]")
        numbered += group["params"]
    if sorted(numbered) != list(range(len(numbered))):
        _fail("optimizer.param_groups[].params", f"the numbers 0 to {len(numbered) - 1}, each once", numbered)
    state_rule = {"adam": ADAM_STATE, "sgd": SGD_STATE}.get(kind, mapping)
    for key, state in optimizer["state"].items():
        where = f"optimizer.state[{key!r}]"
        if isinstance(key, bool) or not isinstance(key, int) or key not in range(len(numbered)):
            _fail(f"optimizer.state key {key!r}", f"a parameter number from 0 to {len(numbered) - 1}", key)
        state_rule(state, where)
    if settings.get("scheduler") == "none" and kind is not None:  # nothing changes the groups' values
        names = {"lr": "lr", "weight_decay": "weight_decay", **({"momentum": "momentum"} if kind == "sgd" else {})}
        for index, group in enumerate(groups):
            for key, setting in names.items():
                if setting in settings:
                    equal_to(settings[setting], f"settings.{setting}")(group[key],
                                                                        f"optimizer.param_groups[{index}].{key}")
    return groups


def _check_scheduler(scheduler, settings, epoch, groups):
    named = settings.get("scheduler")
    if scheduler is None:
        if named not in (None, "none"):
            _fail("scheduler", f"the state of the {named} scheduler (settings.scheduler)", None)
        return
    kind = "plateau" if "factor" in scheduler else "step" if "step_size" in scheduler else None
    if named is not None and named != kind:
        _fail("scheduler", f"{'null' if named == 'none' else 'the state of ' + named} (settings.scheduler is "
                           f"{named})", sorted(scheduler))
    if kind is None:
        return
    record({"step": STEP_LR, "plateau": PLATEAU}[kind])(scheduler, "scheduler")
    same = {"step": {"step_size": "step_size", "gamma": "gamma"},
            "plateau": {"factor": "gamma", "patience": "lr_patience"}}[kind]
    for key, setting in same.items():
        if setting in settings:
            equal_to(settings[setting], f"settings.{setting}")(scheduler[key], f"scheduler.{key}")
    equal_to(epoch, "epoch (one step per epoch)")(scheduler["last_epoch"], "scheduler.last_epoch")
    equal_to([group["lr"] for group in groups], "the groups' lr")(scheduler["_last_lr"], "scheduler._last_lr")
