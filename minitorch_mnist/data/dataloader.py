"""DataLoader: walk a dataset in batches, with torch.utils.data.DataLoader's signature.

    for images, labels in DataLoader(train_set, batch_size=64, shuffle=True):
        ...   # images: Tensor float32 (64, 1, 28, 28), labels: Tensor int64 (64,)

Each epoch's order comes from a sampler (sampler.py): SequentialSampler, or RandomSampler when shuffle=True, or
the one given. It is drawn when iteration starts (`iter(loader)`, the top of a `for` loop) and kept in
`loader.last_order` (int64 array), so batch k holds the samples last_order[k * batch_size:(k + 1) * batch_size].

Two ways to build a batch:
  - fast: with no collate_fn, a dataset that has __getitems__(indices) (TensorDataset, the engine's MNIST and
    CIFAR10, Subset of them) hands over a whole batch per field in one gather; the fields become Tensors and the
    batch a tuple of them.
  - general: dataset[i] for each index, then collate_fn(list of samples) (default: default_collate, which stacks
    as torch's does and gives a list for tuple samples).
An IterableDataset is read as a stream instead: batch_size samples at a time, in the order it yields them.
"""

import warnings

import numpy as np

from .collate import default_collate
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, epoch_order, numpy_generator
from ..autograd.tensor import Tensor


class DataLoader:
    """Batches of `dataset`, with torch's keywords.

    batch_size: samples per batch; the last batch is smaller unless drop_last=True, which skips it.
    shuffle: a new permutation each epoch (a RandomSampler over the dataset, drawing from `generator`).
    sampler: any iterable of indices with a length (a Sampler, or a list); excludes shuffle.
    batch_sampler: an iterable of index lists, one per batch; excludes batch_size, shuffle, sampler, drop_last.
    collate_fn: list of samples -> batch (default: default_collate, or the fast path described above).
    generator: seeds the shuffling: None (drawn from the engine's global generator when the loader is built, so
        mm.manual_seed(s) first makes the order reproducible), an int, an np.random.Generator, or a torch-like
        generator with initial_seed(). seed: the engine's older name for an int generator.
    num_workers, pin_memory, timeout, worker_init_fn, prefetch_factor, persistent_workers, pin_memory_device,
    in_order: accepted so PyTorch code runs unchanged, without effect: loading happens in this process, batches
        stay in CPU memory, and no worker is started (so worker_init_fn is never called, as with num_workers=0).
        pin_memory=True warns at each epoch, as torch does on a machine without an accelerator.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, seed=None):
        if batch_size is None:
            raise ValueError("DataLoader: batch_size=None (no automatic batching) is not supported; use "
                             "batch_size=1, or a batch_sampler that yields the index lists you want")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be non-negative, got {num_workers!r}")
        if multiprocessing_context is not None:
            raise ValueError("DataLoader: multiprocessing_context is not supported: batches are loaded in this "
                             "process (num_workers is accepted and ignored)")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if seed is not None:
            if generator is not None:
                raise ValueError("DataLoader: give generator= or seed=, not both")
            generator = seed
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if isinstance(dataset, IterableDataset):  # a stream: no order to choose, as torch checks
            for name, value in (("shuffle", shuffle if shuffle else None), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                     f"{name}={value!r}")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                             "sampler, and drop_last")
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None else int(batch_size)
        self.drop_last = bool(drop_last)
        self.shuffle = bool(shuffle)
        self.seed, self.generator = seed, generator
        if generator is not None and not self.shuffle:
            numpy_generator(generator)  # a wrong kind fails here, even when nothing is drawn from it
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if self.shuffle else SequentialSampler(dataset)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers, self.pin_memory_device, self.in_order = persistent_workers, pin_memory_device, in_order
        # the generator the order is drawn from: the trainer saves and restores its state for an exact resume
        self.rng = getattr(sampler, "rng", None) or np.random.default_rng(0)
        self.last_order = None  # the index array of the latest epoch, set by iter()

    def __len__(self):
        """Number of batches in an epoch (an IterableDataset needs a __len__ of its own for this, as in torch)."""
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(BatchSampler(self.sampler, self.batch_size, self.drop_last))

    def __iter__(self):
        if self.pin_memory:  # torch's warning on a machine without an accelerator, the engine's only kind
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", UserWarning, stacklevel=2)
        if isinstance(self.dataset, IterableDataset):
            self.last_order = None  # a stream has no order of indices
            return self._stream_batches()
        if self.batch_sampler is not None:
            batches = [np.asarray(list(batch), dtype=np.int64) for batch in self.batch_sampler]
            self.last_order = np.concatenate(batches) if batches else np.zeros(0, np.int64)
            return (self._fetch(indices) for indices in batches)
        self.last_order = epoch_order(self.sampler)
        return self._batches(self.last_order)

    def _batches(self, order):
        count = len(order) // self.batch_size if self.drop_last else -(-len(order) // self.batch_size)
        for k in range(count):
            yield self._fetch(order[k * self.batch_size:(k + 1) * self.batch_size])

    def _stream_batches(self):
        """batch_size samples at a time from the dataset's iterator, collated; the last shorter batch unless
        drop_last."""
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield (self.collate_fn or default_collate)(batch)
                batch = []
        if batch and not self.drop_last:
            yield (self.collate_fn or default_collate)(batch)

    def _fetch(self, indices):
        if self.collate_fn is None and hasattr(self.dataset, "__getitems__"):
            return _to_tensors(self.dataset.__getitems__(indices))
        samples = [self.dataset[int(i)] for i in indices]
        return (self.collate_fn or default_collate)(samples)


def _to_tensors(batch):
    if isinstance(batch, (tuple, list)):
        return tuple(_to_tensor(field) for field in batch)
    return _to_tensor(batch)


def _to_tensor(field):
    return field if isinstance(field, Tensor) else Tensor(np.asarray(field))


def get_worker_info():
    """None: batches are loaded in this process (torch answers None there too; in a worker it describes it)."""
    return None
