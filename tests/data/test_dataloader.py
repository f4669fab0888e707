"""Dataset, TensorDataset and DataLoader: batch shapes and dtypes, epoch orders, and the two fetch paths."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_mnist as mm
from fakes import ItemByItem
from minitorch_mnist.data import DataLoader, Dataset, TensorDataset





class CountingTensorDataset(TensorDataset):
    def __init__(self, *arrays):
        super().__init__(*arrays)
        self.batch_calls, self.item_calls = 0, 0

    def __getitem__(self, index):
        self.item_calls += 1
        return super().__getitem__(index)

    def __getitems__(self, indices):
        self.batch_calls += 1
        assert isinstance(indices, np.ndarray) and indices.dtype == np.int64 and indices.ndim == 1
        return super().__getitems__(indices)


def images_and_labels(n, rng):
    return rng.standard_normal((n, 1, 4, 4)).astype(np.float32), rng.integers(0, 10, n).astype(np.int64)


def epoch(loader):
    """All batches of one epoch as NumPy arrays, plus the order the loader used."""
    batches = [tuple(field.array for field in batch) for batch in loader]
    return batches, loader.last_order.copy()


# ---- TensorDataset ----

def test_tensor_dataset_items_and_batches(rng):
    x, y = images_and_labels(7, rng)
    dataset = TensorDataset(mm.from_numpy(x), y)
    assert len(dataset) == 7
    image, label = dataset[3]
    np.testing.assert_array_equal(image, x[3])
    assert label == y[3]
    images, labels = dataset.__getitems__(np.array([5, 0, 5]))
    np.testing.assert_array_equal(images, x[[5, 0, 5]])
    np.testing.assert_array_equal(labels, y[[5, 0, 5]])
    assert np.shares_memory(dataset.arrays[0], x), "a Tensor's array is used, not copied"


def test_tensor_dataset_rejects_different_lengths_as_torch():
    for data in (mm, torch):
        with pytest.raises(AssertionError, match="Size mismatch between tensors"):
            data.utils.data.TensorDataset(data.zeros(100, 3), data.zeros(99))
        with pytest.raises(IndexError):
            len(data.utils.data.TensorDataset())  # builds, has no length
        with pytest.raises(IndexError):
            data.utils.data.TensorDataset(data.tensor(1.0))
    with pytest.raises(AssertionError, match=r"shapes \(100, 3\), \(99,\)"):
        TensorDataset(np.zeros((100, 3)), np.zeros(99))


# ---- batches ----

def test_batches_in_order_with_a_smaller_last_batch(rng):
    x, y = images_and_labels(10, rng)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 == len(batches)
    assert [images.shape for images, _ in batches] == [(4, 1, 4, 4), (4, 1, 4, 4), (2, 1, 4, 4)]
    for images, labels in batches:
        assert isinstance(images, mm.Tensor) and isinstance(labels, mm.Tensor)
        assert images.dtype == np.float32 and labels.dtype == np.int64
        assert not images.requires_grad
    np.testing.assert_array_equal(np.concatenate([images.array for images, _ in batches]), x)
    np.testing.assert_array_equal(np.concatenate([labels.array for _, labels in batches]), y)
    np.testing.assert_array_equal(loader.last_order, np.arange(10))


def test_drop_last_skips_the_partial_batch(rng):
    x, y = images_and_labels(10, rng)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [labels.shape for _, labels in loader] == [(4,), (4,)]
    assert len(DataLoader(TensorDataset(x, y), batch_size=5, drop_last=True)) == 2  # exact division: nothing dropped
    assert len(DataLoader(TensorDataset(x, y), batch_size=11, drop_last=True)) == 0
    assert [labels.shape for _, labels in DataLoader(TensorDataset(x, y), batch_size=11)] == [(10,)]


def test_empty_dataset_has_no_batches():
    loader = DataLoader(TensorDataset(np.zeros((0, 3))), batch_size=4, shuffle=True, seed=0)
    assert len(loader) == 0 and list(loader) == []


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, "8"])
def test_batch_size_must_be_a_positive_integer(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(TensorDataset(np.zeros(4)), batch_size=batch_size)


def test_batches_wrap_the_fetched_arrays_without_copying():
    class Precomputed(Dataset):
        fields = (np.arange(12, dtype=np.float32).reshape(4, 3), np.arange(4))

        def __len__(self):
            return 4

        def __getitems__(self, indices):
            return self.fields

    (features, labels), = DataLoader(Precomputed(), batch_size=4)
    assert features.array is Precomputed.fields[0] and labels.array is Precomputed.fields[1]


# ---- order ----

def test_same_seed_same_order_every_epoch_and_epochs_differ(rng):
    x, y = images_and_labels(50, rng)
    dataset = TensorDataset(x, y)
    a = DataLoader(dataset, batch_size=8, shuffle=True, seed=7)
    b = DataLoader(dataset, batch_size=8, shuffle=True, seed=7)
    orders = []
    for _ in range(3):
        batches_a, order_a = epoch(a)
        batches_b, order_b = epoch(b)
        np.testing.assert_array_equal(order_a, order_b)
        for (xa, ya), (xb, yb) in zip(batches_a, batches_b, strict=True):
            np.testing.assert_array_equal(xa, xb)
            np.testing.assert_array_equal(ya, yb)
        orders.append(order_a)
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    other = DataLoader(dataset, batch_size=8, shuffle=True, seed=8)
    assert not np.array_equal(epoch(other)[1], orders[0])


def test_seed_none_draws_from_the_engine_generator():
    dataset = TensorDataset(np.arange(40))
    mm.manual_seed(3)
    first = epoch(DataLoader(dataset, batch_size=5, shuffle=True))[1]
    second = epoch(DataLoader(dataset, batch_size=5, shuffle=True))[1]
    mm.manual_seed(3)
    again = epoch(DataLoader(dataset, batch_size=5, shuffle=True))[1]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second), "each new loader draws a new seed"


def test_an_unshuffled_loader_leaves_the_engine_generator_alone():
    mm.manual_seed(3)
    expected = mm.random.generator().random(3)
    mm.manual_seed(3)
    DataLoader(TensorDataset(np.arange(40)), batch_size=5)
    np.testing.assert_array_equal(mm.random.generator().random(3), expected)


def test_batches_follow_last_order(rng):
    x, y = images_and_labels(23, rng)
    loader = DataLoader(TensorDataset(x, y), batch_size=6, shuffle=True, seed=1)
    batches, order = epoch(loader)
    for k, (images, labels) in enumerate(batches):
        np.testing.assert_array_equal(images, x[order[k * 6:(k + 1) * 6]])
        np.testing.assert_array_equal(labels, y[order[k * 6:(k + 1) * 6]])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 60), batch_size=st.integers(1, 70), shuffle=st.booleans(), drop_last=st.booleans(),
       seed=st.integers(0, 2**32))
def test_every_sample_exactly_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(TensorDataset(np.arange(n)), batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    for _ in range(2):
        seen = [index for (batch,) in loader for index in batch.array.tolist()]
        assert len(seen) == (len(loader) * batch_size if drop_last else n)
        assert len(set(seen)) == len(seen), "no sample twice"
        assert sorted(loader.last_order.tolist()) == list(range(n)), "the order is a permutation"
        assert seen == loader.last_order[:len(seen)].tolist()
        assert len(loader) == (n // batch_size if drop_last else -(-n // batch_size))


# ---- the two fetch paths ----

def test_getitems_fast_path_is_used_once_per_batch(rng):
    dataset = CountingTensorDataset(*images_and_labels(30, rng))
    loader = DataLoader(dataset, batch_size=7, shuffle=True, seed=0)
    list(loader)
    assert (dataset.batch_calls, dataset.item_calls) == (5, 0)


@pytest.mark.parametrize("drop_last", [False, True])
def test_item_by_item_fallback_gives_the_same_batches(rng, drop_last):
    x, y = images_and_labels(30, rng)
    fast = DataLoader(TensorDataset(x, y), batch_size=7, shuffle=True, drop_last=drop_last, seed=4)
    slow = DataLoader(ItemByItem(TensorDataset(x, y)), batch_size=7, shuffle=True, drop_last=drop_last, seed=4)
    for _ in range(2):
        fast_batches, slow_batches = epoch(fast)[0], epoch(slow)[0]
        assert len(fast_batches) == len(slow_batches) == len(fast)
        for (xf, yf), (xs, ys) in zip(fast_batches, slow_batches):
            assert (xs.dtype, ys.dtype) == (np.float32, np.int64)
            np.testing.assert_array_equal(xf, xs)
            np.testing.assert_array_equal(yf, ys)


def test_plain_python_items_are_collated_as_torch_does():
    pairs = [([float(i), 2.0 * i], i % 3) for i in range(5)]  # a list is a dataset too: len and [i]
    (features, labels), _, _ = DataLoader(pairs, batch_size=2)
    # torch's default_collate transposes a list of Python floats: one float64 tensor per position
    assert [f.tolist() for f in features] == [[0.0, 1.0], [0.0, 2.0]] and features[0].dtype == np.float64
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1]
    singles = list(DataLoader([np.full(3, i, dtype=np.float32) for i in range(4)], batch_size=3))
    assert isinstance(singles[0], mm.Tensor), "items that are not tuples give one Tensor per batch"
    assert [batch.shape for batch in singles] == [(3, 3), (1, 3)]
    assert singles[1].dtype == np.float32 and singles[1].tolist() == [[3.0, 3.0, 3.0]]
