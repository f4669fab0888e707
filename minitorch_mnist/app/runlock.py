"""One run per folder: a lock file that a second run sees, and that a crashed run cannot leave stuck.

Two runs writing the same --checkpoint-dir or --log-dir would overwrite each other's checkpoints and
interleave their CSV rows. So a run takes an exclusive flock() on FOLDER/.minitorch_mnist.lock, and writes
its process id and start time there for the refusal message. The kernel drops the flock when the process
ends, however it ends (even SIGKILL), so a lock file left by a crash is simply taken over.
"""

import contextlib
import fcntl
import os
import time
from pathlib import Path

from ..storage.atomic import reporting_failures

LOCK_NAME = ".minitorch_mnist.lock"


class FolderInUseError(RuntimeError):
    pass


@contextlib.contextmanager
def locked_folders(folders):
    """Hold the lock of every folder in `folders` (None entries skipped, each folder once) inside the block."""
    unique = {}
    for folder in folders:
        if folder is not None:
            unique.setdefault(Path(folder).resolve(), Path(folder))
    with contextlib.ExitStack() as stack:
        for folder in unique.values():
            stack.enter_context(_locked(folder))
        yield


@contextlib.contextmanager
def _locked(folder):
    path = folder / LOCK_NAME
    with reporting_failures(path):
        folder.mkdir(parents=True, exist_ok=True)
        file = _open_locked(path, folder)
    try:
        with reporting_failures(path):
            file.truncate(0)
            file.write(f"{os.getpid()} {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            file.flush()
        yield
    finally:
        path.unlink(missing_ok=True)  # while still holding the lock, so no one else's lock file is removed
        file.close()


def check_not_in_use(folders):
    """FolderInUseError if a run holds the lock of one of `folders` now (looked at, not taken: before the real
    locking, so that a busy folder is named as such rather than as one that holds a run)."""
    for folder in folders:
        path = Path(folder) / LOCK_NAME if folder else None
        if path is None or not path.is_file():
            continue
        try:
            file = open(path)
        except OSError:
            continue
        with file:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _in_use(file, Path(folder)) from None


def _in_use(file, folder):
    file.seek(0)
    owner = file.read().split(maxsplit=1)
    pid, started = (owner + ["?", "?"])[:2] if owner else ("?", "?")
    return FolderInUseError(f"{folder} is in use by process {pid} (started {started.strip()}); wait for it to finish "
                            f"or choose another folder")


def _open_locked(path, folder):
    """The lock file, opened and flock()ed; retried if the file was replaced between open and lock."""
    while True:
        file = open(path, "a+")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            error = _in_use(file, folder)
            file.close()
            raise error from None
        if path.exists() and os.stat(path).st_ino == os.fstat(file.fileno()).st_ino:
            return file
        file.close()  # the holder removed that file as we opened it: lock the new one
