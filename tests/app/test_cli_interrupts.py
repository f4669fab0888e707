"""Signals and start-up at any moment: one line and exit code 130, never a traceback or a silent death; a bad
MINITORCH_NUM_THREADS at import; and the one line that says Numba is compiling (interrupt.py, compile_notice.py).

Subprocesses where the process itself is the subject (import, signals from outside), this process elsewhere.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import TRAIN, one_error_line, run
from minitorch_mnist.app import cli, compile_notice, fit
from minitorch_mnist.storage import atomic
from minitorch_mnist.storage.checkpoint_format import load_checkpoint


def test_a_bad_minitorch_num_threads_is_one_line_not_a_traceback_at_import(tmp_path):
    for value in ("abc", "0", "99999999999999999999"):
        result = run(*TRAIN, "--epochs", "1", env={"MINITORCH_NUM_THREADS": value})
        assert result.returncode == 2
        assert one_error_line(result) == (f"MINITORCH_NUM_THREADS: expected a positive whole number of threads (at "
                                          f"most 65536), got {value!r}; unset it or give a number of threads")


def test_a_signal_while_the_app_is_still_starting_ends_it_with_one_line():
    code = ("import os, signal, time\n"
            "from minitorch_mnist.app.interrupt import quiet_start\n"
            "quiet_start()\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "time.sleep(30)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert result.returncode == 130
    assert one_error_line(result) == "interrupted (SIGINT) while starting; nothing was done"


def test_sigterm_while_the_data_load_is_one_line_and_exit_code_130(tmp_path):
    result = run(*TRAIN, "--checkpoint-dir", tmp_path, env={"CLI_RUNNER_SIGNAL_AT_LOAD": "SIGTERM"})
    assert result.returncode == 130
    assert one_error_line(result) == ("interrupted (SIGTERM); stopped before the first checkpoint, so there is nothing "
                                      "to resume: run the command again")


def test_two_signals_together_still_give_one_line_and_the_checkpoint(tmp_path):
    folder = tmp_path / "run"
    result = run(*TRAIN, "--epochs", "3", "--checkpoint-dir", folder, "--log-dir", folder,
                 env={"CLI_RUNNER_SIGNAL": "SIGINT+SIGTERM:2:6"})  # 4 steps an epoch: epoch 2, step 2
    assert result.returncode == 130
    message = one_error_line(result)
    assert message.startswith(f"interrupted (SIGINT); the last checkpoint is {folder / 'last.npz'} (epoch 1); "
                              f"continue with: ")
    assert load_checkpoint(folder / "last.npz")["epoch"] == 1  # the second signal stops at once: epoch 1's is kept


def test_a_ctrl_c_during_the_final_plots_is_not_swallowed(tiny, tmp_path, monkeypatch, capsys):
    plot_curves = fit.plot_curves

    def plot_then_ctrl_c(history, path):
        os.kill(os.getpid(), signal.SIGINT)  # the first Ctrl-C, as the run's handlers take it: a stop request
        return plot_curves(history, path)

    monkeypatch.setattr(fit, "plot_curves", plot_then_ctrl_c)
    code = cli.main([*TRAIN, "--epochs", "1", "--checkpoint-dir", str(tmp_path), "--log-dir", str(tmp_path),
                     "--save", str(tmp_path / "w.npz")])
    out, err = capsys.readouterr()
    assert code == 130 and "\ntest loss" not in out and not (tmp_path / "w.npz").exists()  # no test, no --save
    assert err.startswith(f"error: interrupted (SIGINT) at epoch 1, step 4; the last checkpoint is "
                          f"{tmp_path / 'last.npz'} (epoch 1); continue with: ")


def test_a_signal_during_the_rename_of_a_checkpoint_waits_until_it_is_done(tmp_path, monkeypatch):
    path = tmp_path / "last.npz"
    path.write_bytes(b"old")
    replace = os.replace

    def signal_then_replace(source, target):
        os.kill(os.getpid(), signal.SIGINT)  # held back until the rename is done and reported
        replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", signal_then_replace)
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_write(path) as temporary:
            temporary.write_bytes(b"new")
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == ["last.npz"]


def test_the_first_numba_compilation_of_a_kernel_says_so_once(monkeypatch):
    numba = pytest.importorskip("numba")
    from minitorch_mnist import kernels

    if kernels.get_backend() != "numba":
        pytest.skip("the NumPy kernels are in use: nothing is compiled")
    monkeypatch.setattr(compile_notice, "_installed", False)
    said = []
    notice = compile_notice.announce_numba_compiling(said.append)
    try:
        def not_ours(x):
            return x * 2

        def kernel(x):
            return x + 1

        kernel.__module__ = "minitorch_mnist.kernels.numba_example"
        assert numba.njit(not_ours)(1) == 2 and said == [], "only the engine's kernels are announced"
        assert numba.njit(kernel)(1) == 2 and numba.njit(kernel)(1.5) == 2.5
        assert said == [compile_notice.NOTICE], "one line, once"
    finally:
        from numba.core import event

        event.unregister("numba:compile", notice)


def test_importing_the_engine_elsewhere_leaves_the_programs_signals_alone(tmp_path):
    # only `python -m minitorch_mnist` gets the quiet start-up handler; a program (or `python -m` of another
    # package) that imports the engine keeps Python's own Ctrl-C
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "__init__.py").write_text("import signal\nimport minitorch_mnist\n"
                                                    "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(Path(__file__).resolve().parents[2])]))
    for command in (["-c", "import signal, minitorch_mnist; print(signal.getsignal(signal.SIGINT) is "
                           "signal.default_int_handler)"], ["-m", "other"]):
        out = subprocess.run([sys.executable, *command], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert out.stdout.strip().splitlines()[:1] == ["True"], (command, out.stdout, out.stderr)
