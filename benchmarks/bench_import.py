"""How long `import minitorch_mnist` takes in a fresh interpreter, for one or more source trees side by side.

    python benchmarks/bench_import.py                          # this checkout, 15 runs
    python benchmarks/bench_import.py /tmp/old-tree . --runs 15   # e.g. a `git archive` of an older commit, and now

Each run is a new `python -c "import minitorch_mnist"` with PYTHONPATH set to the tree, started from a temporary
folder (so the current directory cannot shadow it); the trees take turns, run after run, and a bare
`python -c "import numpy"` is timed the same way for scale. Reported: the median wall time and the median CPU time
of the child (user + system), which other processes on a shared machine disturb less than the wall time.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_import(module, tree, folder):
    """(wall s, child CPU s) of one fresh interpreter importing `module` from `tree`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], env=dict(os.environ, PYTHONPATH=str(tree)),
                   cwd=folder, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[Path(__file__).resolve().parents[1]],
                        help="folders holding a minitorch_mnist package (default: this checkout)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    for tree in args.trees:
        if not (tree / "minitorch_mnist" / "__init__.py").is_file():
            parser.error(f"{tree} holds no minitorch_mnist/__init__.py")
    rows = [("import numpy", None, "numpy")] + [(str(tree), tree.resolve(), "minitorch_mnist") for tree in args.trees]
    times = {name: [] for name, _, _ in rows}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            for name, tree, module in rows:
                times[name].append(timed_import(module, tree or args.trees[0].resolve(), folder))
    for name, _, _ in rows:
        walls, cpus = zip(*times[name])
        print(f"{name}: wall median {statistics.median(walls):.3f} s, CPU median {statistics.median(cpus):.3f} s "
              f"({args.runs} runs)")


if __name__ == "__main__":
    main()
