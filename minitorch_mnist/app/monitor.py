"""Watching a run: metrics files (CSV and JSONL), gradient statistics, PNG plots, TensorBoard scalars.

    log_dir/steps.csv      one row per optimizer step: epoch, step, loss, lr
    log_dir/epochs.csv     one row per epoch: losses, accuracies, lr, seconds
    log_dir/epochs.jsonl   the same rows as JSON, plus the per-layer gradient statistics
    log_dir/curves.png     loss and accuracy per epoch (plot_curves)
    log_dir/samples.png    a grid of test images with predicted and true labels (plot_samples)
    log_dir/tensorboard/   event files, when the `tensorboard` package is installed

A resumed run first drops the rows that the interrupted run logged after its checkpoint; a last line torn by
a killed write is dropped too. A file that is damaged before its last line is set aside (NAME.damaged-TIME)
with a warning, and started afresh.

Logging is best effort: it never costs training state. The first write that fails (a full disk under
--log-dir) prints one warning and stops the logging (`failed` says why); training, checkpoints and --save go on.
"""

import csv
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from ..storage.atomic import WriteFailedError, atomic_write, reporting_failures
from ..storage.weights_file import DamagedFileError
from ..autograd.tensor import Tensor

STEP_FIELDS = ["epoch", "step", "loss", "lr"]
TENSORBOARD_MISSING = ("TensorBoard events skipped: the tensorboard package is not installed "
                       "(pip install tensorboard to get them)")


def gradient_stats(named_parameters):
    """{name: {norm, mean, std}} of each parameter's current .grad: watch for vanishing or exploding gradients."""
    stats = {}
    for name, parameter in named_parameters:
        if parameter.grad is None:
            continue
        grad = np.asarray(to_numpy(parameter.grad), dtype=np.float64)
        stats[name] = {"norm": float(np.linalg.norm(grad)), "mean": float(grad.mean()), "std": float(grad.std())}
    return stats


def format_gradient_stats(stats):
    """A printable table of gradient_stats."""
    width = max([len(name) for name in stats] + [9])
    lines = [f"{'parameter':<{width}}  {'|grad|':>10}  {'mean':>10}  {'std':>10}"]
    for name, row in stats.items():
        lines.append(f"{name:<{width}}  {row['norm']:>10.3e}  {row['mean']:>10.3e}  {row['std']:>10.3e}")
    return "\n".join(lines)


def to_numpy(tensor):
    """An engine or torch tensor's values as a NumPy array (the monitor serves both frameworks)."""
    if isinstance(tensor, Tensor):
        return tensor.detach().numpy()
    return tensor.detach().cpu().numpy()


class MetricsLog:
    """Appends step and epoch metrics to files in `log_dir` as training goes (flushed each line).

    resume_after: (epoch, step) of the checkpoint a run resumes from (step counted over the whole run): rows
    logged after it are dropped; None starts the files afresh. `tensorboard` is None when the package is missing.
    warn(message) reports a logging failure (default: one line on stderr); `failed` is then its reason.
    """

    def __init__(self, log_dir, resume_after=None, warn=None):
        self.dir = Path(log_dir)
        self.warn = warn or _warn
        self.failed, self.position = None, resume_after or (0, 0)
        self.steps_path, self.epochs_csv, self.epochs_jsonl = (
            self.dir / "steps.csv", self.dir / "epochs.csv", self.dir / "epochs.jsonl")
        self.tensorboard = None
        if resume_after is None:
            self.guard("the old logs", self._start_afresh)
        else:
            self.guard("the logs", lambda: self._drop_rows_after(*resume_after))
        self.tensorboard = self.guard("tensorboard", lambda: _tensorboard_writer(self.dir / "tensorboard"))

    def guard(self, what, write):
        """write()'s result; if it fails with an OSError, warn once and log nothing more (training goes on)."""
        if self.failed:
            return None
        try:
            return write()
        except OSError as error:
            self.failed = str(error) if isinstance(error, WriteFailedError) else f"cannot write {what}: {error}"
            self.warn(f"warning: logging to {self.dir} stopped at epoch {self.position[0]}, step {self.position[1]} "
                      f"({self.failed}); training goes on, checkpoints are not affected")
            return None

    def log_step(self, epoch, step, loss, lr):
        self.position = (epoch, step)
        self.guard(self.steps_path.name, lambda: self._write_step(epoch, step, loss, lr))

    def _write_step(self, epoch, step, loss, lr):
        _append_csv(self.steps_path, STEP_FIELDS, dict(epoch=epoch, step=step, loss=loss, lr=lr))
        if self.tensorboard is not None:
            self.tensorboard.add_scalar("train/step_loss", loss, step)

    def log_epoch(self, row, grad_stats=None):
        """row: flat dict of numbers (epoch first); grad_stats goes to the JSONL file only."""
        self.guard(self.epochs_csv.name, lambda: self._write_epoch(row, grad_stats))

    def _write_epoch(self, row, grad_stats):
        _append_csv(self.epochs_csv, list(row), row)
        with reporting_failures(self.epochs_jsonl), open(self.epochs_jsonl, "a") as file:
            file.write(json.dumps(dict(row, gradients=grad_stats or {})) + "\n")
        if self.tensorboard is not None:
            for name, value in row.items():
                if name != "epoch" and isinstance(value, (int, float)) and math.isfinite(value):
                    self.tensorboard.add_scalar(f"epoch/{name}", value, row["epoch"])
            self.tensorboard.flush()

    def close(self):
        if self.tensorboard is not None:
            tensorboard, self.tensorboard = self.tensorboard, None
            self.guard("tensorboard", tensorboard.close)

    def _start_afresh(self):
        for path in (self.steps_path, self.epochs_csv, self.epochs_jsonl):
            path.unlink(missing_ok=True)

    def _drop_rows_after(self, epoch, step):
        """On resume: forget what an interrupted run logged after its checkpoint (at `epoch`, global `step`)."""
        for path, keep in ((self.steps_path, lambda row: int(row["step"]) <= step),
                           (self.epochs_csv, lambda row: int(row["epoch"]) <= epoch)):
            if not path.exists():
                continue
            text = path.read_text(errors="replace")
            if "\n" not in text:  # empty, or killed while writing the header: start it again
                path.unlink()
                continue
            header, *lines = text.splitlines()
            fields = header.split(",")
            kept = self._kept_or_set_aside(path, lines, lambda line: _csv_row(fields, line), keep, first_line=2)
            if kept is not None:
                _rewrite(path, "".join(f"{line}\r\n" for line in [header, *kept]))
        if self.epochs_jsonl.exists():
            lines = self.epochs_jsonl.read_text(errors="replace").splitlines()
            kept = self._kept_or_set_aside(self.epochs_jsonl, lines, json.loads, lambda row: row["epoch"] <= epoch)
            if kept is not None:
                _rewrite(self.epochs_jsonl, "".join(f"{line}\n" for line in kept))

    def _kept_or_set_aside(self, path, lines, parse, keep, first_line=1):
        """_kept_lines, or None after moving a damaged file out of the way (a warning says where to)."""
        try:
            return _kept_lines(path, lines, parse, keep, first_line)
        except DamagedFileError as damage:
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            with reporting_failures(aside):
                path.rename(aside)
            self.warn(f"warning: {damage}; moved it to {aside.name} and started it afresh")
            return None


def _warn(message):
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def _kept_lines(path, lines, parse, keep, first_line=1):
    """The lines whose parsed row passes keep(row). A last line that does not parse was torn by a killed
    write and is dropped; an earlier one means the file is damaged."""
    kept = []
    for number, line in enumerate(lines, start=first_line):
        try:
            row = parse(line)
            wanted = keep(row)
        except (ValueError, KeyError, TypeError) as error:
            if number == first_line + len(lines) - 1:
                break
            raise DamagedFileError(path, "metrics log", f"line {number} is unreadable "
                                                        f"({type(error).__name__}: {error})") from None
        if wanted:
            kept.append(line)
    return kept


def _csv_row(fields, line):
    values = line.split(",")  # the rows hold numbers and plain words only
    if len(values) != len(fields):
        raise ValueError(f"{len(values)} values for {len(fields)} columns")
    return dict(zip(fields, values))


def _append_csv(path, fields, row):
    new_file = not path.exists()
    with reporting_failures(path), open(path, "a", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        if new_file:
            writer.writeheader()
        writer.writerow(row)


def _rewrite(path, text):
    with atomic_write(path) as temporary:
        temporary.write_text(text)


def _tensorboard_writer(folder):
    """TensorBoard's own event writer when the package is installed (no TensorFlow or torch needed), else None."""
    try:
        from tensorboard.summary import Writer
    except ImportError:
        return None
    return Writer(str(folder))


def plot_curves(history, path):
    """Loss (train and evaluation) and accuracy per epoch, side by side, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [row["epoch"] for row in history]
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    loss_axes.plot(epochs, [row["train_loss"] for row in history], marker="o", label="train")
    loss_axes.plot(epochs, [row["eval_loss"] for row in history], marker="o", label=history[0]["eval_set"])
    loss_axes.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    loss_axes.legend()
    accuracy_axes.plot(epochs, [row["eval_accuracy"] for row in history], marker="o", color="C1",
                       label=history[0]["eval_set"])
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    accuracy_axes.legend()
    for axes in (loss_axes, accuracy_axes):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers: no tick at 1.5
    figure.tight_layout()
    return _save_figure(figure, path)


def plot_samples(images, predictions, labels, path, class_names=None, columns=8):
    """A grid of images titled with their predicted class, wrong ones in red with the true class, as a PNG.

    images: (N, C, H, W) or (N, H, W) array, any scale (each image is stretched to its own min..max).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    images = np.asarray(images)
    rows = math.ceil(len(images) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.3, rows * 1.5), squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index >= len(images):
            continue
        image = images[index]
        image = image.transpose(1, 2, 0) if image.ndim == 3 else image
        image = image.squeeze(-1) if image.ndim == 3 and image.shape[-1] == 1 else image
        low, high = image.min(), image.max()
        axis.imshow((image - low) / (high - low + 1e-12), cmap="gray" if image.ndim == 2 else None)
        title, color = sample_title(int(predictions[index]), int(labels[index]), class_names)
        axis.set_title(title, fontsize=8, color=color)
    figure.suptitle("predicted class; in red when wrong, with the true class in brackets", fontsize=10)
    figure.tight_layout()
    return _save_figure(figure, path)


def sample_title(predicted, true, class_names=None):
    """(title, colour) of one image in plot_samples: "4 - four" when right, "9 - nine (4 - four)" in red when wrong."""
    name = (lambda label: class_names[label]) if class_names else str
    if predicted == true:
        return name(predicted), "black"
    return f"{name(predicted)} ({name(true)})", "red"


def _save_figure(figure, path):
    from matplotlib import pyplot as plt

    with atomic_write(path) as temporary:
        figure.savefig(temporary, dpi=100)
    plt.close(figure)
    return Path(path)
