"""monitor.py's plots and logs: one title per sample image, whole-epoch ticks, torn and damaged log lines, a write
that fails (logging is best effort)."""

import errno
import json
import os
import re

from minitorch_mnist.app import monitor
from minitorch_mnist.data.datasets.mnist import CLASSES


def test_a_right_prediction_is_titled_once_and_a_wrong_one_with_the_true_class():
    assert monitor.sample_title(4, 4, CLASSES) == ("4 - four", "black")
    assert monitor.sample_title(9, 4, CLASSES) == ("9 - nine (4 - four)", "red")
    assert monitor.sample_title(3, 3) == ("3", "black")


def test_curves_have_ticks_at_whole_epochs_only(tmp_path, monkeypatch):
    from matplotlib import pyplot as plt

    figures = []
    monkeypatch.setattr(plt, "close", figures.append)  # keep the figure to look at its axes
    history = [dict(epoch=epoch, train_loss=1 / epoch, eval_loss=1 / epoch, eval_accuracy=90 + epoch,
                    eval_set="test") for epoch in (1, 2, 3)]
    monitor.plot_curves(history, tmp_path / "curves.png")
    for axes in figures[0].axes:
        ticks = [tick for tick in axes.get_xticks() if axes.get_xlim()[0] <= tick <= axes.get_xlim()[1]]
        assert ticks == [1, 2, 3], ticks


def write_epochs(folder, lines):
    (folder / "epochs.jsonl").write_text("".join(line + "\n" for line in lines))


def test_resume_drops_a_torn_last_line_and_sets_a_damaged_file_aside(tmp_path):
    rows = [json.dumps(dict(epoch=epoch, train_loss=0.5)) for epoch in (1, 2)]
    write_epochs(tmp_path, [*rows, '{"epoch": 3, "tra'])
    monitor.MetricsLog(tmp_path, resume_after=(2, 20)).close()
    assert (tmp_path / "epochs.jsonl").read_text().splitlines() == rows

    # a damaged line before the last one must not block the resume: the file is kept aside, with one warning
    damaged = [rows[0], '{"epoch": 2, "tra', rows[1]]
    write_epochs(tmp_path, damaged)
    warnings = []
    log = monitor.MetricsLog(tmp_path, resume_after=(2, 20), warn=warnings.append)
    log.log_epoch(dict(epoch=3, train_loss=0.25))
    log.close()
    (aside,) = tmp_path.glob("epochs.jsonl.damaged-*")
    assert aside.read_text().splitlines() == damaged and log.failed is None
    assert len(warnings) == 1 and re.fullmatch(rf"warning: {re.escape(str(tmp_path))}/epochs\.jsonl is damaged or not "
                                               rf"a metrics log: line 2 is unreadable \(.*\); moved it to "
                                               rf"{aside.name} and started it afresh", warnings[0])
    assert [json.loads(line)["epoch"] for line in (tmp_path / "epochs.jsonl").read_text().splitlines()] == [3]


def test_a_failing_log_write_warns_once_and_stops_logging(tmp_path, monkeypatch):
    warnings = []
    log = monitor.MetricsLog(tmp_path, warn=warnings.append)
    log.log_step(1, 1, 0.5, 0.01)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(monitor, "_append_csv", full_disk)
    for step in (2, 3):
        log.log_step(1, step, 0.5, 0.01)  # no exception reaches the training loop
    log.log_epoch(dict(epoch=1, train_loss=0.5))
    log.close()
    assert log.failed == "cannot write steps.csv: [Errno 28] No space left on device"
    assert warnings == [f"warning: logging to {tmp_path} stopped at epoch 1, step 2 ({log.failed}); training goes "
                        f"on, checkpoints are not affected"]


def test_resume_keeps_the_steps_up_to_a_mid_epoch_checkpoint(tmp_path):
    lines = ["epoch,step,loss,lr"] + [f"{1 + (step - 1) // 4},{step},0.5,0.01" for step in range(1, 11)]
    (tmp_path / "steps.csv").write_text("\r\n".join(lines) + "\r\n2,11,0.")  # and a torn line
    monitor.MetricsLog(tmp_path, resume_after=(1, 6)).close()
    assert (tmp_path / "steps.csv").read_text().splitlines() == lines[:7]
