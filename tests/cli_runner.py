"""Run a framework's command line in a subprocess on tiny generated data, optionally with a fault injected.

    python tests/cli_runner.py engine|reference ARGS...

Adds the dataset `tiny` (MNIST-shaped, 256 training and 100 test images of 10 classes, generated from a
seed), so a run takes a second. Faults, set through the environment:
    CLI_RUNNER_DISK=DIR:BYTES      files under DIR live on a "disk" of BYTES (4 KiB pages): a write past it
                                   fails with ENOSPC, as on a full tmpfs (for machines that cannot mount one)
    CLI_RUNNER_SIGNAL=NAME:E:S     the process sends itself signal NAME after global step S of epoch E
                                   (needs --log-dir: it rides on the step logger); SIGINT is not ignored;
                                   NAME+NAME2 sends both, one right after the other
    CLI_RUNNER_SIGNAL_AT_LOAD=NAME the process sends itself signal NAME while the dataset is being loaded
    CLI_RUNNER_NO_TENSORBOARD=1    the tensorboard package cannot be imported

For the tests: TRAIN (a train command on `tiny`), TINY_ENTRY (its catalog entry), run (this script in a subprocess),
one_error_line (of such a run) and main_in_this_process (cli.main in the test's own process).
"""

import builtins
import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minitorch_mnist.app import compile_notice, monitor
from minitorch_mnist.data import TensorDataset  # noqa: E402
from minitorch_mnist.data.datasets import catalog
from minitorch_mnist.data.datasets.mnist import CLASSES  # noqa: E402

PAGE = 4096


class Tiny(TensorDataset):
    """Ten noisy copies of ten fixed 28x28 patterns per 100 images: learnable in a few steps."""

    classes = CLASSES

    def __init__(self, train):
        patterns = np.random.default_rng(0).standard_normal((10, 1, 28, 28)).astype(np.float32)
        rng = np.random.default_rng(1 if train else 2)
        self.targets = rng.integers(0, 10, size=256 if train else 100)
        noise = rng.standard_normal((len(self.targets), 1, 28, 28)).astype(np.float32)
        super().__init__(patterns[self.targets] + noise, self.targets)


def pages(size):
    """The bytes a file of `size` bytes takes on a disk of 4 KiB pages."""
    return -(-size // PAGE) * PAGE


def small_disk(folder, capacity):
    """Make writes under `folder` fail with ENOSPC once its files would take more than `capacity` bytes."""
    folder, real_open = Path(folder).resolve(), builtins.open

    def used():
        return sum(pages(path.stat().st_size) for path in folder.rglob("*") if path.is_file())

    class OnSmallDisk:
        def __init__(self, file):
            self._file = file

        def write(self, data):
            self._file.flush()
            size = os.fstat(self._file.fileno()).st_size
            if used() - pages(size) + pages(size + len(data)) > capacity:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self._file.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self._file.close()

        def __getattr__(self, name):
            return getattr(self._file, name)

    def patched_open(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        writing = any(flag in mode for flag in "wax+") and isinstance(file, (str, os.PathLike))
        return OnSmallDisk(opened) if writing and folder in Path(file).resolve().parents else opened

    builtins.open = patched_open


def signal_at(name, epoch, step):
    log_step = monitor.MetricsLog.log_step

    def log_step_then_signal(self, at_epoch, at_step, loss, lr):
        log_step(self, at_epoch, at_step, loss, lr)
        if (at_epoch, at_step) == (epoch, step):
            for each in name.split("+"):
                os.kill(os.getpid(), getattr(signal, each))

    monitor.MetricsLog.log_step = log_step_then_signal


RUNNER = Path(__file__).resolve()
TINY_ENTRY = catalog.DatasetEntry(lambda root, train: Tiny(train), (1, 28, 28))  # the catalog's entry for `tiny`
TRAIN = ["train", "--dataset", "tiny", "--model", "logistic", "--no-progress"]  # for tests: a run of a second


def run(*argv, framework="engine", env=None, prefix=(), timeout=120):
    """For tests: run this script with ARGS in a subprocess; returns the CompletedProcess (text output).

    One engine thread unless env says otherwise: runs compared bit for bit across processes (a resumed run against
    an uninterrupted one) must sum in the same order, and BLAS's order depends on its thread count, which the
    engine otherwise fits to the machine's load."""
    environment = {**os.environ, "MINITORCH_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([*prefix, sys.executable, str(RUNNER), framework, *map(str, argv)], env=environment,
                          capture_output=True, text=True, timeout=timeout)


def one_error_line(result, forbidden=("Traceback",)):
    """For tests: the single 'error: ...' line a failed run printed, after 'error: ' (and none of `forbidden`)."""
    assert not any(word in result.stderr for word in forbidden), result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0][len("error: "):]


def main_in_this_process(capsys, *argv):
    """For tests: (exit code, stdout, stderr lines but a first run's compiling notice) of cli.main(argv)."""
    from minitorch_mnist.app import cli

    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line != compile_notice.NOTICE]


def main():
    framework, argv = sys.argv[1], sys.argv[2:]
    # the tests read stderr line by line: no "compiling the Numba kernels" line from whichever run compiles them
    # first on a fresh machine (test_cli_interrupts checks that line on its own)
    compile_notice.announce_numba_compiling = lambda say=None: None
    catalog.DATASETS["tiny"] = TINY_ENTRY
    if "CLI_RUNNER_SIGNAL_AT_LOAD" in os.environ:
        def load_then_signal(root, train, name=os.environ["CLI_RUNNER_SIGNAL_AT_LOAD"]):
            os.kill(os.getpid(), getattr(signal, name))
            return Tiny(train)
        catalog.DATASETS["tiny"] = catalog.DatasetEntry(load_then_signal, (1, 28, 28))
    if "CLI_RUNNER_DISK" in os.environ:
        folder, capacity = os.environ["CLI_RUNNER_DISK"].rsplit(":", 1)
        small_disk(folder, int(capacity))
    if any(name.startswith("CLI_RUNNER_SIGNAL") for name in os.environ):
        if "CLI_RUNNER_SIGNAL" in os.environ:
            name, epoch, step = os.environ["CLI_RUNNER_SIGNAL"].split(":")
            signal_at(name, int(epoch), int(step))
        # as in a terminal: a test run started in the background inherits SIGINT ignored, and the CLI keeps it so
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if os.environ.get("CLI_RUNNER_NO_TENSORBOARD"):
        sys.modules["tensorboard"] = None  # makes `import tensorboard...` raise ImportError
    if framework == "reference":
        from reference.__main__ import main as reference_main

        return reference_main(argv)
    from minitorch_mnist.app.cli import main as engine_main

    return engine_main(argv)


if __name__ == "__main__":
    from minitorch_mnist.app.interrupt import exit_with

    exit_with(main())

