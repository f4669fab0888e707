"""The command line: `python -m minitorch_mnist train|evaluate ...`.

reference/__main__.py reuses this parser and `run`, with PyTorch's models and backend, so both
frameworks take exactly the same flags.
"""

import argparse
import sys

from . import random
from .data import MNIST, DataLoader, fetch_mnist
from .models import MODELS
from .optim import SGD
from .serialization import load_weights, save_weights
from .train import EngineBackend, evaluate, fit


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


def build_parser(prog, description, parents=()):
    """The train/evaluate parser; `parents` adds a framework's own options (the reference's --device) to both."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", parents=parents,
                                help="train a model on MNIST and print test accuracy each epoch")
    train.add_argument("--model", choices=sorted(MODELS), default="lenet")
    train.add_argument("--epochs", type=positive_int, default=2)
    train.add_argument("--lr", type=non_negative_float, default=0.01)
    train.add_argument("--momentum", type=non_negative_float, default=0.9)
    train.add_argument("--batch-size", type=positive_int, default=64)
    train.add_argument("--test-batch-size", type=positive_int, default=1000)
    train.add_argument("--seed", type=int, default=1)
    train.add_argument("--data-dir", default=None, help="MNIST folder (default: $MINITORCH_DATA or ./data)")
    train.add_argument("--save", metavar="PATH", help="write the trained weights to this .npz file")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")

    evaluate_command = commands.add_parser("evaluate", parents=parents, help="report test accuracy of saved weights")
    evaluate_command.add_argument("weights", help=".npz file written by train --save (either framework)")
    evaluate_command.add_argument("--test-batch-size", type=positive_int, default=1000)
    evaluate_command.add_argument("--data-dir", default=None)
    return parser


def mnist_loaders(data_dir, batch_size, test_batch_size, seed):
    root = fetch_mnist(data_dir).parent.parent
    train_loader = DataLoader(MNIST(root, train=True), batch_size=batch_size, shuffle=True, seed=seed)
    test_loader = DataLoader(MNIST(root, train=False), batch_size=test_batch_size)
    return train_loader, test_loader


def run(args, models=MODELS, backend=EngineBackend, make_optimizer=SGD, seed_everything=random.manual_seed):
    """Carry out a parsed command with the given framework's models, backend and optimizer."""
    if args.command == "train":
        seed_everything(args.seed)
        model = backend.prepare(models[args.model]())
        train_loader, test_loader = mnist_loaders(args.data_dir, args.batch_size, args.test_batch_size, args.seed)
        optimizer = make_optimizer(model.parameters(), lr=args.lr, momentum=args.momentum)
        print(f"{backend.name}: training {args.model} for {args.epochs} epoch(s), lr {args.lr}, "
              f"momentum {args.momentum}, batch {args.batch_size}, seed {args.seed}")
        history = fit(model, optimizer, train_loader, test_loader, args.epochs, backend,
                      progress=not args.no_progress)
        print(f"test accuracy: {history[-1]['test_accuracy']:.2f}%")
        if args.save:
            path = save_weights(args.save, backend.numpy_state(model), args.model)
            print(f"saved weights to {path}")
        return history
    model_name, state = load_weights(args.weights)
    if model_name not in models:
        raise SystemExit(f"{args.weights}: unknown model {model_name!r} (known: {', '.join(sorted(models))})")
    model = models[model_name]()
    backend.load_numpy_state(model, state)
    model = backend.prepare(model)
    _, test_loader = mnist_loaders(args.data_dir, 64, args.test_batch_size, seed=0)
    test_loss, test_accuracy = evaluate(model, test_loader, backend)
    print(f"{model_name} ({args.weights}): test loss {test_loss:.4f}, test accuracy {test_accuracy:.2f}%")
    return test_accuracy


def engine_framework(args):
    return dict(models=MODELS, backend=EngineBackend, make_optimizer=SGD, seed_everything=random.manual_seed)


def main(argv=None, prog="python -m minitorch_mnist",
         description="Train and evaluate the MNIST tutorial models with the NumPy engine.",
         parents=(), framework=engine_framework):
    """Parse, run, and turn expected failures (missing data, bad files, bad shapes) into one clear line."""
    args = build_parser(prog, description, parents).parse_args(argv)
    try:
        run(args, **framework(args))
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
