"""Fixtures of the kernel tests."""

import pytest

from minitorch_mnist.kernels import threads


@pytest.fixture
def restore_threads():
    """Undo what a test did to the thread policy: set_num_threads changes BLAS for the whole process."""
    previous = threads._requested
    before = threads.threadpoolctl.threadpool_info() if threads.threadpoolctl else []
    yield
    threads._requested = previous
    threads.release_blas()
    for lib in before:
        if lib["user_api"] == "blas":
            threads.threadpoolctl.threadpool_limits(limits=lib["num_threads"], user_api="blas")
