"""Faults met by the command line: a full disk, damaged input files, Ctrl-C and SIGTERM, a bad --device.

Each runs the CLI in a subprocess (tests/cli_runner.py, on tiny generated data) and checks the exit code, the
one-line message, and that no work was lost.
"""

import json
import shlex
import shutil
import subprocess

import numpy as np
import pytest

from cli_runner import PAGE, TRAIN, one_error_line, pages, run
from minitorch_mnist.storage.checkpoint_format import META_KEY, load_checkpoint
from minitorch_mnist.storage.weights_file import load_weights


# ---- a full disk ----

def tmpfs_works(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "--user", "--map-root-user", "--mount", "mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs",
             str(folder)]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.fixture(scope="module", params=["tmpfs", "injected"])
def small_disk(request, tmp_path_factory):
    """make(size) -> (disk folder, run_on_it(*argv, env=None), folder to inspect afterwards): a real tmpfs of
    `size` bytes in a private mount namespace (copied out after the run), or cli_runner's emulation of one
    where mounting is not allowed."""
    if request.param == "tmpfs" and not tmpfs_works(tmp_path_factory):
        pytest.skip("cannot mount a tmpfs here (no unshare or no user namespaces); the injected disk covers it")

    def make(size):
        disk, snapshot = tmp_path_factory.mktemp("disk"), tmp_path_factory.mktemp("snapshot")
        if request.param == "injected":
            def run_on_it(*argv, env=None):
                return run(*argv, env=dict(env or {}, CLI_RUNNER_DISK=f"{disk}:{size}"))
            return disk, run_on_it, disk
        script = ('disk=$1 snapshot=$2 size=$3; shift 3; mount -t tmpfs -o size=$size tmpfs "$disk" || exit 99; '
                  '"$@"; code=$?; cp -a "$disk"/. "$snapshot"/; exit $code')
        prefix = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", str(disk),
                  str(snapshot), str(size)]
        return disk, lambda *argv, env=None: run(*argv, env=env, prefix=prefix), snapshot

    return make


NO_TENSORBOARD = {"CLI_RUNNER_NO_TENSORBOARD": "1"}


def test_a_full_disk_under_the_checkpoints_keeps_the_previous_checkpoint(small_disk, tmp_path):
    reference_run = tmp_path / "one_epoch"
    assert run(*TRAIN, "--epochs", "1", "--checkpoint-dir", reference_run).returncode == 0
    one_epoch = sum(pages(path.stat().st_size) for path in reference_run.iterdir()) + PAGE  # + the lock file
    disk, run_on_disk, after = small_disk(one_epoch + 4 * PAGE)  # epoch 1 fits; epoch 2's new files do not

    result = run_on_disk(*TRAIN, "--epochs", "2", "--checkpoint-dir", disk)
    assert result.returncode == 1
    message = one_error_line(result)
    assert message.startswith(f"cannot write {disk}/") and ": No space left on device (the previous " in message
    assert "epoch 1:" in result.stdout and "epoch 2:" in result.stdout
    assert load_checkpoint(after / "last.npz")["epoch"] == 1
    assert sorted(path.name for path in after.iterdir()) == ["best_model.npz", "last.npz"], "no temp file, no lock"


def test_a_full_disk_under_the_logs_costs_no_training_state(small_disk, tmp_path):
    # the issue: a full --log-dir used to end the run (exit 1) without the step's checkpoint or --save; logging is
    # best effort now, so one warning, and the run completes with every checkpoint and the saved weights
    disk, run_on_disk, after = small_disk(PAGE)  # room for the lock file only
    result = run_on_disk(*TRAIN, "--epochs", "2", "--log-dir", disk, "--checkpoint-dir", tmp_path / "run",
                         "--save", tmp_path / "w.npz", env=NO_TENSORBOARD)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"warning: logging to {disk} stopped at epoch 1, step 1 (cannot write "
                                          f"{disk}/steps.csv: No space left on device); training goes on, "
                                          f"checkpoints are not affected"]
    assert load_checkpoint(tmp_path / "run" / "last.npz")["epoch"] == 2
    assert load_weights(tmp_path / "w.npz").model == "logistic"
    assert f"  logs: {disk} (incomplete: cannot write {disk}/steps.csv: No space left on device)" in result.stdout


@pytest.mark.parametrize("with_checkpoints", [False, True], ids=["alone", "with-checkpoint-dir"])
def test_weights_that_cannot_be_saved_are_not_lost(with_checkpoints, small_disk, tmp_path):
    disk, run_on_disk, _ = small_disk(4 * PAGE)  # the weights of the logistic model take 32 KiB
    spare = tmp_path / "spare"
    spare.mkdir()
    checkpoints = ["--checkpoint-dir", tmp_path / "run"] if with_checkpoints else []
    result = run_on_disk(*TRAIN, "--epochs", "1", "--save", disk / "w.npz", *checkpoints, env={"TMPDIR": str(spare)})
    assert result.returncode == 1
    message = one_error_line(result)
    assert message.startswith(f"cannot write {disk}/w.npz: No space left on device (nothing was written); ")
    if with_checkpoints:
        assert message.endswith(f"the trained weights are kept in {tmp_path / 'run' / 'last.npz'} "
                                f"(evaluate reads it too)")
        kept = load_checkpoint(tmp_path / "run" / "last.npz")["model"]
    else:
        fallback = message.split("the trained weights were written to ")[1].split(" instead")[0]
        assert fallback.startswith(str(spare))
        kept = load_weights(fallback).state
    assert sorted(kept) == ["lin.bias", "lin.weight"]


# ---- damaged files ----

@pytest.fixture(scope="module")
def checkpoint_bytes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    assert run(*TRAIN, "--epochs", "1", "--checkpoint-dir", folder).returncode == 0
    return (folder / "last.npz").read_bytes()


def edited(description_edit):
    """A damage: the checkpoint with its JSON description changed by description_edit(meta dict or text)."""
    def damage(path, good):
        path.write_bytes(good)
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in archive.files}
        arrays[META_KEY] = np.array(description_edit(str(arrays[META_KEY])))
        with open(path, "wb") as file:
            np.savez(file, **arrays)
    return damage


def field_edit(edit):
    def on_text(text):
        meta = json.loads(text)
        edit({key: value for key, value in meta["state"]["__dict__"]}, meta)
        return json.dumps(meta)
    return on_text


def set_field(name, value):
    def edit(fields, meta):
        meta["state"]["__dict__"] = [[key, value if key == name else item] for key, item in fields.items()]
    return edit


def drop_field(name):
    def edit(fields, meta):
        meta["state"]["__dict__"] = [[key, item] for key, item in fields.items() if key != name]
    return edit


def string_lr(part):
    """Make the lr a string in the settings ("settings") or in the optimizer state ("param_groups")."""
    def edit(text):
        head, tail = text.split(f'"{part}"', 1)
        return f'{head}"{part}"' + tail.replace('["lr", 0.01]', '["lr", "0.01"]', 1)
    return edit


def drop_array(path, good):
    path.write_bytes(good)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files if name != "a0"}
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def flip_a_byte(path, good):
    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))


def as_npy(path, good):
    with open(path, "wb") as file:
        np.save(file, np.arange(3))


DAMAGES = {  # name: (damage(path, good bytes), what the message says)
    "truncated": (lambda path, good: path.write_bytes(good[:len(good) // 2]), "not a complete .npz archive"),
    "bit-flipped": (flip_a_byte, "Bad CRC-32"),
    "empty": (lambda path, good: path.write_bytes(b""), "the file is empty"),
    "npy-renamed": (as_npy, "it holds a single .npy array, not an .npz archive"),
    "invalid-json": (edited(lambda text: text[:-10]), "entry is not valid JSON"),
    "no-rng": (edited(field_edit(drop_field("rng"))), "rng is missing"),
    "missing-array": (drop_array, "array 'a0' is missing"),
    "epoch-string": (edited(field_edit(set_field("epoch", "1"))), "epoch should be an integer >= 0, got '1'"),
    "lr-string": (edited(string_lr("param_groups")),
                  "optimizer.param_groups[0].lr should be a finite number >= 0, got '0.01'"),
    "settings-lr-string": (edited(string_lr("settings")), "settings.lr should be a non-negative number, got '0.01'"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_checkpoint_is_one_line_naming_the_file_and_the_problem(damage, checkpoint_bytes, tmp_path):
    make_damage, problem = DAMAGES[damage]
    path = tmp_path / "last.npz"
    make_damage(path, checkpoint_bytes)

    resumed = run(*TRAIN, "--epochs", "2", "--resume", path)
    assert resumed.returncode == 2
    message = one_error_line(resumed)
    assert message.startswith(f"{path} is damaged or not a checkpoint: ") and problem in message, message
    assert "resumed" not in resumed.stdout

    # a damaged checkpoint is damaged for every reader: evaluate runs the same checks, even where the weights
    # themselves look intact (lr-string), as the file cannot be trusted
    evaluated = run("evaluate", path)
    assert evaluated.returncode == 2
    message = one_error_line(evaluated)
    assert message.startswith(f"{path} is damaged or not a weights or checkpoint file: ") and problem in message


def test_evaluate_never_suggests_loading_a_file_unsafely(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# not weights\n")
    result = run("evaluate", readme)
    assert result.returncode == 2
    assert one_error_line(result) == f"{readme} is damaged or not a weights or checkpoint file: not an .npz archive"


def test_a_torn_last_line_of_the_epoch_log_does_not_block_resume(tmp_path):
    assert run(*TRAIN, "--epochs", "2", "--checkpoint-dir", tmp_path, "--log-dir", tmp_path).returncode == 0
    with open(tmp_path / "epochs.jsonl", "a") as file:
        file.write('{"epoch": 3, "train_lo')  # a write killed mid-line
    result = run(*TRAIN, "--epochs", "3", "--checkpoint-dir", tmp_path, "--log-dir", tmp_path,
                 "--resume", tmp_path / "last.npz")
    assert result.returncode == 0, result.stderr
    epochs = [json.loads(line)["epoch"] for line in (tmp_path / "epochs.jsonl").read_text().splitlines()]
    assert epochs == [1, 2, 3]


# ---- Ctrl-C and SIGTERM ----

@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_saves_the_step_and_resume_continues_bit_exactly(signal_name, tmp_path):
    flags = [*TRAIN, "--epochs", "3", "--optimizer", "adam", "--scheduler", "plateau", "--val-fraction", "0.25"]
    assert run(*flags, "--save", tmp_path / "straight.npz").returncode == 0
    folder = tmp_path / "run"
    stopped = run(*flags, "--checkpoint-dir", folder, "--log-dir", folder,
                  env={"CLI_RUNNER_SIGNAL": f"{signal_name}:2:5"})  # 3 steps an epoch: epoch 2, step 2
    assert stopped.returncode == 130
    message = one_error_line(stopped)
    hint = (f"interrupted ({signal_name}) at epoch 2, step 2; the last checkpoint is {folder / 'last.npz'} "
            f"(epoch 2, step 2); continue with: python -m minitorch_mnist ")
    assert message.startswith(hint), message
    assert load_checkpoint(folder / "last.npz")["partial"]["steps"] == 2

    resumed = run(*shlex.split(message[len(hint):]), "--save", tmp_path / "resumed.npz")
    assert resumed.returncode == 0, resumed.stderr
    straight, continued = load_weights(tmp_path / "straight.npz"), load_weights(tmp_path / "resumed.npz")
    for name, value in straight.state.items():
        assert np.array_equal(continued.state[name], value), name
    steps = [int(line.split(",")[1]) for line in (folder / "steps.csv").read_text().splitlines()[1:]]
    assert steps == list(range(1, 10)), "each step logged once"


def test_a_signal_without_checkpoints_says_how_to_get_them(tmp_path):
    result = run(*TRAIN, "--epochs", "2", "--log-dir", tmp_path, env={"CLI_RUNNER_SIGNAL": "SIGINT:1:2"})
    assert result.returncode == 130
    assert one_error_line(result) == ("interrupted (SIGINT) at epoch 1, step 2; no checkpoint was written "
                                      "(train with --checkpoint-dir DIR to be able to resume)")


# ---- the reference's --device ----

def test_an_unknown_device_is_a_usage_error_listing_the_choices():
    import torch

    result = run("train", "--device", "tpu", framework="reference")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    available = "cuda is available" if torch.cuda.is_available() else "cuda is not available on this machine"
    assert f"error: argument --device: choose cpu or cuda ({available}), got 'tpu'" in result.stderr
