"""The command line: `python -m minitorch_mnist train|evaluate ...`.

reference/__main__.py reuses this parser and `run` with PyTorch's models, optimizers and backend, so
both frameworks take exactly the same flags and train through the same loop (commands.py).

No traceback reaches the user: a bad flag is argparse's usage error (exit code 2), flags that cannot work
together or with what is on disk (a folder that already holds a run, a --save that could never be written)
and a damaged or unfitting file are one line and exit code 2, any other expected failure (missing data, a
full disk, a busy folder, a NaN loss) one line and exit code 1, and Ctrl-C or SIGTERM, at any moment, one line
naming the checkpoint to resume from and exit code 130 (interrupt.py).
"""

import argparse
import shlex
import sys
from pathlib import Path

from .. import optim

from ..torch_api import random
from . import interrupt
from .commands import evaluate_weights, train
from ..data.datasets.catalog import DATASETS
from .flag_types import (OPTIMIZERS, SCHEDULERS, UsageError, fraction, non_empty_path, non_negative_float,
                         non_negative_int, positive_int, seed, thread_count)
from .interrupt import TrainingInterrupted
from ..models import MODELS
from .resume_rules import given_flags
from .training_checkpoint import describe_file
from .loop import EngineBackend


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
    add("--optimizer", choices=OPTIMIZERS, default="sgd", help="the optimizer")
    add("--lr", type=non_negative_float, default=0.01, help="learning rate")
    add("--momentum", type=non_negative_float, default=0.9, help="SGD only")
    add("--weight-decay", type=non_negative_float, default=0.0, help="L2 penalty added to the gradients")
    add("--scheduler", choices=SCHEDULERS, default="none",
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
    add("--seed", type=seed, default=1, help="seeds the weights, the batch order and the split")
    add("--data-dir", type=non_empty_path, default=None,
        help="data folder (if not given: $MINITORCH_DATA, else ./data)")
    add("--checkpoint-dir", type=non_empty_path, default=None,
        help="keep last.npz (resumable) and best_model.npz here (a folder that holds a run is refused)")
    add("--resume", metavar="CHECKPOINT", type=non_empty_path, default=None,
        help="continue from a last.npz, with the settings it was made with (flags that differ are refused), "
             "in its folders unless --checkpoint-dir / --log-dir say otherwise")
    add("--overwrite", action="store_true",
        help="start over: replace the run that --checkpoint-dir / --log-dir already hold")
    add("--log-dir", type=non_empty_path, default=None, help="metrics CSV/JSONL, plots, TensorBoard events")
    add("--grad-stats", action="store_true", help="print per-layer gradient statistics each epoch")
    add("--save", metavar="PATH", type=non_empty_path, help="write the final weights to this .npz file")
    add("--no-progress", action="store_true", help="no progress bar")

    evaluate_command = commands.add_parser("evaluate", help="report test accuracy of saved weights", **options)
    evaluate_command.add_argument("weights", type=non_empty_path, help=".npz file written by train --save (either framework), or a "
                                                  "checkpoint (last.npz, best_model.npz)")
    evaluate_command.add_argument("--test-batch-size", type=positive_int, default=1000, help="evaluation batch size")
    evaluate_command.add_argument("--data-dir", type=non_empty_path, default=None, help="data folder (if not given: $MINITORCH_DATA, "
                                                                   "else ./data)")
    return parser


def threads_option():
    """--threads N, the engine's own option (reference/__main__.py passes its own `parents` instead)."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument("--threads", type=thread_count, default=None, help="threads of the Numba conv/pool kernels "
                        "(kernels.set_num_threads; default: $MINITORCH_NUM_THREADS, else the usable cores)")
    return option


def engine_framework(args):
    from .. import kernels
    from .compile_notice import announce_numba_compiling

    problem = kernels.threads.environment_problem()
    if problem:
        raise UsageError(problem)
    if getattr(args, "threads", None):
        kernels.set_num_threads(args.threads)
    announce_numba_compiling()
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
    with interrupt.Guard():
        try:
            parents = [threads_option()] if parents is None else parents
            argv = sys.argv[1:] if argv is None else list(argv)
            args = build_parser(prog, description, parents).parse_args(argv)
        except KeyboardInterrupt:
            return _fail(f"interrupted ({interrupt.received()}) while starting; nothing was done",
                         TrainingInterrupted.exit_code)
        args.given, args.written = given_flags(argv), {}  # written: the files fit() wrote, by kind
        return _run_reporting(args, argv, prog, framework)


def _run_reporting(args, argv, prog, framework):
    try:
        run(args, **framework(args))
    except TrainingInterrupted as stop:
        where = f"interrupted ({stop.signal_name}) at epoch {stop.epoch}, step {stop.step}"
        return _fail(f"{where}; {_resume_hint(prog, argv, args, stop.checkpoint, stop.checkpoint_at)}",
                     stop.exit_code)
    except KeyboardInterrupt:  # outside the training loop, or a second Ctrl-C
        return _interrupted(prog, argv, args)
    except MemoryError:
        return _fail("not enough memory for this run (try a smaller --batch-size or --test-batch-size)", 1)
    except (OSError, ValueError, RuntimeError) as error:  # missing or damaged files, full disks, bad shapes, NaN
        return _fail(getattr(error, "summary", None) or str(error), getattr(error, "exit_code", 1))
    except Exception:
        if interrupt.received():  # what the interrupt became (Numba's C extensions turn it into an ImportError)
            return _interrupted(prog, argv, args)
        raise
    return 0


def _interrupted(prog, argv, args):
    where = f"interrupted ({interrupt.received() or 'SIGINT'})"
    if args.command != "train":
        return _fail(where, TrainingInterrupted.exit_code)
    last = args.written.get("last")
    return _fail(f"{where}; {_resume_hint(prog, argv, args, last, describe_file(last) if last else None)}",
                 TrainingInterrupted.exit_code)


def _fail(message, code):
    print(f"error: {message}", file=sys.stderr, flush=True)
    return code


def _resume_hint(prog, argv, args, checkpoint, checkpoint_at=None):
    """Where to continue from: the checkpoint and the command that resumes it."""
    if checkpoint is None and args.resume:
        checkpoint, checkpoint_at = Path(args.resume), "unchanged"
    if checkpoint is None:
        if args.checkpoint_dir:
            return "stopped before the first checkpoint, so there is nothing to resume: run the command again"
        return "no checkpoint was written (train with --checkpoint-dir DIR to be able to resume)"
    kept, skip = [], False
    for token in argv:  # the same command, with --resume pointing at the checkpoint (and no --overwrite)
        if skip or token.startswith("--resume=") or token == "--overwrite":
            skip = False
            continue
        skip = token == "--resume"
        if not skip:
            kept.append(token)
    at = f" ({checkpoint_at})" if checkpoint_at else ""
    return (f"the last checkpoint is {checkpoint}{at}; continue with: "
            f"{prog} {shlex.join([*kept, '--resume', str(checkpoint)])}")
