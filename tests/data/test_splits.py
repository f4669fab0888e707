"""Subset, random_split (lengths exactly torch's) and stratified_split (each class's share within one sample)."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_mnist as mm
from minitorch_mnist.data import DataLoader, Dataset, Subset, TensorDataset, random_split, stratified_split


class ItemByItem(Dataset):
    """Items i -> (i * 10, i % 3), no __getitems__: a Subset of it must fetch one item at a time."""

    def __init__(self, n):
        self.n, self.item_calls = n, 0

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        self.item_calls += 1
        return np.float32(index * 10), np.int64(index % 3)


class CountingTensorDataset(TensorDataset):
    def __init__(self, *arrays):
        super().__init__(*arrays)
        self.batches = []

    def __getitems__(self, indices):
        self.batches.append(indices.tolist())
        return super().__getitems__(indices)


def assert_partition(parts, n):
    """The index arrays are disjoint and together hold 0..n-1 exactly once."""
    joined = np.concatenate([np.asarray(part, dtype=np.int64) for part in parts])
    assert len(joined) == n and np.array_equal(np.sort(joined), np.arange(n))


# ---- Subset ----

def test_subset_items_and_batched_fetch_go_through_to_the_dataset(rng):
    x, y = rng.standard_normal((10, 2)).astype(np.float32), np.arange(10, dtype=np.int64)
    dataset = CountingTensorDataset(x, y)
    subset = Subset(dataset, [7, 2, 9, 2])
    assert len(subset) == 4 and subset.indices == [7, 2, 9, 2]  # kept as given, as torch's
    image, label = subset[2]
    np.testing.assert_array_equal(image, x[9])
    assert label == 9
    images, labels = subset.__getitems__(np.array([3, 0]))
    assert dataset.batches == [[2, 7]], "one batched call to the dataset with the dataset's own indices"
    np.testing.assert_array_equal(images, x[[2, 7]])
    np.testing.assert_array_equal(labels, [2, 7])


def test_subset_of_a_dataset_without_getitems_collates_items():
    dataset = ItemByItem(6)
    subset = Subset(dataset, np.array([5, 1, 3]))
    assert not hasattr(subset, "__getitems__"), "no batched fetch to pass on: the loader collates items"
    (values, labels), = DataLoader(subset, batch_size=2, sampler=[0, 2])
    np.testing.assert_array_equal(values, np.array([50, 30], dtype=np.float32))
    np.testing.assert_array_equal(labels, np.array([2, 0]))
    assert dataset.item_calls == 2


def test_dataloader_over_a_subset(rng):
    x, y = rng.standard_normal((20, 3)).astype(np.float32), rng.integers(0, 5, 20)
    subset = Subset(TensorDataset(x, y), np.arange(0, 20, 2))
    loader = DataLoader(subset, batch_size=4, shuffle=True, seed=1)
    batches = list(loader)
    assert [len(labels.array) for _, labels in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([xb.array for xb, _ in batches]),
                                  x[np.asarray(subset.indices)[loader.last_order]])


def test_subset_checks_indices_when_used_as_torch():
    # torch builds any Subset; a bad index fails when the item is read, with the dataset's own error
    subset = Subset(TensorDataset(np.zeros(5)), [0, 5])
    with pytest.raises(IndexError):
        subset[1]
    with pytest.raises(ValueError, match=r"1-D sequence of ints, got float64 array of shape \(2,\)"):
        Subset(TensorDataset(np.zeros(5)), [0.5, 1.0]).__getitems__(np.array([0]))
    assert len(Subset(ItemByItem(5), [])) == 0


# ---- random_split ----

@pytest.mark.parametrize("n, lengths", [
    (10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]), (10, [1 / 3, 1 / 3, 1 / 3]), (7, [0.1, 0.2, 0.7]),
    (101, [0.25, 0.25, 0.25, 0.25]), (60000, [0.9, 0.1]), (5, [0.1, 0.1, 0.8]), (1, [1]), (9, [0, 1]),
])
def test_random_split_lengths_are_torchs(n, lengths):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about empty parts
        theirs = [len(part) for part in torch.utils.data.random_split(range(n), lengths)]
        ours = random_split(ItemByItem(n), lengths, generator_seed=0)
    assert [len(part) for part in ours] == theirs
    assert_partition([part.indices for part in ours], n)


def test_random_split_is_reproducible_with_the_seed():
    dataset = ItemByItem(50)
    first = [part.indices for part in random_split(dataset, [0.8, 0.2], generator_seed=7)]
    again = [part.indices for part in random_split(dataset, [0.8, 0.2], generator_seed=7)]
    other = [part.indices for part in random_split(dataset, [0.8, 0.2], generator_seed=8)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[1], other[1])
    assert not np.array_equal(np.sort(first[0]), first[0]), "the parts are random, not contiguous"


def test_random_split_without_seed_follows_manual_seed():
    dataset = ItemByItem(30)
    mm.manual_seed(3)
    first = random_split(dataset, [10, 20])
    mm.manual_seed(3)
    again = random_split(dataset, [10, 20])
    assert np.array_equal(first[0].indices, again[0].indices)


def test_random_split_warns_about_an_empty_part():
    # floors 0, 0, 4; the one left over goes to part 0, so part 1 stays empty
    with pytest.warns(UserWarning, match=r"part 1 is empty \(0.05 of 5 samples\)"):
        parts = random_split(ItemByItem(5), [0.05, 0.05, 0.9], generator_seed=0)
    assert [len(part) for part in parts] == [1, 0, 4]


@pytest.mark.parametrize("lengths, error, expected, torch_refuses", [
    ([3, 6], ValueError, r"lengths \[3, 6\] sum to 9, but the dataset has 10 samples", True),
    ([12, -2], ValueError, r"include a negative count", False),  # torch quietly gives parts of 10 and 0
    ([1.5, -0.5], ValueError, r"fraction lengths\[0\] = 1.5 is not between 0 and 1", True),
    ([0.5, 0.4], ValueError, r"neither whole counts nor fractions summing to 1 \(they sum to 0.9\)", True),
    ([5.0, 5.0], ValueError, r"neither whole counts nor fractions summing to 1", True),
    ([], ValueError, r"lengths is empty", True),
    (["5", 5], TypeError, r"lengths\[0\] is '5'", True),
])
def test_random_split_rejects_bad_lengths(lengths, error, expected, torch_refuses):
    with pytest.raises(error, match=expected):
        random_split(ItemByItem(10), lengths, generator_seed=0)
    if torch_refuses:
        with pytest.raises((ValueError, TypeError)):  # in its own words
            torch.utils.data.random_split(range(10), lengths)


# ---- stratified_split ----

def assert_stratified(targets, train, val, fraction):
    targets = np.asarray(targets)
    assert_partition([train, val], len(targets))
    assert train.dtype == val.dtype == np.int64
    assert np.array_equal(np.sort(train), train) and np.array_equal(np.sort(val), val)
    assert len(val) == round(fraction * len(targets))
    for label in np.unique(targets):
        share = fraction * np.sum(targets == label)
        got = np.sum(targets[val] == label)
        assert np.floor(share) <= got <= np.ceil(share), (label, got, share)


def test_stratified_split_keeps_each_class_share(rng):
    targets = np.repeat(np.arange(10), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])  # MNIST's
    targets = rng.permutation(targets)
    train, val = stratified_split(targets, val_fraction=0.1, seed=0)
    assert_stratified(targets, train, val, 0.1)
    assert len(val) == 6000


def test_stratified_split_is_reproducible_with_the_seed(rng):
    targets = rng.integers(0, 4, 200)
    first, again, other = (stratified_split(targets, 0.25, seed=s) for s in (1, 1, 2))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[1], other[1])


def test_stratified_split_takes_a_dataset_with_targets_and_any_labels():
    class WithTargets(Dataset):
        targets = np.array(["cat", "dog", "cat", "cat", "dog", "cat"])

    train, val = stratified_split(WithTargets(), val_fraction=0.5, seed=0)
    assert_stratified(WithTargets.targets, train, val, 0.5)
    assert sorted(WithTargets.targets[val].tolist()) == ["cat", "cat", "dog"]


@pytest.mark.parametrize("fraction", [0, 1])
def test_stratified_split_edges(fraction):
    targets = np.array([0, 1, 1, 2, 2, 2])
    train, val = stratified_split(targets, fraction)
    assert (len(train), len(val)) == ((6, 0) if fraction == 0 else (0, 6))


@pytest.mark.parametrize("fraction, targets, expected", [
    (1.5, [0, 1], "val_fraction must be a number from 0 to 1, got 1.5"),
    (-0.1, [0, 1], "val_fraction must be a number from 0 to 1"),
    (True, [0, 1], "val_fraction must be a number from 0 to 1, got True"),
    (0.1, [[0, 1]], r"targets must be 1-D \(one label per sample\), got shape \(1, 2\)"),
])
def test_stratified_split_rejects_bad_arguments(fraction, targets, expected):
    with pytest.raises(ValueError, match=expected):
        stratified_split(targets, fraction)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), min_size=1, max_size=8), fraction=st.floats(0, 1),
       seed=st.integers(0, 2**32 - 1))
def test_stratified_split_property(sizes, fraction, seed):
    targets = np.random.default_rng(seed).permutation(np.repeat(np.arange(len(sizes)), sizes))
    train, val = stratified_split(targets, fraction, seed=seed)
    assert_stratified(targets, train, val, fraction)
