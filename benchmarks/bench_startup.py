"""Start-up of the command line: seconds from `python -m minitorch_mnist train ...` to its first finished training step.

    python benchmarks/bench_startup.py                      # lenet and cnn, cold then warm Numba cache, 3 warm runs
    python benchmarks/bench_startup.py --models mlp --warm-runs 5

Each run is a fresh process running the real command line (data from ./data, or --data-dir); a hook on the
optimizer's first step ends the process there, so the time is interpreter + imports + reading MNIST + building
the model + compiling (cold) or loading (warm) the Numba kernels + one training step. "cold" uses an empty
NUMBA_CACHE_DIR (emptied for each model), "warm" the same folder again. For scale, it also times `python -c pass` and
`python -c "import minitorch_mnist"`. Reported: the median of --warm-runs, with min-max.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIRST_STEP = """
import os, runpy, sys
from minitorch_mnist.optim import SGD
original = SGD.step
def step_then_exit(self):
    original(self)
    sys.stdout.flush()
    os._exit(0)  # the first step is done: that is all this run measures
SGD.step = step_then_exit
sys.argv = ["minitorch_mnist", "train", "--no-progress", "--epochs", "1"] + sys.argv[1:]
runpy.run_module("minitorch_mnist", run_name="__main__")
"""


def wall(command, env):
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def summary(times):
    return f"{statistics.median(times):5.2f} s ({min(times):.2f}-{max(times):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["lenet", "cnn"])
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="numba_cache_") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        runs = args.warm_runs
        print(f"python -c pass                  : {summary([wall([sys.executable, '-c', 'pass'], env) for _ in range(runs)])}")
        imports = [wall([sys.executable, "-c", "import minitorch_mnist"], env) for _ in range(runs)]
        print(f"python -c 'import minitorch_mnist': {summary(imports)}")
        extra = ["--data-dir", args.data_dir] if args.data_dir else []
        for model in args.models:
            command = [sys.executable, "-c", FIRST_STEP, "--model", model] + extra
            shutil.rmtree(cache)
            os.mkdir(cache)  # empty for every model: its cold run compiles everything it needs
            cold = wall(command, env)  # compiles and fills the cache
            warm = [wall(command, env) for _ in range(runs)]
            print(f"train --model {model:8s} to its first step: cold cache {cold:5.2f} s, warm cache {summary(warm)}")


if __name__ == "__main__":
    main()
