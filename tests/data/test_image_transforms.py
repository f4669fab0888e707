"""The image transforms against torchvision's: the same PIL images (and Tensors, where both take them) give the same
pixels and types, the reprs print alike; the random ones pick one of torchvision's possible outcomes."""

import numpy as np
import pytest
import torch
import torchvision.transforms as tv
import torchvision.transforms.functional as tv_functional
from PIL import Image

import minitorch_mnist as mm
from minitorch_mnist.vision import transforms as mt


@pytest.fixture
def images(rng):
    gray = Image.fromarray(rng.integers(0, 256, (9, 13), dtype=np.uint8))
    rgb = Image.fromarray(rng.integers(0, 256, (11, 8, 3), dtype=np.uint8))
    return gray, rgb


def same_image(ours, theirs):
    if isinstance(theirs, Image.Image):
        assert isinstance(ours, Image.Image) and (ours.mode, ours.size) == (theirs.mode, theirs.size)
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    else:
        assert isinstance(ours, mm.Tensor) and ours.dtype == theirs.numpy().dtype
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


DETERMINISTIC = [
    lambda t: t.Resize((5, 7)), lambda t: t.Resize(6), lambda t: t.Resize([6]), lambda t: t.Resize(20, max_size=25),
    lambda t: t.Resize((4, 4), interpolation=t.InterpolationMode.NEAREST),
    lambda t: t.Resize(7, interpolation=t.InterpolationMode.BICUBIC), lambda t: t.CenterCrop(5),
    lambda t: t.CenterCrop((4, 6)), lambda t: t.CenterCrop(15), lambda t: t.CenterCrop((10, 3)),
    lambda t: t.Grayscale(), lambda t: t.Grayscale(num_output_channels=3), lambda t: t.PILToTensor(),
    lambda t: t.RandomHorizontalFlip(p=1.0), lambda t: t.RandomVerticalFlip(p=1.0), lambda t: t.RandomHorizontalFlip(0)]


@pytest.mark.parametrize("make", DETERMINISTIC)
def test_deterministic_transforms_of_pil_images_equal_torchvisions(make, images):
    for image in images:
        ours, theirs = make(mt), make(tv)
        assert repr(ours) == repr(theirs)
        same_image(ours(image), theirs(image))


@pytest.mark.parametrize("padding, options", [(2, {}), ((2, 3), dict(padding_mode="reflect", fill=7)),
                                              ((1, 2, 3, 4), dict(fill=9)), ((1, 2, 3, 0), dict(padding_mode="edge")),
                                              ((3, 1, 0, 2), dict(padding_mode="symmetric"))])
def test_random_crop_pads_as_torchvision(padding, options, images):
    for image in images:
        # a crop the size of the padded image: one window only, so the draw does not matter
        size = np.asarray(tv_functional.pad(image, padding, options.get("fill", 0),
                                            options.get("padding_mode", "constant"))).shape[:2]
        ours, theirs = mt.RandomCrop(size, padding, **options), tv.RandomCrop(size, padding, **options)
        assert repr(ours) == repr(theirs)
        same_image(ours(image), theirs(image))
        tensor = np.asarray(image)[None] if image.mode == "L" else np.asarray(image).transpose(2, 0, 1)
        same_image(ours(mm.tensor(tensor)), theirs(torch.tensor(tensor)))  # (C, H, W) Tensors too


@pytest.mark.parametrize("make", [lambda t: t.CenterCrop(5), lambda t: t.CenterCrop((12, 3)), lambda t: t.Grayscale(),
                                  lambda t: t.Grayscale(3), lambda t: t.RandomHorizontalFlip(1.0),
                                  lambda t: t.RandomVerticalFlip(1.0)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_tensor_transforms_equal_torchvisions(make, dtype, rng):
    array = rng.integers(0, 256, (2, 3, 9, 10)).astype(dtype) / (1 if dtype == np.uint8 else 255)
    array = array.astype(dtype)
    same_image(make(mt)(mm.tensor(array)), make(tv)(torch.tensor(array)))


def test_to_pil_image_and_back_and_convert_image_dtype(rng):
    for shape in [(1, 5, 4), (3, 5, 4), (4, 5, 4), (2, 5, 4)]:
        uint8 = rng.integers(0, 256, shape).astype(np.uint8)
        floats = rng.random(shape).astype(np.float32)
        for array in (uint8, floats):
            same_image(mt.ToPILImage()(mm.tensor(array)), tv.ToPILImage()(torch.tensor(array)))
        same_image(mt.ToPILImage()(uint8.transpose(1, 2, 0)), tv.ToPILImage()(uint8.transpose(1, 2, 0)))
        pil = tv.ToPILImage()(torch.tensor(uint8))
        same_image(mt.PILToTensor()(pil), tv.PILToTensor()(pil))
    three = rng.integers(0, 256, (3, 5, 4)).astype(np.uint8)
    same_image(mt.ToPILImage(mode="YCbCr")(mm.tensor(three)), tv.ToPILImage(mode="YCbCr")(torch.tensor(three)))
    assert repr(mt.ToPILImage()) == repr(tv.ToPILImage()) and repr(mt.ToPILImage("RGB")) == repr(tv.ToPILImage("RGB"))
    uint8 = rng.integers(0, 256, (3, 4, 4)).astype(np.uint8)
    floats = rng.random((3, 4, 4)).astype(np.float32)
    for ours_dtype, their_dtype, array in [(mm.float32, torch.float32, uint8), (mm.float64, torch.float64, uint8),
                                           (mm.uint8, torch.uint8, floats), (mm.float64, torch.float64, floats)]:
        ours, theirs = mt.ConvertImageDtype(ours_dtype), tv.ConvertImageDtype(their_dtype)
        assert repr(ours) == repr(theirs)
        same_image(ours(mm.tensor(array)), theirs(torch.tensor(array)))


def test_random_transforms_pick_one_of_torchvisions_outcomes(images):
    _, image = images
    mm.manual_seed(0)
    flips = [np.array_equal(np.asarray(mt.RandomHorizontalFlip()(image)), np.asarray(image)) for _ in range(400)]
    # the number kept is Binomial(400, 0.5): 6 standard deviations either side
    assert abs(sum(flips) - 200) <= 6 * 10
    crop = mt.RandomCrop((6, 5), padding=3)
    padded = np.asarray(tv_functional.pad(image, 3))
    windows = {np.asarray(padded[i:i + 6, j:j + 5]).tobytes(): (i, j) for i in range(padded.shape[0] - 5)
               for j in range(padded.shape[1] - 4)}
    seen = {windows[np.asarray(crop(image)).tobytes()] for _ in range(300)}
    assert len(seen) > 30  # many different windows, each one of torchvision's possible crops
    mm.manual_seed(5)
    first = np.asarray(crop(image))
    mm.manual_seed(5)
    np.testing.assert_array_equal(np.asarray(crop(image)), first)


def test_errors_are_torchvisions_types(images):
    gray, _ = images
    for t in (mt, tv):
        with pytest.raises(ValueError):
            t.RandomCrop(20)(gray)  # larger than the image, no padding
        with pytest.raises(ValueError):
            t.Resize((1, 2, 3))
        with pytest.raises(TypeError):
            t.PILToTensor()(np.zeros((2, 2), np.uint8))
        with pytest.raises(TypeError):
            t.ToPILImage()([1, 2])


def test_a_dataset_pipeline_with_image_transforms(mnist_root):
    pipeline = [lambda t: t.Resize(32), lambda t: t.CenterCrop(30), lambda t: t.Grayscale(3), lambda t: t.ToTensor()]
    ours = mm.vision.datasets.MNIST(mnist_root, train=False, transform=mt.Compose([f(mt) for f in pipeline]))
    theirs = __import__("torchvision").datasets.MNIST(mnist_root, train=False,
                                                      transform=tv.Compose([f(tv) for f in pipeline]))
    assert repr(ours) == repr(theirs)
    for index in (0, 5):
        same_image(ours[index][0], theirs[index][0])
