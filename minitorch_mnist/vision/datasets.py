"""torchvision.datasets' MNIST, FashionMNIST and CIFAR10: torchvision's signatures, attributes and file layout,
read by the engine's own readers (data/datasets/idx.py, safe_pickle.py) and fetched by its fetchers (fetch.py).

    train_set = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())
    image, label = train_set[0]          # a float32 Tensor (1, 28, 28) and an int

Files live where torchvision keeps them (ROOT/MNIST/raw, ROOT/FashionMNIST/raw, ROOT/cifar-10-batches-py), so
torchvision reads the same files. Without a transform an image is a PIL image (mode L for MNIST, RGB for CIFAR10),
as torchvision gives it (Pillow comes with matplotlib); ToTensor takes it, or a NumPy array.

When the transform is made only of ToTensor and Normalize (or is None) and there is no target_transform, a
dataset also fetches whole batches (__getitems__), so a DataLoader epoch costs a few NumPy calls per batch.
"""

import os
from pathlib import Path

import numpy as np

from ..data.datasets.cifar import CIFAR10_MD5, CIFAR10_TGZ_MD5, CIFAR10_URL, fetch_cifar10, read_cifar_batches, \
    read_cifar_meta
from ..data.dataset import Dataset
from ..data.datasets.fashion import CLASSES as FASHION_CLASSES, FASHION_MNIST_GZ_MD5, FASHION_MNIST_MIRRORS, \
    fetch_fashion_mnist
from ..data.datasets.fetch import MNIST_MIRRORS, fetch_mnist, md5sum
from ..data.datasets.mnist import CLASSES as MNIST_CLASSES, read_mnist
from ..autograd.tensor import Tensor

__all__ = ["VisionDataset", "MNIST", "FashionMNIST", "CIFAR10", "ImageFolder", "DatasetFolder"]

NOT_FOUND = "Dataset not found. You can use download=True to download it"


class VisionDataset(Dataset):
    """root, transform (applied to the image), target_transform (applied to the label), as in torchvision."""

    def __init__(self, root, transforms=None, transform=None, target_transform=None):
        if transforms is not None:
            raise ValueError("VisionDataset: the joint `transforms` argument is not supported; pass transform= "
                             "and target_transform=")
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        self.transform, self.target_transform = transform, target_transform

    def _item(self, image, target):
        from PIL import Image  # Pillow: matplotlib, a dependency of the engine, requires it

        image = Image.fromarray(image)  # a PIL image (mode L or RGB), as torchvision hands it to the transform
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    @property
    def __getitems__(self):
        """Batched fetch, present only for datasets held as one array (MNIST, CIFAR10) whose transforms can run on a
        whole batch (else AttributeError)."""
        batchable = self.transform is None or (callable(getattr(self.transform, "batchable", None))
                                               and self.transform.batchable())
        if not hasattr(self, "_images_at") or not batchable or self.target_transform is not None:
            raise AttributeError(f"{type(self).__name__} fetches item by item with transform {self.transform!r}")
        return self._batch

    def _batch(self, indices):
        images, targets = self._images_at(indices), self._targets_at(indices)
        return (images if self.transform is None else self.transform.apply_batch(images)), targets

    def extra_repr(self):
        """The dataset's own lines in the repr: the split, for the datasets that have one."""
        return f"Split: {'Train' if self.train else 'Test'}" if hasattr(self, "train") else ""

    def __repr__(self):
        """torchvision's form, including its quirk: the transforms' block is one line of the body, so only its
        first line ("StandardTransform") is indented."""
        body = [f"Number of datapoints: {len(self)}"] + ([f"Root location: {self.root}"] if self.root is not None
                                                          else [])
        body += self.extra_repr().splitlines()
        if self.transform is not None or self.target_transform is not None:
            body.append(_standard_transform_repr(self.transform, self.target_transform))
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in body])


def _standard_transform_repr(transform, target_transform):
    """What torchvision's StandardTransform prints: its name, then each transform after a heading, continuation
    lines aligned under the first."""
    lines = ["StandardTransform"]
    for head, function in (("Transform: ", transform), ("Target transform: ", target_transform)):
        if function is not None:
            text = repr(function).splitlines()
            lines += [head + text[0]] + [" " * len(head) + line for line in text[1:]]
    return "\n".join(lines)


class MNIST(VisionDataset):
    """MNIST from ROOT/MNIST/raw: data uint8 Tensor (N, 28, 28), targets int64 Tensor (N,), classes, as torchvision.

    download=True fetches missing or corrupt files (every file checked by md5); with download=False missing
    files raise RuntimeError, as in torchvision. Subclasses set mirrors, resources and classes, as torchvision's do.
    """

    mirrors = list(MNIST_MIRRORS)
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    training_file, test_file = "training.pt", "test.pt"
    classes = MNIST_CLASSES

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(NOT_FOUND)
        self.data, self.targets = self._load_data()

    def _load_data(self):
        images, labels = read_mnist(Path(self.raw_folder), self.train, type(self).__name__)
        return Tensor(images), Tensor(labels)

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {name: index for index, name in enumerate(self.classes)}

    def _check_exists(self):
        return all(os.path.isfile(os.path.join(self.raw_folder, os.path.splitext(name)[0])) for name, _ in self.resources)

    def download(self):
        """Fetch the files into raw_folder (engine fetchers: mirrors, then other sources, each file md5-checked)."""
        if self._check_exists():
            return
        fetch = _MNIST_FETCHERS.get(tuple(md5 for _, md5 in self.resources))
        if fetch is None:
            names = ", ".join(os.path.splitext(name)[0] for name, _ in self.resources)
            raise RuntimeError(f"{type(self).__name__}: download=True knows the MNIST and FashionMNIST files only; "
                               f"put {names} (gunzipped) in {self.raw_folder}")
        fetch(self.root)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        """(image, target): a uint8 array (28, 28) through `transform`, an int through `target_transform`."""
        return self._item(self.data.array[index], int(self.targets.array[index]))

    def _images_at(self, indices):
        return self.data.array[indices]

    def _targets_at(self, indices):
        return self.targets.array[indices]


class FashionMNIST(MNIST):
    """Fashion-MNIST from ROOT/FashionMNIST/raw: MNIST's attributes and items, torchvision's classes."""

    mirrors = list(FASHION_MNIST_MIRRORS)
    resources = list(FASHION_MNIST_GZ_MD5.items())
    classes = FASHION_CLASSES


_MNIST_FETCHERS = {tuple(md5 for _, md5 in MNIST.resources): fetch_mnist,
                   tuple(md5 for _, md5 in FashionMNIST.resources): fetch_fashion_mnist}


class CIFAR10(VisionDataset):
    """CIFAR-10 from ROOT/cifar-10-batches-py: data uint8 array (N, 32, 32, 3), targets a list of ints, classes,
    class_to_idx, as torchvision. Every file is checked against the md5 in train_list, test_list and meta (a
    subclass may list other files or md5s, as in torchvision); the pickles are read by a restricted unpickler.
    """

    base_folder = "cifar-10-batches-py"
    url = CIFAR10_URL
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = CIFAR10_TGZ_MD5
    train_list = [[f"data_batch_{k}", CIFAR10_MD5[f"data_batch_{k}"]] for k in range(1, 6)]
    test_list = [["test_batch", CIFAR10_MD5["test_batch"]]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": CIFAR10_MD5["batches.meta"]}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        files = self.train_list if self.train else self.test_list
        folder = Path(self.root, self.base_folder)
        images, targets = read_cifar_batches([folder / name for name, _ in files])
        self.data = images.transpose(0, 2, 3, 1)  # height x width x channel, a view as in torchvision
        self.targets = targets.tolist()
        self._load_meta()

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not _intact(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to "
                               "download it")
        if self.meta["key"] != "label_names":
            raise ValueError(f"{type(self).__name__}: meta key {self.meta['key']!r} is not supported (CIFAR-10's "
                             f"'label_names' is)")
        self.classes = read_cifar_meta(path)
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}

    def _check_integrity(self):
        return all(_intact(os.path.join(self.root, self.base_folder, name), md5)
                   for name, md5 in self.train_list + self.test_list)

    def download(self):
        if self._check_integrity():
            return
        if self.url != CIFAR10_URL:
            raise RuntimeError(f"{type(self).__name__}: download=True knows the CIFAR-10 archive only; unpack "
                               f"{self.url} into {self.root} yourself")
        fetch_cifar10(self.root)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        """(image, target): a uint8 array (32, 32, 3) through `transform`, an int through `target_transform`."""
        return self._item(self.data[index], self.targets[index])

    def _images_at(self, indices):
        return self.data[indices]

    def _targets_at(self, indices):
        return np.fromiter((self.targets[i] for i in indices), dtype=np.int64, count=len(indices))


def _intact(path, md5):
    """torchvision's check_integrity: the file is there and, if md5 is given, has it."""
    return os.path.isfile(path) and (md5 is None or md5sum(path) == md5)


def __getattr__(name):
    if name[:1].isupper():
        raise AttributeError(f"minitorch_mnist.vision.datasets has no {name} (torchvision's has); it has "
                             f"{', '.join(__all__)}; any other data works as a Dataset subclass or a TensorDataset")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from .folder import DatasetFolder, ImageFolder  # noqa: E402 (they build on VisionDataset, above)
