"""mm.save and mm.load: torch.save / torch.load for the engine, in the pickle-free checkpoint format.

    mm.save(model.state_dict(), "model.pt")
    model.load_state_dict(mm.load("model.pt"))
    mm.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
             "loss": 0.25}, "checkpoint.pth")

What tutorials save (Tensors, state_dicts, nested dicts, lists and tuples of them with numbers, strings, bools
and None) is written by checkpoint.save_checkpoint whatever the file's extension: an .npz whose arrays sit beside
a JSON description, written atomically and read back without unpickling. Two markers on top of that format bring
back what JSON and .npz alone would flatten:

    {TENSOR: array, "parameter": bool, "requires_grad": bool}   a Tensor (or Parameter), not a bare array
    {TUPLE: [...]}                                               a tuple, not a list

Anything else (a whole Module, a custom object) can only be pickled. mm.save does that, as torch.save does, and
stores the pickle's bytes as one array in the same format; mm.load then refuses it unless weights_only=False, as
PyTorch >= 2.6 refuses by default, because unpickling a file can run any code in it.
"""

import os
import pickle
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..storage.checkpoint_format import load_checkpoint, save_checkpoint
from ..autograd.tensor import Tensor

TENSOR, TUPLE, PICKLED = "__minitorch_mnist.Tensor__", "__minitorch_mnist.tuple__", "__minitorch_mnist.pickle__"
_PLAIN = (type(None), bool, int, float, str, np.ndarray, np.generic)


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Write `obj` to `f` (a path or a binary file object), atomically when `f` is a path.

    Tensors, NumPy arrays, numbers, strings and dicts (str or int keys), lists and tuples of them are stored
    without pickle; any other object is pickled (with `pickle_module`, default pickle) and then loads only with
    weights_only=False. Prefer saving model.state_dict(): it loads anywhere, safely.
    """
    try:
        state = _mark(obj)
    except _NeedsPickle:
        pickled = (pickle_module or pickle).dumps(obj, protocol=pickle_protocol)
        state = {PICKLED: np.frombuffer(pickled, dtype=np.uint8), "type": type(obj).__qualname__}
    if isinstance(f, (str, os.PathLike)):
        save_checkpoint(Path(f), state)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = save_checkpoint(Path(folder) / "saved.pt", state)
        with open(path, "rb") as written:
            shutil.copyfileobj(written, f)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """What mm.save wrote to `f` (a path or a binary file object), Tensors as Tensors.

    map_location: None, "cpu" or a CPU device (the engine's only device); weights_only=True (the default, as in
    PyTorch >= 2.6) never unpickles: a file holding a pickled object raises pickle.UnpicklingError saying so.
    """
    _check_map_location(map_location)
    if mmap:
        raise ValueError("mm.load: mmap=True is not supported; the file is read into memory")
    if isinstance(f, (str, os.PathLike)):
        state = _read(Path(f))
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "loaded.pt"
            with open(path, "wb") as copy:
                shutil.copyfileobj(f, copy)
            state = _read(path, name=getattr(f, "name", "the file object"))
    if isinstance(state, dict) and PICKLED in state:
        if weights_only:
            raise pickle.UnpicklingError(
                f"Weights only load failed: {f} holds a pickled {state['type']} (mm.save of a whole object), and "
                f"weights_only=True never unpickles. Re-running mm.load with weights_only=False will likely "
                f"succeed, but it can result in arbitrary code execution: do it only if you got the file from a "
                f"trusted source. Better: save model.state_dict() and load it into a new model.")
        return (pickle_module or pickle).loads(state[PICKLED].tobytes(), **pickle_load_args)
    return _unmark(state)


class _NeedsPickle(Exception):
    pass


def _mark(value):
    """A copy of `value` that save_checkpoint can store, with markers for Tensors and tuples."""
    if isinstance(value, Tensor):
        from ..nn.parameter import Parameter

        return {TENSOR: value.detach().array, "parameter": isinstance(value, Parameter),
                "requires_grad": value.requires_grad}
    if isinstance(value, dict):
        if not all(isinstance(key, (str, int)) and not isinstance(key, bool) for key in value):
            raise _NeedsPickle
        return {key: _mark(item) for key, item in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return {TUPLE: [_mark(item) for item in value]}
    if type(value) is list:
        return [_mark(item) for item in value]
    if isinstance(value, _PLAIN) and not (isinstance(value, np.ndarray) and value.dtype == object):
        return value
    raise _NeedsPickle


def _unmark(value):
    if isinstance(value, dict) and TENSOR in value:
        if value["parameter"]:
            from ..nn.parameter import Parameter

            return Parameter(value[TENSOR], requires_grad=value["requires_grad"])
        return Tensor(value[TENSOR], requires_grad=value["requires_grad"])
    if isinstance(value, dict) and TUPLE in value:
        return tuple(_unmark(item) for item in value[TUPLE])
    if isinstance(value, dict):
        return {key: _unmark(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unmark(item) for item in value]
    return value


def _read(path, name=None):
    try:
        return load_checkpoint(path)
    except ValueError:
        if zipfile.is_zipfile(path) and any(n.endswith("data.pkl") for n in zipfile.ZipFile(path).namelist()):
            raise ValueError(f"{name or path}: written by torch.save, which mm.load cannot read (it is a pickle); "
                             f"in PyTorch save {{name: t.numpy() for name, t in state_dict.items()}} with np.savez, "
                             f"or copy weights with reference.interop") from None
        raise


def _check_map_location(map_location):
    if map_location is None:
        return
    if callable(map_location) or isinstance(map_location, dict):
        raise ValueError("mm.load: map_location as a function or dict is not supported; the engine has one "
                         "device, so use None or 'cpu'")
    device = str(getattr(map_location, "type", map_location))
    if device.split(":")[0] != "cpu":
        raise ValueError(f"mm.load: map_location={map_location!r}, but the engine computes on the CPU only; use "
                         f"map_location='cpu' (or None)")

