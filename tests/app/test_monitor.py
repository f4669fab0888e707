"""monitor.py's plots and logs: one title per sample image, whole-epoch ticks, torn and damaged log lines."""

import json

import pytest

from minitorch_mnist.app import monitor
from minitorch_mnist.data.datasets.mnist import CLASSES
from minitorch_mnist.storage.weights_file import DamagedFileError


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


def test_resume_drops_a_torn_last_line_but_reports_a_damaged_earlier_one(tmp_path):
    rows = [json.dumps(dict(epoch=epoch, train_loss=0.5)) for epoch in (1, 2)]
    write_epochs(tmp_path, [*rows, '{"epoch": 3, "tra'])
    monitor.MetricsLog(tmp_path, resume_after=(2, 20)).close()
    assert (tmp_path / "epochs.jsonl").read_text().splitlines() == rows

    write_epochs(tmp_path, [rows[0], '{"epoch": 2, "tra', rows[1]])
    with pytest.raises(DamagedFileError, match=r"epochs\.jsonl is damaged or not a metrics log: line 2 is unreadable"):
        monitor.MetricsLog(tmp_path, resume_after=(2, 20))


def test_resume_keeps_the_steps_up_to_a_mid_epoch_checkpoint(tmp_path):
    lines = ["epoch,step,loss,lr"] + [f"{1 + (step - 1) // 4},{step},0.5,0.01" for step in range(1, 11)]
    (tmp_path / "steps.csv").write_text("\r\n".join(lines) + "\r\n2,11,0.")  # and a torn line
    monitor.MetricsLog(tmp_path, resume_after=(1, 6)).close()
    assert (tmp_path / "steps.csv").read_text().splitlines() == lines[:7]
