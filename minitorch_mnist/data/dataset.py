"""Dataset: anything with a length and numbered items; TensorDataset wraps arrays that share their first dimension.

The DataLoader asks a dataset for a whole batch at once when it can (PyTorch's batched-fetch protocol):

    dataset.__getitems__(indices)   indices: 1-D int64 NumPy array  ->  one batched array per field

TensorDataset and MNIST answer that with one fancy-indexing gather per field, so an epoch costs a few NumPy calls
per batch instead of a Python call per sample. A dataset without __getitems__ still works: the loader then fetches
items one by one and stacks them.
"""

import numpy as np

from ..tensor import Tensor


class Dataset:
    """Base class: item i is `dataset[i]` (usually a tuple of fields, e.g. (image, label)); `len(dataset)` items.

    Subclasses implement __len__ and __getitem__, and may add __getitems__(indices) for batched fetching.
    """

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")


class TensorDataset(Dataset):
    """Item i is (arrays[0][i], arrays[1][i], ...), like torch.utils.data.TensorDataset.

    Accepts NumPy arrays or engine Tensors (their arrays are used, not copied); `arrays` holds them.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
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
