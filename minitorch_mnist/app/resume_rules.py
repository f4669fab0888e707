"""The rule for `train --resume`: a resumed run keeps the settings its checkpoint was made with.

Flags left out take the checkpoint's values, so the banner, the training and the checkpoint agree; a flag
given with another value is refused with the checkpoint's value, never silently ignored. What may change on
resume: --epochs (to train longer), --patience, the folders, --save, --test-batch-size and the display flags.
The checkpoint's settings themselves were checked when it was read (checkpoint_schema.py: values a flag accepts).
"""

from .flag_types import UsageError
from .training_checkpoint import wrong_model_message

SETTINGS = ("model", "dataset", "optimizer", "lr", "momentum", "weight_decay", "scheduler", "step_size", "gamma",
            "lr_patience", "val_fraction", "batch_size", "seed")


class SettingsConflictError(UsageError):
    """A flag that contradicts the checkpoint a run resumes (exit code 2, like a bad flag)."""


def settings_of(args):
    """The run's settings from the parsed command line, as a checkpoint stores them."""
    return {name: getattr(args, name) for name in SETTINGS}


def given_flags(argv):
    """The long options written on the command line (spelled in full: the parser allows no abbreviations)."""
    return {token.split("=", 1)[0] for token in argv if token.startswith("--")}


def adopt_checkpoint_settings(args, path, saved, given):
    """Set `args` to the checkpoint's settings `saved`; a flag in `given` that contradicts them is an error."""
    for name in SETTINGS:
        if name not in saved:  # a checkpoint from a version that did not store it
            continue
        flag = "--" + name.replace("_", "-")
        if flag in given and getattr(args, name) != saved[name]:
            if name == "model":
                raise SettingsConflictError(wrong_model_message(path, saved[name]))
            raise SettingsConflictError(f"{flag} {getattr(args, name)} differs from the {flag} {saved[name]} that "
                                        f"{path} was made with; a resumed run keeps its checkpoint's settings: "
                                        f"leave {flag} out")
        setattr(args, name, saved[name])
