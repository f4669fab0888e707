"""The runnable steps in examples/: each trains on a slice of MNIST in the engine and in PyTorch, and the two agree.

Every step starts both frameworks from the same weights and feeds them the same batches in the same order,
so their validation losses differ by float32 rounding only. The bound, |engine - torch| <= 1e-5 *
max(1, |torch|), is the project's float32 tolerance (tests/parity.py): the largest difference measured over
the ten steps is 9e-8 (about one float32 ulp of a loss near 1 or 2.3), so the bound leaves a margin of 100;
a real disagreement is far larger: the same step with another batch order moves the loss by 1e-4 (step 8,
whose CNN has barely left its starting plateau after 16 steps) to 0.5 (step 7).
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import minitorch_mnist as mm

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_spec = importlib.util.spec_from_file_location("examples_common", EXAMPLES / "common.py")
common = importlib.util.module_from_spec(_spec)  # examples/common.py, without putting examples/ on sys.path
_spec.loader.exec_module(common)

STEPS = sorted(EXAMPLES.glob("step[0-9][0-9]_*.py"))
FLAGS = ["--limit", "1000", "--valid-limit", "1000", "--epochs", "1"]
RTOL = 1e-5
ROW = re.compile(r"^(engine|PyTorch \S+)\s+(\d+\.\d+)\s+(\d+\.\d+)%\s+\d+\.\d+$", re.M)
# one process per half (two cores), each running its steps through run_all.py: PyTorch is imported once per half
HALVES = ["1,2,3,4,5,6,7", "8,9,10"]


def quiet_environment():
    """One thread per framework, so the two halves share the two cores instead of fighting over them."""
    return dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", MKL_NUM_THREADS="1")


@pytest.fixture(scope="module")
def outputs(mnist_root):
    """{script name: its printed output}, from running every step with FLAGS."""
    processes = [subprocess.Popen([sys.executable, str(EXAMPLES / "run_all.py"), "--steps", steps, *FLAGS,
                                   "--data-dir", str(mnist_root)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=quiet_environment())
                 for steps in HALVES]
    text = ""
    for process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"run_all.py failed:\n{out[-5000:]}"
        text += out
    sections = re.split(r"^==== (step\d\d_\w+\.py).*$", text, flags=re.M)
    return dict(zip(sections[1::2], sections[2::2]))


def test_there_are_ten_steps_numbered_in_order():
    assert [int(script.name[4:6]) for script in STEPS] == list(range(1, 11))


@pytest.mark.slow
@pytest.mark.parametrize("script", [script.name for script in STEPS])
def test_step_trains_in_both_frameworks_and_they_agree(outputs, script):
    assert script in outputs, f"{script} printed nothing; the steps that ran: {sorted(outputs)}"
    output = outputs[script]
    rows = {name.split()[0]: (float(loss), float(accuracy)) for name, loss, accuracy in ROW.findall(output)}
    assert set(rows) == {"engine", "PyTorch"}, f"{script}: expected an engine row and a PyTorch row in:\n{output}"
    assert "1 epoch(s) on 1,000 training images, validation on 1,000 images" in output
    (engine_loss, engine_accuracy), (torch_loss, torch_accuracy) = rows["engine"], rows["PyTorch"]
    assert np.isfinite(engine_loss) and 0 < engine_loss < 2.5, output  # below ln(10) + a little: it trained sanely
    assert abs(engine_loss - torch_loss) <= RTOL * max(1.0, abs(torch_loss)), output
    assert abs(engine_accuracy - torch_accuracy) <= 0.2, output  # at most 2 of the 1,000 images flip on a near-tie


def test_a_step_without_pytorch_prints_the_engine_alone(mnist_root):
    """`import torch` fails as it would where PyTorch is not installed; the script is run as a script."""
    script = EXAMPLES / "step01_from_scratch.py"
    code = ("import runpy, sys; sys.modules['torch'] = None; "
            f"sys.path.insert(0, {str(EXAMPLES)!r}); sys.argv = [{str(script)!r}] + sys.argv[1:]; "
            f"runpy.run_path({str(script)!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code, *FLAGS, "--data-dir", str(mnist_root)],
                            capture_output=True, text=True, env=quiet_environment(), timeout=120)
    assert result.returncode == 0, result.stderr
    names = [name for name, _, _ in ROW.findall(result.stdout)]
    assert names == ["engine"], result.stdout
    assert "pip install torch" in result.stdout


def test_the_pytorch_loader_walks_the_engine_loaders_order():
    """common.data_api(torch) reproduces mm.data.DataLoader(shuffle=True, seed=...), epoch after epoch."""
    x = np.arange(23, dtype=np.float32)[:, None]
    y = np.arange(23)
    engine = mm.data.DataLoader(mm.data.TensorDataset(x, y), batch_size=5, shuffle=True, seed=7)
    data = common.data_api(torch)
    twin = data.DataLoader(data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=5, shuffle=True, seed=7)
    for epoch in range(3):
        ours = [labels.numpy().tolist() for _, labels in engine]
        theirs = [labels.tolist() for _, labels in twin]
        assert ours == theirs, f"epoch {epoch}"
    assert ours != sorted(ours)  # it did shuffle


def test_same_start_hands_the_engine_weights_to_the_pytorch_twin():
    weights = {}
    mm.manual_seed(0)
    engine_model = common.SameStart(mm, 0, weights).same_weights(mm.nn.Linear(784, 10))
    torch_model = common.SameStart(torch, 0, weights).same_weights(torch.nn.Linear(784, 10))
    for name, value in torch_model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), engine_model.state_dict()[name])
    draws = [common.SameStart(lib, 3, {}).randn(2, 3) for lib in (mm, torch)]
    np.testing.assert_array_equal(*draws)
    assert draws[0].dtype == np.float32
