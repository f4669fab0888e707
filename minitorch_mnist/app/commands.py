"""What `train` and `evaluate` do, for either framework (cli.py parses; reference/ supplies PyTorch's pieces).

train builds the model, data, optimizer and scheduler from the flags (from the checkpoint's settings when
resuming, see resume_rules.py), runs fit(), reports the test accuracy, saves the weights, and ends with a
summary of where everything was written. Weights that cannot be saved (a full disk) are not thrown away:
the message names the checkpoint that holds them, or a fallback file they were written to instead.
"""

import os
import tempfile
import time
from pathlib import Path

from ..storage.atomic import WriteFailedError
from ..data import DataLoader
from ..data.datasets.catalog import DATASETS, load_dataset, split_for_validation
from ..models import MODEL_INPUTS
from .resume_rules import adopt_checkpoint_settings, settings_of
from .training_checkpoint import read_training_checkpoint, weights_in
from ..storage.weights_file import save_weights
from .loop import evaluate
from .fit import fit


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


def train(args, models, backend, optim_module, seed_everything):
    started = time.perf_counter()
    if args.resume:
        saved = read_training_checkpoint(args.resume)["settings"]
        adopt_checkpoint_settings(args, args.resume, saved, args.given)
    check_model_fits_dataset(args.model, args.dataset)
    seed_everything(args.seed)
    model = backend.prepare(models[args.model]())
    train_set, test_set = load_dataset(args.dataset, args.data_dir)
    fit_set, val_set = split_for_validation(train_set, args.val_fraction, args.seed)
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
                  progress=not args.no_progress)
    test_loss, test_accuracy = evaluate(model, test_loader, backend)
    print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
    saved = _save(args, backend.numpy_state(model)) if args.save else None
    print(summary(args, history, time.perf_counter() - started, saved))
    return history, test_accuracy


def _save(args, state):
    """Write the final weights to --save; if that fails, say where the weights still are."""
    try:
        path = save_weights(args.save, state, args.model, args.dataset)
    except WriteFailedError as error:
        raise WriteFailedError(f"{error}; {_keep_elsewhere(args, state)}", error.errno) from None
    print(f"saved weights to {path}")
    return path


def _keep_elsewhere(args, state):
    last = Path(args.checkpoint_dir) / "last.npz" if args.checkpoint_dir else None
    if last is not None and last.is_file():  # written after the last epoch: it holds exactly these weights
        return f"the trained weights are kept in {last} (evaluate reads it too)"
    fallback = Path(tempfile.gettempdir()) / f"{Path(args.save).stem}-{os.getpid()}.npz"
    try:
        save_weights(fallback, state, args.model, args.dataset)
    except WriteFailedError:
        return f"writing them to {fallback} failed too: the trained weights are lost"
    return f"the trained weights were written to {fallback} instead"


def summary(args, history, seconds, saved):
    """The end of a run: how long it took, the best epoch, and where the checkpoint, weights and logs went."""
    lines = [f"done in {seconds:.1f} s"]
    if history:
        best = max(history, key=lambda row: row["eval_accuracy"])
        lines[0] += f"; best {best['eval_set']} accuracy {best['eval_accuracy']:.2f}% at epoch {best['epoch']}"
    if args.checkpoint_dir:
        folder = Path(args.checkpoint_dir)
        lines.append(f"  checkpoint: {folder / 'last.npz'} (for --resume), best weights: {folder / 'best_model.npz'}")
    if saved:
        lines.append(f"  weights: {saved}")
    if args.log_dir:
        lines.append(f"  logs: {args.log_dir} (steps.csv, epochs.csv, epochs.jsonl, curves.png, samples.png)")
    return "\n".join(lines)


def evaluate_weights(args, models, backend):
    weights = weights_in(args.weights)
    if weights.model not in models:
        raise ValueError(f"{args.weights}: unknown model {weights.model!r} (known: {', '.join(sorted(models))})")
    model = models[weights.model]()
    backend.load_numpy_state(model, weights.state)
    model = backend.prepare(model)
    _, test_set = load_dataset(weights.dataset, args.data_dir)
    test_loss, test_accuracy = evaluate(model, DataLoader(test_set, batch_size=args.test_batch_size), backend)
    print(f"{weights.model} on {weights.dataset} ({args.weights}): test loss {test_loss:.4f}, "
          f"test accuracy {test_accuracy:.2f}%")
    return test_accuracy
