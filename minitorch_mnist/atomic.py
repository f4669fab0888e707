"""Atomic file writes: write to a temporary file beside the target, then rename it into place.

A rename within one folder is atomic, so a reader (or a process killed mid-write) only ever sees the
old file or the complete new one, never half a file.
"""

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_write(path):
    """Yield a temporary path to write; on success it replaces `path`, on any failure it is deleted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the temp name keeps the suffix, so writers that go by it (matplotlib's savefig) pick the right format
    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
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


def _umask():
    """The process's umask (it can only be read by setting it, so set it back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
