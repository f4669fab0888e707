"""minitorch_mnist.vision against torchvision: the same files give the same datasets, items, batches and grids."""

import numpy as np
import pytest
import torch
import torchvision
import torchvision.utils as tv_utils
from torchvision import transforms as tv_transforms

import minitorch_mnist as mm
import minitorch_mnist.vision.transforms as transforms
from cifar_files import write_cifar
from minitorch_mnist.utils.data import DataLoader
from minitorch_mnist.vision import datasets, utils

MEAN, STD = (0.1307,), (0.3081,)


def normalized(lib):
    return lib.Compose([lib.ToTensor(), lib.Normalize(MEAN, STD)])


@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST"])
def test_mnist_attributes_and_items_equal_torchvision(name, mnist_root, fashion_root):
    ours = getattr(datasets, name)(mnist_root, train=False, transform=normalized(transforms))
    theirs = getattr(torchvision.datasets, name)(mnist_root, train=False, transform=normalized(tv_transforms))
    assert len(ours) == len(theirs) == 10000
    assert isinstance(ours.data, mm.Tensor) and ours.data.dtype == np.uint8 and ours.targets.dtype == np.int64
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.raw_folder == theirs.raw_folder and ours.resources == theirs.resources
    for index in (0, 1, 9999):
        (image, label), (their_image, their_label) = ours[index], theirs[index]
        assert isinstance(label, int) and label == their_label
        assert image.dtype == np.float32 and image.shape == (1, 28, 28)
        np.testing.assert_array_equal(image.numpy(), their_image.numpy())  # bit for bit
    (raw, _), (their_raw, _) = getattr(datasets, name)(mnist_root, train=False)[3], theirs.__class__(
        mnist_root, train=False)[3]
    assert (type(raw).__name__, raw.mode, raw.size) == (type(their_raw).__name__, their_raw.mode, their_raw.size) \
        == ("Image", "L", (28, 28))  # a PIL image, as torchvision's
    np.testing.assert_array_equal(np.asarray(raw), np.asarray(their_raw))


def test_dataloader_batches_equal_torchvision_for_the_same_order(mnist_root, rng):
    order = rng.permutation(10000)[:300].tolist()
    ours = datasets.MNIST(mnist_root, train=False, transform=normalized(transforms))
    theirs = torchvision.datasets.MNIST(mnist_root, train=False, transform=normalized(tv_transforms))
    assert hasattr(ours, "__getitems__"), "ToTensor + Normalize run on whole batches"
    item_by_item = datasets.MNIST(mnist_root, train=False,
                                  transform=transforms.Compose([normalized(transforms), transforms.Lambda(lambda x: x)]))
    assert not hasattr(item_by_item, "__getitems__")
    batches = [list(DataLoader(ours, batch_size=64, sampler=order)),
               list(DataLoader(item_by_item, batch_size=64, sampler=order))]
    expected = list(torch.utils.data.DataLoader(theirs, batch_size=64, sampler=order))
    for got in batches:
        assert len(got) == len(expected) == 5
        for (images, labels), (their_images, their_labels) in zip(got, expected, strict=True):
            np.testing.assert_array_equal(images.numpy(), their_images.numpy())
            assert labels.dtype == np.int64
            np.testing.assert_array_equal(labels.numpy(), their_labels.numpy())


@pytest.fixture
def cifar_pair(tmp_path, rng):
    """A subclass of each framework's CIFAR10 with the md5s of small generated files, as user code would write."""
    md5 = write_cifar(tmp_path, rng)

    def subclass(base):
        return type("SmallCIFAR10", (base,), {
            "train_list": [[f"data_batch_{k}", md5[f"data_batch_{k}"]] for k in range(1, 6)],
            "test_list": [["test_batch", md5["test_batch"]]],
            "meta": {"filename": "batches.meta", "key": "label_names", "md5": md5["batches.meta"]}})

    return tmp_path, subclass(datasets.CIFAR10), subclass(torchvision.datasets.CIFAR10)


@pytest.mark.parametrize("train", [True, False])
def test_cifar10_subclass_equals_torchvision_on_generated_files(cifar_pair, train):
    root, ours_class, theirs_class = cifar_pair
    cifar_normalize = [(0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)]
    ours = ours_class(root, train=train, transform=transforms.Compose([transforms.ToTensor(),
                                                                        transforms.Normalize(*cifar_normalize)]))
    theirs = theirs_class(root, train=train, transform=tv_transforms.Compose([tv_transforms.ToTensor(),
                                                                             tv_transforms.Normalize(*cifar_normalize)]))
    assert ours._check_integrity() and theirs._check_integrity()
    assert ours.data.dtype == np.uint8 and ours.data.shape == theirs.data.shape == (17 if train else 6, 32, 32, 3)
    np.testing.assert_array_equal(ours.data, theirs.data)
    assert ours.targets == theirs.targets and all(isinstance(t, int) for t in ours.targets)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert (ours.base_folder, ours.train_list, ours.test_list, ours.meta) == \
           (theirs.base_folder, theirs.train_list, theirs.test_list, theirs.meta)
    for index in range(len(ours)):
        (image, label), (their_image, their_label) = ours[index], theirs[index]
        assert label == their_label
        np.testing.assert_array_equal(image.numpy(), their_image.numpy())
    (images, labels), = DataLoader(ours, batch_size=len(ours), sampler=list(range(len(ours)))[::-1])
    (their_images, their_labels), = torch.utils.data.DataLoader(theirs, batch_size=len(theirs),
                                                                sampler=list(range(len(theirs)))[::-1])
    np.testing.assert_array_equal(images.numpy(), their_images.numpy())
    np.testing.assert_array_equal(labels.numpy(), their_labels.numpy())


def test_the_official_cifar10_md5s_are_torchvisions():
    theirs = torchvision.datasets.CIFAR10
    assert (datasets.CIFAR10.train_list, datasets.CIFAR10.test_list, datasets.CIFAR10.meta) == \
           (theirs.train_list, theirs.test_list, theirs.meta)
    assert (datasets.CIFAR10.url, datasets.CIFAR10.tgz_md5, datasets.CIFAR10.base_folder) == \
           (theirs.url, theirs.tgz_md5, theirs.base_folder)


def test_missing_or_corrupt_files_raise_torchvisions_errors(cifar_pair, tmp_path):
    for ours, theirs in [(datasets.MNIST, torchvision.datasets.MNIST),
                         (datasets.FashionMNIST, torchvision.datasets.FashionMNIST),
                         (datasets.CIFAR10, torchvision.datasets.CIFAR10)]:
        with pytest.raises(RuntimeError) as their_error:
            theirs(tmp_path / "empty", download=False)
        with pytest.raises(RuntimeError) as our_error:
            ours(tmp_path / "empty", download=False)
        assert str(our_error.value) == str(their_error.value)
    root, ours_class, theirs_class = cifar_pair
    (root / "cifar-10-batches-py" / "batches.meta").write_bytes(b"corrupt")
    with pytest.raises(RuntimeError) as their_error:
        theirs_class(root)
    with pytest.raises(RuntimeError, match="metadata file not found or corrupted") as our_error:
        ours_class(root)
    assert str(our_error.value) == str(their_error.value)


@pytest.mark.parametrize("shape, dtype", [((5, 7), np.uint8), ((5, 7, 3), np.uint8), ((4, 6, 1), np.uint8),
                                          ((5, 7, 3), np.float32)])
def test_to_tensor_equals_torchvision(rng, shape, dtype):
    array = (rng.integers(0, 256, shape) if dtype == np.uint8 else rng.random(shape)).astype(dtype)
    ours, theirs = transforms.ToTensor()(array), tv_transforms.ToTensor()(array)
    assert ours.dtype == theirs.numpy().dtype and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize_equals_torchvision(rng, dtype):
    images = rng.random((2, 3, 4, 5)).astype(dtype)
    mean, std = [0.5, 0.25, 0.1], [0.2, 0.3, 0.9]
    ours = transforms.Normalize(mean, std)(mm.tensor(images))
    theirs = tv_transforms.Normalize(mean, std)(torch.tensor(images))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # same dtype, same order of operations
    inplace = mm.tensor(images)
    assert transforms.Normalize(mean, std, inplace=True)(inplace) is inplace
    np.testing.assert_array_equal(inplace.numpy(), theirs.numpy())
    with pytest.raises(TypeError, match="float tensor"):
        transforms.Normalize(mean, std)(mm.tensor(images.astype(np.uint8)))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        transforms.Normalize(mean, [1, 0, 1])(mm.tensor(images))


def test_compose_and_lambda(rng):
    array = rng.integers(0, 256, (4, 4)).astype(np.uint8)
    ours = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x * 2)])(array)
    theirs = tv_transforms.Compose([tv_transforms.ToTensor(), tv_transforms.Lambda(lambda x: x * 2)])(array)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(TypeError, match="should be callable"):
        transforms.Lambda(3)


GRID_CASES = [dict(), dict(nrow=3), dict(nrow=2, padding=0), dict(padding=4, pad_value=0.5),
              dict(normalize=True), dict(normalize=True, scale_each=True), dict(normalize=True, value_range=(-1, 1)),
              dict(normalize=True, value_range=(-0.5, 0.5), scale_each=True)]


@pytest.mark.parametrize("kwargs", GRID_CASES)
@pytest.mark.parametrize("shape", [(10, 3, 5, 4), (5, 1, 6, 6), (1, 3, 4, 4), (1, 6, 6), (6, 6), (3, 4, 4)])
def test_make_grid_equals_torchvision(rng, shape, kwargs):
    images = rng.standard_normal(shape).astype(np.float32)
    ours = utils.make_grid(mm.tensor(images), **kwargs)
    theirs = tv_utils.make_grid(torch.tensor(images), **kwargs)
    assert ours.dtype == np.float32 and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_make_grid_of_a_list_and_errors(rng):
    images = [mm.tensor(rng.random((3, 4, 4)).astype(np.float32)) for _ in range(3)]
    theirs = tv_utils.make_grid([torch.tensor(image.numpy()) for image in images], nrow=2)
    np.testing.assert_array_equal(utils.make_grid(images, nrow=2).numpy(), theirs.numpy())
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        utils.make_grid(images[0].numpy())
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        utils.make_grid(images, normalize=True, value_range=[0, 1])


def test_missing_torchvision_names_say_what_exists():
    with pytest.raises(AttributeError, match=r"no RandomRotation .*Compose, ToTensor, Normalize, Lambda.*Lambda\(function\)"):
        transforms.RandomRotation
    with pytest.raises(AttributeError, match="no CIFAR100 .*MNIST, FashionMNIST, CIFAR10"):
        datasets.CIFAR100
    with pytest.raises(AttributeError, match="no draw_bounding_boxes .*make_grid and save_image"):
        utils.draw_bounding_boxes
    with pytest.raises(ValueError, match="joint `transforms` argument"):
        datasets.VisionDataset("data", transforms=lambda x, y: (x, y))


class PlusOne:
    """A target transform with a plain repr (a lambda's names its address)."""

    def __call__(self, target):
        return target + 1

    def __repr__(self):
        return "PlusOne()"


def test_dataset_reprs_and_untransformed_items_are_torchvisions(cifar_pair, mnist_root):
    def transforms_of(lib):
        return [None, lib.ToTensor(), normalized(lib), lib.Lambda(lambda image: image)]
    for ours_transform, their_transform in zip(transforms_of(transforms), transforms_of(tv_transforms)):
        for target_transform in (None, PlusOne()):
            ours = datasets.MNIST(mnist_root, train=False, transform=ours_transform, target_transform=target_transform)
            theirs = torchvision.datasets.MNIST(mnist_root, train=False, transform=their_transform,
                                                target_transform=target_transform)
            if isinstance(ours_transform, transforms.Lambda):  # a lambda prints with its address
                assert repr(ours).split("<function")[0] == repr(theirs).split("<function")[0]
            else:
                assert repr(ours) == repr(theirs)
    root, ours_class, theirs_class = cifar_pair
    (image, _), (their_image, _) = ours_class(root, train=False)[2], theirs_class(root, train=False)[2]
    assert (type(image).__name__, image.mode, image.size) == (type(their_image).__name__, their_image.mode,
                                                              their_image.size) == ("Image", "RGB", (32, 32))
    np.testing.assert_array_equal(np.asarray(image), np.asarray(their_image))
    assert repr(ours_class(root, train=True)) == repr(theirs_class(root, train=True))
