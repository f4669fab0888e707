"""Data: Dataset and DataLoader (torch.utils.data's names), the IDX format, MNIST, Fashion-MNIST and CIFAR-10.

    dataset.py      Dataset, TensorDataset, Subset, and the batched-fetch protocol __getitems__(indices)
    dataloader.py   DataLoader: batches of Tensors, torch's keywords, a seeded fresh order each epoch
    sampler.py      SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler
    collate.py      default_collate: a list of samples -> one batch, by torch's rules
    splits.py       random_split (torch's rules) and stratified_split (a train/validation split per class)
    datasets/       the files: IDX reader, MNIST, FashionMNIST, CIFAR-10, fetchers with checksums, the catalog
"""

from .datasets.cifar import CIFAR10, CIFAR10_MD5, check_cifar10, cifar10_folder, fetch_cifar10, normalize_channels
from .collate import default_collate
from .dataloader import DataLoader
from .dataset import Dataset, Subset, TensorDataset
from .datasets.fashion import (FASHION_MNIST_MD5, FashionMNIST, check_fashion_mnist, fashion_mnist_raw_folder,
                      fetch_fashion_mnist)
from .datasets.fetch import MNIST_MD5, check_mnist, data_root, fetch_files, fetch_mnist, mnist_raw_folder
from .datasets.idx import read_idx
from .datasets.mnist import MNIST, normalize
from .datasets.safe_pickle import UnsafePickleError, safe_load
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
from .splits import random_split, stratified_split

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "default_collate", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "BatchSampler", "random_split", "stratified_split", "read_idx",
           "fetch_files", "fetch_mnist", "check_mnist", "data_root", "mnist_raw_folder", "MNIST_MD5", "MNIST",
           "normalize", "FashionMNIST", "fetch_fashion_mnist", "check_fashion_mnist", "fashion_mnist_raw_folder",
           "FASHION_MNIST_MD5", "CIFAR10", "fetch_cifar10", "check_cifar10", "cifar10_folder", "CIFAR10_MD5",
           "normalize_channels", "safe_load", "UnsafePickleError"]

_NOT_HERE = ("IterableDataset", "ConcatDataset", "ChainDataset", "StackDataset", "WeightedRandomSampler",
             "DistributedSampler", "get_worker_info", "default_convert")


def __getattr__(name):
    """torch.utils.data names the engine lacks fail saying what there is (this package is mm.utils.data too)."""
    if name in _NOT_HERE:
        raise AttributeError(f"minitorch_mnist.utils.data has no {name} (torch.utils.data has); it has "
                             f"Dataset, TensorDataset, Subset, random_split, DataLoader, default_collate, "
                             f"Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, BatchSampler")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
