"""Per-op speed of the engine's conv, pooling and ReLU kernels against PyTorch on the CPU, each in its own process.

    python benchmarks/bench_kernels.py                          # Numba kernels vs torch, batch 64 and 128, 2 threads
    python benchmarks/bench_kernels.py --backends numba numpy --batch-sizes 64 --repeats 100
    python benchmarks/bench_kernels.py --compile-times          # Numba compile time: cold cache, then warm cache
    python benchmarks/bench_kernels.py --threadpool             # Numba after a BLAS matmul, per thread-pool setting

The ops are the layers of the two conv models, with their shapes:
    LeNet: conv 1->6 k3 on 28x28, max-pool 2, conv 6->16 k3 on 13x13, max-pool 2
    CNN:   conv 1->16 k3 s2 p1 on 28x28, conv 16->16 k3 s2 p1 on 14x14, conv 16->10 k3 s2 p1 on 7x7, avg-pool 4
    and each model's first ReLU (after conv1)
Each framework runs in a worker process of its own (never torch and the engine in one process), started as
    python benchmarks/bench_kernels.py --worker engine-numba --batch-size 64 ...
which prints one JSON line. A worker warms up (which compiles the Numba kernels), then times every op
--repeats times: "forward" is the op alone; "fwd+bwd" is the forward and the backward of a fixed random upstream
gradient into an input and weights that require grad (gradients reset each time). The input requires grad in
both frameworks, so both compute the same three gradients. Reported: the median, in milliseconds; with
--rounds > 1 the workers alternate and each op keeps its smallest median (robust to other load on the machine).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (kind, input shape (C, H, W), options)
OPS = {
    "lenet conv1": ("conv", (1, 28, 28), dict(out_channels=6, kernel=3, stride=1, padding=0)),
    "lenet pool1": ("max", (6, 26, 26), dict(kernel=2)),
    "lenet conv2": ("conv", (6, 13, 13), dict(out_channels=16, kernel=3, stride=1, padding=0)),
    "lenet pool2": ("max", (16, 11, 11), dict(kernel=2)),
    "cnn conv1": ("conv", (1, 28, 28), dict(out_channels=16, kernel=3, stride=2, padding=1)),
    "cnn conv2": ("conv", (16, 14, 14), dict(out_channels=16, kernel=3, stride=2, padding=1)),
    "cnn conv3": ("conv", (16, 7, 7), dict(out_channels=10, kernel=3, stride=2, padding=1)),
    "cnn avgpool": ("avg", (10, 4, 4), dict(kernel=4)),
    "lenet relu1": ("relu", (6, 26, 26), {}),
    "cnn relu1": ("relu", (16, 14, 14), {}),
}


# ---------------------------------------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------------------------------------

def _arrays(batch_size, kind, shape, options, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    arrays = {"x": rng.standard_normal((batch_size,) + shape).astype(np.float32)}
    if kind == "conv":
        k = options["kernel"]
        arrays["weight"] = (rng.standard_normal((options["out_channels"], shape[0], k, k)) / (3 * k)).astype(np.float32)
        arrays["bias"] = rng.standard_normal(options["out_channels"]).astype(np.float32)
    return arrays


def _time(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def engine_worker(args):
    os.environ["MINITORCH_KERNELS"] = args.worker.split("-", 1)[1]
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import minitorch_mnist as mm
    from minitorch_mnist.ops.conv import conv2d
    from minitorch_mnist.ops.pool import avg_pool2d, max_pool2d

    results = {}
    for name, (kind, shape, options) in OPS.items():
        arrays = _arrays(args.batch_size, kind, shape, options, args.seed)
        tensors = {key: mm.tensor(value, requires_grad=True) for key, value in arrays.items()}
        if kind == "conv":
            op = lambda: conv2d(tensors["x"], tensors["weight"], tensors["bias"], options["stride"], options["padding"])
        elif kind == "relu":
            op = lambda: mm.relu(tensors["x"])
        else:
            pool = max_pool2d if kind == "max" else avg_pool2d
            op = lambda: pool(tensors["x"], options["kernel"])
        upstream = mm.tensor(np.random.default_rng(args.seed + 1).standard_normal(op().shape).astype(np.float32))

        def forward_backward():
            for tensor in tensors.values():
                tensor.grad = None
            op().backward(upstream)

        results[name] = {"forward": _time(op, args.repeats, args.warmup),
                         "fwd+bwd": _time(forward_backward, args.repeats, args.warmup)}
    return results


def torch_worker(args):
    import numpy as np
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    results = {}
    for name, (kind, shape, options) in OPS.items():
        arrays = _arrays(args.batch_size, kind, shape, options, args.seed)
        tensors = {key: torch.tensor(value, requires_grad=True) for key, value in arrays.items()}
        if kind == "conv":
            op = lambda: F.conv2d(tensors["x"], tensors["weight"], tensors["bias"], options["stride"], options["padding"])
        elif kind == "relu":
            op = lambda: F.relu(tensors["x"])
        else:
            pool = F.max_pool2d if kind == "max" else F.avg_pool2d
            op = lambda: pool(tensors["x"], options["kernel"])
        upstream = torch.tensor(np.random.default_rng(args.seed + 1).standard_normal(tuple(op().shape)).astype(np.float32))

        def forward_backward():
            for tensor in tensors.values():
                tensor.grad = None
            op().backward(upstream)

        results[name] = {"forward": _time(op, args.repeats, args.warmup),
                         "fwd+bwd": _time(forward_backward, args.repeats, args.warmup)}
    return results


# ---------------------------------------------------------------------------------------------------------
# Other load on the machine (Linux): CPU time used by other processes while we measured, in cores
# ---------------------------------------------------------------------------------------------------------

def _busy_seconds():
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:8]]
    except OSError:
        return None
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


class ForeignLoad:
    def __enter__(self):
        self.start, self.busy = time.perf_counter(), _busy_seconds()
        self.own = os.times()
        return self

    def __exit__(self, *exc):
        busy = _busy_seconds()
        own = os.times()
        own_seconds = sum(own[:4]) - sum(self.own[:4])  # this process and its finished children
        wall = time.perf_counter() - self.start
        self.cores = None if busy is None else max(0.0, (busy - self.busy - own_seconds) / wall)


# ---------------------------------------------------------------------------------------------------------
# The parent: start workers, print the table
# ---------------------------------------------------------------------------------------------------------

def run_worker(framework, batch_size, args, extra_env=None):
    env = dict(os.environ, NUMBA_NUM_THREADS=str(args.threads), **(extra_env or {}))
    command = [sys.executable, __file__, "--worker", framework, "--batch-size", str(batch_size),
               "--repeats", str(args.repeats), "--warmup", str(args.warmup), "--threads", str(args.threads),
               "--seed", str(args.seed)]
    output = subprocess.run(command, env=env, capture_output=True, text=True)
    if output.returncode != 0:
        raise SystemExit(f"worker {framework} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def speed_table(args):
    frameworks = ["torch"] + [f"engine-{backend}" for backend in args.backends]
    for batch_size in args.batch_sizes:
        best = {framework: {} for framework in frameworks}
        with ForeignLoad() as load:
            for _ in range(args.rounds):
                for framework in frameworks:
                    for name, times in run_worker(framework, batch_size, args).items():
                        for what, ms in times.items():
                            key = (name, what)
                            best[framework][key] = min(ms, best[framework].get(key, float("inf")))
        print(f"\nbatch {batch_size}, {args.threads} threads, median of {args.repeats} (best of {args.rounds} rounds); "
              f"ms, and engine/torch (below 1: the engine is faster)")
        header = f"{'op':14s} {'':8s} {'torch':>8s}" + "".join(f" {fw:>13s} {'ratio':>6s}" for fw in frameworks[1:])
        print(header)
        for name in OPS:
            for what in ("forward", "fwd+bwd"):
                torch_ms = best["torch"][(name, what)]
                row = f"{name:14s} {what:8s} {torch_ms:8.3f}"
                for framework in frameworks[1:]:
                    ms = best[framework][(name, what)]
                    row += f" {ms:13.3f} {ms / torch_ms:6.2f}"
                print(row)
        if load.cores is not None:
            print(f"(other processes used {load.cores:.2f} cores on average meanwhile)")


# ---------------------------------------------------------------------------------------------------------
# Compile times: a fresh Numba cache (cold: compiles and writes it), then the same cache again (warm: loads it)
# ---------------------------------------------------------------------------------------------------------

FIRST_CALL = """
import time
start = time.perf_counter()
import numpy as np
import minitorch_mnist as mm
from minitorch_mnist.ops.conv import conv2d
from minitorch_mnist.ops.pool import avg_pool2d, max_pool2d
imported = time.perf_counter()
for dtype in {dtypes}:
    x = mm.tensor(np.ones((2, 3, 9, 9), dtype=dtype), requires_grad=True)
    w = mm.tensor(np.ones((4, 3, 3, 3), dtype=dtype), requires_grad=True)
    b = mm.tensor(np.ones(4, dtype=dtype), requires_grad=True)
    y = conv2d(x, w, b, 1, 1)
    (max_pool2d(y, 2).sum() + avg_pool2d(y, 3).sum()).backward()
done = time.perf_counter()
print(imported - start, done - imported)
"""


def compile_times(args):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, MINITORCH_KERNELS="numba", PYTHONPATH=str(ROOT))
        for dtypes in (["np.float32"], ["np.float32", "np.float64"]):
            code = FIRST_CALL.format(dtypes="[" + ", ".join(dtypes) + "]")
            for state in ("cold", "warm"):
                if state == "cold":
                    shutil.rmtree(cache)
                    os.mkdir(cache)
                output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
                imported, first_call = map(float, output.stdout.split())
                print(f"{state} cache, {' + '.join(d[3:] for d in dtypes):17s}: import {imported:5.2f} s, "
                      f"first conv + max/avg pool forward and backward {first_call:6.2f} s")


# ---------------------------------------------------------------------------------------------------------
# Thread pools: a Numba conv right after BLAS matmuls, under each setting (one process per setting)
# ---------------------------------------------------------------------------------------------------------

THREADPOOL_SETTINGS = {
    "none": ({}, "no fix: BLAS keeps its threads"),
    "engine": ({}, "the engine's fix: BLAS on one thread once a Numba parallel kernel has run"),
    "blas1-around": ({}, "BLAS limited to one thread only around each Numba call (threadpoolctl)"),
    "openblas-timeout": ({"OPENBLAS_THREAD_TIMEOUT": "4"}, "OPENBLAS_THREAD_TIMEOUT=4 set before NumPy loads"),
    "omp-passive": ({"OMP_WAIT_POLICY": "PASSIVE"}, "OMP_WAIT_POLICY=PASSIVE (Numba's OpenMP workers sleep at once)"),
    "workqueue": ({"NUMBA_THREADING_LAYER": "workqueue"}, "Numba's workqueue threading layer"),
    "engine+workqueue": ({"NUMBA_THREADING_LAYER": "workqueue"}, "the engine's fix, Numba's workqueue layer"),
    "engine+omp-passive": ({"OMP_WAIT_POLICY": "PASSIVE"}, "the engine's fix, OMP_WAIT_POLICY=PASSIVE"),
}


def threadpool_worker(args):
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from minitorch_mnist import kernels
    from minitorch_mnist.kernels import threads

    setting = args.worker.split(":", 1)[1]
    if not setting.startswith("engine"):
        threads.limit_blas = lambda: None  # every other setting leaves BLAS its threads
    controller = None
    if setting == "blas1-around":
        import threadpoolctl
        controller = threadpoolctl.ThreadpoolController()
    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.batch_size, 6, 13, 13)).astype(np.float32)  # LeNet's conv2
    weight = rng.standard_normal((16, 6, 3, 3)).astype(np.float32)
    grad = rng.standard_normal((args.batch_size, 16, 11, 11)).astype(np.float32)
    a = rng.standard_normal((args.batch_size, 400)).astype(np.float32)  # LeNet's first linear layer
    b = rng.standard_normal((400, 120)).astype(np.float32)

    def conv():
        kernels.backend.conv2d_forward(x, weight, None, (1, 1), (0, 0))
        kernels.backend.conv2d_backward(grad, x, weight, (1, 1), (0, 0))

    def conv_in_setting():
        if controller is None:
            return conv()
        with controller.limit(limits=1, user_api="blas"):
            return conv()

    def measure(with_matmul):
        conv_times, matmul_times = [], []
        for _ in range(args.warmup + args.repeats):
            if with_matmul:
                start = time.perf_counter()
                for _ in range(3):
                    a @ b
                matmul_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            conv_in_setting()
            conv_times.append(time.perf_counter() - start)
        median = lambda values: statistics.median(values[args.warmup:]) * 1e3 if values else 0.0
        return median(conv_times), median(matmul_times)

    alone, _ = measure(False)
    after, matmul = measure(True)
    return {"conv alone": alone, "conv after matmul": after, "3 matmuls": matmul}


def threadpool_table(args):
    batch_size = args.batch_sizes[0]
    print(f"LeNet conv2 (batch {batch_size}) forward + both gradients with the Numba kernels, alone and right after "
          f"3 BLAS matmuls ({batch_size}x400 @ 400x120); median of {args.repeats}, best of {args.rounds} rounds, ms")
    print(f"{'setting':17s} {'conv alone':>10s} {'after matmul':>12s} {'3 matmuls':>9s}  what")
    with ForeignLoad() as load:
        for setting, (env, what) in THREADPOOL_SETTINGS.items():
            best = {}
            for _ in range(args.rounds):
                for key, ms in run_worker(f"threadpool:{setting}", batch_size, args, env).items():
                    best[key] = min(ms, best.get(key, float("inf")))
            print(f"{setting:17s} {best['conv alone']:10.3f} {best['conv after matmul']:12.3f} "
                  f"{best['3 matmuls']:9.3f}  {what}")
    if load.cores is not None:
        print(f"(other processes used {load.cores:.2f} cores on average meanwhile)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--backends", nargs="+", default=["numba"], choices=["numba", "numpy"])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compile-times", action="store_true")
    parser.add_argument("--threadpool", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        if args.worker.startswith("threadpool:"):
            results = threadpool_worker(args)
        elif args.worker == "torch":
            results = torch_worker(args)
        else:
            results = engine_worker(args)
        print(json.dumps(results))
    elif args.compile_times:
        compile_times(args)
    elif args.threadpool:
        threadpool_table(args)
    else:
        speed_table(args)


if __name__ == "__main__":
    main()
