"""The reports of bench_models.py: the machine, the load from other processes, and the results as aligned text
tables, Markdown, CSV, JSON and a bar chart, all written atomically.

Input is the run's report dict: {"machine": ..., "config": ..., "results": [one dict per worker], ...}; each result
holds framework, model, batch_size, feed, status, and (when ok) epoch_s, train/infer samples per second,
peak_rss_mib, faults_per_step... Every report names the CPU (lscpu's "Model name") and NumPy's BLAS with the
kernel it chose for that CPU (threadpoolctl's internal_api and architecture): machine_info, cpu_and_blas.
"""

import csv
import importlib.metadata
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CSV_COLUMNS = ("model", "batch_size", "feed", "framework", "status", "epoch_s", "extrapolated", "timed_samples",
               "ms_per_step", "faults_per_step", "malloc", "train_samples_per_s", "infer_samples_per_s",
               "test_accuracy", "peak_rss_mib", "setup_rss_mib",
               "gpu_peak_mib", "warmup_s", "setup_s", "wall_s", "other_cpu_load", "epoch_vs_torch_cpu",
               "rss_vs_torch_cpu", "epoch_vs_torch_cuda", "epoch_vs_numpy_mlp", "epoch_s_min", "epoch_s_max",
               "error")


# --------------------------------------------------------------------------------------------------------------
# The circumstances: the machine, and whatever else ran on it meanwhile
# --------------------------------------------------------------------------------------------------------------

class OtherLoad:
    """How many cores' worth of CPU time processes other than ours used during the block (from /proc/stat).

    A benchmark on a shared 2-core machine is only as good as its quiet: this makes interference visible.
    """

    def __enter__(self):
        self.start = (time.perf_counter(), _busy_cpu_s(), _our_cpu_s())
        return self

    def __exit__(self, *exc):
        wall, busy, ours = (end - start for end, start in zip(
            (time.perf_counter(), _busy_cpu_s(), _our_cpu_s()), self.start))
        self.wall_s = wall
        self.cores = max(0.0, busy - ours) / wall if busy == busy and wall > 0 else None
        return False


class BusyCores:
    """--busy-cores N: N subprocesses that each keep a core busy with a plain Python loop, while the block runs.

    Their CPU time counts as the benchmark's own (_our_cpu_s), so OtherLoad still sees only the others.
    """

    def __init__(self, n):
        self.n, self.processes = n, []

    def __enter__(self):
        self.processes = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.n)]
        _BUSY_PIDS.extend(p.pid for p in self.processes)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            _BUSY_PIDS.remove(process.pid)
            process.kill()
            process.wait()
        return False


_BUSY_PIDS = []  # the BusyCores loops now running


def _process_cpu_s(pid):
    """CPU seconds (user + system) of a running process, from /proc/PID/stat; 0 if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (OSError, ValueError, IndexError):
        return 0.0


NOISY_LOAD = 0.25  # cores busy with other processes during a worker: above this its timings are suspect


def wait_for_quiet(max_wait_s, window_s=2.0):
    """Watch other processes' CPU use in windows of window_s until it drops to NOISY_LOAD or max_wait_s is over.

    Returns (seconds waited, the last window's load in cores).
    """
    start, load = time.perf_counter(), None
    while True:
        with OtherLoad() as window:
            time.sleep(window_s)
        load = window.cores
        waited = time.perf_counter() - start
        if load is None or load <= NOISY_LOAD or waited >= max_wait_s:
            return waited, load


def _busy_cpu_s():
    """CPU seconds all processes have used since boot (user, nice, system, irq, softirq, steal), or NaN."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    except (OSError, ValueError, IndexError):
        return float("nan")
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _our_cpu_s():
    """CPU seconds of this process and its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_loops = sum(_process_cpu_s(pid) for pid in _BUSY_PIDS)  # running children: not in RUSAGE_CHILDREN yet
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime + busy_loops


def cpu_model():
    """lscpu's "Model name" (the same as /proc/cpuinfo's "model name"), or "unknown"."""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def blas_kernel():
    """NumPy's BLAS as threadpoolctl sees it: library, version and the kernel it chose for this CPU
    (internal_api, version, architecture), e.g. "openblas 0.3.31 (SkylakeX kernels)"."""
    try:
        import numpy  # noqa: F401  (loads the BLAS library)
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl is not installed)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            kernel = f" ({pool['architecture']} kernels)" if pool.get("architecture") else ""
            return f"{pool.get('internal_api')} {pool.get('version')}{kernel}"
    return "none found"


def cpu_and_blas():
    """One line for the head of every report: the CPU and NumPy's BLAS kernel."""
    return f"CPU {cpu_model()}; NumPy's BLAS {blas_kernel()}"


def machine_info(probe):
    cpu = cpu_model()
    try:
        mem_kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        mem_kib = None

    def version(package):
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    return dict(cpu=cpu, blas=blas_kernel(), cores=os.cpu_count(), usable_cores=len(os.sched_getaffinity(0)),
                memory_gib=round(mem_kib / 2**20, 1) if mem_kib else None, platform=platform.platform(),
                python=platform.python_version(), numpy=version("numpy"), numba=version("numba"),
                torch=probe.get("torch") or version("torch"), gpu=probe.get("gpu"))


# --------------------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------------------

def add_ratios(results):
    """Engine and numpy-mlp rows get epoch time and peak RSS relative to torch-cpu, epoch time relative to
    torch-cuda, and engine rows epoch time relative to numpy-mlp. A ratio involving a disturbed cell is the
    string "noisy", never a number."""
    by_cell = {cell_of(r) + (r["framework"],): r for r in results if r["status"] == "ok"}

    def quotient(a, b, key):
        return "noisy" if disturbed(a) or disturbed(b) else a[key] / b[key]

    for r in results:
        if r["status"] != "ok" or r["framework"].startswith("torch"):
            continue
        cpu = by_cell.get(cell_of(r) + ("torch-cpu",))
        cuda = by_cell.get(cell_of(r) + ("torch-cuda",))
        floor = by_cell.get(cell_of(r) + ("numpy-mlp",))
        if cpu:
            r["epoch_vs_torch_cpu"] = quotient(r, cpu, "epoch_s")
            r["rss_vs_torch_cpu"] = r["peak_rss_mib"] / cpu["peak_rss_mib"]  # memory does not suffer from load
        if cuda:
            r["epoch_vs_torch_cuda"] = quotient(r, cuda, "epoch_s")
        if floor and r["framework"].startswith("engine"):
            r["epoch_vs_numpy_mlp"] = quotient(r, floor, "epoch_s")
    return results


def cell_of(result):
    """(model, batch size, feed): the frameworks of one cell are compared with each other (feed: "loader" when a
    result predates the feeds)."""
    return result["model"], result["batch_size"], result.get("feed", "loader")


def seconds(value):
    if value is None:
        return ""
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def count(value):
    return "" if value is None else f"{value:,.0f}"


def ratio(value):
    if value is None or isinstance(value, str):  # "noisy": a disturbed cell has no ratio
        return value or ""
    return f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def spread(result):
    """Median seconds per epoch with the min-max over the repeats, and "!" when other processes disturbed it."""
    text = seconds(result["epoch_s"])
    if result.get("epoch_s_min") is not None and result["epoch_s_max"] > result["epoch_s_min"]:
        text += f" ({seconds(result['epoch_s_min'])}-{seconds(result['epoch_s_max'])})"
    return text + (" !" if disturbed(result) else "")


def progress_line(result):
    if result["status"] != "ok":
        return f"FAILED ({result.get('error', '?').splitlines()[-1]})"
    return (f"{seconds(result['epoch_s'])} s/epoch ({result['ms_per_step']:.1f} ms/step, "
            f"{count(result['faults_per_step'])} faults/step), {count(result['train_samples_per_s'])} train "
            f"samples/s, {count(result['infer_samples_per_s'])} infer samples/s, peak RSS {result['peak_rss_mib']:.0f} MiB "
            f"(worker {result['wall_s']:.0f} s{disturbed(result)})")


def disturbed(result):
    """A non-empty note when other processes used more than NOISY_LOAD cores during the worker."""
    load = result.get("other_cpu_load")
    return f"; other processes used {load:.1f} cores meanwhile" if load is not None and load > NOISY_LOAD else ""


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------

class Table:
    """Rows of strings under headers; `right` says which columns hold numbers (right-aligned)."""

    def __init__(self, headers, right):
        self.headers, self.right, self.rows = list(headers), list(right), []

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    def text(self):
        widths = [max(len(row[i]) for row in [self.headers] + self.rows) for i in range(len(self.headers))]

        def line(row):
            return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, self.right)).rstrip()

        return "\n".join([line(self.headers), "  ".join("-" * w for w in widths)] + [line(r) for r in self.rows])

    def markdown(self):
        rule = ["---:" if r else "---" for r in self.right]
        return "\n".join("| " + " | ".join(row) + " |" for row in [self.headers, rule] + self.rows)


def detail_table(results, frameworks, with_cell=False):
    """One row per framework: the metrics, and for engine rows the ratios to PyTorch."""
    cuda = "torch-cuda" in frameworks
    headers = (["model", "batch", "feed"] if with_cell else []) + [
        "framework", "s/epoch", "train samples/s", "infer samples/s", "faults/step", "peak RSS MiB", "warm-up s",
        "epoch / torch-cpu", "RSS / torch-cpu"] + (["epoch / torch-cuda"] if cuda else []) + (
        ["epoch / numpy-mlp"] if "numpy-mlp" in frameworks else [])
    right = ([False, True, False] if with_cell else []) + [False] + [True] * (len(headers) - (4 if with_cell else 1))
    table = Table(headers, right)
    for r in results:
        cell = list(cell_of(r)) if with_cell else []
        if r["status"] != "ok":
            table.add(*cell, r["framework"], "failed", *[""] * (len(headers) - len(cell) - 2))
            continue
        row = [spread(r), count(r["train_samples_per_s"]), count(r["infer_samples_per_s"]),
               count(r.get("faults_per_step")), f"{r['peak_rss_mib']:.0f}", seconds(r["warmup_s"]), ratio(r.get("epoch_vs_torch_cpu")),
               ratio(r.get("rss_vs_torch_cpu"))] + ([ratio(r.get("epoch_vs_torch_cuda"))] if cuda else []) + (
               [ratio(r.get("epoch_vs_numpy_mlp"))] if "numpy-mlp" in frameworks else [])
        table.add(*cell, r["framework"], *row)
    return table


def summary_table(results, frameworks):
    """Seconds per epoch (median, min-max, "!" if disturbed): one row per (model, batch size), one column per
    framework, then the ratios: engines and numpy-mlp to torch-cpu and torch-cuda, engines to numpy-mlp."""
    engines = [f for f in frameworks if f.startswith("engine")]
    pairs = [(e, b) for b in ("torch-cpu", "torch-cuda") if b in frameworks
             for e in engines + (["numpy-mlp"] if "numpy-mlp" in frameworks else [])]
    pairs += [(e, "numpy-mlp") for e in engines if "numpy-mlp" in frameworks]
    headers = ["model", "batch", "feed"] + [f"{f} s/epoch" for f in frameworks] + [f"{e} / {b}" for e, b in pairs]
    table = Table(headers, [False, True, False] + [True] * (len(headers) - 3))
    by_cell = {cell_of(r) + (r["framework"],): r for r in results}
    for cell in dict.fromkeys(cell_of(r) for r in results):
        cells = [by_cell.get(cell + (f,), {}) for f in frameworks]
        row = [spread(c) if c.get("status") == "ok" else "failed" if c else "" for c in cells]
        row += [ratio(by_cell.get(cell + (e,), {}).get("epoch_vs_" + b.replace("-", "_"))) for e, b in pairs]
        table.add(*cell, *row)
    return table


def method_note(report):
    config = report["config"]

    def per_model(value):  # a number, or {model: number} (the defaults differ for alexnet)
        if not isinstance(value, dict):
            return f"{value:,}" if isinstance(value, int) else str(value)
        values = set(value.values())
        return f"{values.pop():,}" if len(values) == 1 else ", ".join(f"{v:,} ({m})" for m, v in value.items())

    if config["full_epochs"]:
        how = "seconds per epoch timed over whole passes over the training data"
    else:
        how = (f"seconds per epoch (60,000 MNIST, 50,000 CIFAR-10 samples) extrapolated from "
               f"{per_model(config['train_batches'])} timed training batches per repeat")
    rounds = config.get("rounds", 1)
    median = (f"median of {config['repeats']} repeats" if rounds == 1 else
              f"the median over {rounds} rounds (every cell once per round) of the median of {config['repeats']} "
              f"repeats, min-max over all rounds")
    feeds = config.get("feeds", ["loader"])
    return (f"{how}; {median} after {per_model(config['warmup_batches'])} warm-up batches; "
            f"SGD lr {config['lr']} momentum {config['momentum']}, cross-entropy; batches fed by "
            f"{' and by '.join(FEED_NOTES[f] for f in feeds)}; inference on "
            f"{per_model(config['test_samples'])} test images in batches of {config['test_batch_size']} under "
            f"no_grad; faults/step = minor page faults per timed training step (ru_minflt); "
            f"peak RSS = the worker process's ru_maxrss (interpreter, libraries and both data sets included); "
            f"{config['threads']} threads" + (f"; {config['busy_cores']} core(s) kept busy by a Python loop "
                                              f"(--busy-cores)" if config.get("busy_cores") else "") + ".")


FEED_NOTES = {"loader": "the DataLoader (loader: the engine's DataLoader, PyTorch indexing its preloaded tensors)",
              "plain": "tensor(x[idx]) of the NumPy arrays every step (plain)"}


def machine_line(machine):
    gpu = f", GPU {machine['gpu']}" if machine.get("gpu") else ", no GPU (no CUDA column measured)"
    blas = f"; NumPy's BLAS {machine['blas']}" if machine.get("blas") else ""
    return (f"CPU {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB{gpu}; Python "
            f"{machine['python']}, NumPy {machine['numpy']}{blas}, Numba {machine['numba']}, PyTorch {machine['torch']}")


def text_report(report):
    results, frameworks = report["results"], report["config"]["frameworks"]
    parts = [f"Machine: {machine_line(report['machine'])}", f"Method: {method_note(report)}", ""]
    for cell in dict.fromkeys(cell_of(r) for r in results):
        model, batch, feed = cell
        rows = [r for r in results if cell_of(r) == cell]
        parts += [f"{model}, batch {batch}, {feed} feed", detail_table(rows, frameworks).text()]
        parts += [f"  ! {r['framework']}: other processes used {r['other_cpu_load']:.1f} cores during its run"
                  for r in rows if disturbed(r)] + [""]
    parts += ["Seconds per epoch, all cells", summary_table(results, frameworks).text()]
    noisy = [r for r in results if disturbed(r)]
    if noisy:
        parts += ["", f"Warning: other processes were busy during {len(noisy)} of {len(results)} runs (more than "
                      f"{NOISY_LOAD} cores on average); rerun those on a quiet machine."]
    failed = [r for r in results if r["status"] != "ok"]
    for r in failed:
        parts += ["", f"FAILED {r['model']}, batch {r['batch_size']}, {r.get('feed', 'loader')} feed, "
                      f"{r['framework']}:", r.get("error", "?")]
    return "\n".join(parts)


def markdown_report(report):
    results, frameworks = report["results"], report["config"]["frameworks"]
    return "\n\n".join([
        f"Machine: {machine_line(report['machine'])}.",
        f"Method: {method_note(report)}",
        summary_table(results, frameworks).markdown(),
        detail_table(results, frameworks, with_cell=True).markdown(),
    ]) + "\n"


def csv_text(results):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------

def write_atomic(path, data):
    """Write `data` (str or bytes) to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json(path, report):
    write_atomic(path, json.dumps(report, indent=1) + "\n")


def chart_png(report):
    """Grouped bars of seconds per epoch (log scale): one group per (model, batch), one bar per framework."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results, frameworks = report["results"], report["config"]["frameworks"]
    cells = list(dict.fromkeys(cell_of(r) for r in results))
    by_cell = {cell_of(r) + (r["framework"],): r for r in results if r["status"] == "ok"}
    width = 0.8 / len(frameworks)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(cells) + 2), 4.8))
    for k, framework in enumerate(frameworks):
        xs, ys = [], []
        for i, cell in enumerate(cells):
            r = by_cell.get(cell + (framework,))
            if r:
                xs.append(i + (k - (len(frameworks) - 1) / 2) * width)
                ys.append(r["epoch_s"])
        bars = ax.bar(xs, ys, width, label=framework)
        ax.bar_label(bars, labels=[seconds(y) for y in ys], fontsize=7, padding=1)
    ax.set_xticks(range(len(cells)), [f"{m}\nbatch {b}\n{feed}" for m, b, feed in cells])
    ax.set_yscale("log")
    ax.set_ylabel("seconds per training epoch (log scale)")
    extrapolated = "" if report["config"]["full_epochs"] else ", extrapolated from timed batches"
    ax.set_title(f"Epoch time{extrapolated}\n{report['machine']['cpu']}, {report['config']['threads']} "
                 f"threads", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return buffer.getvalue()


def write_all(out, report):
    """results.json, results.csv, results.md and epoch_time.png in `out`; returns the text report for stdout."""
    out = Path(out)
    add_ratios(report["results"])
    write_json(out / "results.json", report)
    write_atomic(out / "results.csv", csv_text(report["results"]))
    write_atomic(out / "results.md", markdown_report(report))
    if any(r["status"] == "ok" for r in report["results"]):
        write_atomic(out / "epoch_time.png", chart_png(report))
    total = f"\nTotal {report['total_s'] / 60:.1f} min." if "total_s" in report else ""
    names = ("results.json", "results.csv", "results.md", "epoch_time.png")
    return text_report(report) + total + f"\nWritten: {', '.join(str(out / n) for n in names)}"
