"""Samplers: which sample indices an epoch visits, in which order (torch.utils.data's names and signatures).

    SequentialSampler(data_source)                  0, 1, ..., n-1
    RandomSampler(data_source, replacement=False, num_samples=None, generator=None)
                                                    a fresh permutation each epoch (or draws with replacement)
    SubsetRandomSampler(indices, generator=None)    the given indices in a fresh random order each epoch
    WeightedRandomSampler(weights, num_samples, replacement=True, generator=None)
                                                    indices drawn with probability proportional to weights
    BatchSampler(sampler, batch_size, drop_last)    lists of indices, one per batch

A sampler is any iterable of ints with a length: a plain list works too. The random ones draw from a NumPy
generator of their own, made once from `generator` (see numpy_generator), so two samplers built the same way
give the same orders epoch after epoch. The orders are not torch's (torch.randperm is another algorithm): to feed
both frameworks the same order, give both the same list of indices.
"""

import numpy as np

from ..autograd.tensor import Tensor
from ..torch_api import random


def numpy_generator(generator=None):
    """The np.random.Generator a sampler draws from.

    generator: None (seeded from the engine's global generator now, so mm.manual_seed(s) beforehand makes the
        orders reproducible), an int seed, an np.random.Generator (used as is), or a torch-like generator with
        initial_seed() (its seed seeds a NumPy generator: the same seed gives the same order here, not torch's).
    """
    if generator is None:
        return np.random.default_rng(int(random.generator().integers(2**63)))
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    if callable(getattr(generator, "initial_seed", None)):
        return np.random.default_rng(int(generator.initial_seed()))
    raise TypeError(f"generator must be None, an int seed, an np.random.Generator or an object with "
                    f"initial_seed() (torch.Generator), got {type(generator).__name__}")


class Sampler:
    """Base class: __iter__ yields sample indices, __len__ says how many."""

    def __init__(self, data_source=None):
        pass


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)

    def order(self):
        return np.arange(len(self.data_source), dtype=np.int64)


class RandomSampler(Sampler):
    """A new permutation of range(len(data_source)) each epoch; with replacement=True, num_samples draws with
    replacement. num_samples (default len(data_source)) may exceed the dataset only with replacement, as in torch."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got {replacement!r}")
        if num_samples is not None and (isinstance(num_samples, bool) or not isinstance(num_samples, int)
                                        or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples!r}")
        self.data_source, self.replacement, self._num_samples = data_source, replacement, num_samples
        self.generator = generator
        self.rng = numpy_generator(generator)

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self):
        return self.num_samples

    def order(self):
        """This epoch's indices, an int64 array (each call draws a new epoch)."""
        n = len(self.data_source)
        if self.replacement:
            return self.rng.integers(0, n, self.num_samples, dtype=np.int64)
        if self.num_samples == n:
            return self.rng.permutation(n).astype(np.int64, copy=False)
        # num_samples beyond n: whole permutations, then the start of one more, as torch does
        whole, rest = divmod(self.num_samples, n)
        parts = [self.rng.permutation(n) for _ in range(whole)] + ([self.rng.permutation(n)[:rest]] if rest else [])
        return np.concatenate(parts).astype(np.int64, copy=False)

    def __iter__(self):
        return iter(self.order().tolist())


class SubsetRandomSampler(Sampler):
    """The given indices, in a fresh random order each epoch (a train/validation split over one dataset)."""

    def __init__(self, indices, generator=None):
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        self.generator = generator
        self.rng = numpy_generator(generator)

    def __len__(self):
        return len(self.indices)

    def order(self):
        return self.indices[self.rng.permutation(len(self.indices))]

    def __iter__(self):
        return iter(self.order().tolist())


class WeightedRandomSampler(Sampler):
    """num_samples indices drawn with probability proportional to weights (with replacement by default), a fresh
    draw each epoch; e.g. weights = 1 / class_count[label] balances the classes."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights = weights.array if hasattr(weights, "array") else np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(weights.shape)}")
        if not replacement and num_samples > len(weights):
            raise RuntimeError(f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                               f"(num_samples={num_samples}, {len(weights)} weights)")
        self.weights = Tensor(weights.astype(np.float64))
        self.num_samples, self.replacement, self.generator = num_samples, replacement, generator
        self.rng = numpy_generator(generator)

    def __len__(self):
        return self.num_samples

    def order(self):
        weights = self.weights.array
        return self.rng.choice(len(weights), self.num_samples, replace=self.replacement,
                               p=weights / weights.sum()).astype(np.int64)

    def __iter__(self):
        return iter(self.order().tolist())


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`; the last shorter one is dropped with drop_last=True."""

    def __init__(self, sampler, batch_size, drop_last):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(int(index))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def epoch_order(sampler):
    """One epoch of `sampler` as an int64 array (engine samplers hand over their array; others are iterated)."""
    order = sampler.order() if hasattr(sampler, "order") else np.fromiter(sampler, dtype=np.int64)
    return np.asarray(order, dtype=np.int64)
