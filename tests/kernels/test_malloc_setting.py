"""kernels/memory.py: glibc's malloc thresholds are set once, when the first kernel runs, and only where that is
glibc, wanted, and not already chosen by the user's environment (no timing here: the effect is measured in
benchmarks/bench_models.py's faults/step)."""

import ctypes

import numpy as np
import pytest

from minitorch_mnist import kernels
from minitorch_mnist.kernels import memory


@pytest.fixture
def fresh(monkeypatch):
    """memory.py as if nothing had tried yet, in an environment without malloc settings."""
    monkeypatch.setattr(memory, "_state", None)
    for name in (memory.ENVIRONMENT_VARIABLE, "GLIBC_TUNABLES") + memory.USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _recording_mallopt(accepts_large=True):
    calls = []

    def mallopt(option, value):
        calls.append((option, value))
        return 0 if (option == memory.M_MMAP_THRESHOLD and value > 32 << 20 and not accepts_large) else 1

    return mallopt, calls


def test_both_thresholds_are_set_once(fresh):
    mallopt, calls = _recording_mallopt()
    fresh.setattr(memory, "_glibc_mallopt", lambda: mallopt)
    assert memory.configure_malloc() == "set" and memory.malloc_state() == "set"
    assert calls == [(memory.M_MMAP_THRESHOLD, 1 << 30), (memory.M_TRIM_THRESHOLD, 1 << 30)]
    assert memory.configure_malloc() == "set" and len(calls) == 2, "later calls only report"


def test_an_old_glibc_gets_the_largest_mmap_threshold_it_accepts(fresh):
    mallopt, calls = _recording_mallopt(accepts_large=False)
    fresh.setattr(memory, "_glibc_mallopt", lambda: mallopt)
    assert memory.configure_malloc() == "set"
    assert (memory.M_MMAP_THRESHOLD, 32 << 20) in calls


@pytest.mark.parametrize("value", ["0", "off", " OFF ", "false", "no"])
def test_the_environment_variable_switches_it_off(fresh, value):
    mallopt, calls = _recording_mallopt()
    fresh.setattr(memory, "_glibc_mallopt", lambda: mallopt)
    fresh.setenv("MINITORCH_MALLOPT", value)
    assert memory.configure_malloc() == "off (MINITORCH_MALLOPT)" and calls == []


@pytest.mark.parametrize("name, value", [("MALLOC_MMAP_THRESHOLD_", "1000000000"), ("MALLOC_TRIM_THRESHOLD_", "0"),
                                         ("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=4096")])
def test_malloc_settings_of_the_user_are_left_alone(fresh, name, value):
    mallopt, calls = _recording_mallopt()
    fresh.setattr(memory, "_glibc_mallopt", lambda: mallopt)
    fresh.setenv(name, value)
    assert memory.configure_malloc() == "left to the environment" and calls == []


def test_another_c_library_is_a_no_op(fresh):
    fresh.setattr(memory, "_glibc_mallopt", lambda: None)
    assert memory.configure_malloc() == "not glibc"
    fresh.setattr(memory, "_state", None)
    fresh.setattr(memory.sys, "platform", "darwin")
    assert memory._glibc_mallopt() is None


def test_glibc_is_recognised_where_it_is_the_c_library(fresh):
    try:
        ctypes.CDLL(None).gnu_get_libc_version
    except (OSError, AttributeError):
        pytest.skip("this process does not run on glibc")
    assert memory._glibc_mallopt() is not None


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_the_first_kernel_of_a_backend_configures_malloc(fresh, backend):
    """Not at import and not in an op: when a backend loads its kernels (kernels.Backend)."""
    mallopt, calls = _recording_mallopt()
    fresh.setattr(memory, "_glibc_mallopt", lambda: mallopt)
    fresh_backend = kernels.Backend(backend)
    assert memory.malloc_state() == "not tried yet"
    fresh_backend.relu_forward(np.ones(3, dtype=np.float32))
    assert memory.malloc_state() == "set" and len(calls) == 2
