"""torchvision.io's image functions for the engine: read and decode PNG and JPEG files into uint8 Tensors of shape
(channels, height, width), and write PNG files, as torchvision does.

    image = read_image("img/cat.png")                       # uint8 (C, H, W): 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    image = read_image("img/cat.jpg", ImageReadMode.RGB)   # or mode="RGB", "GRAY", "GRAY_ALPHA", "RGBA"
    data = read_file("img/cat.png"); image = decode_image(data)

Decoding is done by Pillow (PIL), which matplotlib, a dependency of the engine, already requires; what it gives
follows torchvision's decoders (see _convert), a 16-bit PNG giving uint16.
"""

import io
from enum import Enum
from pathlib import Path

import numpy as np

from ..autograd.tensor import Tensor

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "read_image", "decode_png", "decode_jpeg",
           "encode_png", "write_png", "png_bytes"]


class ImageReadMode(Enum):
    """The channels to decode to (a string such as "RGB" works wherever a mode is asked for)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA

# Pillow's mode for each ImageReadMode (None: as stored)
_PIL_MODES = {ImageReadMode.UNCHANGED: None, ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA",
              ImageReadMode.RGB: "RGB", ImageReadMode.RGB_ALPHA: "RGBA"}


def _pil_image():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("minitorch_mnist.vision.io needs Pillow (pip install pillow; matplotlib installs it)") from None
    return Image


def read_file(path):
    """The bytes of the file at `path`, as a 1-D uint8 Tensor."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:  # torchvision's type for an unreadable file
        raise RuntimeError(f"read_file: {error}") from None
    return Tensor(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename, data):
    """Write a 1-D uint8 Tensor's bytes to `filename`."""
    Path(filename).write_bytes(_bytes_of(data, "write_file"))


def _bytes_of(data, call):
    array = data.array if isinstance(data, Tensor) else np.asarray(data)
    if array.dtype != np.uint8 or array.ndim != 1:
        raise RuntimeError(f"{call}: expected a 1-D uint8 tensor of encoded bytes, got dtype {array.dtype} and "
                           f"shape {tuple(array.shape)}")
    return array.tobytes()


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """The image in `input` (a 1-D uint8 Tensor of a PNG or JPEG file's bytes, or a path) as a (C, H, W) Tensor."""
    Image = _pil_image()
    if not isinstance(input, Tensor):
        input = read_file(str(input))
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    try:
        image = Image.open(io.BytesIO(_bytes_of(input, "decode_image")))
    except Exception:  # noqa: BLE001 (Pillow's errors for undecodable bytes vary)
        raise RuntimeError("decode_image: Unsupported image file. Only jpeg and png are supported by the engine "
                           "(through Pillow)") from None
    if apply_exif_orientation:
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
    return Tensor(_channels_first(_convert(image, mode)))


def _convert(image, mode):
    """The decoded pixels as an (H, W) or (H, W, C) array in the requested mode, as torchvision decodes them.

    As stored (UNCHANGED): gray, gray+alpha, RGB or RGBA; a palette PNG gives its palette indices (libpng's raw
    rows, as torchvision). A 16-bit PNG stays uint16 in every mode. JPEG has no alpha: GRAY_ALPHA and RGBA raise, and
    GRAY takes the decoder's luma (Pillow's draft mode), as libjpeg gives torchvision. Converting a colour PNG to GRAY
    uses Pillow's weights (ITU-R 601), within one gray level of libpng's.
    """
    target = _PIL_MODES[mode]
    if image.format == "JPEG":
        if mode in (ImageReadMode.GRAY_ALPHA, ImageReadMode.RGB_ALPHA):
            raise RuntimeError("decode_jpeg: The provided mode is not supported for JPEG files")
        if mode == ImageReadMode.GRAY:
            image.draft("L", image.size)
    if image.mode.startswith("I;16"):
        return _sixteen_bit(np.asarray(image).astype(np.uint16), mode)
    if target is None:
        return np.asarray(image)
    return np.asarray(image if image.mode == target else image.convert(target))


def _sixteen_bit(gray, mode):
    """A 16-bit gray PNG in `mode`, still uint16: the gray repeated for RGB, an opaque alpha (65535) added."""
    channels = {ImageReadMode.UNCHANGED: [gray], ImageReadMode.GRAY: [gray], ImageReadMode.RGB: [gray] * 3}
    opaque = np.full_like(gray, np.iinfo(np.uint16).max)
    channels.update({ImageReadMode.GRAY_ALPHA: [gray, opaque], ImageReadMode.RGB_ALPHA: [gray] * 3 + [opaque]})
    return np.stack(channels[mode], axis=-1)


def _channels_first(pixels):
    return np.ascontiguousarray(pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1))


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """decode_image(read_file(path), mode): the image file at `path` as a (C, H, W) uint8 Tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(input, mode, apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    return decode_image(input, mode, apply_exif_orientation)


def png_bytes(pixels, compression_level=6):
    """A PNG file's bytes for an (H, W) or (H, W, C) uint8 array (C = 1, 2, 3 or 4)."""
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    buffer = io.BytesIO()
    _pil_image().fromarray(pixels).save(buffer, format="PNG", compress_level=compression_level)
    return buffer.getvalue()


def encode_png(input, compression_level=6):
    """A (C, H, W) uint8 Tensor as a 1-D uint8 Tensor of PNG bytes."""
    array = input.array if isinstance(input, Tensor) else np.asarray(input)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[0] not in (1, 2, 3, 4):
        raise RuntimeError(f"encode_png: expected a (C, H, W) uint8 tensor with 1 to 4 channels, got dtype "
                           f"{array.dtype} and shape {tuple(array.shape)}")
    if not 0 <= compression_level <= 9:
        raise RuntimeError(f"encode_png: Compression level should be between 0 and 9, got {compression_level}")
    return Tensor(np.frombuffer(png_bytes(array.transpose(1, 2, 0), compression_level), dtype=np.uint8).copy())


def write_png(input, filename, compression_level=6):
    """Write a (C, H, W) uint8 Tensor to `filename` as a PNG file."""
    write_file(filename, encode_png(input, compression_level))
