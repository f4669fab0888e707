"""MNIST: 70,000 handwritten digits (60,000 to train, 10,000 to test), read from the original IDX files.

Items are what torchvision gives with transform=Compose([ToTensor(), Normalize(mean, std)]):

    image = (pixel / 255 - mean) / std      float32, shape (1, 28, 28)
    label = the digit                       int64

computed in float32 in that order, so the values are bit-for-bit torchvision's.
"""

import numpy as np

from ..dataset import Dataset, image_item
from .fetch import check_mnist, fetch_mnist
from .idx import read_idx

CLASSES = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
           "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]  # torchvision's MNIST.classes


def normalize(images, mean=0.5, std=0.5):
    """uint8 images (N, H, W) -> float32 (N, 1, H, W): ToTensor (x / 255) then Normalize ((x - mean) / std).

    mean and std are numbers or 1-element sequences (PyTorch's example passes (0.1307,), (0.3081,)).
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise TypeError(f"normalize: expects uint8 images of shape (N, H, W) with values 0..255, "
                        f"got {images.dtype} array of shape {images.shape}")
    mean, std = _channel_value(mean, "mean"), _channel_value(std, "std")
    if std == 0:
        raise ValueError("normalize: std must not be 0")
    # float32 scalars on purpose: a float64 NumPy scalar would promote the whole array to float64
    out = images.astype(np.float32)
    out /= np.float32(255)
    out -= np.float32(mean)
    out /= np.float32(std)
    return out.reshape(len(images), 1, *images.shape[1:])


def _channel_value(value, name):
    values = np.asarray(value, dtype=np.float64).reshape(-1)
    if values.size != 1:
        raise ValueError(f"normalize: MNIST has 1 channel, so {name} must be one number, got {value!r}")
    return float(values[0])


def read_mnist(folder, train=True, what="MNIST"):
    """(images uint8 (N, 28, 28), labels int64 (N,)) from the IDX files of one split in `folder`, checked to fit."""
    split = "train" if train else "t10k"
    images = read_idx(folder / f"{split}-images-idx3-ubyte", ndim=3, dtype=np.uint8)
    labels = read_idx(folder / f"{split}-labels-idx1-ubyte", ndim=1, dtype=np.uint8)
    if images.shape[1:] != (28, 28) or len(labels) != len(images) or labels.max(initial=0) > 9:
        raise ValueError(f"{what} files in {folder} do not fit together: images {images.shape}, {len(labels)} "
                         f"labels with largest {labels.max(initial=0)} (expected N x 28 x 28 images, N labels 0..9)")
    return images, labels.astype(np.int64)


class MNIST(Dataset):
    """The MNIST training set (train=True) or test set, with torchvision's attributes.

    root: the data directory (see fetch.data_root); files are read from ROOT/MNIST/raw, torchvision's layout.
    download: fetch missing or corrupt files (fetch_mnist); with download=False they must already be there.
    data: uint8 (N, 28, 28); targets: int64 (N,); classes: the ten names.
    images: float32 (N, 1, 28, 28), `data` normalised once here (about 0.1 s and 188 MB for the training set),
        so each batch is a single gather; an epoch of 938 batches of 64 then costs about 0.03 s.

    Datasets in the same format (FashionMNIST) subclass this and set `classes`, `fetch` and `check`.
    """

    classes = CLASSES
    fetch = staticmethod(fetch_mnist)  # root -> the raw folder, with the four files fetched and verified
    check = staticmethod(check_mnist)  # root -> the raw folder, after verifying the four files (no network)

    def __init__(self, root=None, train=True, download=True, mean=0.5, std=0.5):
        folder = self.fetch(root) if download else self.check(root)
        self.train = train
        self.data, self.targets = read_mnist(folder, train, type(self).__name__)
        self.mean, self.std = mean, std
        self.images = normalize(self.data, mean, std)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        """(image Tensor float32 (1, 28, 28), label int), as torchvision's items with ToTensor and Normalize."""
        return image_item(self.images[index], self.targets[index])

    def __getitems__(self, indices):
        """A batch: (images float32 (B, 1, 28, 28), labels int64 (B,)), one gather each."""
        return self.images[indices], self.targets[indices]

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"{type(self).__name__}({split}: {len(self)} images, mean={self.mean}, std={self.std})"
