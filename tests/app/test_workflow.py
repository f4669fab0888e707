"""The training workflow: exact resume (also after a real kill mid-epoch), early stopping, NaN stops,
atomic checkpoints, metrics files and plots, for the engine and the reference alike."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import nn
from minitorch_mnist.storage import checkpoint_format
from minitorch_mnist.data import DataLoader, TensorDataset
from minitorch_mnist.storage.weights_file import load_weights
from minitorch_mnist.app.loop import EngineBackend, NonFiniteLossError
from minitorch_mnist.app.fit import fit
from reference.backend import TorchBackend

REPO = Path(__file__).resolve().parents[2]


def toy_data(seed=0, n=96):
    """A small learnable problem: 10 classes from 20 noisy features."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n)
    centres = rng.standard_normal((10, 20)).astype(np.float32)
    features = centres[labels] + 0.5 * rng.standard_normal((n, 20)).astype(np.float32)
    return TensorDataset(features, labels)


def engine_setup(seed):
    mm.manual_seed(seed)
    model = nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 10))
    optimizer = mm.optim.Adam(model.parameters(), lr=0.01)
    scheduler = mm.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    return model, optimizer, scheduler, EngineBackend


def torch_setup(seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.BatchNorm1d(32), torch.nn.ReLU(),
                                torch.nn.Dropout(0.2), torch.nn.Linear(32, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    return model, optimizer, scheduler, TorchBackend("cpu")


def run_fit(setup, epochs, checkpoint_dir=None, resume=None, log_dir=None):
    model, optimizer, scheduler, backend = setup(seed=5)
    train_loader = DataLoader(toy_data(), batch_size=16, shuffle=True, seed=3)
    eval_loader = DataLoader(toy_data(seed=1, n=40), batch_size=20)
    history = fit(model, optimizer, train_loader, eval_loader, epochs, backend, scheduler=scheduler,
                  checkpoint_dir=checkpoint_dir, resume=resume, log_dir=log_dir, progress=False, log=lambda _: None)
    return backend.numpy_state(model), history


@pytest.mark.parametrize("setup", [engine_setup, torch_setup], ids=["engine", "reference"])
def test_resumed_run_ends_with_the_same_weights_as_an_uninterrupted_one(setup, tmp_path):
    straight, straight_history = run_fit(setup, epochs=5)
    run_fit(setup, epochs=2, checkpoint_dir=tmp_path)
    resumed, resumed_history = run_fit(setup, epochs=5, checkpoint_dir=tmp_path, resume=tmp_path / "last.npz")
    for name, value in straight.items():
        assert np.array_equal(resumed[name], value), name
    def without_timing(history):
        return [{key: value for key, value in row.items() if key != "seconds"} for row in history]

    assert without_timing(resumed_history) == without_timing(straight_history)  # metrics and lr continue too
    assert [row["lr"] for row in straight_history] != [0.01] * 5, "the scheduler should have acted"


def test_metrics_files_and_plots_are_written(tmp_path):
    _, history = run_fit(engine_setup, epochs=3, log_dir=tmp_path)
    steps = (tmp_path / "steps.csv").read_text().splitlines()
    assert steps[0] == "epoch,step,loss,lr" and len(steps) == 1 + 3 * 6  # 96 samples / 16 per batch
    epochs = [json.loads(line) for line in (tmp_path / "epochs.jsonl").read_text().splitlines()]
    assert [row["epoch"] for row in epochs] == [1, 2, 3]
    assert epochs[-1]["eval_accuracy"] == history[-1]["eval_accuracy"]
    assert set(epochs[0]["gradients"]) == {"0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"}
    assert epochs[0]["gradients"]["0.weight"]["norm"] > 0
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "samples.png").exists(), "no image grid for data that are not images"


def test_tensorboard_events_are_written_when_the_package_is_installed(tmp_path):
    pytest.importorskip("tensorboard")
    run_fit(engine_setup, epochs=1, log_dir=tmp_path)
    events = list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))
    assert len(events) == 1 and events[0].stat().st_size > 100


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    model = nn.Linear(20, 10)
    optimizer = mm.optim.SGD(model.parameters(), lr=0.0)  # nothing changes: accuracy never improves
    messages = []
    history = fit(model, optimizer, DataLoader(toy_data(), batch_size=32), DataLoader(toy_data(1, 40), batch_size=40),
                  epochs=10, patience=2, progress=False, log=messages.append)
    assert len(history) == 3
    assert messages[-1].startswith("early stopping: no better test accuracy for 2 epoch(s)")


class ExplodesAtStep(nn.Module):
    """A linear model whose output becomes NaN from the given (global) training step on."""

    def __init__(self, step):
        super().__init__()
        self.linear = nn.Linear(20, 10)
        self.explode_at, self.calls = step, 0

    def forward(self, x):
        if self.training:
            self.calls += 1
        out = self.linear(x)
        return out * float("nan") if self.calls >= self.explode_at else out


def test_nan_loss_stops_training_naming_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    model = ExplodesAtStep(step=6 + 2)  # 3 batches per epoch: the second step of epoch 3
    optimizer = mm.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(toy_data(), batch_size=32)
    with pytest.raises(NonFiniteLossError, match=r"loss became nan at epoch 3, step 2; stopped\. Last good "
                                                 r"checkpoint: .*last\.npz"):
        fit(model, optimizer, loader, DataLoader(toy_data(1, 40), batch_size=40), epochs=5,
            checkpoint_dir=tmp_path, progress=False, log=lambda _: None)
    saved = checkpoint_format.load_checkpoint(tmp_path / "last.npz")
    assert saved["epoch"] == 2 and np.isfinite(saved["model"]["linear.weight"]).all()


def test_a_failed_checkpoint_write_leaves_the_previous_one_intact(tmp_path, monkeypatch):
    path = tmp_path / "last.npz"
    checkpoint_format.save_checkpoint(path, {"epoch": 1, "weights": np.ones(3)})

    def crash_midway(file, **arrays):
        file.write(b"PK\x03\x04 partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        checkpoint_format.save_checkpoint(path, {"epoch": 2, "weights": np.zeros(3)})
    assert checkpoint_format.load_checkpoint(path)["epoch"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["last.npz"]


def test_checkpoints_refuse_pickled_objects(tmp_path):
    with pytest.raises(TypeError, match="without pickle"):
        checkpoint_format.save_checkpoint(tmp_path / "c.npz", {"bad": np.array([object()])})
    np.savez(tmp_path / "pickled.npz", __meta__=np.array([{"format": "x"}], dtype=object))
    with pytest.raises(ValueError, match="not a checkpoint"):
        checkpoint_format.load_checkpoint(tmp_path / "pickled.npz")


def cli(*args):
    return [sys.executable, "-m", "minitorch_mnist", "train", "--model", "logistic", "--epochs", "3",
            "--optimizer", "adam", "--lr", "0.002", "--val-fraction", "0.1", "--scheduler", "plateau",
            "--no-progress", *args]


def run_until(command, env, steps, epoch, signal_number):
    """Start `command`, send it `signal_number` once steps.csv shows it well into `epoch`; (exit code, stderr)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # Ctrl-C not ignored
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if steps.exists() and steps.read_text().count(f"\n{epoch},") > 50:
            break
        time.sleep(0.01)
    process.send_signal(signal_number)
    return process.returncode if process.returncode is not None else process.wait(), process.communicate()[1]


@pytest.mark.slow
def test_a_run_interrupted_and_killed_mid_epoch_and_resumed_matches_the_uninterrupted_run(mnist_root, tmp_path):
    env = dict(os.environ, MINITORCH_DATA=str(mnist_root))
    subprocess.run(cli("--save", str(tmp_path / "straight.npz")), env=env, check=True, capture_output=True)
    folder = tmp_path / "run"
    last, steps = folder / "last.npz", folder / "steps.csv"
    run_flags = ["--checkpoint-dir", str(folder), "--log-dir", str(folder)]

    # Ctrl-C in epoch 2: a checkpoint of the very step reached, and a message saying how to continue
    code, stderr = run_until(cli(*run_flags), env, steps, 2, signal.SIGINT)
    assert code == 130, stderr
    stopped_at = checkpoint_format.load_checkpoint(last)["partial"]
    assert stopped_at["epoch"] == 2 and stopped_at["steps"] > 50
    assert stderr.startswith(f"error: interrupted (SIGINT) at epoch 2, step {stopped_at['steps']}; the "
                                         f"last checkpoint is {last} (epoch 2, step {stopped_at['steps']}); "
                                         f"continue with: python -m minitorch_mnist ")
    assert steps.read_text().count("\n2,") == stopped_at["steps"], "every finished step is in the log"

    # resumed from that step, then killed (SIGKILL: no checkpoint of its own) in epoch 3
    code, _ = run_until(cli(*run_flags, "--resume", str(last)), env, steps, 3, signal.SIGKILL)
    assert code == -signal.SIGKILL, "the run finished before it could be killed"
    assert checkpoint_format.load_checkpoint(last)["epoch"] == 2

    subprocess.run(cli(*run_flags, "--resume", str(last), "--save", str(tmp_path / "resumed.npz")),
                   env=env, check=True, capture_output=True)
    straight, resumed = load_weights(tmp_path / "straight.npz"), load_weights(tmp_path / "resumed.npz")
    for name, value in straight.state.items():
        assert np.array_equal(resumed.state[name], value), name
    epochs_logged = [json.loads(line)["epoch"] for line in (folder / "epochs.jsonl").read_text().splitlines()]
    assert epochs_logged == [1, 2, 3], "the killed epoch's partial log was dropped on resume"
    step_numbers = [int(line.split(",")[1]) for line in steps.read_text().splitlines()[1:]]
    assert step_numbers == list(range(1, len(step_numbers) + 1)), "each step logged once"
    assert (folder / "samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_frozen_backbone_stays_bit_identical_while_the_head_trains(rng):
    from minitorch_mnist.models import LeNet

    model = LeNet()
    for layer in (model.conv1, model.conv2, model.fc1):
        layer.requires_grad_(False)
    frozen_before = {name: value.clone() for name, value in model.state_dict().items() if not name.startswith(("fc2", "fc3"))}
    head_before = model.fc3.weight.array.copy()
    optimizer = mm.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    for _ in range(5):
        images = mm.tensor(rng.standard_normal((8, 1, 28, 28)).astype(np.float32))
        labels = mm.tensor(rng.integers(0, 10, size=8))
        optimizer.zero_grad()
        mm.nn.functional.cross_entropy(model(images), labels).backward()
        optimizer.step()
    for name, value in frozen_before.items():
        assert np.array_equal(model.state_dict()[name], value), f"{name} changed although frozen"
        assert model.state_dict()[name].dtype == value.dtype
    assert not np.array_equal(model.fc3.weight.array, head_before)
