"""The command line: `python -m minitorch_mnist train|evaluate ...`.

reference/__main__.py reuses this parser and `run` with PyTorch's models, optimizers and backend, so
both frameworks take exactly the same flags and train through the same loop.
"""

import argparse
import sys

from . import optim, random
from .data import DataLoader
from .data.catalog import DATASETS, load_dataset, split_for_validation
from .models import MODELS, MODEL_INPUTS
from .serialization import load_weights, save_weights
from .train import EngineBackend, evaluate
from .trainer import fit


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def non_negative_float(text):
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def fraction(text):
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def build_parser(prog, description, parents=()):
    """The train/evaluate parser; `parents` adds a framework's own options (the reference's --device) to both."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", parents=parents, help="train a model and print test accuracy",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    train.add_argument("--dataset", choices=sorted(DATASETS), default="mnist")
    train.add_argument("--model", choices=sorted(MODELS), default="lenet")
    train.add_argument("--epochs", type=positive_int, default=2)
    train.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    train.add_argument("--lr", type=non_negative_float, default=0.01)
    train.add_argument("--momentum", type=non_negative_float, default=0.9, help="SGD only")
    train.add_argument("--weight-decay", type=non_negative_float, default=0.0)
    train.add_argument("--scheduler", choices=["none", "step", "plateau"], default="none",
                       help="StepLR each epoch, or ReduceLROnPlateau on the evaluation loss")
    train.add_argument("--step-size", type=positive_int, default=5, help="StepLR: epochs between LR drops")
    train.add_argument("--gamma", type=non_negative_float, default=0.1, help="LR factor of both schedulers")
    train.add_argument("--lr-patience", type=int, default=2, help="ReduceLROnPlateau patience (epochs)")
    train.add_argument("--patience", type=positive_int, default=None,
                       help="early stopping: epochs without a better evaluation accuracy (default: never)")
    train.add_argument("--val-fraction", type=fraction, default=0.0,
                       help="hold out this stratified share of the training set for validation; "
                            "0 evaluates each epoch on the test set, as the PyTorch MNIST example does")
    train.add_argument("--batch-size", type=positive_int, default=64)
    train.add_argument("--test-batch-size", type=positive_int, default=1000)
    train.add_argument("--seed", type=int, default=1)
    train.add_argument("--data-dir", default=None, help="data folder (default: $MINITORCH_DATA or ./data)")
    train.add_argument("--checkpoint-dir", default=None, help="keep last.npz (resumable) and best_model.npz here")
    train.add_argument("--resume", metavar="CHECKPOINT", default=None, help="continue from a last.npz")
    train.add_argument("--log-dir", default=None, help="metrics CSV/JSONL, plots, TensorBoard events")
    train.add_argument("--grad-stats", action="store_true", help="print per-layer gradient statistics each epoch")
    train.add_argument("--save", metavar="PATH", help="write the final weights to this .npz file")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")

    evaluate_command = commands.add_parser("evaluate", parents=parents, help="report test accuracy of saved weights")
    evaluate_command.add_argument("weights", help=".npz file written by train --save (either framework)")
    evaluate_command.add_argument("--test-batch-size", type=positive_int, default=1000)
    evaluate_command.add_argument("--data-dir", default=None)
    return parser


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
    print(f"{backend.name}: training {args.model} on {args.dataset} ({len(fit_set)} images) for {args.epochs} "
          f"epoch(s), {args.optimizer} lr {args.lr}, batch {args.batch_size}, seed {args.seed}")
    history = fit(model, optimizer, train_loader, eval_loader, args.epochs, backend, model_name=args.model,
                  eval_set="validation" if val_set is not None else "test", scheduler=scheduler,
                  patience=args.patience, checkpoint_dir=args.checkpoint_dir, resume=args.resume,
                  log_dir=args.log_dir, show_grad_stats=args.grad_stats, class_names=test_set.classes,
                  progress=not args.no_progress)
    test_loss, test_accuracy = evaluate(model, test_loader, backend)
    print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
    if args.save:
        path = save_weights(args.save, backend.numpy_state(model), args.model, args.dataset)
        print(f"saved weights to {path}")
    return history, test_accuracy


def evaluate_weights(args, models, backend):
    weights = load_weights(args.weights)
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


def threads_option():
    """--threads N, the engine's own option (reference/__main__.py passes its own `parents` instead)."""
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument("--threads", type=positive_int, default=None, help="threads of the Numba conv/pool kernels "
                        "(kernels.set_num_threads; default: $MINITORCH_NUM_THREADS, else the usable cores)")
    return option


def engine_framework(args):
    if getattr(args, "threads", None):
        from . import kernels
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
    """Parse, run, and turn expected failures (missing data, bad files, bad shapes) into one clear line."""
    parents = [threads_option()] if parents is None else parents
    args = build_parser(prog, description, parents).parse_args(argv)
    try:
        run(args, **framework(args))
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
