"""vision.io and vision.utils.save_image against torchvision: the same image files decoded to the same uint8
(C, H, W) tensors in every mode, the same errors, and save_image writing the same file bytes."""

import io
import warnings

import numpy as np
import pytest
import torch
import torchvision.io as tv_io
import torchvision.utils as tv_utils
from PIL import Image

import minitorch_mnist as mm
from minitorch_mnist.vision import io as mm_io
from minitorch_mnist.vision import utils
from parity import outcome

# torchvision 0.29 warns that its image decoders move to TorchCodec
pytestmark = pytest.mark.filterwarnings("ignore:The image decoding and encoding:DeprecationWarning")

MODES = ["UNCHANGED", "GRAY", "GRAY_ALPHA", "RGB", "RGBA"]


@pytest.fixture(scope="module")
def image_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (6, 9, 3), dtype=np.uint8))
    images = {"gray.png": Image.fromarray(rng.integers(0, 256, (6, 9), dtype=np.uint8)),
              "gray_alpha.png": Image.fromarray(rng.integers(0, 256, (6, 9, 2), dtype=np.uint8), "LA"),
              "rgb.png": rgb, "rgba.png": Image.fromarray(rng.integers(0, 256, (6, 9, 4), dtype=np.uint8)),
              "palette.png": rgb.convert("P"), "sixteen_bit.png": Image.fromarray(rng.integers(0, 65536, (6, 9),
                                                                                            dtype=np.uint16)),
              "gray.jpg": Image.fromarray(rng.integers(0, 256, (16, 24), dtype=np.uint8)),
              "rgb.jpg": Image.fromarray(rng.integers(0, 256, (16, 24, 3), dtype=np.uint8))}
    for name, image in images.items():
        image.save(folder / name)
    return folder


def torchvision_read(path, mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torchvision 0.29 points to TorchCodec
        return tv_io.read_image(str(path), getattr(tv_io.ImageReadMode, mode))


# libpng turns colour into gray with its own rounding: Pillow's ITU-R 601 weights land within one gray level
ONE_LEVEL = {("rgb.png", "GRAY"), ("rgb.png", "GRAY_ALPHA"), ("rgba.png", "GRAY"), ("rgba.png", "GRAY_ALPHA"),
             ("palette.png", "GRAY")}
# torchvision's palette PNG in these modes has alpha bytes that are not the image's (libpng adds no alpha there)
NOT_COMPARED = {("palette.png", "GRAY_ALPHA"), ("palette.png", "RGBA")}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["gray.png", "gray_alpha.png", "rgb.png", "rgba.png", "palette.png",
                                  "sixteen_bit.png", "gray.jpg", "rgb.jpg"])
def test_read_image_equals_torchvision(image_files, name, mode):
    if (name, mode) in NOT_COMPARED:
        pytest.skip("torchvision's alpha channel for a palette PNG without transparency is not the image's")
    expected = outcome(lambda: torchvision_read(image_files / name, mode))
    ours = outcome(lambda: mm_io.read_image(image_files / name, mode))
    if isinstance(expected, type):  # JPEG has no alpha: both raise
        assert ours is expected is RuntimeError
        return
    expected = expected.numpy()
    assert ours.dtype == expected.dtype and tuple(ours.shape) == expected.shape
    tolerance = 1 if (name, mode) in ONE_LEVEL else 0
    assert np.abs(ours.numpy().astype(np.int64) - expected.astype(np.int64)).max() <= tolerance


def test_decode_image_of_read_file_modes_as_enum_or_string(image_files):
    data = mm_io.read_file(image_files / "rgb.png")
    assert data.dtype == np.uint8 and data.ndim == 1
    np.testing.assert_array_equal(data.numpy(), tv_io.read_file(str(image_files / "rgb.png")).numpy())
    decoded = [mm_io.decode_image(data), mm_io.decode_image(data, mm_io.ImageReadMode.RGB), mm_io.decode_image(
        data, "rgb"), mm_io.decode_image(str(image_files / "rgb.png")), mm_io.decode_png(data)]
    for image in decoded:
        np.testing.assert_array_equal(image.numpy(), torchvision_read(image_files / "rgb.png", "RGB").numpy())
    assert mm_io.ImageReadMode.RGBA is mm_io.ImageReadMode.RGB_ALPHA


def test_errors_are_torchvisions_types(image_files, tmp_path):
    (tmp_path / "not_an_image.png").write_bytes(b"plain text")
    for path, mode in [(tmp_path / "not_an_image.png", "UNCHANGED"), (tmp_path / "missing.png", "UNCHANGED")]:
        assert outcome(lambda: mm_io.read_image(path, mode)) is outcome(lambda: torchvision_read(path, mode)) \
            is RuntimeError
    assert outcome(lambda: mm_io.read_image(image_files / "rgb.png", "rgbx")) is KeyError
    with pytest.raises(KeyError):
        tv_io.decode_image(tv_io.read_file(str(image_files / "rgb.png")), "rgbx")


def test_the_data_tutorials_custom_dataset_reads_the_same_images(image_files, tmp_path):
    (tmp_path / "labels.csv").write_text("rgb.png,3\ngray.jpg,7\n")

    def dataset(read_image):
        class CustomImageDataset:  # the tutorial's class, reduced to what it does with read_image
            def __init__(self, annotations_file, img_dir):
                self.labels = [line.split(",") for line in annotations_file.read_text().splitlines()]
                self.img_dir = img_dir

            def __len__(self):
                return len(self.labels)

            def __getitem__(self, idx):
                name, label = self.labels[idx]
                return read_image(str(self.img_dir / name)), int(label)
        return CustomImageDataset(tmp_path / "labels.csv", image_files)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ours, theirs = dataset(mm_io.read_image), dataset(tv_io.read_image)
        for (image, label), (expected, expected_label) in zip([ours[0], ours[1]], [theirs[0], theirs[1]]):
            assert label == expected_label and image.dtype == np.uint8
            np.testing.assert_array_equal(image.numpy(), expected.numpy())


def test_write_png_round_trips(tmp_path, rng):
    image = rng.integers(0, 256, (3, 5, 4), dtype=np.uint8)
    mm_io.write_png(mm.tensor(image), tmp_path / "out.png")
    np.testing.assert_array_equal(torchvision_read(tmp_path / "out.png", "UNCHANGED").numpy(), image)
    encoded = mm_io.encode_png(mm.tensor(image[:1]), compression_level=9)
    np.testing.assert_array_equal(mm_io.decode_image(encoded).numpy(), image[:1])
    for m, module in ((mm, mm_io), (torch, tv_io)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert outcome(lambda: module.encode_png(m.tensor(image), compression_level=10)) is RuntimeError


@pytest.mark.parametrize("shape, kwargs", [((4, 1, 5, 6), {}), ((3, 3, 4, 4), dict(nrow=2, padding=1)),
                                           ((3, 5, 7), {}), ((2, 3, 4, 4), dict(normalize=True, pad_value=0.5))])
@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_save_image_writes_torchvisions_file(tmp_path, rng, shape, kwargs, suffix):
    images = rng.uniform(-0.1, 1.1, shape).astype(np.float32)  # out-of-range values are clamped
    utils.save_image(mm.tensor(images), tmp_path / f"ours.{suffix}", **kwargs)
    tv_utils.save_image(torch.tensor(images), tmp_path / f"theirs.{suffix}", **kwargs)
    assert (tmp_path / f"ours.{suffix}").read_bytes() == (tmp_path / f"theirs.{suffix}").read_bytes()


def test_save_image_to_a_file_object_with_a_format(rng):
    images = rng.uniform(0, 1, (2, 3, 4, 4)).astype(np.float32)
    ours, theirs = io.BytesIO(), io.BytesIO()
    utils.save_image(mm.tensor(images), ours, format="png")
    tv_utils.save_image(torch.tensor(images), theirs, format="png")
    assert ours.getvalue() == theirs.getvalue()
    with pytest.raises(ValueError):  # no file name to take the format from, as Pillow says for torchvision
        utils.save_image(mm.tensor(images), io.BytesIO())
