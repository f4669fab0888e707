"""datasets.ImageFolder and DatasetFolder against torchvision's on the same folder tree: the same classes, samples,
order, items, repr and errors."""

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image

from minitorch_mnist.utils.data import DataLoader
from minitorch_mnist.vision import datasets, transforms
from parity import outcome


@pytest.fixture
def tree(tmp_path, rng):
    for name, count in [("cats", 3), ("dogs", 2), ("birds/nested", 2)]:
        folder = tmp_path / "train" / name
        folder.mkdir(parents=True)
        for k in range(count):
            suffix, file_format = (".png", "PNG") if k % 2 else (".JPG", "JPEG")
            Image.fromarray(rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)).save(folder / f"{k}{suffix}", file_format)
    (tmp_path / "train" / "dogs" / "notes.txt").write_text("not an image")
    return tmp_path / "train"


def test_image_folder_finds_and_orders_samples_as_torchvision(tree):
    ours, theirs = datasets.ImageFolder(str(tree)), torchvision.datasets.ImageFolder(str(tree))
    assert ours.classes == theirs.classes == ["birds", "cats", "dogs"]
    assert ours.class_to_idx == theirs.class_to_idx and ours.samples == theirs.samples == ours.imgs
    assert ours.targets == theirs.targets and len(ours) == len(theirs) == 7
    assert repr(ours) == repr(theirs)
    for index in range(len(ours)):
        (image, label), (their_image, their_label) = ours[index], theirs[index]
        assert label == their_label and image.mode == their_image.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(image), np.asarray(their_image))


def test_image_folder_with_transforms_through_a_dataloader(tree):
    ours = datasets.ImageFolder(str(tree), transform=transforms.ToTensor(), target_transform=lambda y: y * 10)
    theirs = torchvision.datasets.ImageFolder(str(tree), transform=torchvision.transforms.ToTensor(),
                                              target_transform=lambda y: y * 10)
    (images, labels), = DataLoader(ours, batch_size=7)
    (their_images, their_labels), = torch.utils.data.DataLoader(theirs, batch_size=7)
    np.testing.assert_array_equal(images.numpy(), their_images.numpy())
    np.testing.assert_array_equal(labels.numpy(), their_labels.numpy())


def test_dataset_folder_options_and_errors_are_torchvisions(tree, tmp_path):
    def attempts(module):
        only_png = module.DatasetFolder(str(tree), loader=lambda path: path[-5:], extensions=(".png",),
                                        allow_empty=True)
        return [only_png.samples, only_png[0],
                module.ImageFolder(str(tree), is_valid_file=lambda path: path.endswith("0.JPG")).targets,
                outcome(lambda: module.ImageFolder(str(tmp_path / "nothing"))),
                outcome(lambda: module.DatasetFolder(str(tree), loader=print)),
                outcome(lambda: module.DatasetFolder(str(tree), loader=print, extensions=(".gif",)))]
    (tmp_path / "nothing").mkdir()
    assert attempts(datasets) == attempts(torchvision.datasets)
    with pytest.raises(FileNotFoundError) as ours:
        datasets.DatasetFolder(str(tree), loader=print, extensions=(".gif",))
    with pytest.raises(FileNotFoundError) as theirs:
        torchvision.datasets.DatasetFolder(str(tree), loader=print, extensions=(".gif",))
    assert str(ours.value) == str(theirs.value)
