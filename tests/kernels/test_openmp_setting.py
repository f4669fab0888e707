"""kernels/threads.py::configure_openmp: Numba's OpenMP workers are told to spin less, before Numba loads OpenMP, unless
the environment already says how they should wait (no timing here: the effect is measured in bench_models.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from minitorch_mnist.kernels import threads

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_openmp_settings(monkeypatch):
    for name in threads.OPENMP_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_spin_count_is_set_when_the_environment_says_nothing(no_openmp_settings):
    threads.configure_openmp()
    assert os.environ["GOMP_SPINCOUNT"] == threads.SPIN_COUNT == "30000"


@pytest.mark.parametrize("name, value", [("OMP_WAIT_POLICY", "PASSIVE"), ("GOMP_SPINCOUNT", "5")])
def test_a_setting_of_the_users_is_left_alone(no_openmp_settings, name, value):
    no_openmp_settings.setenv(name, value)
    threads.configure_openmp()
    assert os.environ[name] == value
    assert name == "GOMP_SPINCOUNT" or "GOMP_SPINCOUNT" not in os.environ


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the loaded libraries from /proc/self/maps")
def test_the_first_kernel_sets_it_before_numba_loads_openmp():
    """A fresh engine process (no torch, which would load libgomp first): no OpenMP library before the first kernel,
    the setting in place once a parallel kernel has run on it."""
    program = (
        "import os, numpy as np, minitorch_mnist as mm\n"
        "def openmp(): return any('gomp' in line or 'omp' in line.rsplit('/', 1)[-1] for line in open('/proc/self/maps'))\n"
        "before = openmp()\n"
        "mm.nn.functional.max_pool2d(mm.tensor(np.ones((2, 3, 8, 8), np.float32)), 2)\n"
        "print(before, os.environ.get('GOMP_SPINCOUNT'))\n")
    env = {k: v for k, v in os.environ.items() if k not in threads.OPENMP_SETTINGS + ("MINITORCH_NUM_THREADS",)}
    env.update(PYTHONPATH=str(ROOT), MINITORCH_KERNELS="numba")
    result = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "30000"]
