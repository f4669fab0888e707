"""Data: Dataset and DataLoader (torch.utils.data's names), the IDX format, MNIST, Fashion-MNIST and CIFAR-10.

    dataset.py      Dataset, TensorDataset, Subset, ConcatDataset, IterableDataset, ChainDataset, and the batched-fetch
                    protocol __getitems__(indices)
    dataloader.py   DataLoader: batches of Tensors, torch's keywords, a seeded fresh order each epoch
    sampler.py      SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler
    collate.py      default_collate: a list of samples -> one batch, by torch's rules
    splits.py       random_split (torch's rules) and stratified_split (a train/validation split per class)
    datasets/       the files: IDX reader, MNIST, FashionMNIST, CIFAR-10, fetchers with checksums, the catalog
"""

from .datasets.cifar import CIFAR10, CIFAR10_MD5, check_cifar10, cifar10_folder, fetch_cifar10, normalize_channels
from .collate import default_collate
from .dataloader import DataLoader, get_worker_info
from .dataset import ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset
from .datasets.fashion import (FASHION_MNIST_MD5, FashionMNIST, check_fashion_mnist, fashion_mnist_raw_folder,
                      fetch_fashion_mnist)
from .datasets.fetch import MNIST_MD5, check_mnist, data_root, fetch_files, fetch_mnist, mnist_raw_folder
from .datasets.idx import read_idx
from .datasets.mnist import MNIST, normalize
from .datasets.safe_pickle import UnsafePickleError, safe_load
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .splits import random_split, stratified_split

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "default_collate", "Sampler", "SequentialSampler",
           "RandomSampler", "SubsetRandomSampler", "BatchSampler", "ConcatDataset", "IterableDataset", "ChainDataset",
           "WeightedRandomSampler", "get_worker_info", "random_split", "stratified_split", "read_idx",
           "fetch_files", "fetch_mnist", "check_mnist", "data_root", "mnist_raw_folder", "MNIST_MD5", "MNIST",
           "normalize", "FashionMNIST", "fetch_fashion_mnist", "check_fashion_mnist", "fashion_mnist_raw_folder",
           "FASHION_MNIST_MD5", "CIFAR10", "fetch_cifar10", "check_cifar10", "cifar10_folder", "CIFAR10_MD5",
           "normalize_channels", "safe_load", "UnsafePickleError"]

_NOT_HERE = ("StackDataset", "DistributedSampler", "default_convert")


def __getattr__(name):
    """torch.utils.data names the engine lacks fail saying what there is (this package is mm.utils.data too)."""
    if name in _NOT_HERE:
        raise AttributeError(f"minitorch_mnist.utils.data has no {name} (torch.utils.data has); it has "
                             f"Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, "
                             f"random_split, DataLoader, default_collate, get_worker_info, Sampler, SequentialSampler, "
                             f"RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
