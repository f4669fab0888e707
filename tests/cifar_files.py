"""Small CIFAR-10 files in the original python-batch format, written the way the real ones were.

The real batches are Python 2 pickles (protocol 2) of dicts with "data" (N, 3072) uint8 and "labels";
CIFAR-10 cannot be downloaded here, so tests (and the CLI tests) train and read on these.
"""

import hashlib
import io
import pickle
import struct

import numpy as np

from minitorch_mnist.data import CIFAR10_MD5, cifar10_folder

LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
TRAIN_SIZES, TEST_SIZE = (3, 4, 2, 3, 5), 6


class Python2Pickler(pickle._Pickler):
    """Pickles as Python 2 wrote the CIFAR files: bytes become Python 2 `str` (SHORT_BINSTRING/BINSTRING), which
    Python 3 loads with encoding="latin1" as str: keys "data", names, and the array's raw bytes (given to numpy)."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_python2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_python2_str


def python2_pickle(obj):
    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    # NumPy 1 named its module numpy.core (NumPy 2: numpy._core); the real files say numpy.core
    return buffer.getvalue().replace(b"cnumpy._core.multiarray\n_reconstruct\n",
                                     b"cnumpy.core.multiarray\n_reconstruct\n")


def python3_pickle(obj):
    return pickle.dumps(obj, protocol=2)  # bytes go through _codecs.encode(text, "latin1") at protocol 2


def write_cifar(root, rng, dump=python2_pickle, train_sizes=TRAIN_SIZES, test_size=TEST_SIZE):
    """Five training batches and a test batch of a few random images, and batches.meta; returns their md5s."""
    folder = cifar10_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    batches = [(f"data_batch_{k}", f"training batch {k} of 5", n) for k, n in enumerate(train_sizes, 1)]
    for name, batch_label, n in batches + [("test_batch", "testing batch 1 of 1", test_size)]:
        data = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
        data[0, :3] = [0, 255, 128]  # the extremes
        entry = {b"batch_label": batch_label.encode(), b"labels": rng.integers(0, 10, n).tolist(), b"data": data,
                 b"filenames": [f"image_{i}.png".encode() for i in range(n)]}
        (folder / name).write_bytes(dump(entry))
    meta = {b"num_cases_per_batch": 10000, b"label_names": [name.encode() for name in LABEL_NAMES], b"num_vis": 3072}
    (folder / "batches.meta").write_bytes(dump(meta))
    return {name: hashlib.md5((folder / name).read_bytes()).hexdigest() for name in CIFAR10_MD5}
