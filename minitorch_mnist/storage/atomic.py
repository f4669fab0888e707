"""Atomic file writes: write to a temporary file beside the target, then rename it into place.

A rename within one folder is atomic, so a reader (or a process killed mid-write) only ever sees the
old file or the complete new one, never half a file. A process killed mid-write does leave its temporary
file behind (.NAME.XXXXXXXX.tmp.SUFFIX, NAME shortened so that the temporary name fits wherever the final
name fits); remove_leftovers clears them when the next run starts. Ctrl-C and SIGTERM are held back for
the moment of the rename, so a signal never leaves it half-reported.

Every failed write (a full disk, a read-only folder, a file where a folder should be) becomes a
WriteFailedError whose message names the file and says what is left of it, for the command line to print
as one line.
"""

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
from pathlib import Path

_TEMPORARY = re.compile(r"^\..+\.\w{8}\.tmp(\.\w+)?$")  # what atomic_write's mkstemp names look like
_RANDOM = 8  # the characters mkstemp adds
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


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
        raise WriteFailedError(f"cannot write {path}: {_reason(path, error)}{kept}", error.errno) from error


def _reason(path, error):
    """Why writing `path` failed; for "File exists"/"Not a directory", the file standing where a folder should be."""
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        blocking = next((folder for folder in Path(path).parents if os.path.lexists(folder)
                         and not os.path.isdir(folder)), None)
        if blocking is not None:
            return f"{blocking} is a file, not a folder"
    if error.errno == errno.EISDIR:
        return f"{path} is a folder"
    return error.strerror or str(error)


def make_folder(folder):
    """mkdir -p `folder`, or a WriteFailedError naming the file that stands in its way."""
    with reporting_failures(folder):
        Path(folder).mkdir(parents=True, exist_ok=True)


def name_max(folder):
    """The longest file name (in bytes) the file system of `folder` (or of its nearest existing parent) allows."""
    for existing in (Path(folder).absolute(), *Path(folder).absolute().parents):
        if os.path.isdir(existing):
            try:
                return os.pathconf(existing, "PC_NAME_MAX")
            except (OSError, ValueError):
                break
    return 255


def shorten_utf8(name, limit):
    """The longest start of `name` whose UTF-8 encoding takes at most `limit` bytes (at least one character)."""
    encoded = os.fsencode(name)[:max(limit, 1)]
    return encoded.decode("utf-8", errors="ignore") or name[:1]


def temporary_affixes(path):
    """(prefix, suffix) of atomic_write's temporary names for `path`: ".NAME." and ".tmp.SUFFIX", NAME cut so that
    prefix + 8 random characters + suffix fits in the file system's name limit."""
    path = Path(path)
    suffix = f".tmp{path.suffix}" if len(os.fsencode(path.suffix)) <= 16 else ".tmp"
    room = name_max(path.parent) - len(os.fsencode(suffix)) - _RANDOM - 2  # 2: the dots around NAME
    return "." + shorten_utf8(path.name, room) + ".", suffix


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM wait until the block is done, then take effect as they would have.

    The Python handlers are swapped for ones that only take note: blocking the signals with pthread_sigmask
    would hold them back in this thread only, and the kernel hands a process signal to any thread that does not
    block it (Numba's and TensorBoard's threads), whose arrival the main thread then handles at once."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread handles signals
        yield
        return
    pending, previous = [], {}
    for number in _HELD_SIGNALS:
        handler = signal.getsignal(number)
        if handler is not None and handler is not signal.SIG_IGN:
            previous[number] = signal.signal(number, lambda number, frame: pending.append(number))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(pending):
            if callable(previous[number]):
                previous[number](number, None)
            else:  # SIG_DFL: deliver it again, now that the write is complete
                os.kill(os.getpid(), number)


@contextlib.contextmanager
def atomic_write(path):
    """Yield a temporary path to write; on success it replaces `path`, on any failure it is deleted."""
    path = Path(path)
    kept = ""
    with reporting_failures(path, kept):
        kept = f" (the previous {path.name} is unchanged)" if path.exists() else " (nothing was written)"
    with reporting_failures(path, kept):
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        # the temp name keeps the suffix, so writers that go by it (matplotlib's savefig) pick the right format
        prefix, suffix = temporary_affixes(path)
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
        os.close(descriptor)
        try:
            os.chmod(temp_name, 0o666 & ~_umask())  # mkstemp makes it private (0600); give it a normal file's mode
            yield Path(temp_name)
            with _signals_held():
                with open(temp_name, "rb+") as written:
                    os.fsync(written.fileno())  # on disk before the rename makes it visible
                os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
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
