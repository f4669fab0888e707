"""Fashion-MNIST: 70,000 grey 28 x 28 photos of clothing in 10 classes, a drop-in replacement for MNIST.

Same IDX files, same sizes (60,000 to train, 10,000 to test, 6,000 and 1,000 per class), same reader and items as
mnist.py; only the pictures are harder. The files live in ROOT/FashionMNIST/raw, torchvision's layout, uncompressed,
so `torchvision.datasets.FashionMNIST(ROOT, download=False)` reads the very same files.

Sources, in order, for whichever files are missing or fail their md5 (see fetch.fetch_files):
  1. the standard mirror, serving the official .gz files (for machines with internet);
  2. the Debian package dataset-fashion-mnist, which holds the official .gz files under
     usr/share/datasets/fashion-mnist/ (`apt-get download` + `dpkg -x`: no root, nothing installed).

The md5s below are of the uncompressed files. Debian's .gz files differ from the mirror's only in the gzip header
(no file name, another time stamp): their compressed data is byte for byte the official one. Given back the
original header (name, mtime 2017-08-31) each reproduces the md5 torchvision pins for the mirror's .gz file
(FASHION_MNIST_GZ_MD5).
"""

from .fetch import check_files, data_root, fetch_files
from .mnist import MNIST

FASHION_MNIST_MD5 = {  # of the uncompressed files
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}
FASHION_MNIST_GZ_MD5 = {  # of the mirror's .gz files: torchvision.datasets.FashionMNIST.resources
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MNIST_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
FASHION_MNIST_DEBIAN = ("dataset-fashion-mnist", "usr/share/datasets/fashion-mnist/")

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # torchvision's FashionMNIST.classes


def fashion_mnist_raw_folder(root=None):
    """Where the Fashion-MNIST IDX files live: ROOT/FashionMNIST/raw, as in torchvision."""
    return data_root(root) / "FashionMNIST" / "raw"


def check_fashion_mnist(root=None):
    """The raw folder, after checking that all four files are there with the right md5 (no network)."""
    return check_files(fashion_mnist_raw_folder(root), FASHION_MNIST_MD5, "FashionMNIST")


def fetch_fashion_mnist(root=None):
    """The raw folder holding the four verified Fashion-MNIST files, fetching whatever is missing or corrupt."""
    folder = fashion_mnist_raw_folder(root)
    return fetch_files(folder, FASHION_MNIST_MD5, FASHION_MNIST_MIRRORS, what="FashionMNIST",
                       debian=FASHION_MNIST_DEBIAN,
                       by_hand=f"download {', '.join(FASHION_MNIST_GZ_MD5)} from {FASHION_MNIST_MIRRORS[0]} "
                               f"(or `apt-get download {FASHION_MNIST_DEBIAN[0]}` and `dpkg -x` it: they lie in "
                               f"{FASHION_MNIST_DEBIAN[1]}), gunzip them into {folder}/")


class FashionMNIST(MNIST):
    """The Fashion-MNIST training set (train=True) or test set: MNIST's items and attributes, other pictures.

    root: the data directory (see fetch.data_root); files are read from ROOT/FashionMNIST/raw.
    download: fetch missing or corrupt files (fetch_fashion_mnist); with download=False they must be there.
    mean, std: Normalize's constants (the training set's own pixel mean and std are 0.2860 and 0.3530).
    data: uint8 (N, 28, 28); targets: int64 (N,); images: float32 (N, 1, 28, 28); classes: the ten names.
    """

    classes = CLASSES
    fetch = staticmethod(fetch_fashion_mnist)
    check = staticmethod(check_fashion_mnist)
