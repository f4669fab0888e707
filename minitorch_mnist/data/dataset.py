"""Dataset: anything with a length and numbered items; TensorDataset wraps arrays that share their first dimension;
Subset is a dataset seen through a list of its indices (what random_split and stratified_split hand out);
ConcatDataset puts datasets end to end; IterableDataset and ChainDataset are streams of samples.

The DataLoader asks a dataset for a whole batch at once when it can (the hook bears PyTorch's name, but where
torch's returns a list of samples to collate, the engine's returns the batch itself):

    dataset.__getitems__(indices)   indices: 1-D int64 NumPy array  ->  one batched array per field

TensorDataset and MNIST answer that with one fancy-indexing gather per field, so an epoch costs a few NumPy calls
per batch instead of a Python call per sample. A dataset without __getitems__ still works: the loader then fetches
items one by one and collates them (collate.default_collate).
"""

import bisect

import numpy as np

from ..autograd.tensor import Tensor


def image_item(images, labels):
    """What a dataset's [index] gives, as torchvision's do: (image Tensor, label int); a batch for a slice."""
    if np.ndim(labels) == 0:
        return Tensor(images), int(labels)
    return Tensor(images), Tensor(labels)


class Dataset:
    """Base class: item i is `dataset[i]` (usually a tuple of fields, e.g. (image, label)); `len(dataset)` items.

    Subclasses implement __len__ and __getitem__, and may add __getitems__(indices) for batched fetching.
    dataset + other is ConcatDataset([dataset, other]), as in torch.
    """

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses implement __iter__ (no indexing). The DataLoader batches what it yields, in
    order (no shuffle or sampler, as in torch). dataset + other chains the two streams."""

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Item i is (tensors[0][i], tensors[1][i], ...), Tensors, like torch.utils.data.TensorDataset.

    Accepts NumPy arrays or engine Tensors (their arrays are used, not copied); `arrays` holds the arrays and
    `tensors` the same memory as Tensors. dataset[a:b] (a slice or index array) gives a tuple of batched Tensors,
    views where NumPy gives views, as torch's indexing does. Arrays with different first dimensions raise torch's
    AssertionError("Size mismatch between tensors").
    """

    def __init__(self, *arrays):
        self.arrays = tuple(a.array if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        shapes = [a.shape for a in self.arrays]
        if any(len(shape) == 0 for shape in shapes):  # torch's tensor.size(0) on a 0-d tensor
            raise IndexError(f"TensorDataset: Dimension specified as 0 but tensor has no dimensions (shapes "
                             f"{', '.join(str(shape) for shape in shapes)})")
        if len({shape[0] for shape in shapes}) > 1:
            raise AssertionError(f"Size mismatch between tensors: the first dimensions (the number of samples) "
                                 f"differ, shapes {', '.join(str(shape) for shape in shapes)}")

    def __len__(self):
        return len(self.arrays[0])  # no arrays: IndexError, as torch's

    @property
    def tensors(self):
        return tuple(Tensor(a) for a in self.arrays)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.array
        return tuple(Tensor(np.asarray(a[index])) for a in self.arrays)

    def __getitems__(self, indices):
        """A batch: one gather per array (indices: 1-D int64 array), as arrays (the DataLoader wraps them)."""
        return tuple(a[indices] for a in self.arrays)


class Subset(Dataset):
    """Item i is dataset[indices[i]], like torch.utils.data.Subset; `dataset` and `indices` are kept exactly as
    given (a list stays a list, a range a range, a Tensor a Tensor), and checked when used, as in torch.

    Batched fetch goes through to the dataset in one call, subset.__getitems__(b) = dataset.__getitems__(indices[b]),
    when the dataset has it; otherwise the subset has no __getitems__ either, and the DataLoader collates items.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        if isinstance(index, list):  # torch's rule: a list of positions asks the dataset for those items at once
            return self.dataset[[_position(self.indices[i]) for i in index]]
        return self.dataset[_position(self.indices[index])]

    @property
    def __getitems__(self):
        """A batch of the dataset's items at self.indices[indices], fetched as the dataset fetches batches."""
        fetch = getattr(self.dataset, "__getitems__")  # AttributeError: hasattr(subset, ...) is False too
        return lambda indices: fetch(_index_array(self.indices)[indices])


def _position(index):
    """One index as the dataset should see it: a Python int for integer-like values (a 0-d Tensor, a NumPy integer),
    anything else unchanged (the dataset decides what it accepts)."""
    if isinstance(index, Tensor):
        index = index.item()
    return int(index) if isinstance(index, (int, np.integer)) else index


def _index_array(indices):
    """A Subset's indices as an int64 array, for one batched gather."""
    array = indices.array if isinstance(indices, Tensor) else np.asarray(indices)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise ValueError(f"Subset: indices must be a 1-D sequence of ints, got {array.dtype} array of shape "
                         f"{array.shape}")
    return array.astype(np.int64, copy=False)


class ConcatDataset(Dataset):
    """The datasets one after another: item i of the whole is item i - cumulative_sizes[k - 1] of dataset k."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(dataset) for dataset in self.datasets]).tolist()

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        part = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[part - 1] if part > 0 else 0
        return self.datasets[part][index - start]  # past the end: part == len(datasets), an IndexError


class ChainDataset(IterableDataset):
    """IterableDatasets one after another: iterating yields all of the first, then all of the second, ..."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from dataset

    def __len__(self):
        return sum(len(dataset) for dataset in self.datasets)
