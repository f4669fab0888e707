"""Atomic file writes: write to a temporary file beside the target, then rename it into place.

A rename within one folder is atomic, so a reader (or a process killed mid-write) only ever sees the
old file or the complete new one, never half a file. A process killed mid-write does leave its temporary
file behind (.NAME.XXXXXXXX.tmp.SUFFIX); remove_leftovers clears them when the next run starts.

Every failed write (a full disk, a read-only folder) becomes a WriteFailedError whose message names the
file and says what is left of it, for the command line to print as one line.
"""

import contextlib
import os
import re
import tempfile
from pathlib import Path

_TEMPORARY = re.compile(r"^\..+\.\w{8}\.tmp(\.\w+)?$")  # what atomic_write's mkstemp names look like


class WriteFailedError(OSError):
    """Writing `path` failed; the message says which file, why, and whether the previous version is intact."""

    def __init__(self, message, errno=None):
        super().__init__(message)
        self.errno = errno


@contextlib.contextmanager
def reporting_failures(path, kept=""):
    """Turn an OSError raised while writing `path` into a WriteFailedError naming it (plus `kept`, what survives)."""
    try:
        yield
    except WriteFailedError:
        raise
    except OSError as error:
        raise WriteFailedError(f"cannot write {path}: {error.strerror or error}{kept}", error.errno) from error


@contextlib.contextmanager
def atomic_write(path):
    """Yield a temporary path to write; on success it replaces `path`, on any failure it is deleted."""
    path = Path(path)
    kept = f" (the previous {path.name} is unchanged)" if path.exists() else " (nothing was written)"
    with reporting_failures(path, kept):
        path.parent.mkdir(parents=True, exist_ok=True)
        # the temp name keeps the suffix, so writers that go by it (matplotlib's savefig) pick the right format
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                 suffix=f".tmp{path.suffix}")
        os.close(descriptor)
        os.chmod(temp_name, 0o666 & ~_umask())  # mkstemp makes it private (0600); give it a normal file's mode
        try:
            yield Path(temp_name)
            with open(temp_name, "rb+") as written:
                os.fsync(written.fileno())  # on disk before the rename makes it visible
            os.replace(temp_name, path)
        except BaseException:
            os.unlink(temp_name)
            raise


def remove_leftovers(folder):
    """Delete the temporary files that killed atomic writes left in `folder`; returns their paths.

    Only safe while no other process writes there (the trainer holds the folder's lock, runlock.py).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    leftovers = sorted(path for path in folder.iterdir() if _TEMPORARY.match(path.name) and path.is_file())
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def _umask():
    """The process's umask (it can only be read by setting it, so set it back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
