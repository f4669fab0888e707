"""Saving and loading model weights as .npz (no pickle: loading an untrusted file cannot run code).

The file holds the state_dict arrays under their names, plus the model's name and the dataset it was
trained on under MODEL_KEY and DATASET_KEY. The reference package writes the same format, so weights
trained in either framework load in the other.
"""

from collections import namedtuple
from pathlib import Path

import numpy as np

from .atomic import atomic_write

MODEL_KEY, DATASET_KEY = "__model__", "__dataset__"

Weights = namedtuple("Weights", ["model", "dataset", "state"])


def save_weights(path, state_dict, model_name, dataset="mnist"):
    """Write atomically (see atomic.py), so a crash never leaves half a file."""
    arrays = {name: np.asarray(value) for name, value in state_dict.items()}
    for name, array in arrays.items():
        if array.dtype == object:
            raise TypeError(f"save_weights: {name!r} is not a numeric array (got {type(state_dict[name]).__name__})")
    arrays[MODEL_KEY], arrays[DATASET_KEY] = np.array(model_name), np.array(dataset)
    with atomic_write(path) as temporary, open(temporary, "wb") as file:
        np.savez(file, **arrays)  # a file object: np.savez would append ".npz" to a name without it
    return Path(path)


def read_npz(path, kind, required_key):
    """All arrays of an .npz written by this package (never unpickling), or a clear error naming `path`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no {kind} at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError) as error:
        raise ValueError(f"{path}: not a {kind} ({error})") from None
    if required_key not in arrays:
        raise ValueError(f"{path}: not a {kind} (no {required_key} entry)")
    return arrays


def load_weights(path):
    """Weights(model, dataset, state) from a file written by save_weights."""
    arrays = read_npz(path, "weights file written by save_weights", MODEL_KEY)
    model = str(arrays.pop(MODEL_KEY))
    dataset = str(arrays.pop(DATASET_KEY, "mnist"))
    return Weights(model, dataset, arrays)
