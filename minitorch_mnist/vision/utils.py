"""torchvision.utils.make_grid (a batch of images tiled into one image) and save_image (that image written to a file),
with torchvision's rules and defaults."""

import math

import numpy as np

from ..autograd.tensor import Tensor

__all__ = ["make_grid", "save_image"]


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """One image (C, H', W') holding the images of `tensor` (B x C x H x W, or a list of C x H x W), `nrow` to a
    row, `padding` pixels of `pad_value` around each. One-channel images become three channels (grey RGB).

    normalize=True maps value_range (min, max) (default: the tensor's own min and max; per image with
    scale_each=True) onto [0, 1], clamping outside values. Returns a Tensor of the input's dtype.
    """
    if isinstance(tensor, list):
        if not all(isinstance(t, Tensor) for t in tensor):
            bad = next(type(t) for t in tensor if not isinstance(t, Tensor))
            raise TypeError(f"make_grid: tensor or list of tensors expected, got a list containing {bad}")
        images = np.stack([t.array for t in tensor])
    elif isinstance(tensor, Tensor):
        images = tensor.array
    else:
        raise TypeError(f"make_grid: tensor or list of tensors expected, got {type(tensor)}")
    if images.ndim == 2:  # one image H x W
        images = images[None]
    if images.ndim == 3:  # one image C x H x W
        images = np.concatenate([images] * 3) if images.shape[0] == 1 else images
        images = images[None]
    if images.ndim != 4:
        raise ValueError(f"make_grid: expects B x C x H x W images, got shape {images.shape}")
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, axis=1)
    if normalize is True:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        images = images.copy()
        for image in (images if scale_each is True else [images]):
            _normalize_range(image, value_range)
    if images.shape[0] == 1:
        return Tensor(images[0])
    count = images.shape[0]
    columns = min(nrow, count)
    rows = int(math.ceil(count / columns))
    height, width = images.shape[2] + padding, images.shape[3] + padding
    grid = np.full((images.shape[1], height * rows + padding, width * columns + padding), pad_value,
                   dtype=images.dtype)
    for k in range(count):
        y, x = divmod(k, columns)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = images[k]
    return Tensor(grid)


def _normalize_range(image, value_range):
    """In place: clamp to [low, high], then (x - low) / max(high - low, 1e-5), in the array's dtype."""
    low, high = value_range if value_range is not None else (float(image.min()), float(image.max()))
    np.clip(image, low, high, out=image)
    image -= np.asarray(low, dtype=image.dtype)
    image /= np.asarray(max(high - low, 1e-5), dtype=image.dtype)


def save_image(tensor, fp, format=None, **kwargs):
    """Write make_grid(tensor, **kwargs) to `fp` (a path or a binary file; format: "png", "jpeg", ..., else taken
    from the file name): values in [0, 1] become bytes round(255 * x), clamped to [0, 255], as torchvision does."""
    from PIL import Image  # Pillow: matplotlib, a dependency of the engine, requires it

    grid = make_grid(tensor, **kwargs).array
    # add 0.5 after scaling to [0, 255] so that the cast to uint8, which truncates, rounds to the nearest integer
    pixels = np.clip(grid * 255 + 0.5, 0, 255).transpose(1, 2, 0).astype(np.uint8)
    Image.fromarray(pixels).save(fp, format=format)


def __getattr__(name):
    if name in ("draw_bounding_boxes", "draw_segmentation_masks", "draw_keypoints"):
        raise AttributeError(f"minitorch_mnist.vision.utils has no {name} (torchvision's has); it has make_grid "
                             f"and save_image")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
