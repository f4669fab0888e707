"""No run lost to the command line itself: a finished run is never wiped by running its command again, a resumed
run keeps writing where its checkpoint lives, paths that could never be written are refused before training,
weights that stopped being finite are never saved as good, and the summary names only files the run wrote.

The command line runs in this process (cli.main, tiny generated data: a run takes a fraction of a second).
"""

import hashlib
import os
import re

import numpy as np
import pytest

from cli_runner import TRAIN, main_in_this_process
from minitorch_mnist.app import cli
from minitorch_mnist.storage import atomic
from minitorch_mnist.storage.checkpoint_format import load_checkpoint
from minitorch_mnist.storage.weights_file import load_weights

pytestmark = pytest.mark.usefixtures("tiny")


def command_line(capsys, *argv):
    """(exit code, stdout, stderr lines) of cli.main(argv), which never lets a traceback through."""
    code, out, lines = main_in_this_process(capsys, *argv)
    assert not any("Traceback" in line or "Warning" in line for line in lines), lines
    return code, out, lines


def refused(capsys, *argv):
    """The one error line of a command refused before it trained anything (exit code 2)."""
    code, out, err = command_line(capsys, *argv)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: "), (code, err)
    assert "training" not in out, "refused before loading any data"
    return err[0][len("error: "):]


def digests(folder):
    return {path.name: hashlib.md5(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_running_a_finished_runs_command_again_is_refused_and_overwrite_starts_over(tmp_path, capsys):
    folder = tmp_path / "run"
    command = [*TRAIN, "--epochs", "2", "--checkpoint-dir", folder, "--log-dir", folder]
    assert command_line(capsys, *command)[0] == 0
    before = digests(folder)
    assert refused(capsys, *command, "--seed", "5") == (
        f"{folder} already holds a run (last.npz, best_model.npz, steps.csv, epochs.csv, epochs.jsonl; last.npz at "
        f"epoch 2); continue it with --resume {folder / 'last.npz'}, or start over with --overwrite (or choose another "
        f"folder)")
    logs_only = tmp_path / "logs"
    assert command_line(capsys, *TRAIN, "--epochs", "1", "--log-dir", logs_only)[0] == 0
    assert refused(capsys, *TRAIN, "--epochs", "1", "--log-dir", logs_only) == (
        f"{logs_only} already holds files of a run (steps.csv, epochs.csv, epochs.jsonl) but no last.npz to resume "
        f"from; start over with --overwrite, or choose another folder")
    assert digests(folder) == before, "nothing of the finished run changed"

    code, out, err = command_line(capsys, *command[:-4], "--epochs", "1", "--checkpoint-dir", folder, "--log-dir",
                                  folder, "--overwrite")
    assert code == 0, err
    assert load_checkpoint(folder / "last.npz")["epoch"] == 1
    assert (folder / "epochs.csv").read_text().count("\n") == 2, "the old run's rows are gone, not mixed in"


def test_a_resumed_run_goes_on_in_its_checkpoint_folder_and_says_when_there_is_nothing_to_do(tmp_path, capsys):
    folder = tmp_path / "run"
    assert command_line(capsys, *TRAIN, "--epochs", "2", "--checkpoint-dir", folder, "--log-dir", folder)[0] == 0
    last = folder / "last.npz"
    code, out, err = command_line(capsys, "train", "--no-progress", "--epochs", "3", "--resume", last)
    assert code == 0, err
    assert f"resuming {last}: checkpoints go to {folder}, logs to {folder}" in out
    assert load_checkpoint(last)["epoch"] == 3
    assert (folder / "epochs.csv").read_text().count("\n") == 1 + 3, "the log goes on too"
    summary = out[out.index("done in"):].splitlines()
    assert summary[1] == f"  checkpoint: {last} (for --resume), best weights: {folder / 'best_model.npz'} (from " \
                         f"before the resume)"

    before = digests(folder)
    code, out, err = command_line(capsys, "train", "--no-progress", "--epochs", "3", "--resume", last)
    assert code == 0 and err == []
    assert out == f"{last} has trained 3 epoch(s) of --epochs 3: nothing to do; to train more, pass --epochs N with " \
                  f"N > 3\n"
    assert digests(folder) == before

    elsewhere = tmp_path / "elsewhere"  # tiny data reach 100% at once: no better model, so no best_model.npz there
    code, out, err = command_line(capsys, "train", "--no-progress", "--epochs", "4", "--resume", last,
                                  "--checkpoint-dir", elsewhere)
    assert code == 0, err
    assert sorted(os.listdir(elsewhere)) == ["last.npz"]
    assert f"  checkpoint: {elsewhere / 'last.npz'} (for --resume)\n" in out and "best weights" not in out


def test_resuming_into_a_folder_that_holds_another_run_is_refused(tmp_path, capsys):
    for name in ("a", "b"):
        assert command_line(capsys, *TRAIN, "--epochs", "1", "--checkpoint-dir", tmp_path / name)[0] == 0
    resume = tmp_path / "a" / "last.npz"
    assert refused(capsys, "train", "--epochs", "2", "--resume", resume, "--checkpoint-dir", tmp_path / "b") == (
        f"{tmp_path / 'b'} holds another run (last.npz, best_model.npz); resuming {resume} there would mix the two "
        f"runs: choose another folder, or pass --overwrite to replace that run")


def test_an_early_stopped_run_has_nothing_to_do(tmp_path, capsys):
    folder = tmp_path / "run"
    assert command_line(capsys, *TRAIN, "--epochs", "3", "--patience", "1", "--checkpoint-dir", folder)[0] == 0
    code, out, _ = command_line(capsys, "train", "--epochs", "5", "--patience", "1", "--resume", folder / "last.npz")
    assert code == 0 and out.startswith(f"{folder / 'last.npz'}: early stopping ended this run after 2 epoch(s)")


def test_a_250_byte_save_name_is_written_and_a_256_byte_one_is_refused_before_training(tmp_path, capsys):
    longest = tmp_path / ("w" * 246 + ".npz")
    code, out, err = command_line(capsys, *TRAIN, "--epochs", "1", "--save", longest)
    assert code == 0, err
    assert load_weights(longest).model == "logistic"
    assert sorted(os.listdir(tmp_path)) == [longest.name], "no temporary file left"
    too_long = tmp_path / ("w" * 252 + ".npz")
    assert refused(capsys, *TRAIN, "--epochs", "1", "--save", too_long) == (
        f"--save: the name {too_long.name[:40]}... is 256 bytes long, but the file system allows at most 255")


def test_temporary_names_fit_wherever_the_final_name_fits(tmp_path):
    for name in ("w" * 255, "é" * 125 + ".npz", "x.npz"):  # the longest names, in bytes, and an ordinary one
        path = tmp_path / name
        with atomic.atomic_write(path) as temporary:
            assert len(os.fsencode(temporary.name)) <= 255 and atomic._TEMPORARY.match(temporary.name)
            temporary.write_bytes(b"data")
        assert path.read_bytes() == b"data"
    assert sorted(os.listdir(tmp_path)) == sorted(["w" * 255, "é" * 125 + ".npz", "x.npz"])


@pytest.mark.parametrize("flags, message", [
    (["--checkpoint-dir", "{tmp}/ck", "--save", "{tmp}/ck/last.npz"],
     "--save {tmp}/ck/last.npz is a file of --checkpoint-dir, which the run writes itself; choose another name"),
    (["--log-dir", "{tmp}/logs", "--save", "{tmp}/logs/epochs.csv"],
     "--save {tmp}/logs/epochs.csv is a file of --log-dir, which the run writes itself; choose another name"),
    (["--save", "{tmp}"], "--save {tmp} is a folder; give a file name, e.g. {tmp}/weights.npz"),
    (["--save", "{tmp}/afile/w.npz"], "--save {tmp}/afile: {tmp}/afile is a file, not a folder"),
    (["--checkpoint-dir", "{tmp}/afile"], "--checkpoint-dir {tmp}/afile: {tmp}/afile is a file, not a folder"),
    (["--log-dir", "{tmp}/afile/logs"], "--log-dir {tmp}/afile/logs: {tmp}/afile is a file, not a folder"),
    (["--data-dir", "{tmp}/afile"], "--data-dir {tmp}/afile is a file, not a folder"),
    (["--checkpoint-dir", "{tmp}/holds"], "{tmp}/holds/last.npz is a folder, where the run's last.npz should go"),
    (["--scheduler", "plateau", "--gamma", "1"],
     "--scheduler plateau needs --gamma below 1 (it multiplies the lr on a plateau), got 1.0"),
    (["--optimizer", "adam", "--momentum", "0.5"], "--momentum is for --optimizer sgd only"),
], ids=["save-over-checkpoint", "save-over-log", "save-folder", "save-under-file", "checkpoint-dir-file",
        "log-dir-under-file", "data-dir-file", "last-npz-folder", "plateau-gamma", "adam-momentum"])
def test_flags_that_could_only_fail_later_are_refused_before_training(flags, message, tmp_path, capsys):
    (tmp_path / "afile").write_text("a file")
    (tmp_path / "holds" / "last.npz").mkdir(parents=True)
    flags = [flag.format(tmp=tmp_path) for flag in flags]
    assert refused(capsys, *TRAIN, *flags).startswith(message.format(tmp=tmp_path))


@pytest.mark.parametrize("fraction, part, advice", [("0.000001", "validation", "larger"),
                                                    ("0.999999", "training", "smaller")])
def test_a_validation_split_that_leaves_a_part_empty_is_refused(fraction, part, advice, capsys):
    code, _, err = command_line(capsys, *TRAIN, "--val-fraction", fraction)
    assert code == 2 and err == [f"error: --val-fraction {float(fraction)} leaves 0 of the 256 tiny training images "
                                 f"for {part}; use a {advice} --val-fraction"]


def test_weights_that_stopped_being_finite_are_never_saved_as_good(tmp_path, capsys):
    folder = tmp_path / "run"  # one step of lr 1e308 per epoch: the loss is finite, the weights after it are not
    code, _, err = command_line(capsys, *TRAIN, "--epochs", "3", "--batch-size", "256", "--lr", "1e308",
                                "--checkpoint-dir", folder)
    assert code == 1 and err == ["error: the weights stopped being finite at the end of epoch 1 (test loss nan); "
                                 "stopped. Last good checkpoint: none written"]
    assert not (folder / "last.npz").exists() and not (folder / "best_model.npz").exists()


def test_the_lock_is_checked_first_so_a_busy_folder_is_named_as_busy(tmp_path, capsys, monkeypatch):
    import fcntl

    folder = tmp_path / "run"
    assert command_line(capsys, *TRAIN, "--epochs", "1", "--checkpoint-dir", folder)[0] == 0
    with open(folder / ".minitorch_mnist.lock", "w") as held:  # as a running train holds it
        held.write("4242 2026-01-01 10:00:00\n")
        held.flush()
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        message = refused_busy = cli.main([*TRAIN, "--epochs", "1", "--checkpoint-dir", str(folder)])
        err = capsys.readouterr().err
    assert refused_busy == 1 and message == 1
    assert re.fullmatch(rf"error: {re.escape(str(folder))} is in use by process 4242 \(started 2026-01-01 10:00:00\); "
                        rf"wait for it to finish or choose another folder\n", err)


def test_the_summary_names_only_files_the_run_wrote(tmp_path, capsys):
    code, out, _ = command_line(capsys, *TRAIN, "--epochs", "1", "--save", tmp_path / "w.npz")
    assert code == 0
    assert out[out.index("done in"):].splitlines()[1:] == [f"  weights: {tmp_path / 'w.npz'}"]
    assert np.load(tmp_path / "w.npz")["__model__"] == "logistic"
