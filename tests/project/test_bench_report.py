"""The benchmark's reporting rules (no timing here): a disturbed cell never yields a ratio, busy loops started on
purpose do not count as other processes' load, and the step profiler runs on both sides."""

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_report  # noqa: E402


def _cell(framework, epoch_s, load, model="mlp"):
    return dict(model=model, batch_size=64, framework=framework, status="ok", epoch_s=epoch_s, epoch_s_min=epoch_s,
                epoch_s_max=epoch_s * 1.1, peak_rss_mib=400.0, other_cpu_load=load)


def test_a_disturbed_cell_gives_noisy_instead_of_a_ratio():
    results = bench_report.add_ratios([_cell("engine-numba", 3.0, 0.0), _cell("numpy-mlp", 2.0, 0.9),
                                       _cell("torch-cpu", 4.0, 0.1)])
    engine, floor, _ = results
    assert engine["epoch_vs_torch_cpu"] == 0.75
    assert engine["epoch_vs_numpy_mlp"] == "noisy" and floor["epoch_vs_torch_cpu"] == "noisy"
    table = bench_report.summary_table(results, ["engine-numba", "numpy-mlp", "torch-cpu"]).text()
    assert "noisy" in table and "0.75x" in table and "2.00 (2.00-2.20) !" in table


def test_busy_cores_count_as_the_benchmarks_own_cpu_time():
    before = bench_report._our_cpu_s()
    with bench_report.BusyCores(1) as busy:
        time.sleep(1.0)  # this process sleeps: what _our_cpu_s gains is the busy loop's time
        gained = bench_report._our_cpu_s() - before
        assert busy.processes[0].poll() is None
    assert gained > 0.2, "the busy loop's CPU time must count as ours, not as other processes' load"
    assert busy.processes[0].poll() is not None and not bench_report._BUSY_PIDS


def test_profile_step_names_the_same_layer_on_both_sides():
    """benchmarks/profile_step.py: one worker per framework; both tables list the linear layer's ops."""
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "profile_step.py"
    done = subprocess.run([sys.executable, str(script), "--model", "logistic", "--batch-size", "4", "--steps", "2",
                           "--warmup", "1", "--top", "40"], capture_output=True, text=True, timeout=300, check=True)
    engine, torch_part = done.stdout.split("\ntorch: ")
    assert "Linear forward" in engine and "Linear backward" in engine and "optimizer step" in engine
    assert "aten::addmm" in torch_part


def test_rounds_report_the_median_round_with_the_spread_of_all():
    import bench_models

    rounds = [_cell("engine-numba", seconds, 0.0) for seconds in (3.0, 1.0, 2.0)]
    combined = bench_models.combine_rounds(rounds)
    assert combined["epoch_s"] == 2.0 and combined["rounds_epoch_s"] == [1.0, 2.0, 3.0]
    assert combined["epoch_s_min"] == 1.0 and combined["epoch_s_max"] == 3.0 * 1.1
