"""SummaryWriter writes what torch.utils.tensorboard writes: the same calls, read back by TensorBoard's own
EventAccumulator, give the same scalars, images and histograms; engine Tensors are accepted as values."""

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import minitorch_mnist as mm
from minitorch_mnist.utils.tensorboard import SummaryWriter
from minitorch_mnist.vision.utils import make_grid


def write_run(lib, writer_class, log_dir, rng_seed=0):
    """The same tutorial logging code for either framework."""
    rng = np.random.default_rng(rng_seed)
    images = lib.tensor(rng.random((4, 1, 6, 6)).astype(np.float32))
    weights = lib.tensor(rng.standard_normal(500).astype(np.float32))
    grid = make_grid(images, nrow=2) if lib is mm else __import__("torchvision").utils.make_grid(images, nrow=2)
    with writer_class(log_dir) as writer:
        for step in range(3):
            writer.add_scalar("loss/train", lib.tensor(1.0 / (step + 1)), step)
            writer.add_scalar("lr", 0.1 * 0.5**step, step)
            writer.add_scalars("accuracy", {"train": lib.tensor(0.5 + 0.1 * step), "test": 0.4 + 0.1 * step}, step)
        writer.add_image("samples", grid, 0)
        writer.add_histogram("fc.weight", weights, 2)
        writer.flush()


def accumulate(folder):
    events = EventAccumulator(str(folder), size_guidance={"images": 0, "histograms": 0, "scalars": 0})
    events.Reload()
    return events


def scalars(events, tag):
    return [(event.step, event.value) for event in events.Scalars(tag)]


def test_the_same_calls_give_the_same_events_as_torch(tmp_path):
    write_run(mm, SummaryWriter, tmp_path / "ours")
    write_run(torch, TorchWriter, tmp_path / "theirs")
    ours, theirs = accumulate(tmp_path / "ours"), accumulate(tmp_path / "theirs")
    assert sorted(ours.Tags()["scalars"]) == sorted(theirs.Tags()["scalars"]) == ["loss/train", "lr"]
    for tag in ["loss/train", "lr"]:
        assert scalars(ours, tag) == scalars(theirs, tag)
    for run in ["accuracy_train", "accuracy_test"]:  # add_scalars: one run folder per key, as in torch
        assert scalars(accumulate(tmp_path / "ours" / run), "accuracy") == \
               scalars(accumulate(tmp_path / "theirs" / run), "accuracy")
    (our_image,), (their_image,) = ours.Images("samples"), theirs.Images("samples")
    assert (our_image.width, our_image.height) == (their_image.width, their_image.height) == (18, 18)
    assert our_image.encoded_image_string == their_image.encoded_image_string  # the same PNG
    (our_histogram,), (their_histogram,) = ours.Histograms("fc.weight"), theirs.Histograms("fc.weight")
    assert our_histogram.step == their_histogram.step == 2
    ours_h, theirs_h = our_histogram.histogram_value, their_histogram.histogram_value
    assert (ours_h.min, ours_h.max, ours_h.num) == pytest.approx((theirs_h.min, theirs_h.max, theirs_h.num))
    assert ours_h.sum == pytest.approx(theirs_h.sum, rel=1e-5)
    assert list(ours_h.bucket_limit) == pytest.approx(list(theirs_h.bucket_limit))
    assert list(ours_h.bucket) == list(theirs_h.bucket)


def test_default_log_dir_and_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_lenet")
    assert writer.get_logdir().startswith("runs/") and writer.log_dir.endswith("_lenet")
    writer.add_text("note", "hello", 0)  # passed on to tensorboardX
    with pytest.raises(AttributeError, match="add_graph needs torch; .*mm.viz.draw_graph"):
        writer.add_graph(None)
    with pytest.raises(AttributeError, match="has no attribute 'add_nothing' \\(it has add_scalar"):
        writer.add_nothing
    writer.close()
    assert any((tmp_path / writer.log_dir).iterdir())
