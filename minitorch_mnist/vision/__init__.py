"""torchvision's paths for the engine: `from minitorch_mnist.vision import datasets, transforms` where tutorials
write `from torchvision import datasets, transforms`.

    datasets.py     MNIST, FashionMNIST, CIFAR10 (torchvision's signatures, attributes and file layout)
    transforms.py   Compose, ToTensor, Normalize, Lambda (image_transforms.py: Resize, RandomCrop, flips, ...)
    utils.py        make_grid, save_image
    io.py           read_image, decode_image, read_file, write_png, ...: image files as uint8 Tensors
    models.py       resnet18/34, vgg11..19 (torchvision's layers and names; no pretrained weights)
"""

from . import datasets, io, models, transforms, utils

__all__ = ["datasets", "transforms", "utils", "io", "models"]
