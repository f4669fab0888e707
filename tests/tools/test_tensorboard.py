"""SummaryWriter writes what torch.utils.tensorboard writes, with the same `tensorboard` package: the same calls,
read back by TensorBoard's own EventAccumulator, give the same scalars, images, histograms, text and PR curves;
engine Tensors are accepted as values; without tensorboard, tensorboardX's copy of the format is used."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
import torch
import torchvision
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import minitorch_mnist as mm
from minitorch_mnist.utils.tensorboard import SummaryWriter
from minitorch_mnist.vision.utils import make_grid

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402


def figure():
    fig = plt.figure(figsize=(2, 1.5), dpi=50)
    plt.plot([0, 1, 2], [2, 0, 1])
    return fig


def write_run(lib, writer_class, log_dir, rng_seed=0):
    """The same tutorial logging code for either framework (the cifar10 TensorBoard tutorial's calls)."""
    rng = np.random.default_rng(rng_seed)
    images = lib.tensor(rng.random((4, 1, 6, 6)).astype(np.float32))
    weights = lib.tensor(rng.standard_normal(500).astype(np.float32))
    grid = make_grid(images, nrow=2) if lib is mm else torchvision.utils.make_grid(images, nrow=2)
    labels, probabilities = rng.integers(0, 2, 200), rng.random(200)
    with writer_class(log_dir, purge_step=0) as writer:
        for step in range(3):
            writer.add_scalar("loss/train", lib.tensor(1.0 / (step + 1)), step)
            writer.add_scalar("lr", 0.1 * 0.5**step, step, walltime=1000.0 + step)
            writer.add_scalar("exact", 1 / 3, step, new_style=True, double_precision=True)
            writer.add_scalars("accuracy", {"train": lib.tensor(0.5 + 0.1 * step), "test": 0.4 + 0.1 * step}, step)
        writer.add_image("samples", grid, 0)
        writer.add_image("hwc", lib.tensor(rng.integers(0, 256, (5, 7, 3)).astype(np.uint8)), 1, dataformats="HWC")
        writer.add_images("batch", images, 0)
        writer.add_histogram("fc.weight", weights, 2)
        writer.add_histogram("fc.weight.coarse", weights, 3, bins=20, max_bins=6)
        writer.add_text("note", "lr 0.1, batch 64", 0)
        writer.add_pr_curve("class 1", lib.tensor(labels), lib.tensor(probabilities), 0, num_thresholds=50)
        writer.add_figure("figure", figure(), 0)
        writer.flush()


def accumulate(folder):
    events = EventAccumulator(str(folder), size_guidance={"images": 0, "histograms": 0, "scalars": 0, "tensors": 0})
    events.Reload()
    return events


def scalars(events, tag):
    return [(event.step, event.value) for event in events.Scalars(tag)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_run(mm, SummaryWriter, folder / "ours")
    write_run(torch, TorchWriter, folder / "theirs")
    return folder


def test_scalars_are_torchs(runs):
    ours, theirs = accumulate(runs / "ours"), accumulate(runs / "theirs")
    assert sorted(ours.Tags()["scalars"]) == sorted(theirs.Tags()["scalars"]) == ["loss/train", "lr"]
    for tag in ["loss/train", "lr"]:
        assert scalars(ours, tag) == scalars(theirs, tag)
    walltimes = [[event.wall_time for event in events.Scalars("lr")] for events in (ours, theirs)]
    assert walltimes[0] == walltimes[1] == [1000, 1001, 1002]
    for run in ["accuracy_train", "accuracy_test"]:  # add_scalars: one run folder per key, as in torch
        assert scalars(accumulate(runs / "ours" / run), "accuracy") == scalars(accumulate(runs / "theirs" / run),
                                                                                "accuracy")
    our_exact, their_exact = ours.Tensors("exact"), theirs.Tensors("exact")
    assert [(e.step, e.tensor_proto) for e in our_exact] == [(e.step, e.tensor_proto) for e in their_exact]
    assert our_exact[0].tensor_proto.double_val == [1 / 3]


@pytest.mark.parametrize("tag", ["samples", "hwc", "batch", "figure"])
def test_images_are_the_same_png(runs, tag):
    (ours,), (theirs,) = accumulate(runs / "ours").Images(tag), accumulate(runs / "theirs").Images(tag)
    assert (ours.step, ours.width, ours.height) == (theirs.step, theirs.width, theirs.height)
    assert ours.encoded_image_string == theirs.encoded_image_string


@pytest.mark.parametrize("tag", ["fc.weight", "fc.weight.coarse"])
def test_histograms_are_torchs(runs, tag):
    (ours,), (theirs,) = accumulate(runs / "ours").Histograms(tag), accumulate(runs / "theirs").Histograms(tag)
    assert ours.step == theirs.step
    assert ours.histogram_value == theirs.histogram_value  # the same float64 arithmetic on the same values


@pytest.mark.parametrize("tag", ["note/text_summary", "class 1"])
def test_text_and_pr_curves_are_torchs(runs, tag):
    ours, theirs = accumulate(runs / "ours"), accumulate(runs / "theirs")
    assert ([(e.step, e.tensor_proto) for e in ours.Tensors(tag)]
            == [(e.step, e.tensor_proto) for e in theirs.Tensors(tag)])
    assert ours.SummaryMetadata(tag) == theirs.SummaryMetadata(tag)


def test_errors_and_a_second_close_are_torchs(tmp_path):
    for writer_class in (SummaryWriter, TorchWriter):
        writer = writer_class(tmp_path / writer_class.__module__)
        with pytest.raises(AssertionError, match="Tensor should contain one element"):
            writer.add_scalar("x", np.ones(2))
        with pytest.raises(ValueError, match="The input has no element"):
            writer.add_histogram("h", np.zeros(0))
        with pytest.raises(AssertionError, match="size of input tensor and input format are different"):
            writer.add_image("i", np.zeros((2, 2)))
        writer.close()
        writer.close()
        writer.add_scalar("after", 1.0)  # a closed writer opens a new event file, as torch's
        writer.close()


def test_default_log_dir_and_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_lenet")
    assert writer.get_logdir().startswith("runs/") and writer.log_dir.endswith("_lenet")
    with pytest.raises(AttributeError, match="add_graph is not supported by the engine.*mm.viz.draw_graph"):
        writer.add_graph(None)
    with pytest.raises(AttributeError, match="has no attribute 'add_nothing' \\(it has add_scalar"):
        writer.add_nothing
    writer.close()
    assert any((tmp_path / writer.log_dir).iterdir())


def test_without_tensorboard_the_writer_uses_tensorboardx(tmp_path):
    pytest.importorskip("tensorboardX")
    program = f"""
import sys
class NoTensorboard:  # as if the tensorboard package were not installed
    def find_spec(self, name, path=None, target=None):
        if name == "tensorboard" or name.startswith("tensorboard."):
            raise ImportError(name)
sys.meta_path.insert(0, NoTensorboard())
from minitorch_mnist.utils.tensorboard import SummaryWriter, summary
assert summary.EventFileWriter.__module__.startswith("tensorboardX")
with SummaryWriter({str(tmp_path)!r}) as writer:
    for step in range(3):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    writer.add_text("note", "hello", 0)
"""
    subprocess.run([sys.executable, "-c", program], check=True)
    events = accumulate(tmp_path)
    assert scalars(events, "loss") == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert events.Tensors("note/text_summary")[0].tensor_proto.string_val == [b"hello"]


def test_add_embedding_writes_torchs_projector_files(tmp_path, rng, capsys):
    features = rng.standard_normal((10, 4)).astype(np.float32)
    images = rng.random((10, 1, 5, 5)).astype(np.float32)
    labels = [f"class {k % 3}" for k in range(10)]
    for lib, writer_class, name in ((mm, SummaryWriter, "ours"), (torch, TorchWriter, "theirs")):
        with writer_class(tmp_path / name) as writer:
            writer.add_embedding(lib.tensor(features), metadata=labels, label_img=lib.tensor(images))
            writer.add_embedding(lib.tensor(features[:3]), metadata=[[1, "a"], [2, "b"], [3, "c"]],
                                 metadata_header=["n", "letter"], global_step=2, tag="a/b")
            writer.add_embedding(lib.tensor(features[:3]), global_step=2, tag="a/b")  # the folder exists: warns
    assert capsys.readouterr().out.count("warning: Embedding dir exists") == 2
    files = sorted(str(path.relative_to(tmp_path / "ours")) for path in (tmp_path / "ours").rglob("*")
                   if path.is_file() and "tfevents" not in path.name)
    assert files == sorted(str(path.relative_to(tmp_path / "theirs")) for path in (tmp_path / "theirs").rglob("*")
                           if path.is_file() and "tfevents" not in path.name)
    assert "projector_config.pbtxt" in files and "00000/default/sprite.png" in files
    for file in files:
        assert (tmp_path / "ours" / file).read_bytes() == (tmp_path / "theirs" / file).read_bytes(), file
