"""Splitting a dataset: random_split (torch.utils.data's rules) and stratified_split (a train/validation split
that keeps each class's share).

    train, val = random_split(dataset, [0.9, 0.1], generator=torch.Generator().manual_seed(0))  # two Subsets
    train_idx, val_idx = stratified_split(mnist, val_fraction=0.1, seed=0)     # two index arrays
    train, val = Subset(mnist, train_idx), Subset(mnist, val_idx)

Both are reproducible from their seed and give disjoint parts that together cover every sample exactly once.
The permutations come from NumPy's generator, so the same seed picks other samples than torch's would; the
lengths are torch's.
"""

import math
import warnings

import numpy as np

from .dataset import Subset
from .sampler import numpy_generator


def random_split(dataset, lengths, generator=None, *, generator_seed=None):
    """Disjoint random Subsets of `dataset` of the given lengths, like torch.utils.data.random_split; each Subset's
    indices are a list of ints, as torch's.

    lengths: ints that sum to len(dataset), or fractions that sum to 1. Fractions become floor(fraction * n)
        each, and the samples left over go one each to the parts in order (part 0, 1, ...), as in torch.
    generator: where the permutation comes from: None (the engine's global generator, so mm.manual_seed makes it
        reproducible), a torch-like generator (torch.Generator().manual_seed(42): its seed seeds the permutation), an
        np.random.Generator or an int seed. generator_seed: the engine's older name for an int seed.
    """
    if generator_seed is not None:
        if generator is not None:
            raise ValueError("random_split: give generator= or generator_seed=, not both")
        generator = generator_seed
    n = len(dataset)
    lengths = _lengths(list(lengths), n)
    order = numpy_generator(generator).permutation(n).tolist()
    ends = np.cumsum(lengths).tolist()
    return [Subset(dataset, order[end - length:end]) for end, length in zip(ends, lengths, strict=True)]


def _lengths(lengths, n):
    """Whole lengths from `lengths` (counts or fractions), checked against n as torch checks them."""
    if not lengths:
        raise ValueError("random_split: lengths is empty; give counts or fractions, one per part")
    for i, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, (int, float, np.integer, np.floating)):
            raise TypeError(f"random_split: lengths[{i}] is {length!r}; lengths must be ints or fractions")
    total = sum(lengths)
    # torch's rule: lengths summing to 1 are fractions (so [0, 1] means "all in part 1" for any dataset)
    if math.isclose(total, 1) and total <= 1:
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"random_split: fraction lengths[{i}] = {fraction} is not between 0 and 1")
        counts = [math.floor(n * fraction) for fraction in lengths]
        for i in range(n - sum(counts)):  # the rest, one each, round robin from the first part
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"random_split: part {i} is empty ({lengths[i]} of {n} samples)", stacklevel=3)
        return counts
    if not all(isinstance(length, (int, np.integer)) for length in lengths):
        raise ValueError(f"random_split: lengths {lengths} are neither whole counts nor fractions summing to 1 "
                         f"(they sum to {total})")
    if any(length < 0 for length in lengths):
        raise ValueError(f"random_split: lengths {lengths} include a negative count")
    if total != n:
        raise ValueError(f"random_split: lengths {lengths} sum to {total}, but the dataset has {n} samples; "
                         f"give counts summing to {n} or fractions summing to 1")
    return [int(length) for length in lengths]


def stratified_split(dataset_or_targets, val_fraction=0.1, seed=0):
    """(train_indices, val_indices): a validation split holding `val_fraction` of every class.

    dataset_or_targets: a dataset with `.targets` (MNIST, CIFAR10, ...) or the labels themselves (any values
        np.unique can sort: ints, strings).
    The validation part has round(val_fraction * n) samples in all (halves round to even, as Python's round),
    shared out so that each class c gets floor or ceil of val_fraction * n_c: within one sample of its exact
    share. The leftover samples go to the classes whose shares have the largest fractional parts (ties broken
    by the seeded generator). Which samples of a class go to validation is drawn by np.random.default_rng(seed).
    Both arrays are int64, sorted, disjoint, and together hold every index once.
    """
    targets = getattr(dataset_or_targets, "targets", dataset_or_targets)
    targets = np.asarray(targets)
    if targets.ndim != 1:
        raise ValueError(f"stratified_split: targets must be 1-D (one label per sample), got shape {targets.shape}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, (int, float, np.integer, np.floating)) \
            or not 0 <= val_fraction <= 1:
        raise ValueError(f"stratified_split: val_fraction must be a number from 0 to 1, got {val_fraction!r}")
    rng = np.random.default_rng(seed)
    classes, class_of = np.unique(targets, return_inverse=True)
    sizes = np.bincount(class_of, minlength=len(classes))
    shares = val_fraction * sizes  # exact, fractional
    counts = np.floor(shares).astype(np.int64)
    extra = min(max(round(val_fraction * len(targets)) - int(counts.sum()), 0), int((shares > counts).sum()))
    if extra:
        tie_break = rng.permutation(len(classes))
        # largest fractional part first; among equal ones the random order decides (lexsort: last key is primary)
        by_remainder = np.lexsort((tie_break, -(shares - counts)))
        counts[by_remainder[:extra]] += 1
    val = []
    for c, count in enumerate(counts):
        members = np.flatnonzero(class_of == c)
        val.append(rng.permutation(members)[:count])
    val = np.sort(np.concatenate(val)).astype(np.int64) if val else np.zeros(0, np.int64)
    in_val = np.zeros(len(targets), dtype=bool)
    in_val[val] = True
    return np.flatnonzero(~in_val).astype(np.int64), val
