"""torch.utils.tensorboard.SummaryWriter for the engine, written by tensorboardX (pip install tensorboardX).

    from .tensorboard import SummaryWriter
    with SummaryWriter("runs/lenet") as writer:
        writer.add_scalar("loss/train", loss, step)                  # engine Tensors are accepted as values
        writer.add_image("samples", make_grid(images), step)
        writer.add_histogram("conv1.weight", model.conv1.weight, step)

torch's signatures and defaults (log_dir=None: runs/DATE_HOST+comment). Engine Tensors become NumPy arrays (or
floats) before they reach tensorboardX, which writes the event files TensorBoard reads; nothing here writes an
event file by hand. What needs torch itself (add_graph, add_embedding, ...) fails saying what to use instead.
"""

from ..autograd.tensor import Tensor

_PASSED_ON = ("add_images", "add_text", "add_figure", "add_pr_curve", "add_hparams", "add_custom_scalars", "add_audio",
              "add_video")
_NOT_HERE = {"add_graph": "the engine's graph is drawn by mm.viz.draw_graph(loss); for TensorBoard, export ONNX "
                          "with mm.onnx.export and open it in Netron",
             "add_onnx_graph": "export with mm.onnx.export and open the file in Netron",
             "add_embedding": "log the vectors with add_histogram, or plot them with matplotlib and add_figure",
             "add_mesh": "log pictures of the mesh with add_image"}


def _writer_class():
    try:
        from tensorboardX import SummaryWriter as writer
    except ImportError:
        raise ImportError("minitorch_mnist.utils.tensorboard needs tensorboardX: pip install tensorboardX "
                          "(or pip install 'minitorch_mnist[monitor]')") from None
    return writer


def _plain(value):
    """Engine Tensors (anywhere in lists, tuples and dicts) as NumPy arrays; everything else unchanged."""
    if isinstance(value, Tensor):
        return value.detach().array
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _scalar(value):
    return float(value.detach().item()) if isinstance(value, Tensor) else value


class SummaryWriter:
    """Event files for TensorBoard in `log_dir`, with torch.utils.tensorboard.SummaryWriter's methods."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        self._options = dict(purge_step=purge_step, max_queue=max_queue, flush_secs=flush_secs,
                             filename_suffix=filename_suffix)
        self._writer = _writer_class()(logdir=log_dir, comment=comment, **self._options)
        self.log_dir = self._writer.logdir
        self._runs = {}  # add_scalars' writers, one per key

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        if new_style or double_precision:
            raise ValueError("SummaryWriter.add_scalar: new_style and double_precision are not supported (the "
                             "scalar is written as a classic float32 summary)")
        self._writer.add_scalar(tag, _scalar(scalar_value), _scalar(global_step), walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Scalars tagged main_tag, one run per key in log_dir/MAINTAG_KEY ('/' -> '_'), torch's layout."""
        for key, value in tag_scalar_dict.items():
            folder = f"{self.log_dir}/{main_tag.replace('/', '_')}_{key}"
            if folder not in self._runs:
                self._runs[folder] = _writer_class()(logdir=folder, **self._options)
            self._runs[folder].add_scalar(main_tag, _scalar(value), _scalar(global_step), walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """img_tensor: float in [0, 1] or uint8, shaped by dataformats (CHW, HWC, HW), e.g. make_grid's output."""
        self._writer.add_image(tag, _plain(img_tensor), _scalar(global_step), walltime, dataformats=dataformats)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        self._writer.add_histogram(tag, _plain(values), _scalar(global_step), bins=bins, walltime=walltime,
                                   max_bins=max_bins)

    def flush(self):
        for writer in [self._writer, *self._runs.values()]:
            writer.flush()

    def close(self):
        for writer in [self._writer, *self._runs.values()]:
            writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __getattr__(self, name):
        if name in _PASSED_ON:
            method = getattr(self._writer, name)
            return lambda *args, **kwargs: method(*_plain(args), **_plain(kwargs))
        if name in _NOT_HERE:
            raise AttributeError(f"SummaryWriter.{name} needs torch; {_NOT_HERE[name]}")
        raise AttributeError(f"'SummaryWriter' object has no attribute {name!r} (it has add_scalar, add_scalars, "
                             f"add_image, add_histogram, {', '.join(_PASSED_ON)}, flush, close)")
