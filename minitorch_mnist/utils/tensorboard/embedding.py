"""SummaryWriter.add_embedding's files, laid out as torch.utils.tensorboard writes them for TensorBoard's projector:

    LOGDIR/projector_config.pbtxt               one entry per embedding added so far
    LOGDIR/STEP/TAG/tensors.tsv                 the vectors, one row per data point, tab-separated
    LOGDIR/STEP/TAG/metadata.tsv                their labels (metadata=), one per line, or columns with a header
    LOGDIR/STEP/TAG/sprite.png                  their images (label_img=), tiled in a square
"""

import io
import math
import os

import numpy as np

from .summary import make_np, tile_images


def _projector_config():
    try:
        from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig
    except ImportError:
        raise NotImplementedError("SummaryWriter.add_embedding needs the tensorboard package (its projector "
                                  "plugin); pip install tensorboard") from None
    return ProjectorConfig()


def encode_tag(tag):
    """The tag as a folder name: % / and \\ escaped as %xx, as torch does."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def add_embedding(writer, mat, metadata=None, label_img=None, global_step=None, tag="default", metadata_header=None):
    mat = make_np(mat)
    global_step = 0 if global_step is None else global_step
    subdir = f"{str(global_step).zfill(5)}/{encode_tag(tag)}"
    log_dir = writer._get_file_writer().get_logdir()
    save_path = os.path.join(log_dir, subdir)
    if os.path.isdir(save_path):
        print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
    elif os.path.exists(save_path):
        raise NotADirectoryError(f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
    else:
        os.makedirs(save_path)
    if metadata is not None:
        if mat.shape[0] != len(metadata):
            raise AssertionError("#labels should equal with #data points")
        _write_metadata(metadata, save_path, metadata_header)
    if label_img is not None:
        if mat.shape[0] != label_img.shape[0]:
            raise AssertionError("#images should equal with #data points")
        _write_sprite(make_np(label_img), save_path)
    if mat.ndim != 2:
        raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
    with open(os.path.join(save_path, "tensors.tsv"), "wb") as file:
        for row in mat:
            file.write(("\t".join(str(value.item()) for value in row) + "\n").encode())
    if not hasattr(writer, "_projector_config"):
        writer._projector_config = _projector_config()
    info = writer._projector_config.embeddings.add()
    info.tensor_name = f"{tag}:{str(global_step).zfill(5)}"
    info.tensor_path = os.path.join(subdir, "tensors.tsv")
    if metadata is not None:
        info.metadata_path = os.path.join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = os.path.join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    from google.protobuf import text_format

    with open(os.path.join(log_dir, "projector_config.pbtxt"), "wb") as file:
        file.write(text_format.MessageToString(writer._projector_config).encode())


def _write_metadata(metadata, save_path, header):
    if not header:
        lines = [str(label) for label in metadata]
    else:
        if len(header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        lines = ["\t".join(str(cell) for cell in row) for row in [header] + list(metadata)]
    with open(os.path.join(save_path, "metadata.tsv"), "wb") as file:
        file.write(("\n".join(lines) + "\n").encode())


def _write_sprite(images, save_path):
    """The (N, C, H, W) images tiled ceil(sqrt(N)) to a row, in a square canvas, as a PNG (floats in [0, 1])."""
    from PIL import Image  # Pillow: matplotlib, a dependency of the engine, requires it

    grid = tile_images(images, columns=math.ceil(images.shape[0] ** 0.5))
    square = np.zeros((grid.shape[2], grid.shape[2], 3))
    square[:grid.shape[1], :, :] = grid.transpose(1, 2, 0)
    buffer = io.BytesIO()
    Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(buffer, format="PNG")
    with open(os.path.join(save_path, "sprite.png"), "wb") as file:
        file.write(buffer.getvalue())
