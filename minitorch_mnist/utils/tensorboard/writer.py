"""SummaryWriter and FileWriter with torch.utils.tensorboard's signatures, defaults and file layout, writing the event
files TensorBoard reads through TensorBoard's own EventFileWriter (summary.py builds what goes in them).

    with SummaryWriter("runs/lenet") as writer:                      # log_dir=None: runs/DATE_HOST + comment
        writer.add_scalar("loss/train", loss, step)                  # engine Tensors are accepted as values
        writer.add_scalars("loss", {"train": 0.3, "test": 0.4}, step)   # one run folder per key: loss_train, ...
        writer.add_image("samples", make_grid(images), step)
        writer.add_histogram("conv1.weight", model.conv1.weight, step)
        writer.add_figure("predictions", figure, step); writer.add_text("note", "...", step)
        writer.add_pr_curve("class 3", labels == 3, probabilities[:, 3], step)
        writer.add_embedding(features, metadata=labels, label_img=images)   # for the projector (embedding.py)

What needs torch's own graph machinery or is not implemented (add_graph, add_hparams, ...) fails saying what to
use instead.
"""

import os
import socket
import time
from datetime import datetime

from . import embedding, summary

_NOT_HERE = {"add_graph": "the engine's graph is drawn by mm.viz.draw_graph(loss); for TensorBoard, export ONNX "
                          "with mm.onnx.export and open it in Netron",
             "add_onnx_graph": "export with mm.onnx.export and open the file in Netron",
             "add_hparams": "log each hyperparameter with add_text and each metric with add_scalar",
             "add_custom_scalars": "group the scalars by tag prefix (loss/train, loss/test), which TensorBoard shows "
                                   "together",
             "add_mesh": "log pictures of the mesh with add_image", "add_audio": "save the audio with a WAV writer",
             "add_video": "log the frames with add_images", "add_image_with_boxes": "draw the boxes on the image "
                                                                                     "first, then add_image"}


class FileWriter:
    """One event file in log_dir: events stamped with the wall time and the step."""

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.event_writer = summary.EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary_proto, global_step=None, walltime=None):
        self.add_event(summary.event_pb2.Event(summary=summary_proto), global_step, walltime)

    def flush(self):
        self.event_writer.flush()

    def close(self):
        self.event_writer.close()


class SummaryWriter:
    """Event files for TensorBoard in log_dir, with torch.utils.tensorboard.SummaryWriter's methods."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if not log_dir:
            log_dir = os.path.join("runs", datetime.now().strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname()
                                   + comment)
        self.log_dir, self.purge_step = log_dir, purge_step
        self.max_queue, self.flush_secs, self.filename_suffix = max_queue, flush_secs, filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()
        self.default_bins = summary.default_bins()

    def _get_file_writer(self):
        """The writer of log_dir, made again after close(); purge_step marks a restart there, as torch does."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                event_pb2 = summary.event_pb2
                self.file_writer.add_event(event_pb2.Event(step=self.purge_step, file_version="brain.Event:2"))
                self.file_writer.add_event(event_pb2.Event(step=self.purge_step, session_log=event_pb2.SessionLog(
                    status=event_pb2.SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False):
        self._get_file_writer().add_summary(summary.scalar(tag, scalar_value, new_style, double_precision),
                                            _step(global_step), walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Scalars tagged main_tag, one run per key in log_dir/MAINTAG_KEY ('/' -> '_'), torch's layout."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for key, value in tag_scalar_dict.items():
            folder = base + "/" + main_tag.replace("/", "_") + "_" + key
            if folder not in self.all_writers:
                self.all_writers[folder] = FileWriter(folder, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers[folder].add_summary(summary.scalar(main_tag, value), _step(global_step), walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """Counts of values in TensorBoard's buckets (bins="tensorflow") or in np.histogram's `bins`."""
        bins = self.default_bins if isinstance(bins, str) and bins == "tensorflow" else bins
        self._get_file_writer().add_summary(summary.histogram(tag, values, bins, max_bins), _step(global_step),
                                            walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """img_tensor: float in [0, 1] or uint8, shaped by dataformats (CHW, HWC, HW), e.g. make_grid's output."""
        self._get_file_writer().add_summary(summary.image(tag, img_tensor, dataformats), _step(global_step), walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """A batch of images tiled into one (8 to a row), as torch tiles them."""
        self._get_file_writer().add_summary(summary.image(tag, img_tensor, dataformats), _step(global_step), walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them, tiled) as an image; close=True closes the figure."""
        dataformats = "NCHW" if isinstance(figure, list) else "CHW"
        self.add_image(tag, summary.figure_to_image(figure, close), global_step, walltime, dataformats=dataformats)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._get_file_writer().add_summary(summary.text(tag, text_string), _step(global_step), walltime)

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None,
                     walltime=None):
        """Precision and recall of `predictions` (probabilities) against 0/1 `labels` at num_thresholds thresholds."""
        self._get_file_writer().add_summary(summary.pr_curve(tag, labels, predictions, num_thresholds, weights),
                                            _step(global_step), walltime)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None):
        """Vectors (N, D) for TensorBoard's projector, with their labels and (N, C, H, W) images (embedding.py)."""
        embedding.add_embedding(self, mat, metadata, label_img, global_step, tag, metadata_header)

    def flush(self):
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self):
        if self.all_writers is None:
            return  # a second close does nothing, as in torch
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __getattr__(self, name):
        if name in _NOT_HERE:
            raise AttributeError(f"SummaryWriter.{name} is not supported by the engine (it needs torch's own "
                                 f"machinery); {_NOT_HERE[name]}")
        raise AttributeError(f"'SummaryWriter' object has no attribute {name!r} (it has add_scalar, add_scalars, "
                             f"add_histogram, add_image, add_images, add_figure, add_text, add_pr_curve, "
                             f"add_embedding, flush, close)")


def _step(global_step):
    """A step given as a number or a 0-d Tensor, as a number."""
    return None if global_step is None else summary.make_np(global_step).item()
