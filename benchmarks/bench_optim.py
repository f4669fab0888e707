"""Speed of one SGD-with-momentum step over the MNIST MLP's parameters, per kernel backend.

    python benchmarks/bench_optim.py
    python benchmarks/bench_optim.py --repeats 500 --rounds 5

The six parameter arrays of MnistMLP (784-512-512-10, 669,706 numbers, float32) get random gradients; each
backend's kernels.backend.sgd_update (numpy_optim.py: four NumPy passes per array; numba_optim.py: one compiled pass)
then runs --repeats whole steps, after warm-up. Reported: per backend, the median over --rounds of the mean
step time in milliseconds, with the min-max. Both backends run in this one process, alternating by round.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from minitorch_mnist import kernels  # noqa: E402

SHAPES = [(512, 784), (512,), (512, 512), (512,), (10, 512), (10,)]


def step_time(backend, weights, grads, buffers, repeats):
    with kernels.use_backend(backend):
        for _ in range(10):  # warm-up (compiles the Numba loop on the first call, or loads it from the cache)
            for w, g, b in zip(weights, grads, buffers):
                kernels.backend.sgd_update(w, g, b, 0.01, 0.9, 0.0, 0.0, False, first_step=False)
        start = time.perf_counter()
        for _ in range(repeats):
            for w, g, b in zip(weights, grads, buffers):
                kernels.backend.sgd_update(w, g, b, 0.01, 0.9, 0.0, 0.0, False, first_step=False)
        return (time.perf_counter() - start) / repeats * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]
    buffers = [np.zeros_like(w) for w in weights]
    times = {backend: [] for backend in ("numpy", "numba")}
    for _ in range(args.rounds):
        for backend in times:
            times[backend].append(step_time(backend, weights, grads, buffers, args.repeats))
    print(f"SGD step (momentum 0.9) over the MLP's {sum(w.size for w in weights):,} float32 parameters, "
          f"median of {args.rounds} rounds x {args.repeats} steps:")
    for backend, values in times.items():
        print(f"  {backend:6s} {statistics.median(values):.3f} ms ({min(values):.3f}-{max(values):.3f})")


if __name__ == "__main__":
    main()
