"""Saving and loading model weights as .npz (no pickle: loading an untrusted file cannot run code).

The file holds the state_dict arrays under their names, plus the model's name and the dataset it was
trained on under MODEL_KEY and DATASET_KEY. The reference package writes the same format, so weights
trained in either framework load in the other.

read_npz is the one reader of every .npz this package writes (weights and checkpoints, mm.load's files):
whatever is wrong with a file (truncated, bit-flipped, empty, not an archive, pickled entries, an entry that
is not an array, a header that declares more data than the file holds) becomes a DamagedFileError that names
the file and the problem. The sizes are checked before NumPy allocates anything, so a 1 KB file that declares
a 90 TiB array is refused, not a MemoryError.
"""

import math
import zipfile
from collections import namedtuple
from pathlib import Path

import numpy as np

from .atomic import atomic_write

MODEL_KEY, DATASET_KEY = "__model__", "__dataset__"

Weights = namedtuple("Weights", ["model", "dataset", "state"])


class DamagedFileError(ValueError):
    """A file that cannot be what it should be: "PATH is damaged or not a KIND: PROBLEM"."""

    exit_code = 2  # the command line's code for a bad input, as for a bad flag

    def __init__(self, path, kind, problem):
        super().__init__(f"{path} is damaged or not a {kind}: {problem}")


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


def read_npz(path, kind):
    """All arrays of an .npz (never unpickling), or a DamagedFileError naming `path` and what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no {kind} at {path}")
    if path.stat().st_size == 0:
        raise DamagedFileError(path, kind, "the file is empty")
    _check_declared_sizes(path, kind)
    try:
        archive = np.load(path, allow_pickle=False)
    except (PermissionError, MemoryError):
        raise
    except Exception as error:  # whatever a damaged file makes the parser raise
        raise DamagedFileError(path, kind, _why_not_an_archive(error)) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DamagedFileError(path, kind, "it holds a single .npy array, not an .npz archive of named arrays")
    with archive:
        return {name: _entry(archive, name, path, kind) for name in archive.files}


def _entry(archive, name, path, kind):
    try:
        return archive[name]
    except (PermissionError, MemoryError):
        raise
    except Exception as error:
        problem = ("it holds pickled Python objects, which are never loaded" if "pickle" in str(error)
                   else f"{type(error).__name__}: {error}")
        raise DamagedFileError(path, kind, f"entry {name!r}: {problem}") from None


# deflate cannot shrink data more than about 1032:1; a member that claims more is a "zip bomb" or a lie
_MOST_DEFLATE_RATIO = 1100


def _check_declared_sizes(path, kind):
    """Every entry must be a .npy array whose header declares exactly the bytes the archive holds for it."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception:  # not a zip archive at all: np.load says what it is
        return
    on_disk = path.stat().st_size
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise DamagedFileError(path, kind, f"entry {info.filename!r} is not an array (.npy)")
            name = info.filename[:-len(".npy")]
            if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size or \
                    info.compress_size > on_disk or info.file_size > _MOST_DEFLATE_RATIO * max(info.compress_size, 1):
                raise DamagedFileError(path, kind, f"entry {name!r} declares {_size(info.file_size)}, more than the "
                                                   f"{_size(info.compress_size)} stored for it can hold")
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0)
                    shape, _, dtype = read_header(member)
                    header = member.tell()
            except Exception as error:
                raise DamagedFileError(path, kind, f"entry {name!r} has no valid .npy header "
                                                   f"({type(error).__name__}: {error})") from None
            if dtype.hasobject:
                raise DamagedFileError(path, kind, f"entry {name!r}: it holds pickled Python objects, which are "
                                                   f"never loaded")
            declared, held = math.prod(shape) * dtype.itemsize, info.file_size - header  # Python ints: no overflow
            if declared != held:
                raise DamagedFileError(path, kind, f"entry {name!r} declares a {shape} {dtype} array "
                                                   f"({_size(declared)}), but the file holds {_size(held)} for it")


def _size(count):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024


def _why_not_an_archive(error):
    if "pickle" in str(error):  # NumPy's guess for any file that is neither .npy nor .npz
        return "not an .npz archive"
    return f"not a complete .npz archive ({type(error).__name__}: {error})"


def load_weights(path, kind="weights file"):
    """Weights(model, dataset, state) from a file written by save_weights."""
    return weights_from_arrays(path, read_npz(path, kind), kind)


def weights_from_arrays(path, arrays, kind="weights file"):
    """Weights from the arrays of a weights file (read_npz's result); `path` and `kind` name it in errors."""
    if MODEL_KEY not in arrays:
        raise DamagedFileError(path, kind, f"no {MODEL_KEY} entry")
    arrays = dict(arrays)
    model = _name(path, kind, arrays.pop(MODEL_KEY), MODEL_KEY)
    dataset = _name(path, kind, arrays.pop(DATASET_KEY, np.array("mnist")), DATASET_KEY)
    return Weights(model, dataset, arrays)


def _name(path, kind, value, key):
    """The text of a name entry (__model__, __dataset__): a 0-d string array."""
    if value.shape != () or value.dtype.kind != "U":
        raise DamagedFileError(path, kind, f"entry {key!r} should be a name, got {value.dtype} {value!r:.60}")
    return str(value)
