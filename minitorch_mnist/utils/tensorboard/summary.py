"""The summaries SummaryWriter writes, built as torch.utils.tensorboard builds them: the same protocol buffers with
the same values, so TensorBoard shows an engine run exactly as a torch run.

The protocol buffers and the event-file writer come from the `tensorboard` package (what torch uses), or, when it
is missing, from tensorboardX, which ships the same messages.
"""

import io
import math

import numpy as np

from ...autograd.tensor import Tensor


def _protos():
    """(EventFileWriter, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, PrCurvePluginData, TextPluginData)."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2
        from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData
        from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        try:
            from tensorboardX.event_file_writer import EventFileWriter
            from tensorboardX.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2
            from tensorboardX.proto.plugin_pr_curve_pb2 import PrCurvePluginData
            from tensorboardX.proto.plugin_text_pb2 import TextPluginData
        except ImportError:
            raise ImportError("minitorch_mnist.utils.tensorboard needs the tensorboard package (pip install "
                              "tensorboard), as torch.utils.tensorboard does; tensorboardX works too") from None
    return EventFileWriter, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, PrCurvePluginData, TextPluginData


(EventFileWriter, event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, PrCurvePluginData,
 TextPluginData) = _protos()
Summary, SummaryMetadata, HistogramProto = summary_pb2.Summary, summary_pb2.SummaryMetadata, summary_pb2.HistogramProto
TensorProto, TensorShapeProto = tensor_pb2.TensorProto, tensor_shape_pb2.TensorShapeProto


def make_np(value):
    """An engine Tensor (or a torch tensor, a number, a list) as a NumPy array."""
    if isinstance(value, Tensor):
        return value.detach().array
    if hasattr(value, "detach"):  # a torch tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)


def scalar(name, value, new_style=False, double_precision=False):
    """A one-number summary: simple_value (float32 in the file), or with new_style a tensor (float or double)."""
    value = make_np(value).squeeze()
    if value.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given size: {value.size} and "
                             f"{value.ndim} dimensions.")
    number = float(value)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=number)])
    tensor = (TensorProto(double_val=[number], dtype="DT_DOUBLE") if double_precision
              else TensorProto(float_val=[number], dtype="DT_FLOAT"))
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=tensor, metadata=metadata)])


def default_bins():
    """TensorBoard's histogram buckets: +-1e-12 growing by 10% up to 1e20, and 0."""
    edges, edge = [], 1e-12
    while edge < 1e20:
        edges.append(edge)
        edge *= 1.1
    return [-e for e in reversed(edges)] + [0] + edges


def histogram(name, values, bins, max_bins=None):
    """The counts of `values` in `bins` (np.histogram's), trimmed to the buckets in use as torch trims them."""
    values = make_np(values).astype(float).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:  # merge neighbouring buckets, `group` at a time
        group = len(counts) // max_bins
        if len(counts) % group:
            counts = np.pad(counts, [[0, group - len(counts) % group]])
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    # from the first to the last bucket holding values; TensorBoard reads right edges only, so one bucket (empty)
    # more on the left keeps the leftmost edge
    used = np.cumsum(counts > 0)
    start, end = (int(i) for i in np.searchsorted(used, [0, used[-1] - 1], side="right"))
    end += 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    proto = HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                           sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())
    return Summary(value=[Summary.Value(tag=name, histo=proto)])


def tile_images(images, columns=8):
    """(N, C, H, W) images side by side, `columns` to a row, no padding (TensorBoard's grid, not make_grid's)."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, axis=1)
    count, _, height, width = images.shape
    columns = min(count, columns)
    rows = math.ceil(count / columns)
    canvas = np.zeros((3, height * rows, width * columns), dtype=images.dtype)
    for k in range(count):
        y, x = divmod(k, columns)
        canvas[:, y * height:(y + 1) * height, x * width:(x + 1) * width] = images[k]
    return canvas


def to_hwc(array, dataformats):
    """An image array laid out as `dataformats` (NCHW, CHW, HWC, HW, ...) as (H, W, 3 or 4)."""
    dataformats = dataformats.upper()
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(f"You can not use the same dimension shordhand twice. input_format: {dataformats}")
    if array.ndim != len(dataformats):
        raise AssertionError(f"size of input tensor and input format are different. tensor shape: "
                             f"{array.shape}, input_format: {dataformats}")
    if len(dataformats) == 4:
        return tile_images(array.transpose([dataformats.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(dataformats) == 3:
        hwc = array.transpose([dataformats.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, axis=2) if hwc.shape[2] == 1 else hwc
    hw = array.transpose([dataformats.find(c) for c in "HW"])
    return np.stack([hw] * 3, axis=2)


def image(tag, values, dataformats="NCHW"):
    """A PNG image summary; float values in [0, 1] are scaled to [0, 255], uint8 ones kept."""
    pixels = to_hwc(make_np(values), dataformats)
    scale = 1 if pixels.dtype == np.uint8 else 255
    pixels = (pixels.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    from PIL import Image  # Pillow: matplotlib, a dependency of the engine, requires it

    height, width, channels = pixels.shape
    picture = Image.fromarray(pixels).resize((width, height), Image.Resampling.LANCZOS)  # torch's rescale=1 step
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    encoded = Summary.Image(height=height, width=width, colorspace=channels, encoded_image_string=buffer.getvalue())
    return Summary(value=[Summary.Value(tag=tag, image=encoded)])


def figure_to_image(figures, close=True):
    """A matplotlib figure (or a list of them) rendered to a (3, H, W) uint8 array (or (N, 3, H, W))."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(figure):
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        width, height = figure.canvas.get_width_height()
        pixels = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape(height, width, 4)[:, :, :3]
        if close:
            plt.close(figure)
        return np.moveaxis(pixels, 2, 0)

    return np.stack([render(figure) for figure in figures]) if isinstance(figures, list) else render(figures)


def text(tag, text_string):
    """A text summary (TensorBoard's text plugin), under tag + "/text_summary" as torch names it."""
    content = TextPluginData(version=0).SerializeToString()
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text", content=content))
    tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=metadata, tensor=tensor)])


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """Precision-recall curve data at num_thresholds (at most 127) thresholds, TensorBoard's pr_curves plugin."""
    num_thresholds = min(num_thresholds, 127)
    data = _curve(make_np(labels), make_np(predictions), num_thresholds, 1.0 if weights is None else make_np(weights))
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="pr_curves", content=content))
    tensor = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(),
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=n) for n in data.shape]))
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])


def _curve(labels, predictions, num_thresholds, weights):
    """Rows tp, fp, tn, fn, precision, recall at each threshold k / (num_thresholds - 1), from bucket counts."""
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    positive = labels.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=positive * weights)
    fp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=(1.0 - positive) * weights)
    tp, fp = np.cumsum(tp_buckets[::-1])[::-1], np.cumsum(fp_buckets[::-1])[::-1]  # predictions >= threshold
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))
