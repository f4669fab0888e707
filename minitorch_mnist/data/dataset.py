"""Dataset: anything with a length and numbered items; TensorDataset wraps arrays that share their first dimension;
Subset is a dataset seen through a list of its indices (what random_split and stratified_split hand out).

The DataLoader asks a dataset for a whole batch at once when it can (PyTorch's batched-fetch protocol):

    dataset.__getitems__(indices)   indices: 1-D int64 NumPy array  ->  one batched array per field

TensorDataset and MNIST answer that with one fancy-indexing gather per field, so an epoch costs a few NumPy calls
per batch instead of a Python call per sample. A dataset without __getitems__ still works: `gather` (what the
loader calls) then fetches items one by one and stacks them.
"""

import numpy as np

from ..tensor import Tensor


class Dataset:
    """Base class: item i is `dataset[i]` (usually a tuple of fields, e.g. (image, label)); `len(dataset)` items.

    Subclasses implement __len__ and __getitem__, and may add __getitems__(indices) for batched fetching.
    """


class TensorDataset(Dataset):
    """Item i is (arrays[0][i], arrays[1][i], ...), like torch.utils.data.TensorDataset.

    Accepts NumPy arrays or engine Tensors (their arrays are used, not copied); `arrays` holds them.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(a.array if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        shapes = [a.shape for a in self.arrays]
        if any(len(shape) == 0 for shape in shapes) or len({shape[0] for shape in shapes}) != 1:
            listed = ", ".join(str(shape) for shape in shapes)
            raise ValueError(f"TensorDataset: all arrays must have the same first dimension (the number of "
                             f"samples), got shapes {listed}")

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)

    def __getitems__(self, indices):
        """A batch: one gather per array (indices: 1-D int64 array)."""
        return tuple(a[indices] for a in self.arrays)


class Subset(Dataset):
    """Item i is dataset[indices[i]], like torch.utils.data.Subset; `dataset` and `indices` (int64 array) kept.

    Batched fetch goes through to the dataset in one call: subset.__getitems__(b) = gather(dataset, indices[b]).
    """

    def __init__(self, dataset, indices):
        indices = np.asarray(indices)
        if indices.ndim != 1 or not (np.issubdtype(indices.dtype, np.integer) or indices.size == 0):
            raise ValueError(f"Subset: indices must be a 1-D sequence of ints, got {indices.dtype} array of shape "
                             f"{indices.shape}")
        n = len(dataset)
        if indices.size and (indices.min() < -n or indices.max() >= n):
            bad = indices[(indices < -n) | (indices >= n)][0]
            raise IndexError(f"Subset: index {bad} is out of range for a dataset of {n} items")
        self.dataset = dataset
        self.indices = indices.astype(np.int64)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def __getitems__(self, indices):
        """A batch of the dataset's items at self.indices[indices], fetched as the dataset fetches batches."""
        return gather(self.dataset, self.indices[indices])


def gather(dataset, indices):
    """The items at `indices` (1-D int64 array) as one batched array per field (or one array).

    dataset.__getitems__(indices) when the dataset has it; otherwise dataset[i] for each index, stacked per field.
    """
    fetch = getattr(dataset, "__getitems__", None)
    if fetch is not None:
        return fetch(indices)
    items = [dataset[int(i)] for i in indices]
    if not items:
        raise ValueError(f"gather: no indices given for {type(dataset).__name__}")
    if isinstance(items[0], (tuple, list)):
        return tuple(np.stack([np.asarray(item[f]) for item in items]) for f in range(len(items[0])))
    return np.stack([np.asarray(item) for item in items])
