"""What fetch_files says when no source worked: the whole story for Python callers and for FETCH_FAILED.txt beside
the folder (the files, every attempt, how to put the files there by hand and their md5s), and one line for the
command line that points at that file, with the last source's reason in a few words.
"""

import socket
import urllib.error
import urllib.parse

FAILURE_NOTE = "FETCH_FAILED.txt"


class FetchFailedError(RuntimeError):
    """No source worked. str(): the whole story (files, attempts, how to do it by hand); `summary`: one line."""

    def __init__(self, text, summary):
        super().__init__(text)
        self.summary = summary


def write_note(folder, text):
    """Write the whole story beside the folder, for the one-line summary to point at; None if that fails."""
    note = folder.parent / FAILURE_NOTE
    try:
        note.write_text(text + "\n")
    except OSError:
        return None
    return note


def failure_summary(folder, what, tried, note, timeout):
    last = f" (last: {host(tried[-1][0])}: {short_reason(tried[-1][1], timeout)})" if tried else ""
    how = (f"how to put the files there by hand: {note}" if note else
           f"put the {what} files in {folder} by hand, or choose another --data-dir")
    return f"could not fetch {what} into {folder}: {len(tried)} source(s) failed{last}; {how}"


def host(label):
    return urllib.parse.urlsplit(label).hostname or label


def short_reason(error, timeout):
    reason = getattr(error, "reason", None)
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(reason, socket.gaierror) or "name or service not known" in str(reason).lower():
        return "no network (name resolution failed)"
    if isinstance(error, (TimeoutError, socket.timeout)) or isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout} s"
    text = str(reason if reason is not None else error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def nothing_worked(folder, checksums, problems, tried, mirrors, what, by_hand=None):
    listed = "\n".join(f"  {folder / name}: {problem}" for name, problem in problems.items())
    attempts = "\n".join(f"  {attempt}" for attempt in tried) or "  (no sources)"
    sums = "\n".join(f"  {md5}  {name}" for name, md5 in checksums.items())
    where = " or ".join(mirrors) if mirrors else "a copy of the dataset"
    by_hand = by_hand or (f"download {', '.join(f'{n}.gz' for n in checksums)} from {where}, gunzip them into "
                          f"{folder}/")
    return (f"fetch_{fetch_name(what)}: could not get {len(problems)} {what} file(s):\n{listed}\n"
            f"Tried:\n{attempts}\n"
            f"To put the files there by hand: {by_hand} (or choose another folder: --data-dir on the command line, root= in Python, or $MINITORCH_DATA) "
            f"and check their md5:\n{sums}")


def fetch_name(what):
    """"MNIST" -> "mnist", "FashionMNIST" -> "fashion_mnist", "CIFAR10" -> "cifar10": the fetch_* name."""
    return {"FashionMNIST": "fashion_mnist"}.get(what, what.lower())
