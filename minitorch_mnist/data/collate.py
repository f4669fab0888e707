"""default_collate: a list of samples -> one batch, by torch.utils.data.default_collate's rules.

    [(image, 3), (image, 7)]              -> [images stacked (2, ...), tensor([3, 7])]   (a tuple gives a list)
    [{"x": a, "y": 1.5}, {"x": b, ...}]   -> {"x": stacked, "y": tensor([1.5, ...], float64)}
    [Point(x=.., y=..), ...]  (namedtuple) -> Point(x=stacked, y=stacked)
    ["a", "b"]                            -> ["a", "b"]

Tensors and NumPy arrays are stacked along a new dim 0 (keeping their dtype); Python ints become int64, floats
float64 and bools bool, as in torch. The DataLoader calls it when a dataset has no batched fetch (__getitems__).
"""

import collections.abc

import numpy as np

from ..autograd.tensor import Tensor


def default_collate(batch):
    """One batch from a list of samples (each sample a Tensor, array, number, string, mapping or sequence)."""
    if not isinstance(batch, collections.abc.Sequence) or len(batch) == 0:
        raise TypeError(f"default_collate: expects a non-empty list of samples, got {type(batch).__name__}"
                        f"{' of length 0' if isinstance(batch, collections.abc.Sequence) else ''}")
    elem = batch[0]
    if isinstance(elem, (Tensor, np.ndarray, np.generic)):
        arrays = [sample.array if isinstance(sample, Tensor) else np.asarray(sample) for sample in batch]
        if arrays[0].dtype.kind in "OSUV":
            raise TypeError(f"default_collate: NumPy arrays of dtype {arrays[0].dtype} cannot become tensors "
                            f"(numbers and bools only)")
        shapes = {array.shape for array in arrays}
        if len(shapes) > 1:
            raise RuntimeError(f"default_collate: stack expects each tensor to be equal size, got shapes "
                               f"{sorted(shapes)} in one batch (pass a collate_fn that pads them)")
        return Tensor(np.stack(arrays))
    if isinstance(elem, bool):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        try:
            return type(elem)(collated)  # an OrderedDict stays one, as in torch
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch, strict=True)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(f"default_collate: batch must contain tensors, NumPy arrays, numbers, strings, dicts or lists; "
                    f"found {type(elem).__name__}")
