"""Reading the pickles of CIFAR-10's python version without letting a file run code.

A pickle is a small program: its GLOBAL/STACK_GLOBAL instructions name any importable callable and its REDUCE
instruction calls it, so `pickle.load` on a file from elsewhere can run `os.system(...)`. The CIFAR-10 batches need
very little: dicts, lists, str, bytes, ints (built by opcodes, no import at all) and one NumPy array per batch, which
numpy pickles as

    numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b"b")   an empty array, then BUILD (its __setstate__)
    numpy.dtype("u1", False, True)                                  its dtype, then BUILD

(the files were written by Python 2 with NumPy 1, hence `numpy.core`; NumPy 2 writes `numpy._core`). find_class
below allows exactly those names and refuses every other one with UnsafePickleError, before anything is called.

One more name is allowed for files written by Python 3 at protocol 2 (as tests and re-saved copies are): such a
pickle stores bytes as `_codecs.encode(text, "latin1")`. It is answered by a function that accepts only that
(str, "latin1") call, never the general codecs machinery.

What this does not bound: the size of what a file asks to allocate; check shapes after loading.
"""

import pickle

import numpy as np

_RECONSTRUCT = np.ndarray.__reduce__(np.empty(0))[0]  # numpy's _reconstruct, without importing a private module


def _latin1_encode(text, encoding):
    """What `_codecs.encode` does in a protocol-2 pickle of bytes, and nothing else."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError(f"_codecs.encode is allowed only as encode(str, 'latin1') (how Python 3 pickles "
                                f"bytes at protocol 2), got encode({type(text).__name__}, {encoding!r})")
    return text.encode("latin1")


ALLOWED = {  # (module, name) -> the object it stands for
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle asks for something outside ALLOWED (e.g. os.system): refused, nothing was called."""


class RestrictedUnpickler(pickle.Unpickler):
    """pickle.Unpickler that resolves only the names in ALLOWED; `source` names the file in errors."""

    def __init__(self, file, source="pickle", **kwargs):
        super().__init__(file, **kwargs)
        self.source = source

    def find_class(self, module, name):
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            allowed = ", ".join(f"{m}.{n}" for m, n in ALLOWED)
            raise UnsafePickleError(f"{self.source}: refused to load: the pickle asks for {module}.{name}, which "
                                    f"a CIFAR batch never needs (allowed: {allowed}); unpickling it could run "
                                    f"code. If you made this file yourself, save only dicts, lists, str, bytes, "
                                    f"ints and NumPy arrays, with pickle protocol 4 or lower (the originals use "
                                    f"2; protocol 5 stores arrays through another function)") from None

    def persistent_load(self, pid):
        raise UnsafePickleError(f"{self.source}: refused to load: the pickle uses persistent ids ({pid!r})")


def safe_load(path):
    """The object pickled in the file at `path`, built only from ALLOWED names.

    encoding="latin1" as torchvision does: Python 2 `str` (keys, names, and the array's raw bytes in the original
    CIFAR files) becomes a Python 3 str holding the same byte values, which numpy's array __setstate__ accepts.
    """
    with open(path, "rb") as f:
        return RestrictedUnpickler(f, source=str(path), encoding="latin1").load()
