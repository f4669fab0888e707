"""torchvision.transforms' basics: Compose, ToTensor, Normalize, Lambda, with torchvision's arithmetic (the
transforms that resize, crop, flip or convert images are in image_transforms.py, and reached from here).

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    image = transform(uint8_array)      # float32 Tensor (1, 28, 28): (pixel / 255 - mean) / std

ToTensor and Normalize compute in float32 in torchvision's order, so their values are bit for bit torchvision's.
Both also work on a whole batch of images at once (`apply_batch`), which the datasets use to hand the
DataLoader whole batches when the transform is made only of them.
"""

import numpy as np

from ..autograd.tensor import Tensor
from .image_transforms import (CenterCrop, ConvertImageDtype, Grayscale, InterpolationMode, PILToTensor,
                               RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, Resize, ToPILImage)
from .image_transforms import __all__ as _image_transforms

__all__ = ["Compose", "ToTensor", "Normalize", "Lambda"] + _image_transforms


class Compose:
    """Apply `transforms` one after another."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for transform in self.transforms:
            img = transform(img)
        return img

    def batchable(self):
        return all(callable(getattr(t, "batchable", None)) and t.batchable() for t in self.transforms)

    def apply_batch(self, images):
        for transform in self.transforms:
            images = transform.apply_batch(images)
        return images

    def __repr__(self):
        lines = "".join(f"\n    {transform}" for transform in self.transforms)
        return f"{type(self).__name__}({lines}\n)"


class ToTensor:
    """An image as a uint8 array H x W or H x W x C (what the datasets give; a PIL image works too) ->
    a float32 Tensor C x H x W in [0, 1] (pixel / 255). Arrays of another dtype are only moved to C x H x W,
    not scaled, as in torchvision."""

    def __call__(self, pic):
        return Tensor(self.apply_batch(_image_array(pic)[None])[0])

    def batchable(self):
        return True

    def apply_batch(self, images):
        """uint8 (N, H, W) or (N, H, W, C) array -> float32 (N, C, H, W) array."""
        images = images[..., None] if images.ndim == 3 else images
        out = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
        if out.dtype == np.uint8:
            out = out.astype(np.float32)
            out /= np.float32(255)
        return out

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """(image - mean[c]) / std[c] per channel c of a float Tensor (..., C, H, W), in the tensor's dtype."""

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Normalize: tensor should be a Tensor (use ToTensor first), got {type(tensor).__name__}")
        if tensor.ndim < 3:
            raise ValueError(f"Normalize: expected tensor to be a tensor image of size (..., C, H, W), got "
                             f"tensor.size() = {tuple(tensor.shape)}")
        if self.inplace:
            tensor.array[...] = self.apply_batch(tensor.array)
            tensor._bump_version()
            return tensor
        return Tensor(self.apply_batch(tensor.array))

    def batchable(self):
        return True

    def apply_batch(self, images):
        """float array (..., C, H, W) -> a new array, normalised per channel."""
        if not np.issubdtype(images.dtype, np.floating):
            raise TypeError(f"Normalize: input tensor should be a float tensor, got {images.dtype}")
        mean = np.asarray(self.mean, dtype=images.dtype)
        std = np.asarray(self.std, dtype=images.dtype)
        if np.any(std == 0):
            raise ValueError(f"Normalize: std evaluated to zero after conversion to {images.dtype}, leading to "
                             f"division by zero")
        mean = mean.reshape(-1, 1, 1) if mean.ndim == 1 else mean
        std = std.reshape(-1, 1, 1) if std.ndim == 1 else std
        return (images - mean) / std

    def __repr__(self):
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """A user function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


def _image_array(pic):
    if isinstance(pic, Tensor):
        raise TypeError("ToTensor: pic should be an image array (H x W or H x W x C) or a PIL image, got a Tensor "
                        "(it is already one: leave ToTensor out)")
    array = np.asarray(pic)
    if array.ndim not in (2, 3):
        raise ValueError(f"ToTensor: pic should be 2 or 3 dimensional (H x W or H x W x C), got {array.ndim} "
                         f"dimensions")
    return array


def __getattr__(name):
    """torchvision transforms the engine lacks fail naming what there is (a user function works via Lambda)."""
    if name[:1].isupper():
        raise AttributeError(f"minitorch_mnist.vision.transforms has no {name} (torchvision's has); it has "
                             f"{', '.join(__all__)}; write other steps as transforms.Lambda(function)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
