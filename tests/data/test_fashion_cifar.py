"""Fashion-MNIST and CIFAR-10: readers, fetchers (offline, with a fake network and fake apt-get), torchvision parity.

The real Fashion-MNIST is fetched once per session into the repo's ./data by the `fashion_root` fixture (existing
files, else the mirror, else the Debian package dataset-fashion-mnist). CIFAR-10 cannot be downloaded here: its
tests write small batch files in the original format (Python 2 pickles, protocol 2) under tmp_path.
"""

import gzip
import hashlib
import io
import os
import pickle
import re
import shutil
import struct
import subprocess
import tarfile

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torchvision import transforms

from minitorch_mnist.data import (CIFAR10, CIFAR10_MD5, FASHION_MNIST_MD5, DataLoader, FashionMNIST, Subset,
                                  UnsafePickleError, check_fashion_mnist, cifar10_folder, fashion_mnist_raw_folder,
                                  fetch_cifar10, fetch_fashion_mnist, normalize, normalize_channels, safe_load)
from minitorch_mnist.data.datasets import cifar
from minitorch_mnist.data.datasets import debian
from minitorch_mnist.data.datasets import fashion
from minitorch_mnist.data.datasets import fetch
from fakes import FakeNetwork
from cifar_files import LABEL_NAMES, TEST_SIZE, TRAIN_SIZES, python2_pickle, python3_pickle, write_cifar

NAMES = sorted(FASHION_MNIST_MD5)  # the order the sources fetch them in
MIRROR = fashion.FASHION_MNIST_MIRRORS[0]
PACKAGE, INSIDE = fashion.FASHION_MNIST_DEBIAN


# ---- shared helpers: a fake network (tests/fakes.py) ----


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(fetch, "_open_url", fake)
    return fake


# ---- Fashion-MNIST: small files, fake mirror, fake apt-get ----

def idx_bytes(array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def fake_fashion(monkeypatch, rng):
    """Four small valid Fashion-MNIST-shaped files (6 training, 4 test images), pinned as the expected md5s."""
    files = {}
    for split, n in (("train", 6), ("t10k", 4)):
        files[f"{split}-images-idx3-ubyte"] = idx_bytes(rng.integers(0, 256, (n, 28, 28)))
        files[f"{split}-labels-idx1-ubyte"] = idx_bytes(rng.integers(0, 10, n))
    monkeypatch.setattr(fashion, "FASHION_MNIST_MD5", {name: hashlib.md5(files[name]).hexdigest() for name in NAMES})
    return files


@pytest.fixture
def fake_apt(tmp_path, monkeypatch):
    """A fake `apt-get` first on PATH: `apt-get download PKG` copies fake_apt.deb (set by the test) into the current
    directory, or fails like apt when fake_apt.deb is None. dpkg stays the real one."""

    class FakeApt:
        deb = None
        calls = tmp_path / "apt-get-calls"

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "apt-get"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{FakeApt.calls}"\n'
                      f'if [ -f "{tmp_path}/deb-to-serve" ]; then cp "$(cat "{tmp_path}/deb-to-serve")" .; exit 0; fi\n'
                      f'echo "W: Download is performed unsandboxed as root" >&2\n'  # apt's noise: left out
                      f'echo "E: Unable to locate package $2" >&2\nexit 100\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    def serve(deb):
        (tmp_path / "deb-to-serve").write_text(str(deb))

    FakeApt.serve = staticmethod(serve)
    return FakeApt


def build_deb(tmp_path, files, package=PACKAGE, inside=INSIDE):
    """A real .deb (dpkg-deb --build) holding `files` ({name: bytes}) gzipped under /`inside`."""
    if shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None:
        pytest.skip("needs dpkg-deb and dpkg (a Debian or Ubuntu machine)")
    tree = tmp_path / "package-tree"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(f"Package: {package}\nVersion: 1.0\nArchitecture: all\n"
                                             f"Maintainer: Test <test@example.org>\nDescription: test data\n")
    (tree / inside).mkdir(parents=True)
    for name, content in files.items():
        (tree / inside / (name + ".gz")).write_bytes(gzip.compress(content))
    deb = tmp_path / f"{package}_1.0_all.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(tree), str(deb)], check=True,
                   capture_output=True)
    return deb


def assert_holds_exactly(folder, files):
    assert sorted(os.listdir(folder)) == sorted(files), "these files and no temporary leftovers"
    for name, content in files.items():
        assert (folder / name).read_bytes() == content, name


def test_fashion_existing_files_are_used_without_network(tmp_path, fake_fashion, network, fake_apt):
    raw = fashion_mnist_raw_folder(tmp_path)
    raw.mkdir(parents=True)
    for name, content in fake_fashion.items():
        (raw / name).write_bytes(content)
    assert fetch_fashion_mnist(tmp_path) == tmp_path / "FashionMNIST" / "raw"
    assert network.requested == [] and not fake_apt.calls.exists()


def test_fashion_from_the_mirror(tmp_path, fake_fashion, network, fake_apt):
    network.responses.update({MIRROR + name + ".gz": gzip.compress(fake_fashion[name]) for name in NAMES})
    assert_holds_exactly(fetch_fashion_mnist(tmp_path), fake_fashion)
    assert network.requested == [MIRROR + name + ".gz" for name in NAMES]
    assert not fake_apt.calls.exists()


def test_fashion_mirror_down_then_the_debian_package(tmp_path, fake_fashion, network, fake_apt, capfd):
    fake_apt.serve(build_deb(tmp_path, fake_fashion))
    raw = fetch_fashion_mnist(tmp_path / "root")
    assert_holds_exactly(raw, fake_fashion)
    assert network.requested == [MIRROR + NAMES[0] + ".gz"]
    assert fake_apt.calls.read_text() == f"download {PACKAGE}\n"
    assert re.fullmatch(rf"fetch_fashion_mnist: got 4 file\(s\) into {re.escape(str(raw))} from Debian package "
                        rf"{PACKAGE} in \d+\.\d s \(1 other source\(s\) tried first\)\n", capfd.readouterr().err)


def test_fashion_debian_package_with_a_wrong_file_installs_no_wrong_file(tmp_path, fake_fashion, network, fake_apt):
    served = {**fake_fashion, "train-images-idx3-ubyte": fake_fashion["train-images-idx3-ubyte"][:-1] + b"\x00"}
    fake_apt.serve(build_deb(tmp_path, served))
    with pytest.raises(RuntimeError) as error:
        fetch_fashion_mnist(tmp_path / "root")
    message = str(error.value)
    assert f"Debian package {PACKAGE}: FetchError: train-images-idx3-ubyte from Debian package {PACKAGE} has md5" \
        in message
    raw = fashion_mnist_raw_folder(tmp_path / "root")
    # the files before it (sorted order) were good and stay; the bad one and those after it are not there
    assert sorted(os.listdir(raw)) == ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def test_fashion_debian_package_without_the_files(tmp_path, fake_fashion, network, fake_apt):
    fake_apt.serve(build_deb(tmp_path, {}, inside="usr/share/doc/nothing/"))
    with pytest.raises(RuntimeError, match=rf"FetchError: the Debian package {PACKAGE} has no /{INSIDE}"):
        fetch_fashion_mnist(tmp_path / "root")


def test_fashion_when_apt_cannot_find_the_package(tmp_path, fake_fashion, network, fake_apt):
    with pytest.raises(RuntimeError) as error:
        fetch_fashion_mnist(tmp_path / "root")
    message = str(error.value)
    assert (f"Debian package {PACKAGE}: DebianError: `apt-get download {PACKAGE}` failed with exit status 100: "
            f"E: Unable to locate package {PACKAGE}; ") in message
    assert "apt-get update" in message
    assert f"{MIRROR}: URLError" in message and "by hand" in message and "dpkg -x" in message
    assert os.listdir(fashion_mnist_raw_folder(tmp_path / "root")) == []
    assert error.value.summary.startswith(f"could not fetch FashionMNIST into {fashion_mnist_raw_folder(tmp_path / 'root')}: "
                                          f"2 source(s) failed (last: Debian package {PACKAGE}: `apt-get download "
                                          f"{PACKAGE}` failed with exit status 100: E: Unable to locate package")


def test_fashion_without_apt_says_so(tmp_path, fake_fashion, network, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(RuntimeError, match=rf"DebianError: apt-get and dpkg not found: the Debian package "
                                           rf"{PACKAGE} can only be fetched on a Debian or Ubuntu system"):
        fetch_fashion_mnist(tmp_path)


def test_fashion_dataset_on_small_files(tmp_path, fake_fashion):
    raw = fashion_mnist_raw_folder(tmp_path)
    raw.mkdir(parents=True)
    for name, content in fake_fashion.items():
        (raw / name).write_bytes(content)
    train, test = FashionMNIST(tmp_path, download=False), FashionMNIST(tmp_path, train=False, download=False)
    assert (len(train), len(test)) == (6, 4) and repr(test) == "FashionMNIST(test: 4 images, mean=0.5, std=0.5)"
    assert train.classes[0] == "T-shirt/top" and train.classes[9] == "Ankle boot"
    images, labels = train.__getitems__(np.array([4, 0]))
    np.testing.assert_array_equal(images, normalize(train.data[[4, 0]]))
    np.testing.assert_array_equal(labels, train.targets[[4, 0]])
    (raw / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match=r"(?s)FashionMNIST files in .*t10k-labels-idx1-ubyte: missing\n"
                                                r"Use download=True or fetch_fashion_mnist\(\)"):
        check_fashion_mnist(tmp_path)


# ---- the real Fashion-MNIST ----

@pytest.mark.parametrize("train, first_labels", [(True, [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]),
                                                 (False, [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])])
def test_real_fashion_mnist_contents(fashion_root, train, first_labels):
    fmnist = FashionMNIST(fashion_root, train=train, download=False)
    n = 60000 if train else 10000
    assert fmnist.data.shape == (n, 28, 28) and fmnist.images.shape == (n, 1, 28, 28)
    assert np.bincount(fmnist.targets).tolist() == [n // 10] * 10
    assert fmnist.targets[:10].tolist() == first_labels
    if train:  # the constants quoted for Fashion-MNIST are the training set's pixel mean and std
        counts, values = np.bincount(fmnist.data.ravel(), minlength=256), np.arange(256) / 255
        mean = counts @ values / counts.sum()
        assert (round(mean, 4), round(np.sqrt(counts @ (values - mean) ** 2 / counts.sum()), 4)) == (0.2860, 0.3530)


@pytest.mark.parametrize("train", [True, False])
def test_torchvision_reads_the_same_fashion_files(fashion_root, train):
    ours = FashionMNIST(fashion_root, train=train, download=False, mean=0.2860, std=0.3530)
    theirs = torchvision.datasets.FashionMNIST(fashion_root, train=train, download=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.2860,), (0.3530,))]))
    np.testing.assert_array_equal(theirs.data.numpy(), ours.data)
    np.testing.assert_array_equal(theirs.targets.numpy(), ours.targets)
    assert theirs.classes == ours.classes
    for index in [0, 1, 4321, len(ours) - 1]:
        image, label = ours[index]
        expected_image, expected_label = theirs[index]
        np.testing.assert_array_equal(image, expected_image.numpy())  # bit for bit
        assert label == expected_label


def test_debian_gz_files_are_the_official_ones(tmp_path, fashion_root):
    """Debian's .gz files lack the file name and carry another time stamp in the gzip header; given back the
    official header, each has the md5 torchvision pins for the mirror's file: the same compressed bytes."""
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        pytest.skip("needs apt-get and dpkg")
    tree = debian.unpack_debian_package(PACKAGE, tmp_path)
    official_mtime = {"train": 1504176606, "t10k": 1504176627}  # 2017-08-31, from the mirror's headers
    for name, official_md5 in fashion.FASHION_MNIST_GZ_MD5.items():
        debian_gz = (tree / INSIDE / name).read_bytes()
        assert debian_gz[:4] == b"\x1f\x8b\x08\x00", "deflate, no flags: no file name in Debian's header"
        header = (b"\x1f\x8b\x08\x08" + struct.pack("<I", official_mtime[name.split("-")[0]]) + b"\x00\x03"
                  + name.removesuffix(".gz").encode() + b"\x00")
        assert hashlib.md5(header + debian_gz[10:]).hexdigest() == official_md5, name
        assert hashlib.md5(gzip.decompress(debian_gz)).hexdigest() == FASHION_MNIST_MD5[name.removesuffix(".gz")]


# ---- CIFAR-10: small files in the original format ----

def raw_batch(root, name):
    """(data (n, 3072), labels) of a batch, loaded by plain pickle (the test's own trusted files)."""
    with open(cifar10_folder(root) / name, "rb") as f:
        entry = pickle.load(f, encoding="latin1")
    entry = {k.decode() if isinstance(k, bytes) else k: v for k, v in entry.items()}
    return entry["data"], entry["labels"]


def test_cifar_torchvision_md5s_are_ours():
    tv = torchvision.datasets.CIFAR10
    assert dict(tv.train_list + tv.test_list) | {tv.meta["filename"]: tv.meta["md5"]} == CIFAR10_MD5
    assert (tv.url, tv.tgz_md5) == (cifar.CIFAR10_URL, cifar.CIFAR10_TGZ_MD5)


@pytest.mark.parametrize("dump", [python2_pickle, python3_pickle])
@pytest.mark.parametrize("train", [True, False])
def test_cifar_reads_the_batches(tmp_path, rng, dump, train):
    md5s = write_cifar(tmp_path, rng, dump)
    ours = CIFAR10(tmp_path, train=train, checksums=md5s)
    names = [f"data_batch_{k}" for k in range(1, 6)] if train else ["test_batch"]
    rows = np.concatenate([raw_batch(tmp_path, name)[0] for name in names])
    labels = sum((raw_batch(tmp_path, name)[1] for name in names), [])
    assert len(ours) == len(rows) == (sum(TRAIN_SIZES) if train else TEST_SIZE)
    assert ours.data.dtype == np.uint8 and ours.data.shape == (len(rows), 32, 32, 3)
    np.testing.assert_array_equal(ours.data, rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    assert ours.targets.dtype == np.int64 and ours.targets.tolist() == labels
    assert ours.classes == LABEL_NAMES and ours.class_to_idx["cat"] == 3
    image, label = ours[1]
    assert image.dtype == np.float32 and image.shape == (3, 32, 32) and label == labels[1]
    mean, std = np.array(cifar.MEAN).reshape(3, 1, 1), np.array(cifar.STD).reshape(3, 1, 1)
    np.testing.assert_allclose(image, (rows[1].reshape(3, 32, 32) / 255 - mean) / std, rtol=0, atol=1e-5)
    images, batch_labels = ours.__getitems__(np.array([2, 0, 2]))
    assert images.shape == (3, 3, 32, 32) and batch_labels.tolist() == [labels[2], labels[0], labels[2]]
    np.testing.assert_array_equal(images[1], ours[0][0])


@pytest.mark.parametrize("train", [True, False])
def test_torchvision_reads_the_same_cifar_files(tmp_path, rng, train):
    md5s = write_cifar(tmp_path, rng)
    # torchvision checks every file against the official md5s even with download=False, so it refuses ours ...
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        torchvision.datasets.CIFAR10(tmp_path, train=train, download=False)

    # ... and reads them with its own code once its md5 lists are those of our files
    class TorchvisionOnTheseFiles(torchvision.datasets.CIFAR10):
        train_list = [[f"data_batch_{k}", md5s[f"data_batch_{k}"]] for k in range(1, 6)]
        test_list = [["test_batch", md5s["test_batch"]]]
        meta = {**torchvision.datasets.CIFAR10.meta, "md5": md5s["batches.meta"]}

    mean, std = (0.5, 0.25, 0.125), (0.3, 0.2, 0.1)
    theirs = TorchvisionOnTheseFiles(tmp_path, train=train, download=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize(mean, std)]))
    ours = CIFAR10(tmp_path, train=train, mean=mean, std=std, checksums=md5s)
    np.testing.assert_array_equal(ours.data, theirs.data)
    assert ours.targets.tolist() == theirs.targets and ours.classes == theirs.classes
    for index in range(len(ours)):
        image, label = ours[index]
        expected_image, expected_label = theirs[index]
        assert expected_image.dtype == torch.float32
        np.testing.assert_array_equal(image, expected_image.numpy())  # bit for bit
        assert label == expected_label


def test_normalize_channels_equals_torchvision_on_pil_images(rng):
    images = rng.integers(0, 256, (4, 3, 5, 7)).astype(np.uint8)
    images[0, :, 0, :2] = [0, 255]
    for mean, std in [(cifar.MEAN, cifar.STD), (0.5, 0.5)]:
        ours = normalize_channels(images, mean, std)
        to_torch = transforms.Compose([transforms.ToTensor(), transforms.Normalize(
            mean if isinstance(mean, tuple) else (mean,) * 3, std if isinstance(std, tuple) else (std,) * 3)])
        theirs = np.stack([to_torch(Image.fromarray(image.transpose(1, 2, 0))).numpy() for image in images])
        assert ours.dtype == np.float32
        np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(ValueError, match=r"3 channels, so mean must have 3 values \(or 1\), got \(0.5, 0.5\)"):
        normalize_channels(images, mean=(0.5, 0.5))
    with pytest.raises(TypeError, match=r"expects uint8 images of shape \(N, C, H, W\)"):
        normalize_channels(images[0])


def test_cifar_checksums(tmp_path, rng):
    md5s = write_cifar(tmp_path, rng)
    folder = cifar10_folder(tmp_path)
    # the default: the official md5s, which self-made files do not have
    with pytest.raises(ValueError, match=rf"{folder / 'data_batch_1'}: corrupt: md5 {md5s['data_batch_1']}, "
                                         rf"expected {CIFAR10_MD5['data_batch_1']}"):
        CIFAR10(tmp_path)
    assert len(CIFAR10(tmp_path, train=False, checksums=None)) == TEST_SIZE  # None: no md5 check
    # a file changed after its md5 was taken
    content = bytearray((folder / "test_batch").read_bytes())
    content[-200] ^= 0xFF  # a pixel
    (folder / "test_batch").write_bytes(bytes(content))
    with pytest.raises(ValueError, match=r"test_batch: corrupt: md5 .*\n.*put them there by hand"):
        CIFAR10(tmp_path, train=False, checksums=md5s)
    with pytest.raises(ValueError, match=r"checksums has no md5 for batches.meta"):
        CIFAR10(tmp_path, train=False, checksums={"test_batch": md5s["test_batch"]})


def test_cifar_missing_files_tell_how_to_place_them(tmp_path, network):
    for checksums in (CIFAR10_MD5, None):
        with pytest.raises(FileNotFoundError) as error:
            CIFAR10(tmp_path, train=False, checksums=checksums)
        message = str(error.value)
        assert f"{cifar10_folder(tmp_path) / 'test_batch'}: missing" in message
        assert "tar xzf cifar-10-python.tar.gz" in message and cifar.CIFAR10_URL in message
    assert network.requested == []


def test_cifar_download_fails_fast_and_says_how_to_do_it_by_hand(tmp_path, network):
    with pytest.raises(RuntimeError) as error:
        CIFAR10(tmp_path, download=True)
    message = str(error.value)
    assert f"{cifar.CIFAR10_URL}: URLError" in message
    assert f"by hand: download {cifar.CIFAR10_URL}" in message and f"unpack it in {tmp_path}/" in message
    assert network.requested == [cifar.CIFAR10_URL]
    assert os.listdir(cifar10_folder(tmp_path)) == [], "no temporary leftovers"


def cifar_tarball(root, extra_members=()):
    """cifar-10-python.tar.gz as published (cifar-10-batches-py/NAME), plus `extra_members` (TarInfo, bytes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in CIFAR10_MD5:
            tar.add(cifar10_folder(root) / name, arcname=f"cifar-10-batches-py/{name}")
        for info, content in extra_members:
            tar.addfile(info, io.BytesIO(content) if content else None)
    return buffer.getvalue()


def test_cifar_download_reads_only_the_seven_files_from_the_archive(tmp_path, rng, network, monkeypatch):
    md5s = write_cifar(tmp_path / "made", rng)
    escape, link = tarfile.TarInfo("../../escaped"), tarfile.TarInfo("cifar-10-batches-py/passwd")
    escape.size, link.type, link.linkname = 4, tarfile.SYMTYPE, "/etc/passwd"
    archive = cifar_tarball(tmp_path / "made", [(escape, b"evil"), (link, b"")])
    network.responses[cifar.CIFAR10_URL] = archive
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5s)
    monkeypatch.setattr(cifar, "CIFAR10_TGZ_MD5", hashlib.md5(archive).hexdigest())
    root = tmp_path / "root"
    test_set = CIFAR10(root, train=False, download=True, checksums=md5s)
    assert len(test_set) == TEST_SIZE
    assert sorted(os.listdir(cifar10_folder(root))) == sorted(CIFAR10_MD5)
    assert sorted(os.listdir(root)) == ["cifar-10-batches-py"] and not (tmp_path / "escaped").exists()
    assert fetch_cifar10(root) == cifar10_folder(root) and network.requested == [cifar.CIFAR10_URL]


def test_cifar_download_with_a_wrong_archive_md5_installs_nothing(tmp_path, rng, network, monkeypatch):
    md5s = write_cifar(tmp_path / "made", rng)
    network.responses[cifar.CIFAR10_URL] = cifar_tarball(tmp_path / "made")
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5s)  # the files would pass; the archive's own md5 does not
    with pytest.raises(RuntimeError, match=rf"FetchError: {cifar.CIFAR10_URL} has md5 [0-9a-f]{{32}}, expected "
                                           rf"{cifar.CIFAR10_TGZ_MD5}"):
        fetch_cifar10(tmp_path / "root")
    assert os.listdir(cifar10_folder(tmp_path / "root")) == []


# ---- the pickles are not trusted ----

class RunsACommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


class CallsEval:
    def __reduce__(self):
        return eval, ("__import__('os').getcwd()",)


class AbusesCodecs:
    def __reduce__(self):
        import codecs
        return codecs.encode, ("x" * 10, "rot13")


@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_a_malicious_pickle_is_refused_before_it_runs(tmp_path, protocol):
    marker = tmp_path / "pwned"
    folder = cifar10_folder(tmp_path)
    folder.mkdir(parents=True)
    path = folder / "test_batch"
    path.write_bytes(pickle.dumps({"data": RunsACommand(marker), "labels": []}, protocol=protocol))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": LABEL_NAMES}, protocol=2))
    with pytest.raises(UnsafePickleError, match=rf"{path}: refused to load: the pickle asks for "
                                                rf"{os.system.__module__}\.system.*could run code"):
        CIFAR10(tmp_path, train=False, checksums=None)
    assert not marker.exists(), "the command did not run"


@pytest.mark.parametrize("payload, expected", [
    (CallsEval(), r"asks for (__builtin__|builtins)\.eval"),  # protocol 2 writes the Python 2 name
    (AbusesCodecs(), r"_codecs.encode is allowed only as encode\(str, 'latin1'\).*got encode\(str, 'rot13'\)"),
    (Subset, r"asks for minitorch_mnist\.data\.dataset\.Subset"),
])
def test_safe_load_allows_nothing_but_the_format(tmp_path, payload, expected):
    path = tmp_path / "batch"
    path.write_bytes(pickle.dumps({"data": payload}, protocol=2))
    with pytest.raises(UnsafePickleError, match=expected):
        safe_load(path)


def test_safe_load_refuses_protocol_5_arrays_with_advice(tmp_path):
    path = tmp_path / "batch"
    path.write_bytes(pickle.dumps({"data": np.zeros((1, 3072), np.uint8)}, protocol=5))
    with pytest.raises(UnsafePickleError, match=r"_frombuffer.*protocol 4 or lower"):
        safe_load(path)


@pytest.mark.parametrize("entry, expected", [
    ([1, 2, 3], r"expected a pickled dict, got list"),
    ({"labels": [1]}, r"the dict has no 'data' \(keys: 'labels'\)"),
    ({"data": np.zeros((2, 3072), np.float32), "labels": [0, 1]}, r"'data' must be a uint8 array of shape \(n, 3072\)"),
    ({"data": np.zeros((2, 1024), np.uint8), "labels": [0, 1]}, r"'data' must be a uint8 array of shape \(n, 3072\)"),
    ({"data": np.zeros((2, 3072), np.uint8), "labels": [0, 10]}, r"one int 0..9 per image: 2 images, .* in \[0, 10\]"),
    ({"data": np.zeros((2, 3072), np.uint8), "labels": [0]}, r"one int 0..9 per image: 2 images, labels of shape"),
    ({"data": np.zeros((2, 3072), np.uint8), "labels": ["a", "b"]}, r"'labels' must be a list of ints 0..9"),
])
def test_malformed_batches_are_named(tmp_path, rng, entry, expected):
    md5s = write_cifar(tmp_path, rng)
    path = cifar10_folder(tmp_path) / "test_batch"
    path.write_bytes(pickle.dumps(entry, protocol=2))
    with pytest.raises(ValueError, match=expected) as error:
        CIFAR10(tmp_path, train=False, checksums={**md5s, "test_batch": hashlib.md5(path.read_bytes()).hexdigest()})
    assert str(error.value).startswith(f"{path}: ")


def test_a_shuffled_epoch_over_cifar(tmp_path, rng):
    md5s = write_cifar(tmp_path, rng)
    train = CIFAR10(tmp_path, checksums=md5s)
    loader = DataLoader(train, batch_size=4, shuffle=True, seed=0)
    batches = list(loader)
    assert [len(labels.array) for _, labels in batches] == [4, 4, 4, 4, 1]
    assert (batches[0][0].shape, batches[0][0].dtype, batches[0][1].dtype) == ((4, 3, 32, 32), np.float32, np.int64)
    labels = np.concatenate([labels.array for _, labels in batches])
    np.testing.assert_array_equal(labels, train.targets[loader.last_order])
    np.testing.assert_array_equal(batches[1][0].array, train[loader.last_order[4:8]][0])
