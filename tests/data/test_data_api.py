"""torch.utils.data's API as the tutorials use it, the same code run on torch and on the engine: Subset keeps its
indices as given, random_split (fractions, generator=), TensorDataset's size check, DataLoader's keywords,
ConcatDataset, IterableDataset and ChainDataset through the DataLoader, WeightedRandomSampler, get_worker_info."""

import inspect

import numpy as np
import pytest
import torch
import torch.utils.data as torch_data

import minitorch_mnist as mm
import minitorch_mnist.utils.data as data
from parity import outcome


def values(batch):
    """A batch (a tensor, or a list/tuple of them) as nested plain lists, to compare the two frameworks."""
    if isinstance(batch, (list, tuple)):
        return [values(item) for item in batch]
    return np.asarray(batch.numpy() if hasattr(batch, "numpy") else batch).tolist()


@pytest.mark.parametrize("make_indices", [lambda m: [4, 0, 2], lambda m: range(1, 5), lambda m: m.tensor([3, 1])],
                         ids=["list", "range", "tensor"])
def test_subset_keeps_its_indices_exactly_as_given(make_indices):
    def build(m):
        x = m.arange(10).reshape(5, 2)
        indices = make_indices(m)
        subset = getattr(m.utils.data, "Subset")(m.utils.data.TensorDataset(x), indices)
        return (subset.indices is indices, type(subset.indices).__name__, len(subset), values(subset[1]),
                values(subset[-1]), values(next(iter(m.utils.data.DataLoader(subset, batch_size=2)))))
    assert build(mm) == build(torch)


def test_subset_indexed_by_a_list_asks_the_dataset_for_the_list():
    x = np.arange(12).reshape(6, 2)
    ours = data.Subset(data.TensorDataset(x), [5, 3, 1])[[0, 2]]
    theirs = torch_data.Subset(torch_data.TensorDataset(torch.tensor(x)), [5, 3, 1])[[0, 2]]
    assert values(ours) == values(theirs)


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3]])
def test_random_split_gives_subsets_with_list_indices_of_torchs_lengths(lengths):
    ours = data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(42))
    theirs = torch_data.random_split(range(10), lengths, generator=torch.Generator().manual_seed(42))
    assert [type(part).__name__ for part in ours] == [type(part).__name__ for part in theirs] \
        == ["Subset"] * len(lengths)
    assert [len(part) for part in ours] == [len(part) for part in theirs]
    assert all(type(part.indices) is list and all(type(i) is int for i in part.indices) for part in ours)
    assert sorted(i for part in ours for i in part.indices) == list(range(10))


def test_random_split_generator_makes_it_reproducible():
    def split(generator):
        return [part.indices for part in data.random_split(range(20), [0.8, 0.2], generator=generator)]
    assert split(torch.Generator().manual_seed(42)) == split(torch.Generator().manual_seed(42))
    assert split(torch.Generator().manual_seed(42)) != split(torch.Generator().manual_seed(43))
    assert split(np.random.default_rng(5)) == split(np.random.default_rng(5)) == split(5)
    mm.manual_seed(1)
    first = split(None)
    mm.manual_seed(1)
    assert split(None) == first
    assert data.random_split(range(20), [0.8, 0.2], generator_seed=5)[0].indices == split(5)[0]


def test_dataloader_takes_torchs_parameters_in_torchs_order():
    def parameters(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()]
    ours, theirs = parameters(data.DataLoader), parameters(torch_data.DataLoader)
    assert ours[:len(theirs)] == theirs  # the engine adds one keyword-only option at the end (seed=)


def test_dataloader_keywords_the_tutorials_pass_give_torchs_batches():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)

    def batches(m):
        loader = m.utils.data.DataLoader(m.utils.data.TensorDataset(m.tensor(x), m.tensor(y)), batch_size=4,
                                         shuffle=False, num_workers=2, pin_memory=True, drop_last=True,
                                         collate_fn=None, persistent_workers=True, generator=None, timeout=0,
                                         prefetch_factor=2, worker_init_fn=None)
        with pytest.warns(UserWarning) as caught:  # pin_memory without an accelerator
            result = len(loader), [values(batch) for batch in loader]
        return result, [str(w.message) for w in caught]
    assert batches(mm) == batches(torch)


def test_concat_dataset_and_dataset_addition_as_torch():
    def attempts(m):
        first = m.utils.data.TensorDataset(m.arange(3))
        second = m.utils.data.TensorDataset(m.arange(10, 15))
        whole = m.utils.data.ConcatDataset([first, second])
        added = first + second
        return [len(whole), whole.cumulative_sizes, values(whole[4]), values(whole[-1]), values(whole[-8]),
                type(added).__name__, len(added), outcome(lambda: whole[8]), outcome(lambda: whole[-9]),
                outcome(lambda: m.utils.data.ConcatDataset([])),
                [values(batch) for batch in m.utils.data.DataLoader(whole, batch_size=3)]]
    assert attempts(mm) == attempts(torch)


def iterable_datasets(m):
    class Stream(m.utils.data.IterableDataset):
        def __init__(self, start, stop):
            self.start, self.stop = start, stop

        def __iter__(self):
            return iter(range(self.start, self.stop))

    class CountedStream(Stream):
        def __len__(self):
            return self.stop - self.start

    return Stream, CountedStream


def test_iterable_dataset_through_the_dataloader_as_torch():
    def attempts(m):
        Stream, CountedStream = iterable_datasets(m)
        loader = m.utils.data.DataLoader
        chained = m.utils.data.ChainDataset([Stream(0, 3), Stream(10, 12)])
        return [[values(b) for b in loader(Stream(0, 7), batch_size=3)],
                [values(b) for b in loader(Stream(0, 7), batch_size=3, drop_last=True)],
                [values(b) for b in loader(Stream(0, 5), batch_size=2, collate_fn=lambda batch: sum(batch))],
                outcome(lambda: len(loader(Stream(0, 7), batch_size=3))),
                len(loader(CountedStream(0, 7), batch_size=3)), len(loader(CountedStream(0, 7), batch_size=3,
                                                                           drop_last=True)),
                outcome(lambda: loader(Stream(0, 3), shuffle=True)), outcome(lambda: loader(Stream(0, 3), sampler=[1])),
                loader(Stream(0, 3), shuffle=False) is not None, list(chained), list(Stream(0, 2) + Stream(5, 6)),
                type(Stream(0, 2) + Stream(5, 6)).__name__]
    assert attempts(mm) == attempts(torch)


def test_weighted_random_sampler_attributes_checks_and_distribution():
    def attempts(m):
        sampler = m.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4], 5)
        return [len(sampler), sampler.num_samples, sampler.replacement, values(sampler.weights),
                str(sampler.weights.dtype).replace("torch.", ""),
                outcome(lambda: m.utils.data.WeightedRandomSampler([0.1], 0)),
                outcome(lambda: m.utils.data.WeightedRandomSampler([0.1], 2, replacement=1)),
                outcome(lambda: m.utils.data.WeightedRandomSampler([[0.1]], 2)),
                outcome(lambda: list(m.utils.data.WeightedRandomSampler([0.1, 0.2], 3, replacement=False))),
                sorted(m.utils.data.WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False))]
    assert attempts(mm) == attempts(torch)
    weights = np.array([1.0, 2.0, 7.0])
    n = 100_000
    counts = np.bincount(list(data.WeightedRandomSampler(weights, n, generator=3)), minlength=3)
    expected = weights / weights.sum()
    # each count is Binomial(n, p): 6 standard deviations, a false failure about once in 500 million
    assert np.all(np.abs(counts / n - expected) <= 6 * np.sqrt(expected * (1 - expected) / n))
    loader = data.DataLoader(data.TensorDataset(np.arange(3)), batch_size=4,
                             sampler=data.WeightedRandomSampler(weights, 8, generator=0))
    assert [len(batch[0]) for batch in loader] == [4, 4]


def test_get_worker_info_is_none_in_the_main_process():
    assert data.get_worker_info() is torch_data.get_worker_info() is None
