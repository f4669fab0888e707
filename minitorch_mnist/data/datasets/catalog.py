"""The datasets the command line knows, by name, and the optional validation split of a training set."""

from collections import namedtuple

from .cifar import CIFAR10
from ..dataset import Subset
from .fashion import FashionMNIST
from .mnist import MNIST
from ..splits import stratified_split

DatasetEntry = namedtuple("DatasetEntry", ["load", "input_shape"])


def _mnist(root, train):
    return MNIST(root, train=train)


def _fashion(root, train):
    return FashionMNIST(root, train=train)


def _cifar10(root, train):
    return CIFAR10(root, train=train, download=True)


DATASETS = {
    "mnist": DatasetEntry(_mnist, (1, 28, 28)),
    "fashion": DatasetEntry(_fashion, (1, 28, 28)),
    "cifar10": DatasetEntry(_cifar10, (3, 32, 32)),
}


def load_dataset(name, root=None):
    """(train set, test set) of the named dataset, fetched into `root` if needed."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(sorted(DATASETS))})")
    return DATASETS[name].load(root, True), DATASETS[name].load(root, False)


def split_for_validation(train_set, val_fraction, seed):
    """(training subset, validation subset), stratified by class; (train_set, None) when val_fraction is 0."""
    if val_fraction == 0:
        return train_set, None
    train_indices, val_indices = stratified_split(train_set.targets, val_fraction=val_fraction, seed=seed)
    return Subset(train_set, train_indices), Subset(train_set, val_indices)
