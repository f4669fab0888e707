"""torchvision.transforms that change an image's size, pixels or type, with torchvision's arguments, reprs and
arithmetic: ToPILImage, PILToTensor, ConvertImageDtype, Resize, CenterCrop, RandomCrop, RandomHorizontalFlip,
RandomVerticalFlip and Grayscale.

They take PIL images (as the datasets hand them over) and do what torchvision does to them, through Pillow; the
crops, flips and Grayscale take (..., C, H, W) Tensors too. Resize of a Tensor is refused (torchvision's antialiased
tensor resampling is its own algorithm): put Resize before ToTensor. The random ones draw from the engine's global
generator (mm.manual_seed), so they are reproducible, with other draws than torch's.
"""

import numbers
from enum import Enum

import numpy as np

from ..autograd.tensor import Tensor
from ..torch_api import random

__all__ = ["InterpolationMode", "ToPILImage", "PILToTensor", "ConvertImageDtype", "Resize", "CenterCrop", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "Grayscale"]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _pil():
    from PIL import Image  # Pillow: matplotlib, a dependency of the engine, requires it

    return Image


def _is_pil(image):
    return hasattr(image, "getbands")


def _pair(size, name="size"):
    """An int or a 1- or 2-sequence as (h, w), torchvision's _setup_size."""
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return size[0], size[0]
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return tuple(size)


def _height_width(image):
    return (image.size[1], image.size[0]) if _is_pil(image) else tuple(image.shape[-2:])


class ToPILImage:
    """A (C, H, W) Tensor or (H, W, C) array as a PIL image; floats are scaled by 255 and truncated to bytes."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        if isinstance(pic, Tensor):
            pic = pic.array.transpose(1, 2, 0) if pic.ndim == 3 else pic.array
        elif not isinstance(pic, np.ndarray):
            raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
        pic = pic[:, :, None] if pic.ndim == 2 else pic
        if pic.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
        if np.issubdtype(pic.dtype, np.floating) and self.mode != "F":
            pic = (pic * 255).astype(np.uint8)
        if pic.shape[2] == 1:
            pic = pic[:, :, 0]
        if pic.dtype != np.uint8:
            raise TypeError(f"Input type {pic.dtype} is not supported")
        image = _pil().fromarray(pic)  # L, LA, RGB or RGBA by the channel count
        if self.mode is None or self.mode == image.mode:
            return image
        return _pil().frombytes(self.mode, image.size, pic.tobytes())  # the same bytes read in another mode

    def __repr__(self):
        return f"{type(self).__name__}(" + (f"mode={self.mode}" if self.mode is not None else "") + ")"


class PILToTensor:
    """A PIL image as a uint8 (C, H, W) Tensor, its values unchanged (unlike ToTensor, which scales to [0, 1])."""

    def __call__(self, pic):
        if not _is_pil(pic):
            raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
        array = np.array(pic, copy=True)
        array = array[:, :, None] if array.ndim == 2 else array
        return Tensor(np.ascontiguousarray(array.transpose(2, 0, 1)))

    def __repr__(self):
        return f"{type(self).__name__}()"


class ConvertImageDtype:
    """An image Tensor in another dtype, rescaled: uint8 -> float x / 255, float -> uint8 x * (256 - 1e-3)."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def __call__(self, image):
        array = image.array
        if array.dtype == self.dtype:
            return image
        if np.issubdtype(array.dtype, np.floating) and np.issubdtype(self.dtype, np.floating):
            return Tensor(array.astype(self.dtype))
        if np.issubdtype(self.dtype, np.floating):  # integer -> float: divide by the integer type's maximum
            return Tensor(array.astype(self.dtype) / self.dtype.type(np.iinfo(array.dtype).max))
        if self.dtype != np.uint8 or not np.issubdtype(array.dtype, np.floating):
            raise NotImplementedError(f"ConvertImageDtype: {array.dtype} -> {self.dtype} is not supported by the "
                                      f"engine (float <-> uint8 and int -> float are)")
        return Tensor((array * array.dtype.type(255 + 1.0 - 1e-3)).astype(np.uint8))

    def __repr__(self):
        return f"{type(self).__name__}()"


class Resize:
    """A PIL image resampled to size (h, w), or with an int to that shorter side, keeping the aspect ratio."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if isinstance(size, (tuple, list)) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = InterpolationMode(interpolation) if isinstance(interpolation, str) else interpolation

    def __call__(self, image):
        if not _is_pil(image):
            raise NotImplementedError("Resize: resizing a Tensor is not supported by the engine; resize the PIL "
                                      "image, before ToTensor")
        height, width = _height_width(image)
        new_height, new_width = self._output_size(height, width)
        if (new_height, new_width) == (height, width):
            return image
        return image.resize((new_width, new_height), getattr(_pil().Resampling, self.interpolation.name))

    def _output_size(self, height, width):
        """torchvision's rule: (h, w) given, or the shorter side set and the longer one scaled (then max_size)."""
        size = [self.size] if isinstance(self.size, int) else list(self.size)
        if len(size) == 2:
            return size[0], size[1]
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = size[0], int(size[0] * long / short)
        if self.max_size is not None:
            if self.max_size <= size[0]:
                raise ValueError(f"max_size = {self.max_size} must be strictly greater than the requested size for "
                                 f"the smaller edge size = {self.size}")
            if new_long > self.max_size:
                new_short, new_long = int(self.max_size * new_short / new_long), self.max_size
        return (new_long, new_short) if width <= height else (new_short, new_long)

    def __repr__(self):
        return (f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


def _crop(image, top, left, height, width):
    if _is_pil(image):
        return image.crop((left, top, left + width, top + height))
    return Tensor(np.ascontiguousarray(image.array[..., top:top + height, left:left + width]))


def _pad(image, padding, fill=0, mode="constant"):
    """Pad by an int (all sides), (left/right, top/bottom) or (left, top, right, bottom), as torchvision's pad."""
    if isinstance(padding, numbers.Number):
        padding = [padding] * 4
    padding = list(padding)
    left, top, right, bottom = padding * 4 if len(padding) == 1 else padding * 2 if len(padding) == 2 else padding
    numpy_mode = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}[mode]
    extra = {"constant_values": fill} if mode == "constant" else {}
    if _is_pil(image):
        array = np.asarray(image)
        widths = [(top, bottom), (left, right)] + ([(0, 0)] if array.ndim == 3 else [])
        return _pil().fromarray(np.pad(array, widths, mode=numpy_mode, **extra))
    widths = [(0, 0)] * (image.ndim - 2) + [(top, bottom), (left, right)]
    return Tensor(np.pad(image.array, widths, mode=numpy_mode, **extra))


class CenterCrop:
    """The central (h, w) of the image (zero-padded first where the image is smaller)."""

    def __init__(self, size):
        self.size = _pair(size)

    def __call__(self, image):
        crop_height, crop_width = self.size
        height, width = _height_width(image)
        if crop_width > width or crop_height > height:
            image = _pad(image, [max(crop_width - width, 0) // 2, max(crop_height - height, 0) // 2,
                                 max(crop_width - width + 1, 0) // 2, max(crop_height - height + 1, 0) // 2])
            height, width = _height_width(image)
            if (crop_height, crop_width) == (height, width):
                return image
        return _crop(image, int(round((height - crop_height) / 2.0)), int(round((width - crop_width) / 2.0)),
                     crop_height, crop_width)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size})"


class RandomCrop:
    """A random (h, w) window, after padding (fill, or padding_mode 'edge', 'reflect', 'symmetric')."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size, self.padding, self.pad_if_needed = _pair(size), padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    def __call__(self, image):
        if self.padding is not None:
            image = _pad(image, self.padding, self.fill, self.padding_mode)
        crop_height, crop_width = self.size
        height, width = _height_width(image)
        if self.pad_if_needed and width < crop_width:
            image = _pad(image, [crop_width - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < crop_height:
            image = _pad(image, [0, crop_height - height], self.fill, self.padding_mode)
        height, width = _height_width(image)
        if height < crop_height or width < crop_width:
            raise ValueError(f"Required crop size {(crop_height, crop_width)} is larger than input image size "
                             f"{(height, width)}")
        rng = random.generator()
        top = int(rng.integers(0, height - crop_height + 1))
        left = int(rng.integers(0, width - crop_width + 1))
        return _crop(image, top, left, crop_height, crop_width)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror left-right with probability p."""

    flip = "FLIP_LEFT_RIGHT"
    axis = -1

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, image):
        if not random.generator().random() < self.p:
            return image
        if _is_pil(image):
            return image.transpose(getattr(_pil().Transpose, self.flip))
        return Tensor(np.ascontiguousarray(np.flip(image.array, axis=self.axis)))

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror top-bottom with probability p."""

    flip = "FLIP_TOP_BOTTOM"
    axis = -2


class Grayscale:
    """One gray channel (or the gray repeated num_output_channels=3 times): Pillow's L for a PIL image,
    0.2989 R + 0.587 G + 0.114 B in the tensor's dtype for a Tensor, as torchvision."""

    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def __call__(self, image):
        if _is_pil(image):
            gray = image.convert("L")
            if self.num_output_channels == 3:
                gray = _pil().fromarray(np.dstack([np.asarray(gray)] * 3))
            return gray
        array = image.array
        if array.shape[-3] == 1:
            gray = array
        else:
            red, green, blue = array[..., 0, :, :], array[..., 1, :, :], array[..., 2, :, :]
            gray = (0.2989 * red + 0.587 * green + 0.114 * blue).astype(array.dtype)[..., None, :, :]
        return Tensor(np.ascontiguousarray(np.repeat(gray, self.num_output_channels, axis=-3)))

    def __repr__(self):
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"
