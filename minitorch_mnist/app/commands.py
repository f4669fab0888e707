"""What `train` and `evaluate` do, for either framework (cli.py parses; reference/ supplies PyTorch's pieces).

train builds the model, data, optimizer and scheduler from the flags (from the checkpoint's settings when
resuming, see resume_rules.py), runs fit(), reports the test accuracy, saves the weights, and ends with a
summary of the files it wrote. Before any data is loaded it refuses what could only fail later or cost a run:
a folder that holds another run, paths that cannot be written, flags that do not work together
(run_folders.py). A resumed run goes on in the folders of its checkpoint unless told otherwise, and one with
nothing left to train says so. Weights that cannot be saved (a full disk) are not thrown away: the message
names the checkpoint that holds them, or a fallback file they were written to instead.
"""

import os
import tempfile
import time
from pathlib import Path

from ..data import DataLoader
from ..data.datasets.catalog import DATASETS, load_dataset, split_for_validation
from ..models import MODEL_INPUTS
from ..storage.atomic import WriteFailedError, shorten_utf8
from ..storage.weights_file import DamagedFileError, save_weights
from .fit import fit
from .flag_types import UsageError, plateau_gamma_problem
from .loop import evaluate
from .resume_rules import adopt_checkpoint_settings, settings_of
from .runlock import check_not_in_use
from .run_folders import LOG_FILES, PLOTS, RunExistsError, check_paths, conflicts, refusal, resumed_folders
from .training_checkpoint import check_model_state, read_training_checkpoint, weights_in


def make_optimizer(optim_module, args, parameters):
    if args.optimizer == "adam":
        return optim_module.Adam(parameters, lr=args.lr, weight_decay=args.weight_decay)
    return optim_module.SGD(parameters, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)


def make_scheduler(optim_module, args, optimizer):
    if args.scheduler == "step":
        return optim_module.lr_scheduler.StepLR(optimizer, step_size=args.step_size, gamma=args.gamma)
    if args.scheduler == "plateau":
        return optim_module.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=args.gamma,
                                                           patience=args.lr_patience)
    return None


def check_model_fits_dataset(model_name, dataset_name):
    dataset_input = DATASETS[dataset_name].input_shape
    if MODEL_INPUTS[model_name] != dataset_input:
        fitting = sorted(name for name, shape in MODEL_INPUTS.items() if shape == dataset_input)
        raise ValueError(f"model {model_name} takes inputs of shape {MODEL_INPUTS[model_name]}, but {dataset_name} "
                         f"images have shape {dataset_input}; for {dataset_name} use one of: {', '.join(fitting)}")


def check_names(path, kind, model_name, dataset_name, models):
    """The model and dataset a file names must be known, and fit each other (else the file is damaged)."""
    if model_name not in models or model_name not in MODEL_INPUTS:
        raise DamagedFileError(path, kind, f"it names the model {model_name!r}, not one of {', '.join(sorted(models))}")
    if dataset_name not in DATASETS:
        raise DamagedFileError(path, kind, f"it names the dataset {dataset_name!r}, not one of "
                                           f"{', '.join(sorted(DATASETS))}")
    try:
        check_model_fits_dataset(model_name, dataset_name)
    except ValueError as error:
        raise DamagedFileError(path, kind, str(error).split(";")[0]) from None


def train(args, models, backend, optim_module, seed_everything):
    started = time.perf_counter()
    resumed_log_dir, defaulted = None, ()
    if args.resume:
        checkpoint = read_training_checkpoint(args.resume)
        saved = checkpoint["settings"]
        if "model" in saved:
            check_names(args.resume, "checkpoint", saved["model"], saved.get("dataset", "mnist"), models)
        adopt_checkpoint_settings(args, args.resume, saved, args.given)
        if _nothing_to_do(args, checkpoint):
            return checkpoint["history"], None
        resumed_log_dir, defaulted = _go_on_in_the_checkpoint_folders(args, checkpoint)
    check_model_fits_dataset(args.model, args.dataset)
    _check_flags(args)
    check_paths(args, defaulted)
    check_not_in_use([args.checkpoint_dir, args.log_dir])
    found = conflicts(args.checkpoint_dir, args.log_dir, args.resume, resumed_log_dir)
    if found and not args.overwrite:
        raise RunExistsError(refusal(found, args.checkpoint_dir, args.resume))
    seed_everything(args.seed)
    model = backend.prepare(models[args.model]())
    train_set, test_set = load_dataset(args.dataset, args.data_dir)
    fit_set, val_set = split_for_validation(train_set, args.val_fraction, args.seed)
    _check_split(args, train_set, fit_set, val_set)
    train_loader = DataLoader(fit_set, batch_size=args.batch_size, shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size)
    eval_loader = DataLoader(val_set, batch_size=args.test_batch_size) if val_set is not None else test_loader
    optimizer = make_optimizer(optim_module, args, model.parameters())
    scheduler = make_scheduler(optim_module, args, optimizer)
    resuming = f", resuming {args.resume}" if args.resume else ""
    print(f"{backend.name}: training {args.model} on {args.dataset} ({len(fit_set)} images) for {args.epochs} "
          f"epoch(s), {args.optimizer} lr {args.lr}, batch {args.batch_size}, seed {args.seed}{resuming}")
    history = fit(model, optimizer, train_loader, eval_loader, args.epochs, backend, model_name=args.model,
                  dataset=args.dataset, settings=settings_of(args),
                  eval_set="validation" if val_set is not None else "test", scheduler=scheduler,
                  patience=args.patience, checkpoint_dir=args.checkpoint_dir, resume=args.resume,
                  log_dir=args.log_dir, show_grad_stats=args.grad_stats, class_names=test_set.classes,
                  progress=not args.no_progress, overwrite=args.overwrite, files=args.written)
    test_loss, test_accuracy = evaluate(model, test_loader, backend)
    print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
    saved = _save(args, backend.numpy_state(model)) if args.save else None
    print(summary(args, history, time.perf_counter() - started, saved))
    return history, test_accuracy


def _go_on_in_the_checkpoint_folders(args, checkpoint):
    """Folder flags left out of a resumed run: its checkpoint's folders. Returns (the log folder the checkpoint
    recorded, the flags filled in); says where the run goes on."""
    checkpoint_dir, log_dir = resumed_folders(args.resume, checkpoint.get("folders"))
    defaulted = []
    if "--checkpoint-dir" not in args.given:
        args.checkpoint_dir = str(checkpoint_dir)
        defaulted.append("--checkpoint-dir")
    logs = "nowhere (pass --log-dir DIR to keep them)"
    if "--log-dir" not in args.given and isinstance(log_dir, (str, Path)):
        if Path(log_dir).is_dir():
            args.log_dir = str(log_dir)
            defaulted.append("--log-dir")
        else:
            logs = f"nowhere: the run logged to {log_dir}, which is gone (pass --log-dir DIR to keep them)"
    print(f"resuming {args.resume}: checkpoints go to {args.checkpoint_dir}, logs to {args.log_dir or logs}")
    return log_dir, defaulted


def _nothing_to_do(args, checkpoint):
    """Whether the checkpoint has trained all that --epochs (and --patience) ask for; if so, says so."""
    partial = checkpoint["partial"]
    done = checkpoint["epoch"]
    stopped_early = (args.patience is not None and checkpoint["best_epoch"] > 0
                     and done + 1 - checkpoint["best_epoch"] > args.patience)
    if done < args.epochs and not stopped_early:
        return False
    where = f"{done} epoch(s)" + (f" and part of epoch {partial['epoch']}" if partial else "")
    if stopped_early and done < args.epochs:
        print(f"{args.resume}: early stopping ended this run after {done} epoch(s) (best accuracy at epoch "
              f"{checkpoint['best_epoch']}, --patience {args.patience}): nothing to do; to train more, raise "
              f"--patience or leave it out")
    else:
        print(f"{args.resume} has trained {where} of --epochs {args.epochs}: nothing to do; to train more, pass "
              f"--epochs N with N > {done}")
    return True


def _check_flags(args):
    problem = plateau_gamma_problem(args.scheduler, args.gamma)
    if problem:
        raise UsageError(problem)
    if args.optimizer == "adam" and "--momentum" in args.given:
        raise UsageError("--momentum is for --optimizer sgd only (Adam's moments use its betas 0.9 and 0.999, "
                         "which have no flag); leave it out")


def _check_split(args, train_set, fit_set, val_set):
    if val_set is None:
        return
    for part, count, advice in (("validation", len(val_set), "a larger"), ("training", len(fit_set), "a smaller")):
        if count == 0:
            raise UsageError(f"--val-fraction {args.val_fraction} leaves 0 of the {len(train_set)} {args.dataset} "
                             f"training images for {part}; use {advice} --val-fraction")


def _save(args, state):
    """Write the final weights to --save; if that fails, say where the weights still are."""
    try:
        path = save_weights(args.save, state, args.model, args.dataset)
    except OSError as error:
        raise WriteFailedError(f"{error}; {_keep_elsewhere(args, state)}", error.errno) from None
    print(f"saved weights to {path}")
    return path


def _keep_elsewhere(args, state):
    last = args.written.get("last")
    if last is not None and Path(last).is_file():  # written after the last epoch: it holds exactly these weights
        return f"the trained weights are kept in {last} (evaluate reads it too)"
    try:
        descriptor, fallback = tempfile.mkstemp(prefix=shorten_utf8(Path(args.save).stem, 200) + "-", suffix=".npz")
        os.close(descriptor)  # a unique name that fits; save_weights replaces the empty file atomically
        save_weights(fallback, state, args.model, args.dataset)
    except OSError as error:
        return f"writing them to the temp folder failed too ({error.strerror or error}): the trained weights are lost"
    return f"the trained weights were written to {fallback} instead"


def summary(args, history, seconds, saved):
    """The end of a run: how long it took, the best epoch, and the checkpoint, weights and logs it wrote."""
    lines = [f"done in {seconds:.1f} s"]
    if history:
        best = max(history, key=lambda row: row["eval_accuracy"])
        lines[0] += f"; best {best['eval_set']} accuracy {best['eval_accuracy']:.2f}% at epoch {best['epoch']}"
    written = args.written
    parts = [f"checkpoint: {written['last']} (for --resume)"] if written.get("last") else []
    if written.get("best"):
        parts.append(f"best weights: {written['best']}")
    elif args.checkpoint_dir and (Path(args.checkpoint_dir) / "best_model.npz").is_file() and args.resume:
        parts.append(f"best weights: {Path(args.checkpoint_dir) / 'best_model.npz'} (from before the resume)")
    if parts:
        lines.append("  " + ", ".join(parts))
    if saved:
        lines.append(f"  weights: {saved}")
    metrics = written.get("logs")
    if metrics is not None:
        names = [name for name in (*LOG_FILES, *PLOTS) if (metrics.dir / name).is_file()]
        state = f"incomplete: {metrics.failed}" if metrics.failed else ", ".join(names)
        lines.append(f"  logs: {metrics.dir} ({state})")
    return "\n".join(lines)


def evaluate_weights(args, models, backend):
    kind = "weights or checkpoint file"
    weights = weights_in(args.weights)
    check_names(args.weights, kind, weights.model, weights.dataset, models)
    model = models[weights.model]()
    check_model_state(args.weights, weights.state, backend.numpy_state(model), weights.model, weights.model, kind)
    backend.load_numpy_state(model, weights.state)
    model = backend.prepare(model)
    _, test_set = load_dataset(weights.dataset, args.data_dir)
    test_loss, test_accuracy = evaluate(model, DataLoader(test_set, batch_size=args.test_batch_size), backend)
    print(f"{weights.model} on {weights.dataset} ({args.weights}): test loss {test_loss:.4f}, "
          f"test accuracy {test_accuracy:.2f}%")
    return test_accuracy
