"""Training checkpoints without pickle: one .npz whose arrays sit beside a JSON description of everything else.

A checkpoint is any nested structure of dicts, lists, numbers, strings, booleans, None and NumPy arrays
(model and optimizer state, scheduler state, RNG states, metrics). save_checkpoint stores each array
as its own .npz entry and the rest as JSON in the entry META_KEY, where {"__array__": "a7"} marks the
place of array a7. Loading uses allow_pickle=False, so an untrusted file cannot run code.

The write is atomic (atomic.py: a temp file in the same folder, fsync, then rename): a process killed at
any moment leaves the previous checkpoint intact and loadable.
"""

import json
from pathlib import Path

import numpy as np

from .atomic import atomic_write
from .serialization import read_npz
from .tensor import Tensor

META_KEY = "__meta__"
FORMAT = "minitorch_mnist.checkpoint/1"


def save_checkpoint(path, state):
    """Write `state` (nested dicts/lists of plain values and NumPy arrays) to `path` atomically."""
    path = Path(path)
    arrays = {}
    meta = json.dumps({"format": FORMAT, "state": _encode(state, arrays)})
    arrays[META_KEY] = np.array(meta)
    with atomic_write(path) as temporary, open(temporary, "wb") as file:
        np.savez(file, **arrays)  # a file object: np.savez would append ".npz" to a name without it
    return path


def load_checkpoint(path):
    """The structure save_checkpoint wrote, with its arrays back in place."""
    arrays = read_npz(path, "checkpoint", META_KEY)
    meta = json.loads(str(arrays.pop(META_KEY)))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown checkpoint format {meta.get('format')!r} (expected {FORMAT})")
    return _decode(meta["state"], arrays)


def _encode(value, arrays):
    """JSON-able copy of `value`, moving every array into `arrays` and leaving a marker in its place."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError("save_checkpoint: object arrays cannot be saved without pickle")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Tensor):  # state_dict() values: the tensor's array is what is stored
        return _encode(value.detach().array, arrays)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, (str, int)):
                raise TypeError(f"save_checkpoint: dict keys must be str or int, got {key!r}")
        # JSON keys are strings: remember which ones were ints (optimizer states are numbered)
        return {"__dict__": [[key, _encode(item, arrays)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(item, arrays) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"save_checkpoint: cannot store a {type(value).__name__} (convert it to NumPy or plain values)")


def _decode(value, arrays):
    if isinstance(value, dict) and "__array__" in value:
        return arrays[value["__array__"]]
    if isinstance(value, dict):
        return {key: _decode(item, arrays) for key, item in value["__dict__"]}
    if isinstance(value, list):
        return [_decode(item, arrays) for item in value]
    return value
