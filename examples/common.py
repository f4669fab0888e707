"""Plumbing shared by the ten steps: the command line, MNIST as NumPy arrays, a common starting point for
both frameworks, and the side-by-side report. The lesson of each step lives in its own script.

Every step is one function `train(lib, mnist, epochs, start)` that `main` calls twice: with lib =
minitorch_mnist, then (when PyTorch is installed) with lib = torch. The engine copies PyTorch's API, so the
same text is both the lesson and its PyTorch twin; `start` makes both runs begin from the same weights,
and the loaders from `data_api(lib)` give both the same batches in the same order.
"""

import argparse
import os
import sys
import time
from collections import namedtuple
from pathlib import Path

import numpy as np

import minitorch_mnist as mm

N_TRAIN = 50_000  # the tutorial's split of the 60,000 training images: the first 50,000 to train ...
N_VALID = 10_000  # ... and the last 10,000 to validate

Mnist = namedtuple("Mnist", ["x_train", "y_train", "x_valid", "y_valid"])


def main(train, description):
    """Parse the flags, load MNIST, run `train` with the engine and with PyTorch, print both results."""
    args = parse_args(description)
    mnist = load_mnist(args.data_dir, args.limit, args.valid_limit)
    print(f"{description.strip().splitlines()[0]}\n{args.epochs} epoch(s) on {len(mnist.x_train):,} training images, "
          f"validation on {len(mnist.x_valid):,} images")
    torch = None if args.engine_only else import_torch()
    frameworks = [("engine", mm)] + ([(f"PyTorch {torch.__version__}", torch)] if torch is not None else [])
    weights = {}  # the engine's initial weights, handed to the PyTorch run
    results = {}
    for name, lib in frameworks:
        lib.manual_seed(args.seed)  # mm.manual_seed / torch.manual_seed: what the layers draw their weights from
        started = time.perf_counter()
        loss, accuracy = train(lib, mnist, args.epochs, SameStart(lib, args.seed, weights))
        results[name] = (float(loss), float(accuracy), time.perf_counter() - started)
    print_comparison(results)
    if args.engine_only:
        print("(--engine-only: the PyTorch twin did not run)")
    elif torch is None:
        print("(PyTorch is not installed: pip install torch to see its numbers beside the engine's)")
    return results


def parse_args(description):
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=positive_int, default=None, help="train on the first N training images only")
    parser.add_argument("--valid-limit", type=positive_int, default=None,
                        help="validate on the first N validation images only (default: all 10,000)")
    parser.add_argument("--epochs", type=positive_int, default=2, help="passes over the training images")
    parser.add_argument("--seed", type=int, default=0, help="seeds the initial weights and the shuffling")
    parser.add_argument("--data-dir", default=None,
                        help="the folder holding MNIST/raw (default: $MINITORCH_DATA, else the repository's data/)")
    parser.add_argument("--engine-only", action="store_true", help="do not run the PyTorch twin")
    return parser.parse_args()


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def import_torch():
    """torch, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def load_mnist(data_dir=None, limit=None, valid_limit=None):
    """The tutorial's data as NumPy arrays: images flattened to 784 floats in [0, 1], labels int64."""
    root = data_dir or os.environ.get("MINITORCH_DATA") or Path(__file__).resolve().parent.parent / "data"
    images = mm.data.MNIST(root, train=True, mean=0.0, std=1.0)  # (x / 255 - 0) / 1: pixels in [0, 1]
    x = images.images.reshape(-1, 784)
    y = images.targets
    train = slice(0, min(N_TRAIN, limit or N_TRAIN))
    valid = slice(N_TRAIN, N_TRAIN + min(N_VALID, valid_limit or N_VALID))
    return Mnist(x[train], y[train], x[valid], y[valid])


class SameStart:
    """Makes the PyTorch run start exactly where the engine's run started.

    randn(*shape): standard-normal float32 NumPy draws, the same in both runs (seeded), for hand-made weights.
    same_weights(model): in the engine's run, remember the freshly initialised weights; in PyTorch's run,
        load those very weights into the twin model (their parameter names are the same by construction).
    seed: for the shuffling loaders of data_api.
    """

    def __init__(self, lib, seed, weights):
        self.lib, self.seed, self._weights = lib, seed, weights
        self._rng = np.random.default_rng(seed)

    def randn(self, *shape):
        return self._rng.standard_normal(shape, dtype=np.float32)

    def same_weights(self, model):
        if self.lib is mm:
            self._weights.clear()
            self._weights.update({name: value.numpy().copy() for name, value in model.state_dict().items()})
        else:
            model.load_state_dict({name: self.lib.from_numpy(array.copy()) for name, array in self._weights.items()})
        return model


def data_api(lib):
    """TensorDataset and DataLoader with the engine's signature, DataLoader(dataset, batch_size, shuffle, seed).

    For the engine that is simply minitorch_mnist.data. For PyTorch it is torch.utils.data with a sampler that
    draws the engine's order (a fresh np.random.default_rng(seed).permutation each epoch), so both frameworks
    see the same batches.
    """
    if lib is mm:
        return mm.data
    return _TorchData(lib)


class _TorchData:
    def __init__(self, torch):
        self._torch = torch
        self.TensorDataset = torch.utils.data.TensorDataset

    def DataLoader(self, dataset, batch_size=1, shuffle=False, seed=None):
        sampler = _EngineOrder(len(dataset), seed) if shuffle else None
        return self._torch.utils.data.DataLoader(dataset, batch_size=batch_size, sampler=sampler)


class _EngineOrder:
    """A torch Sampler giving mm.data.DataLoader(shuffle=True, seed=seed)'s order, epoch after epoch."""

    def __init__(self, n, seed):
        self.n, self.rng = n, np.random.default_rng(seed)

    def __len__(self):
        return self.n

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())


def accuracy(out, yb):
    """The share of rows whose largest output is the label (the tutorial's accuracy), as a Python float."""
    preds = out.argmax(dim=1)
    return (preds == yb).float().mean().item()


def print_comparison(results):
    """One row per framework: validation loss and accuracy; then their difference."""
    print(f"{'':<22}{'validation loss':>16}{'accuracy':>10}{'seconds':>9}")
    for name, (loss, accuracy_, seconds) in results.items():
        print(f"{name:<22}{loss:>16.8f}{100 * accuracy_:>9.2f}%{seconds:>9.1f}")
    if len(results) == 2:
        (loss_a, accuracy_a, _), (loss_b, accuracy_b, _) = results.values()
        print(f"{'difference':<22}{abs(loss_a - loss_b):>16.1e}{100 * abs(accuracy_a - accuracy_b):>9.2f}%")
    sys.stdout.flush()
