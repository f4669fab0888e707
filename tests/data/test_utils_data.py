"""minitorch_mnist.utils.data against torch.utils.data: the same code, the same order, the same batches."""

import collections

import numpy as np
import pytest
import torch
import torch.utils.data as torch_data

import minitorch_mnist as mm
import minitorch_mnist.utils.data as data
from minitorch_mnist.utils.data import DataLoader, TensorDataset


def as_numpy(batch):
    """A batch of either framework with every tensor as a NumPy array, containers kept."""
    if isinstance(batch, (mm.Tensor, torch.Tensor)):
        return ("tensor", batch.numpy().dtype.name, batch.numpy().tolist())
    if isinstance(batch, dict):
        return {key: as_numpy(value) for key, value in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return (type(batch).__name__,) + tuple(as_numpy(value) for value in batch)
    if isinstance(batch, (list, tuple)):
        return [as_numpy(value) for value in batch]
    return batch


def test_the_import_paths():
    assert data is mm.data and mm.utils.data is mm.data
    from minitorch_mnist.utils.data import Dataset, RandomSampler, Subset, random_split  # noqa: F401


def test_tensor_dataset_indexing_and_slicing_give_tensors_as_torch(rng):
    x, y = rng.standard_normal((10, 3)), rng.integers(0, 5, 10)
    ours, theirs = TensorDataset(mm.tensor(x), mm.tensor(y)), torch_data.TensorDataset(torch.tensor(x), torch.tensor(y))
    for index in [3, -1, slice(2, 6), slice(None, None, 3), np.array([4, 1, 4])]:
        got, expected = ours[index], theirs[torch.as_tensor(index) if isinstance(index, np.ndarray) else index]
        assert all(isinstance(t, mm.Tensor) for t in got)
        assert as_numpy(list(got)) == as_numpy(list(expected))
    assert as_numpy(list(ours.tensors)) == as_numpy(list(theirs.tensors))


@pytest.mark.parametrize("batch_size, drop_last", [(4, False), (4, True), (1, False), (10, False)])
def test_batches_equal_torch_for_the_same_sampler_order(rng, batch_size, drop_last):
    x, y = rng.standard_normal((10, 2)).astype(np.float32), rng.integers(0, 5, 10)
    order = rng.permutation(10).tolist()
    ours = DataLoader(TensorDataset(x, y), batch_size=batch_size, sampler=order, drop_last=drop_last)
    theirs = torch_data.DataLoader(torch_data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                   batch_size=batch_size, sampler=order, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [as_numpy(list(b)) for b in ours] == [as_numpy(b) for b in theirs]
    np.testing.assert_array_equal(ours.last_order, order)


def test_batch_sampler_and_subset_random_sampler(rng):
    x = np.arange(12.0).reshape(6, 2)
    batches = [[5, 0], [2], [3, 1, 4]]
    ours = DataLoader(TensorDataset(x), batch_sampler=batches)
    theirs = torch_data.DataLoader(torch_data.TensorDataset(torch.tensor(x)), batch_sampler=batches)
    assert [as_numpy(list(b)) for b in ours] == [as_numpy(b) for b in theirs]
    # a validation split over one dataset, as tutorials write it: each epoch the same indices in a fresh order
    loader = DataLoader(TensorDataset(x), batch_size=2, sampler=data.SubsetRandomSampler([1, 3, 5], generator=7))
    seen = [(np.concatenate([b[0].numpy() for b in loader])[:, 0] // 2).tolist() for _ in range(4)]
    assert all(sorted(epoch) == [1, 3, 5] for epoch in seen)
    assert len({tuple(epoch) for epoch in seen}) > 1


SAMPLES = {
    "tuples of array and int": [(np.full((2, 2), i, np.float32), i) for i in range(3)],
    "floats, bools and strings": [(float(i) / 3, i % 2 == 0, f"s{i}") for i in range(3)],
    "dicts": [{"image": np.full(3, i, np.int32), "label": i, "meta": {"w": 0.5 * i}} for i in range(3)],
    "namedtuples": [collections.namedtuple("Point", "x y")(i, np.float64(i) / 2) for i in range(3)],
    "lists": [[i, 2 * i] for i in range(3)],
    "numpy scalars": [np.int64(i) for i in range(3)],
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_default_collate_equals_torch(kind):
    samples = SAMPLES[kind]
    ours = data.default_collate(samples)
    theirs = torch_data.default_collate(samples)  # torch's reads the same NumPy arrays and Python values
    assert as_numpy(ours) == as_numpy(theirs)


def test_dataloader_with_collate_fn_and_item_datasets_equals_torch():
    samples = SAMPLES["dicts"] * 3

    def collate(batch):  # a typical custom collate: pad nothing, just count
        return {"n": len(batch), "labels": [s["label"] for s in batch]}

    for collate_fn in [None, collate]:
        ours = DataLoader(samples, batch_size=4, collate_fn=collate_fn, sampler=list(range(8, -1, -1)))
        theirs = torch_data.DataLoader(samples, batch_size=4, collate_fn=collate_fn, sampler=list(range(8, -1, -1)))
        assert [as_numpy(b) for b in ours] == [as_numpy(b) for b in theirs]


def test_shuffle_is_reproducible_from_generator_or_manual_seed(rng):
    dataset = TensorDataset(np.arange(50))

    def orders(**kwargs):
        loader = DataLoader(dataset, batch_size=8, shuffle=True, **kwargs)
        return [np.concatenate([b[0].numpy() for b in loader]).tolist() for _ in range(2)]

    assert orders(generator=torch.Generator().manual_seed(3)) == orders(generator=3) == orders(seed=3)
    mm.manual_seed(5)
    first = orders()
    mm.manual_seed(5)
    assert orders() == first and first[0] != first[1] and sorted(first[0]) == list(range(50))


def test_worker_and_memory_options_are_accepted_and_loading_stays_in_process(rng):
    x = rng.standard_normal((6, 2))
    calls = []
    loader = DataLoader(TensorDataset(x), batch_size=2, num_workers=4, pin_memory=True, persistent_workers=True,
                        prefetch_factor=2, timeout=5, worker_init_fn=calls.append)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in loader]), x)
    assert calls == [], "no worker is started"


@pytest.mark.parametrize("kwargs, message", [
    (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None), r"batch_size=None \(no automatic batching\) is not supported"),
    (dict(multiprocessing_context="spawn"), "multiprocessing_context is not supported"),
    (dict(num_workers=-1), "num_workers option should be non-negative"),
    (dict(generator="seed"), "generator must be None, an int seed"),
])
def test_unsupported_or_conflicting_options_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        DataLoader(TensorDataset(np.zeros(4)), **kwargs)


def test_missing_torch_names_say_what_exists():
    with pytest.raises(AttributeError, match="no StackDataset .*it has Dataset, IterableDataset, TensorDataset"):
        data.StackDataset
