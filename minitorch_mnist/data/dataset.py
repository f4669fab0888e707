"""Dataset: anything with a length and numbered items; TensorDataset wraps arrays that share their first dimension;
Subset is a dataset seen through a list of its indices (what random_split and stratified_split hand out).

The DataLoader asks a dataset for a whole batch at once when it can (the hook bears PyTorch's name, but where
torch's returns a list of samples to collate, the engine's returns the batch itself):

    dataset.__getitems__(indices)   indices: 1-D int64 NumPy array  ->  one batched array per field

TensorDataset and MNIST answer that with one fancy-indexing gather per field, so an epoch costs a few NumPy calls
per batch instead of a Python call per sample. A dataset without __getitems__ still works: the loader then fetches
items one by one and collates them (collate.default_collate).
"""

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
    """


class TensorDataset(Dataset):
    """Item i is (tensors[0][i], tensors[1][i], ...), Tensors, like torch.utils.data.TensorDataset.

    Accepts NumPy arrays or engine Tensors (their arrays are used, not copied); `arrays` holds the arrays and
    `tensors` the same memory as Tensors. dataset[a:b] (a slice or index array) gives a tuple of batched Tensors,
    views where NumPy gives views, as torch's indexing does.
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
    """Item i is dataset[indices[i]], like torch.utils.data.Subset; `dataset` and `indices` (int64 array) kept.

    Batched fetch goes through to the dataset in one call, subset.__getitems__(b) = dataset.__getitems__(indices[b]),
    when the dataset has it; otherwise the subset has no __getitems__ either, and the DataLoader collates items.
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

    @property
    def __getitems__(self):
        """A batch of the dataset's items at self.indices[indices], fetched as the dataset fetches batches."""
        fetch = getattr(self.dataset, "__getitems__")  # AttributeError: hasattr(subset, ...) is False too
        return lambda indices: fetch(self.indices[indices])

