"""Training checkpoints without pickle: one .npz whose arrays sit beside a JSON description of everything else.

A checkpoint is any nested structure of dicts, lists, numbers, strings, booleans, None and NumPy arrays
(model and optimizer state, scheduler state, RNG states, metrics). save_checkpoint stores each array
as its own .npz entry and the rest as JSON in the entry META_KEY, where {"__array__": "a7"} marks the
place of array a7. Loading uses allow_pickle=False, so an untrusted file cannot run code.

The write is atomic (atomic.py: a temp file in the same folder, fsync, then rename): a process killed at
any moment leaves the previous checkpoint intact and loadable. Reading a damaged file (truncated, invalid
JSON, a missing array) raises serialization.DamagedFileError naming the file and the problem.
"""

import json
from pathlib import Path

import numpy as np

from .atomic import atomic_write
from .weights_file import MODEL_KEY, DamagedFileError, read_npz
from ..autograd.tensor import Tensor

META_KEY = "__meta__"
FORMAT = "minitorch_mnist.storage.checkpoint_format/1"
WEIGHTS_ONLY = ("it holds model weights only (a weights file: train --save, best_model.npz), not a training "
                "checkpoint: resume from a last.npz; evaluate and storage.weights_file.load_weights read weights")


def save_checkpoint(path, state):
    """Write `state` (nested dicts/lists of plain values and NumPy arrays) to `path` atomically."""
    path = Path(path)
    arrays = {}
    meta = json.dumps({"format": FORMAT, "state": _encode(state, arrays)})
    arrays[META_KEY] = np.array(meta)
    with atomic_write(path) as temporary, open(temporary, "wb") as file:
        np.savez(file, **arrays)  # a file object: np.savez would append ".npz" to a name without it
    return path


def load_checkpoint(path, kind="checkpoint"):
    """The structure save_checkpoint wrote, with its arrays back in place."""
    return checkpoint_from_arrays(path, read_npz(path, kind), kind)


def is_checkpoint(arrays):
    """Whether read_npz's arrays are a checkpoint's."""
    return META_KEY in arrays


def checkpoint_from_arrays(path, arrays, kind="checkpoint"):
    """The structure of a checkpoint from its arrays (read_npz's result); `path` and `kind` name it in errors."""
    arrays = dict(arrays)
    if META_KEY not in arrays:
        if MODEL_KEY in arrays:
            raise DamagedFileError(path, kind, WEIGHTS_ONLY)
        raise DamagedFileError(path, kind, f"no {META_KEY} entry")
    try:
        meta = json.loads(str(arrays.pop(META_KEY)))
    except RecursionError:
        raise DamagedFileError(path, kind, f"its {META_KEY} entry is nested too deeply") from None
    except ValueError as error:
        raise DamagedFileError(path, kind, f"its {META_KEY} entry is not valid JSON ({error})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else meta
        raise DamagedFileError(path, kind, f"unknown checkpoint format {found!r} (expected {FORMAT})")
    try:
        return _decode(meta.get("state"), arrays)
    except KeyError as error:
        raise DamagedFileError(path, kind, f"array {error.args[0]!r} is missing") from None
    except (TypeError, ValueError, AttributeError, RecursionError) as error:
        raise DamagedFileError(path, kind, f"its description is malformed ({type(error).__name__}: {error})") from None


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
        return {key: _decode(item, arrays) for key, item in value.get("__dict__")}
    if isinstance(value, list):
        return [_decode(item, arrays) for item in value]
    return value
