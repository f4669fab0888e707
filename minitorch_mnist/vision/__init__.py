"""torchvision's paths for the engine: `from minitorch_mnist.vision import datasets, transforms` where tutorials
write `from torchvision import datasets, transforms`.

    datasets.py     MNIST, FashionMNIST, CIFAR10 (torchvision's signatures, attributes and file layout)
    transforms.py   Compose, ToTensor, Normalize, Lambda
    utils.py        make_grid, save_image
    io.py           read_image, decode_image, read_file, write_png, ...: image files as uint8 Tensors
"""

from . import datasets, io, transforms, utils

__all__ = ["datasets", "transforms", "utils", "io"]
