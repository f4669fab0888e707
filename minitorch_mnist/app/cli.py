"""The command line: `python -m minitorch_mnist train|evaluate ...`.

reference/__main__.py reuses this parser and `run` with PyTorch's models, optimizers and backend, so
both frameworks take exactly the same flags and train through the same loop (commands.py).

No traceback reaches the user: a bad flag is argparse's usage error (exit code 2), a damaged or unfitting
file is one line and exit code 2, any other expected failure (missing data, a full disk, a busy folder, a
NaN loss) one line and exit code 1, and Ctrl-C or SIGTERM one line naming the checkpoint to resume from and
exit code 130.
"""

import argparse
import math
import shlex
import sys
from pathlib import Path

from .. import optim

from ..torch_api import random
from .commands import evaluate_weights, train
from ..data.datasets.catalog import DATASETS
from .interrupt import TrainingInterrupted
from ..models import MODELS
from .resume_rules import given_flags
from .loop import EngineBackend


def _number(convert, accepts, expected):
    """An argparse type: `convert(text)` when `accepts` it, else "expected EXPECTED, got 'TEXT'"."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accepts(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


positive_int = _number(int, lambda value: value > 0, "a positive integer")
non_negative_int = _number(int, lambda value: value >= 0, "a non-negative integer")
non_negative_float = _number(float, lambda value: math.isfinite(value) and value >= 0, "a non-negative number")
fraction = _number(float, lambda value: 0 <= value < 1, "a number in [0, 1)")


class HelpFormatter(argparse.HelpFormatter):
    """Shows each option's default once, after its help; none for options whose default is "not given"."""

    def _get_help_string(self, action):
        text = action.help or ""
        if not action.option_strings or any(action.default is nothing for nothing in (None, False, argparse.SUPPRESS)):
            return text
        return f"{text} (default: %(default)s)".lstrip()


def build_parser(prog, description, parents=()):
    """The train/evaluate parser; `parents` adds a framework's own options (the reference's --device) to both."""
    parser = argparse.ArgumentParser(prog=prog, description=description, allow_abbrev=False)
    commands = parser.add_subparsers(dest="command", required=True)
    options = dict(parents=parents, formatter_class=HelpFormatter, allow_abbrev=False)

    train_command = commands.add_parser("train", help="train a model and print test accuracy", **options)
    add = train_command.add_argument
    add("--dataset", choices=sorted(DATASETS), default="mnist", help="the images to train on")
    add("--model", choices=sorted(MODELS), default="lenet", help="the tutorial model to train")
    add("--epochs", type=positive_int, default=2, help="passes over the training set")
    add("--optimizer", choices=["sgd", "adam"], default="sgd", help="the optimizer")
    add("--lr", type=non_negative_float, default=0.01, help="learning rate")
    add("--momentum", type=non_negative_float, default=0.9, help="SGD only")
    add("--weight-decay", type=non_negative_float, default=0.0, help="L2 penalty added to the gradients")
    add("--scheduler", choices=["none", "step", "plateau"], default="none",
        help="StepLR each epoch, or ReduceLROnPlateau on the evaluation loss")
    add("--step-size", type=positive_int, default=5, help="StepLR: epochs between LR drops")
    add("--gamma", type=non_negative_float, default=0.1, help="LR factor of both schedulers")
    add("--lr-patience", type=non_negative_int, default=2, help="ReduceLROnPlateau patience (epochs)")
    add("--patience", type=positive_int, default=None,
        help="early stopping: stop after this many epochs without a better evaluation accuracy (never if not given)")
    add("--val-fraction", type=fraction, default=0.0,
        help="hold out this stratified share of the training set for validation; "
             "0 evaluates each epoch on the test set, as the PyTorch MNIST example does")
    add("--batch-size", type=positive_int, default=64, help="training batch size")
    add("--test-batch-size", type=positive_int, default=1000, help="evaluation batch size")
    add("--seed", type=non_negative_int, default=1, help="seeds the weights, the batch order and the split")
    add("--data-dir", default=None, help="data folder (if not given: $MINITORCH_DATA, else ./data)")
    add("--checkpoint-dir", default=None, help="keep last.npz (resumable) and best_model.npz here")
    add("--resume", metavar="CHECKPOINT", default=None,
        help="continue from a last.npz, with the settings it was made with (flags that differ are refused)")
    add("--log-dir", default=None, help="metrics CSV/JSONL, plots, TensorBoard events")
    add("--grad-stats", action="store_true", help="print per-layer gradient statistics each epoch")
    add("--save", metavar="PATH", help="write the final weights to this .npz file")
    add("--no-progress", action="store_true", help="no progress bar")

    evaluate_command = commands.add_parser("evaluate", help="report test accuracy of saved weights", **options)
    evaluate_command.add_argument("weights", help=".npz file written by train --save (either framework), or a "
                                                  "checkpoint (last.npz, best_model.npz)")
    evaluate_command.add_argument("--test-batch-size", type=positive_int, default=1000, help="evaluation batch size")
    evaluate_command.add_argument("--data-dir", default=None, help="data folder (if not given: $MINITORCH_DATA, "
                                                                   "else ./data)")
    return parser


def threads_option():
    """--threads N, the engine's own option (reference/__main__.py passes its own `parents` instead)."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument("--threads", type=positive_int, default=None, help="threads of the Numba conv/pool kernels "
                        "(kernels.set_num_threads; default: $MINITORCH_NUM_THREADS, else the usable cores)")
    return option


def engine_framework(args):
    if getattr(args, "threads", None):
        from .. import kernels
        kernels.set_num_threads(args.threads)
    return dict(models=MODELS, backend=EngineBackend, optim_module=optim, seed_everything=random.manual_seed)


def run(args, models, backend, optim_module, seed_everything):
    """Carry out a parsed command with one framework's models, backend and optimizers."""
    if args.command == "train":
        return train(args, models, backend, optim_module, seed_everything)
    return evaluate_weights(args, models, backend)


def main(argv=None, prog="python -m minitorch_mnist",
         description="Train and evaluate the MNIST tutorial models with the NumPy engine.",
         parents=None, framework=engine_framework):
    """Parse, run, and turn expected failures into one clear line and an exit code (see the module docstring)."""
    parents = [threads_option()] if parents is None else parents
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(prog, description, parents).parse_args(argv)
    args.given = given_flags(argv)
    try:
        run(args, **framework(args))
    except TrainingInterrupted as stop:
        where = f"interrupted ({stop.signal_name}) at epoch {stop.epoch}, step {stop.step}"
        return _fail(f"{where}; {_resume_hint(prog, argv, stop.checkpoint, stop.checkpoint_at)}", stop.exit_code)
    except KeyboardInterrupt:  # outside the training loop, or a second Ctrl-C
        if args.command != "train":
            return _fail("interrupted", TrainingInterrupted.exit_code)
        last = Path(args.checkpoint_dir) / "last.npz" if args.checkpoint_dir else None
        return _fail(f"interrupted; {_resume_hint(prog, argv, last if last and last.is_file() else None)}",
                     TrainingInterrupted.exit_code)
    except (OSError, ValueError, RuntimeError) as error:  # missing or damaged files, full disks, bad shapes, NaN
        return _fail(str(error), getattr(error, "exit_code", 1))
    return 0


def _fail(message, code):
    print(f"error: {message}", file=sys.stderr)
    return code


def _resume_hint(prog, argv, checkpoint, checkpoint_at=None):
    """Where to continue from: the checkpoint and the command that resumes it."""
    if checkpoint is None:
        return "no checkpoint was written (train with --checkpoint-dir DIR to be able to resume)"
    kept, skip = [], False
    for token in argv:  # the same command, with --resume pointing at the checkpoint
        if skip or token.startswith("--resume="):
            skip = False
            continue
        skip = token == "--resume"
        if not skip:
            kept.append(token)
    at = f" ({checkpoint_at})" if checkpoint_at else ""
    return (f"the last checkpoint is {checkpoint}{at}; continue with: "
            f"{prog} {shlex.join([*kept, '--resume', str(checkpoint)])}")
