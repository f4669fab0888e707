"""What a user meets around a run: one run per folder, leftovers cleared, resume settings, evaluate on
checkpoints, --help, NaN stops without warnings, and the summary at the end (tests/cli_runner.py, tiny data)."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from cli_runner import RUNNER, TRAIN, one_error_line, run
from minitorch_mnist.app import cli
from minitorch_mnist.storage.checkpoint_format import load_checkpoint, save_checkpoint
from minitorch_mnist.app.monitor import TENSORBOARD_MISSING


def error_line(result):
    """one_error_line, and no warning on stderr either."""
    return one_error_line(result, forbidden=("Traceback", "Warning"))


def test_a_second_run_in_the_same_folder_is_refused_and_a_crashed_run_leaves_no_stuck_lock(tmp_path):
    folder = tmp_path / "run"
    first = subprocess.Popen([sys.executable, str(RUNNER), "engine", *TRAIN, "--epochs", "2", "--checkpoint-dir",
                              str(folder), "--log-dir", str(folder)],
                             env=dict(os.environ, CLI_RUNNER_SIGNAL="SIGSTOP:1:2"),  # it halts mid-epoch, locked
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "steps.csv").exists() or (folder / "steps.csv").read_text().count("\n") < 3:
            assert time.monotonic() < deadline and first.poll() is None, "the first run did not get going"
            time.sleep(0.05)
        second = run(*TRAIN, "--epochs", "1", "--log-dir", folder)
        assert second.returncode == 1
        assert re.fullmatch(rf"{re.escape(str(folder))} is in use by process {first.pid} \(started \d{{4}}-\d\d-\d\d "
                            rf"\d\d:\d\d:\d\d\); wait for it to finish or choose another folder", error_line(second))
    finally:
        first.send_signal(signal.SIGKILL)  # a crash: no chance to remove its lock file
        first.wait()
    assert (folder / ".minitorch_mnist.lock").exists()
    third = run(*TRAIN, "--epochs", "1", "--checkpoint-dir", folder, "--log-dir", folder, "--overwrite")  # the
    # killed run left steps.csv: without --overwrite the folder is refused as one that holds a run
    assert third.returncode == 0, third.stderr
    assert not (folder / ".minitorch_mnist.lock").exists()


def test_temporary_files_of_killed_writes_are_removed_at_start_and_on_resume(tmp_path):
    leftovers = [".last.npz.k2j4_x9q.tmp.npz", ".epochs.csv.ab12cd34.tmp.csv"]
    kept = ["notes.tmp", "my.tmp.npz"]  # not the writer's pattern
    for name in leftovers + kept:
        (tmp_path / name).write_text("partial")
    fresh = run(*TRAIN, "--epochs", "1", "--checkpoint-dir", tmp_path, "--log-dir", tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert f"removed 2 temporary file(s) that an interrupted write left in {tmp_path}" in fresh.stdout
    assert not any((tmp_path / name).exists() for name in leftovers)
    assert all((tmp_path / name).exists() for name in kept)

    (tmp_path / leftovers[0]).write_text("partial")
    resumed = run(*TRAIN, "--epochs", "2", "--checkpoint-dir", tmp_path, "--resume", tmp_path / "last.npz")
    assert resumed.returncode == 0 and not (tmp_path / leftovers[0]).exists()


@pytest.fixture(scope="module")
def first_epoch(tmp_path_factory):
    """A 1-epoch run with lr 0.002 and batch 32: its checkpoint folder."""
    folder = tmp_path_factory.mktemp("run")
    result = run(*TRAIN, "--epochs", "1", "--lr", "0.002", "--batch-size", "32", "--checkpoint-dir", folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_resume_keeps_the_checkpoint_settings_in_the_banner_and_the_training(first_epoch, tmp_path):
    log = tmp_path / "log"
    result = run(*TRAIN, "--epochs", "2", "--resume", first_epoch / "last.npz", "--log-dir", log,
                 "--checkpoint-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sgd lr 0.002, batch 32, seed 1, resuming" in result.stdout
    steps = (log / "steps.csv").read_text().splitlines()[1:]
    assert len(steps) == 256 // 32 and {line.split(",")[3] for line in steps} == {"0.002"}
    assert load_checkpoint(tmp_path / "last.npz")["settings"]["lr"] == 0.002


@pytest.mark.parametrize("flag, value, saved", [("--lr", "0.5", "0.002"), ("--batch-size", "64", "32")])
def test_resume_refuses_flags_that_contradict_the_checkpoint(flag, value, saved, first_epoch):
    last = first_epoch / "last.npz"
    result = run(*TRAIN, "--epochs", "2", "--resume", last, flag, value)
    assert result.returncode == 2
    assert error_line(result) == (f"{flag} {value} differs from the {flag} {saved} that {last} was made with; a "
                                  f"resumed run keeps its checkpoint's settings: leave {flag} out")


def test_resuming_another_models_checkpoint_names_the_model(first_epoch):
    result = run("train", "--dataset", "tiny", "--model", "mlp", "--resume", first_epoch / "last.npz")
    assert result.returncode == 2
    assert error_line(result) == f"{first_epoch / 'last.npz'} holds a logistic model; pass --model logistic"


def test_a_checkpoint_that_partly_fits_lists_the_keys(first_epoch, tmp_path):
    old = load_checkpoint(first_epoch / "last.npz")
    del old["settings"], old["model"]["lin.bias"]  # as if written by an older version, for a model without bias
    save_checkpoint(tmp_path / "old.npz", old)
    result = run(*TRAIN, "--epochs", "2", "--lr", "0.002", "--batch-size", "32", "--resume", tmp_path / "old.npz")
    assert result.returncode == 2
    assert error_line(result) == f"{tmp_path / 'old.npz'} does not fit the logistic model: missing lin.bias"


def test_evaluate_reads_a_checkpoint(tmp_path):
    trained = run(*TRAIN, "--epochs", "1", "--lr", "0.001", "--checkpoint-dir", tmp_path)
    evaluated = run("evaluate", tmp_path / "last.npz")
    assert trained.returncode == evaluated.returncode == 0, evaluated.stderr
    accuracy = re.search(r"test accuracy (\d+\.\d+)%", trained.stdout).group(1)
    assert evaluated.stdout.strip().endswith(f"test accuracy {accuracy}%")
    assert evaluated.stdout.startswith(f"logistic on tiny ({tmp_path / 'last.npz'})")


def test_help_shows_each_default_once(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "1000")  # no wrapping within an option's help
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    options = capsys.readouterr().out.split("options:")[1]
    lines = {entry.split()[0]: " ".join(entry.split()) for entry in re.split(r"\n(?=  -)", options) if entry.strip()}
    for option, default in [("--model", "lenet"), ("--epochs", "2"), ("--lr", "0.01"), ("--batch-size", "64"),
                            ("--optimizer", "sgd"), ("--seed", "1")]:
        assert lines[option].endswith(f"(default: {default})"), lines[option]
    for line in lines.values():
        assert line.count("default") <= 1 and "(default: None)" not in line, line


def test_a_nan_loss_stops_with_one_line_and_no_numpy_warnings(tmp_path):
    result = run(*TRAIN, "--epochs", "2", "--lr", "1e300", "--checkpoint-dir", tmp_path)  # weights overflow
    assert result.returncode == 1
    assert re.fullmatch(r"training loss became nan at epoch 1, step \d; stopped\. Last good checkpoint: none written",
                        error_line(result))


def test_the_end_of_a_run_says_where_everything_went(tmp_path):
    result = run(*TRAIN, "--epochs", "2", "--checkpoint-dir", tmp_path, "--log-dir", tmp_path / "logs",
                 "--save", tmp_path / "w.npz", env={"CLI_RUNNER_NO_TENSORBOARD": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(TENSORBOARD_MISSING) == 1 and "pip install tensorboard" in TENSORBOARD_MISSING
    epochs = [json.loads(line) for line in (tmp_path / "logs" / "epochs.jsonl").read_text().splitlines()]
    best = max(epochs, key=lambda row: row["eval_accuracy"])
    summary = result.stdout[result.stdout.index("done in"):].splitlines()
    assert re.fullmatch(rf"done in \d+\.\d s; best test accuracy {best['eval_accuracy']:.2f}% at epoch "
                        rf"{best['epoch']}", summary[0])
    assert summary[1:] == [f"  checkpoint: {tmp_path / 'last.npz'} (for --resume), best weights: "
                           f"{tmp_path / 'best_model.npz'}",
                           f"  weights: {tmp_path / 'w.npz'}",
                           f"  logs: {tmp_path / 'logs'} (steps.csv, epochs.csv, epochs.jsonl, curves.png, "
                           f"samples.png)"]
    assert np.load(tmp_path / "w.npz")["__model__"] == "logistic"
