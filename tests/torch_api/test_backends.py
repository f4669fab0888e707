"""torch.backends as a CPU-only PyTorch answers: the tutorials' device choice
(`"mps" if torch.backends.mps.is_available() else "cpu"`) and cudnn flag settings run unchanged."""

import subprocess
import sys

import torch

import minitorch_mnist as mm


def test_mps_and_cudnn_answer_as_torch_on_this_machine():
    for name in ("is_available", "is_built"):
        assert getattr(mm.backends.mps, name)() is getattr(torch.backends.mps, name)() is False
    for flag in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(mm.backends.cudnn, flag) is getattr(torch.backends.cudnn, flag)
    assert mm.backends.cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32 is False
    # the reference torch here is a CUDA build without a GPU; a CPU-only build (what the engine is) says:
    assert mm.backends.cudnn.is_available() is False and mm.backends.cudnn.version() is None
    assert mm.backends.cuda.is_built() is False


def test_the_tutorials_device_choice_and_flag_settings_run_with_only_the_imports_changed():
    program = """
import {torch} as torch
import {torch}.backends.cudnn as cudnn
from {torch}.backends import mps
device = ("cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu")
use_mps = mps.is_available() and mps.is_built()
cudnn.benchmark = True
torch.backends.cudnn.deterministic = True
print(device, use_mps, torch.backends.cudnn.benchmark, cudnn.deterministic)
"""
    outputs = [subprocess.run([sys.executable, "-c", program.format(torch=name)], capture_output=True, text=True,
                              check=True).stdout for name in ("torch", "minitorch_mnist")]
    assert outputs[0] == outputs[1] == "cpu False True True\n"


def test_a_backend_the_engine_lacks_is_a_clear_attribute_error():
    try:
        mm.backends.mkldnn
    except AttributeError as error:
        assert "minitorch_mnist.backends has no mkldnn: the engine provides mps, cudnn, cuda" in str(error)
    else:
        raise AssertionError("no error")
