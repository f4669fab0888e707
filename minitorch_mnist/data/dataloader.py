"""DataLoader: walk a dataset in batches, in order or in a fresh random order each epoch.

    for images, labels in DataLoader(MNIST(), batch_size=64, shuffle=True, seed=0):
        ...   # images: Tensor float32 (64, 1, 28, 28), labels: Tensor int64 (64,)

The order of an epoch is drawn when iteration starts (`iter(loader)`, i.e. at the top of a `for` loop) and kept in
`loader.last_order`: the int64 index array of that epoch, so batch k holds the samples
`last_order[k * batch_size:(k + 1) * batch_size]`.
"""

import math

import numpy as np

from .. import random
from ..tensor import Tensor
from .dataset import gather


class DataLoader:
    """Batches of `dataset`, each a tuple of Tensors (one per field of an item), stacked along dim 0.

    batch_size: samples per batch; the last batch is smaller when it does not divide len(dataset), unless
        drop_last=True, which skips it.
    shuffle: a new permutation of the samples each epoch, drawn from the loader's own np.random.Generator.
    seed: seeds that generator, so two loaders with the same seed give the same order in every epoch. With
        seed=None a shuffling loader draws its seed from the engine's global generator when it is built, so
        mm.manual_seed(s) before building it makes the order reproducible too. A loader that does not shuffle
        draws nothing: building a test loader leaves the global stream (weight init, dropout) as it was.

    Fetching: if the dataset has __getitems__(indices), it is called once per batch with a 1-D int64 array and
    returns one batched array per field (or a single array); otherwise dataset[i] is called for each index and
    the items are stacked. Items that are tuples/lists give tuples of Tensors; any other item gives a Tensor.
    Arrays keep their dtype (float32 images stay float32, int64 labels stay int64) and are wrapped, not copied.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if seed is None and self.shuffle:
            seed = int(random.generator().integers(2**63))
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.last_order = None  # the index array of the latest epoch, set by iter()

    def __len__(self):
        """Number of batches in an epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        self.last_order = order.astype(np.int64, copy=False)
        return self._batches(self.last_order)

    def _batches(self, order):
        for k in range(len(self)):
            indices = order[k * self.batch_size:(k + 1) * self.batch_size]
            yield _to_tensors(gather(self.dataset, indices))


def _to_tensors(batch):
    if isinstance(batch, (tuple, list)):
        return tuple(_to_tensor(field) for field in batch)
    return _to_tensor(batch)


def _to_tensor(field):
    return field if isinstance(field, Tensor) else Tensor(np.asarray(field))
