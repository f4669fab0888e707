"""Hand-edited and hostile checkpoints and weights files: every field of the description and every array edited to
something wrong is "FILE is damaged or not a checkpoint: WHAT", exit code 2, for `train --resume` and `evaluate`
alike, and never a traceback, a MemoryError, or a run that quietly trains something else (checkpoint_schema.py).

The command line runs in this process (cli.main, tiny generated data): each case costs milliseconds.
"""

import io
import json
import re
import zipfile

import numpy as np
import pytest

import minitorch_mnist as mm
from cli_runner import TINY_ENTRY, TRAIN, main_in_this_process
from minitorch_mnist.app import cli
from minitorch_mnist.data.datasets import catalog
from minitorch_mnist.storage.checkpoint_format import META_KEY, load_checkpoint, save_checkpoint
from minitorch_mnist.storage.weights_file import DamagedFileError

pytestmark = pytest.mark.usefixtures("tiny")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three finished 2-epoch runs: {"sgd": SGD + StepLR, "adam": Adam + ReduceLROnPlateau on a validation split,
    "partial": the SGD one with a valid mid-epoch-3 position}: their checkpoint folders."""
    folder = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(catalog.DATASETS, "tiny", TINY_ENTRY)
        for name, flags in (("sgd", ["--scheduler", "step"]),
                            ("adam", ["--optimizer", "adam", "--scheduler", "plateau", "--val-fraction", "0.25"])):
            assert cli.main([*TRAIN, "--epochs", "2", "--checkpoint-dir", str(folder / name), *flags]) == 0
    partial = load_checkpoint(folder / "sgd" / "last.npz")
    partial["partial"] = dict(epoch=3, steps=1, loss_sum=0.5, samples=64, loader_rng=partial["rng"]["loader"],
                              seconds=0.1)
    save_checkpoint(folder / "partial.npz", partial)
    return folder


def command_line(capsys, *argv):
    """(exit code, stdout, the one error line) of cli.main(argv): no traceback, exactly one line on stderr."""
    code, out, lines = main_in_this_process(capsys, *argv)
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return code, out, lines[0][len("error: "):]


def base(runs, name):
    return runs / "partial.npz" if name == "partial" else runs / name / "last.npz"


def set_in(path, value):
    """An edit of the loaded checkpoint: set the item at `path` (a tuple of keys) to `value` (or call it on the
    old value when it is a function)."""
    def edit(checkpoint):
        *parents, last = path
        holder = checkpoint
        for key in parents:
            holder = holder[key]
        holder[last] = value(holder[last]) if callable(value) else value
    return edit


def delete(path):
    def edit(checkpoint):
        *parents, last = path
        holder = checkpoint
        for key in parents:
            holder = holder[key]
        del holder[last]
    return edit


W, G = ("model", "lin.weight"), ("optimizer", "param_groups", 0)
EDITS = {  # name: (base run, edit of the loaded checkpoint, what the message names)
    # settings: only what a flag could have given
    "model": ("sgd", set_in(("settings", "model"), "resnet"), "it names the model 'resnet', not one of"),
    "dataset": ("sgd", set_in(("settings", "dataset"), "imagenet"), "it names the dataset 'imagenet', not one of"),
    "optimizer": ("sgd", set_in(("settings", "optimizer"), "rmsprop"),
                  "settings.optimizer should be one of adam, sgd, got 'rmsprop'"),
    "scheduler": ("sgd", set_in(("settings", "scheduler"), "cosine"),
                  "settings.scheduler should be one of none, plateau, step, got 'cosine'"),
    "lr-nan": ("sgd", set_in(("settings", "lr"), float("nan")), "settings.lr should be a non-negative number, got nan"),
    "lr-negative": ("sgd", set_in(("settings", "lr"), -1.0), "settings.lr should be a non-negative number"),
    "momentum-negative": ("sgd", set_in(("settings", "momentum"), -3.0), "settings.momentum should be"),
    "batch-zero": ("sgd", set_in(("settings", "batch_size"), 0), "settings.batch_size should be a positive integer"),
    "batch-fraction": ("sgd", set_in(("settings", "batch_size"), 6.5), "settings.batch_size should be a positive"),
    "val-fraction": ("sgd", set_in(("settings", "val_fraction"), 1.5), "settings.val_fraction should be a number in"),
    "seed-negative": ("sgd", set_in(("settings", "seed"), -1), "settings.seed should be an integer from 0 to 2**64"),
    "seed-huge": ("sgd", set_in(("settings", "seed"), 2 ** 70), "settings.seed should be an integer from 0 to 2**64"),
    "step-size-zero": ("sgd", set_in(("settings", "step_size"), 0), "settings.step_size should be a positive integer"),
    "gamma-negative": ("sgd", set_in(("settings", "gamma"), -3.0), "settings.gamma should be a non-negative number"),
    "plateau-gamma": ("adam", set_in(("settings", "gamma"), 1.5), "settings.gamma should be below 1"),
    # the run's progress
    "epoch-negative": ("sgd", set_in(("epoch",), -3), "epoch should be an integer >= 0, got -3"),
    "epoch-huge": ("sgd", set_in(("epoch",), 10 ** 6), "history should be a list of 1000000 rows"),
    "best-epoch": ("sgd", set_in(("best_epoch",), 99), "best_epoch should be an integer >= 0 and <= 2, got 99"),
    "best-accuracy-nan": ("sgd", set_in(("best_accuracy",), float("nan")), "best_accuracy should be a finite"),
    "best-accuracy-inf": ("sgd", set_in(("best_accuracy",), float("inf")), "best_accuracy should be a finite"),
    "history-empty": ("sgd", set_in(("history",), []), "history should be a list of 2 rows"),
    "history-strings": ("sgd", set_in(("history",), ["a", "b"]), "history[0] should be a mapping, got 'a'"),
    "history-row": ("sgd", delete(("history", 1, "eval_accuracy")), "history[1].eval_accuracy is missing"),
    # a mid-epoch position
    "steps-negative": ("partial", set_in(("partial", "steps"), -4), "partial.steps should be an integer >= 1"),
    "steps-beyond": ("partial", set_in(("partial", "steps"), 4), "partial.steps should be below the 4 batches"),
    "samples-zero": ("partial", set_in(("partial", "samples"), 0), "partial.samples should be an integer >= 1"),
    "partial-epoch": ("partial", set_in(("partial", "epoch"), 7), "partial.epoch should be epoch + 1 (3), got 7"),
    "loss-sum-nan": ("partial", set_in(("partial", "loss_sum"), float("nan")), "partial.loss_sum should be a finite"),
    "seconds": ("partial", set_in(("partial", "seconds"), -1e300), "partial.seconds should be a finite number >= 0"),
    "partial-rng": ("partial", set_in(("partial", "loader_rng", "bit_generator"), "MT19937"),
                    "partial.loader_rng.bit_generator should be one of PCG64"),
    # RNG states
    "rng-negative": ("sgd", set_in(("rng", "loader", "state", "state"), -1), "rng.loader.state.state should be"),
    "rng-fraction": ("sgd", set_in(("rng", "loader", "state", "inc"), 1.5), "rng.loader.state.inc should be"),
    # the optimizer
    "buffer-int": ("sgd", set_in(("optimizer", "state", 0, "momentum_buffer"), lambda a: a.astype(np.int64)),
                   "optimizer.state[0].momentum_buffer should be an array of floating-point numbers"),
    "buffer-shape": ("sgd", set_in(("optimizer", "state", 0, "momentum_buffer"), np.zeros((3, 784), np.float32)),
                     "optimizer.state[0].momentum_buffer should have its parameter's shape (10, 784), got (3, 784)"),
    "buffer-number": ("sgd", set_in(("optimizer", "state", 0, "momentum_buffer"), 3),
                      "optimizer.state[0].momentum_buffer should be an array of floating-point numbers, got 3"),
    "state-list": ("sgd", set_in(("optimizer", "state"), [1, 2]), "optimizer.state should be a mapping"),
    "state-key": ("sgd", set_in(("optimizer", "state"), lambda state: {"zz": state[0]}),
                  "optimizer.state key 'zz' should be a parameter number from 0 to 1"),
    "params": ("sgd", set_in(G + ("params",), [7, 9]), "optimizer.param_groups[].params should be the numbers 0 to 1"),
    "group-lr": ("sgd", set_in(G + ("lr",), -5.0), "optimizer.param_groups[0].lr should be a finite number >= 0"),
    "group-lr-nan": ("adam", set_in(G + ("lr",), float("nan")), "optimizer.param_groups[0].lr should be a finite"),
    "nesterov": ("sgd", set_in(G + ("nesterov",), "yes"), "optimizer.param_groups[0].nesterov should be true or false"),
    "adam-step-string": ("adam", set_in(("optimizer", "state", 0, "step"), "8"), "optimizer.state[0].step should be"),
    "adam-step-negative": ("adam", set_in(("optimizer", "state", 0, "step"), -8), "optimizer.state[0].step should be"),
    "adam-step-fraction": ("adam", set_in(("optimizer", "state", 0, "step"), 8.5), "optimizer.state[0].step should"),
    "adam-step-zero": ("adam", set_in(("optimizer", "state", 0, "step"), 0), "optimizer.state[0].step should be"),
    "betas": ("adam", set_in(G + ("betas",), [1, 1]), "optimizer.param_groups[0].betas[0] should be a finite number"),
    "second-moment": ("adam", set_in(("optimizer", "state", 0, "exp_avg_sq"), lambda a: a - 1),
                      "optimizer.state[0].exp_avg_sq should be an array of numbers >= 0"),
    # the scheduler
    "scheduler-null": ("sgd", set_in(("scheduler",), None), "scheduler should be the state of the step scheduler"),
    "plateau-mode": ("adam", set_in(("scheduler", "mode"), "sideways"), "scheduler.mode should be one of min, max"),
    "plateau-factor": ("adam", set_in(("scheduler", "factor"), 7.0), "scheduler.factor should be a finite number"),
    "plateau-best": ("adam", set_in(("scheduler", "best"), float("nan")), "scheduler.best should be a number (not"),
    "plateau-patience": ("adam", set_in(("scheduler", "patience"), -4), "scheduler.patience should be an integer"),
    "plateau-threshold-mode": ("adam", set_in(("scheduler", "threshold_mode"), "zzz"),
                               "scheduler.threshold_mode should be one of rel, abs"),
    "step-gamma": ("sgd", set_in(("scheduler", "gamma"), 0.5), "scheduler.gamma should be settings.gamma (0.1)"),
    # the model's arrays
    "weights-int8": ("sgd", set_in(W, lambda a: a.astype(np.int8)), "model['lin.weight'] should be a float32 array"),
    "weights-float64": ("sgd", set_in(W, lambda a: a.astype(np.float64)), "model['lin.weight'] should be a float32"),
    "weights-bool": ("sgd", set_in(W, lambda a: a > 0), "model['lin.weight'] should be an array of real numbers"),
    "weights-complex": ("sgd", set_in(W, lambda a: a.astype(np.complex64)), "model['lin.weight'] should be an array"),
    "weights-nan": ("sgd", set_in(W, lambda a: a * np.nan), "model['lin.weight'] should be an array of finite numbers"),
    "weights-shape": ("sgd", set_in(W, lambda a: a.reshape(-1)), "its weights do not fit it: other shapes: lin.weight"),
    "weights-extra": ("sgd", set_in(("model", "extra.w"), np.zeros(3, np.float32)), "unexpected extra.w"),
    "weights-missing": ("sgd", delete(("model", "lin.bias")), "its weights do not fit it: missing lin.bias"),
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edited_checkpoint_is_damaged_for_resume_and_evaluate(name, runs, tmp_path, capsys):
    run_name, edit, problem = EDITS[name]
    checkpoint = load_checkpoint(base(runs, run_name))
    edit(checkpoint)
    path = tmp_path / "edited.npz"
    save_checkpoint(path, checkpoint)

    code, out, message = command_line(capsys, *TRAIN[:1], "--no-progress", "--epochs", "4", "--resume", path)
    assert code == 2 and message.startswith(f"{path} is damaged or not a checkpoint: ") and problem in message, message
    assert not re.search(r"^epoch \d+:", out, flags=re.M), "nothing was trained"
    if name not in ("steps-beyond", "buffer-shape"):  # those need the run's own objects, which evaluate never builds
        code, _, message = command_line(capsys, "evaluate", path)
        assert code == 2 and problem in message, message
        assert message.startswith(f"{path} is damaged or not a weights or checkpoint file: "), message


def test_the_unedited_checkpoints_resume(runs, tmp_path, capsys):
    for name in ("sgd", "adam", "partial"):
        assert cli.main([*TRAIN[:1], "--no-progress", "--epochs", "3", "--resume", str(base(runs, name)),
                         "--checkpoint-dir", str(tmp_path / name)]) == 0, capsys.readouterr().err
        assert load_checkpoint(tmp_path / name / "last.npz")["epoch"] == 3


def raw_description(runs, tmp_path, description):
    """A copy of the SGD checkpoint whose JSON description is replaced by `description` (text)."""
    with np.load(base(runs, "sgd")) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays[META_KEY] = np.array(description)
    path = tmp_path / "raw.npz"
    with open(path, "wb") as file:
        np.savez(file, **arrays)
    return path


@pytest.mark.parametrize("description, problem", [
    (json.dumps({"format": "minitorch_mnist.storage.checkpoint_format/1", "state": 5}),
     "its run state should be a mapping, got 5"),
    (json.dumps({"format": "minitorch_mnist.storage.checkpoint_format/1"}), "its run state should be a mapping, got None"),
    ('{"format": "minitorch_mnist.storage.checkpoint_format/1", "state": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nested too deeply"),
], ids=["state-5", "no-state", "deep-nesting"])
def test_a_malformed_description_is_damage(description, problem, runs, tmp_path, capsys):
    path = raw_description(runs, tmp_path, description)
    for argv in ([*TRAIN[:1], "--resume", path], ["evaluate", path]):
        code, _, message = command_line(capsys, *argv)
        assert code == 2 and problem in message, message


def huge(source, path, entry):
    """A copy of `source` whose entry's .npy header declares 90 TiB, with 16 bytes of data behind it."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (90 * 2 ** 40 // 8,)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    buffer.write(b"\0" * 16)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, buffer.getvalue() if info.filename == entry + ".npy" else old.read(info))
    return path


def test_a_tiny_file_that_declares_a_huge_array_is_refused_before_allocating(runs, tmp_path, capsys):
    problem = "declares a (12369505812480,) float64 array (90.0 TiB), but the file holds 16 bytes for it"
    checkpoint = huge(base(runs, "sgd"), tmp_path / "last.npz", "a0")
    weights = huge(runs / "sgd" / "best_model.npz", tmp_path / "best.npz", "lin.weight")
    for path in (checkpoint, weights):
        code, _, message = command_line(capsys, "evaluate", path)
        assert code == 2 and message == f"{path} is damaged or not a weights or checkpoint file: entry " \
                                        f"'{'a0' if path == checkpoint else 'lin.weight'}' {problem}"
        with pytest.raises(DamagedFileError, match=r"90\.0 TiB"):
            mm.load(path)
    code, _, message = command_line(capsys, *TRAIN[:1], "--resume", checkpoint)
    assert code == 2 and problem in message


def test_a_deflated_entry_that_claims_more_than_deflate_can_give_is_refused(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        buffer = io.BytesIO()
        np.save(buffer, np.zeros(1 << 16, np.uint8))
        archive.writestr("a.npy", buffer.getvalue())
    data = bytearray(path.read_bytes())
    # claim 4 GiB uncompressed, in the local header (size at byte 22) and in the central directory (byte 24 of it)
    for offset in (22, data.rindex(b"PK\x01\x02") + 24):
        data[offset:offset + 4] = (2 ** 32 - 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedFileError, match=r"entry 'a' declares 4\.0 GiB, more than the .* stored for it can hold"):
        mm.load(path)


@pytest.mark.parametrize("entries, problem", [
    ({"__model__": np.array([1, 2, 3])}, "entry '__model__' should be a name, got int64"),
    ({"__model__": np.array(b"logistic")}, "entry '__model__' should be a name, got |S8"),
    ({"__dataset__": np.array("cifar10")}, "model logistic takes inputs of shape (1, 28, 28), but cifar10 images"),
    ({"__dataset__": np.array("imagenet")}, "it names the dataset 'imagenet'"),
    ({"lin.weight": np.full((10, 784), np.nan, np.float32)}, "model['lin.weight'] holds NaN or infinity"),
    ({"lin.weight": np.zeros((10, 784), np.float16)}, "model['lin.weight'] should be a float32 array, got float16"),
    ({"extra": np.zeros(3, np.float32)}, "its weights do not fit it: unexpected extra"),
], ids=["model-numbers", "model-bytes", "dataset-does-not-fit", "dataset-unknown", "nan", "float16", "extra"])
def test_an_edited_weights_file_is_damaged(entries, problem, runs, tmp_path, capsys):
    with np.load(runs / "sgd" / "best_model.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays.update(entries)
    path = tmp_path / "w.npz"
    with open(path, "wb") as file:
        np.savez(file, **arrays)
    code, _, message = command_line(capsys, "evaluate", path)
    assert code == 2 and message.startswith(f"{path} is damaged or not a weights or checkpoint file: ") and \
        problem in message, message


def test_an_archive_member_that_is_not_an_array_is_damage(runs, tmp_path, capsys):
    path = tmp_path / "w.npz"
    path.write_bytes((runs / "sgd" / "best_model.npz").read_bytes())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("notes.txt", "hello")
    code, _, message = command_line(capsys, "evaluate", path)
    assert code == 2 and message == (f"{path} is damaged or not a weights or checkpoint file: entry 'notes.txt' is not "
                                     f"an array (.npy)")


def test_a_weights_file_given_to_resume_or_mm_load_says_what_it_is(runs, capsys):
    best = runs / "sgd" / "best_model.npz"
    code, _, message = command_line(capsys, *TRAIN[:1], "--resume", best)
    assert code == 2 and message == (f"{best} is damaged or not a checkpoint: it holds model weights only (a weights "
                                     f"file: train --save, best_model.npz), not a training checkpoint: resume from a "
                                     f"last.npz; evaluate and storage.weights_file.load_weights read weights")
    with pytest.raises(DamagedFileError, match="it holds model weights only"):
        mm.load(best)
