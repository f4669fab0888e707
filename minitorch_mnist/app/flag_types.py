"""The values the command line's flags accept, declared once: the parser uses them, and so does the check of a
checkpoint's settings (checkpoint_schema.py), so a hand-edited checkpoint cannot hold what no flag could give.

Each type is an argparse type: it turns the text of a flag into its value, or raises ArgumentTypeError with
"expected WHAT, got 'TEXT'". SETTING_TYPES maps every stored setting to its type; the names with a fixed list
of values (model, dataset, optimizer, scheduler) are checked against that list instead.
"""

import argparse
import math

OPTIMIZERS = ("adam", "sgd")
SCHEDULERS = ("none", "plateau", "step")
MAX_THREADS = 1 << 16
SEED_LIMIT = 1 << 64  # torch.manual_seed takes seeds below 2**64


def _number(convert, accepts, expected):
    """An argparse type: `convert(text)` when `accepts` it, else "expected EXPECTED, got 'TEXT'"."""
    def parse(text):
        try:
            value = convert(text)
        except (ValueError, OverflowError):
            value = None
        if value is None or not accepts(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    parse.expected = expected
    return parse


positive_int = _number(int, lambda value: value > 0, "a positive integer")
non_negative_int = _number(int, lambda value: value >= 0, "a non-negative integer")
non_negative_float = _number(float, lambda value: math.isfinite(value) and value >= 0, "a non-negative number")
fraction = _number(float, lambda value: 0 <= value < 1, "a number in [0, 1)")
seed = _number(int, lambda value: 0 <= value < SEED_LIMIT, "an integer from 0 to 2**64 - 1")
thread_count = _number(int, lambda value: 0 < value <= MAX_THREADS, f"a whole number of threads from 1 to "
                                                                    f"{MAX_THREADS}")


def non_empty_path(text):
    """A file or folder name: not empty (an empty --save would otherwise mean "no --save" without a word)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a path, got {text!r}")
    return text


_INTEGERS = (positive_int, non_negative_int, seed)
SETTING_TYPES = {"lr": non_negative_float, "momentum": non_negative_float, "weight_decay": non_negative_float,
                 "step_size": positive_int, "gamma": non_negative_float, "lr_patience": non_negative_int,
                 "val_fraction": fraction, "batch_size": positive_int, "seed": seed}


def setting_problem(name, value, choices):
    """Why `value` cannot be setting `name` (None if it can): what its flag would refuse.

    choices: the legal values of the names that have a list (model, dataset, optimizer, scheduler)."""
    if name in choices:
        if isinstance(value, str) and value in choices[name]:
            return None
        return f"one of {', '.join(sorted(choices[name]))}"
    convert = SETTING_TYPES[name]
    kinds = int if convert in _INTEGERS else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return convert.expected
    try:
        accepted = convert(repr(value)) == value
    except argparse.ArgumentTypeError:
        accepted = False
    return None if accepted else convert.expected


def plateau_gamma_problem(scheduler, gamma):
    """ReduceLROnPlateau lowers the lr by --gamma: it must be below 1 (both frameworks refuse it otherwise)."""
    if scheduler == "plateau" and gamma >= 1:
        return f"--scheduler plateau needs --gamma below 1 (it multiplies the lr on a plateau), got {gamma}"
    return None


class UsageError(ValueError):
    """Flags that cannot work together or with what is on disk: one line, exit code 2 (argparse's code)."""

    exit_code = 2
