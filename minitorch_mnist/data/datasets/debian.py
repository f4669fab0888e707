"""A Debian package as a source of dataset files: `apt-get download PACKAGE`, then `dpkg -x PACKAGE.deb DIR`.

Debian ships some datasets as packages (dataset-fashion-mnist holds the official Fashion-MNIST .gz files under
usr/share/datasets/fashion-mnist/). Neither step needs root: `apt-get download` only fetches the .deb into the
current directory (apt checks it against the signed package lists), and `dpkg -x` only unpacks its files into a
directory of ours; nothing is installed. It does need a machine with apt whose package lists are up to date
(`apt-get update`, as root, once). The caller reads the files it wants out of the unpacked tree and checks them.
"""

import shutil
import subprocess
from pathlib import Path

TIMEOUT_S = 600  # for each command: the .deb of a dataset can be tens of MB


class DebianError(RuntimeError):
    """apt-get or dpkg is missing, failed, or did not produce the package."""


def unpack_debian_package(package, scratch):
    """Download `package` into the directory `scratch` and unpack it there; return the unpacked tree's root.

    The tree mirrors the package's files: a file the package installs as /usr/share/x lies at ROOT/usr/share/x.
    """
    scratch = Path(scratch)
    apt_get, dpkg = shutil.which("apt-get"), shutil.which("dpkg")
    if apt_get is None or dpkg is None:
        missing = " and ".join(name for name, path in (("apt-get", apt_get), ("dpkg", dpkg)) if path is None)
        raise DebianError(f"{missing} not found: the Debian package {package} can only be fetched on a "
                          f"Debian or Ubuntu system")
    download = scratch / "download"
    download.mkdir()
    _run([apt_get, "download", package], download, package,
         hint="if apt cannot locate the package, its package lists may be missing or old: run `apt-get update` "
              "(as root) and try again")
    debs = sorted(download.glob(f"{package}_*.deb"))
    if len(debs) != 1:
        found = ", ".join(p.name for p in download.iterdir()) or "nothing"
        raise DebianError(f"`apt-get download {package}` left {found} in {download}, expected one "
                          f"{package}_*.deb")
    tree = scratch / "tree"
    _run([dpkg, "-x", str(debs[0]), str(tree)], scratch, package)
    return tree


def _run(command, cwd, package, hint=""):
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise DebianError(f"`{' '.join(command[1:])}` ran longer than {TIMEOUT_S} s") from None
    except OSError as error:
        raise DebianError(f"could not run {command[0]}: {error}") from None
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        output = [line for line in lines if not line.startswith("W: ")] or lines or ["(no output)"]  # apt's warnings
        raise DebianError(f"`{Path(command[0]).name} {' '.join(command[1:])}` failed with exit status "
                          f"{result.returncode}: {' | '.join(output[-3:])}" + (f"; {hint}" if hint else ""))
