"""Where a training step's time goes, op by op, in the engine and in PyTorch (CPU), each in its own process.

    python benchmarks/profile_step.py --model mlp --batch-size 64
    python benchmarks/profile_step.py --model cnn --batch-size 128 --steps 200
    python benchmarks/profile_step.py --model alexnet --batch-size 64 --steps 3 --warmup 1   # CIFAR-10-shaped input

A worker trains --steps SGD steps (lr 0.01, momentum 0.9, cross-entropy) on random images after --warmup steps,
then prints one JSON line of milliseconds per step:
  engine  wall time of each Function's forward (Function.apply, grouped by class) and backward (autograd's
          _run_node), of zero_grad and of the optimizer step, measured by wrapping them with a clock;
  torch   torch.profiler's self CPU time per op (aten::addmm, aten::mm, AddmmBackward0, ...) and of the
          optimizer step, summed over the steps.
The two sides name their ops differently (the engine's Linear is PyTorch's aten::addmm, its backward aten::mm
twice), and the engine's clock wrappers and PyTorch's profiler each add a little time of their own. Read the
tables for where time goes on each side, and compare totals with benchmarks/bench_models.py, which times
steps without instruments.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUT_SHAPES = {"logistic": (1, 28, 28), "mlp": (1, 28, 28), "cnn": (1, 28, 28), "lenet": (1, 28, 28),
                "alexnet": (3, 32, 32)}


def batches(args, np):
    rng = np.random.default_rng(args.seed)
    images = rng.standard_normal((16 * args.batch_size,) + INPUT_SHAPES[args.model]).astype(np.float32)
    labels = rng.integers(0, 10, len(images))
    for step in range(args.warmup + args.steps):
        start = (step % 16) * args.batch_size
        yield step >= args.warmup, images[start:start + args.batch_size], labels[start:start + args.batch_size]


def engine_worker(args):
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import minitorch_mnist as mm
    from minitorch_mnist.autograd import backward
    from minitorch_mnist.autograd import function
    from minitorch_mnist.models import MODELS
    from minitorch_mnist.nn import functional as F

    mm.manual_seed(args.seed)
    model = MODELS[args.model]()
    optimizer = mm.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    totals, measuring = collections.Counter(), [False]

    def timed(name, call):
        def wrapper(*a, **k):
            start = time.perf_counter()
            result = call(*a, **k)
            if measuring[0]:
                totals[name(*a)] += time.perf_counter() - start
            return result
        return wrapper

    apply = function.Function.apply.__func__
    function.Function.apply = classmethod(timed(lambda cls, *a: f"{cls.__name__} forward", apply))
    backward._run_node = timed(lambda node, *a: f"{node.function.__name__} backward", backward._run_node)
    optimizer.step = timed(lambda: "optimizer step", optimizer.step)
    optimizer.zero_grad = timed(lambda: "zero_grad", optimizer.zero_grad)
    for measuring[0], images, labels in batches(args, np):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(mm.tensor(images)), mm.tensor(labels))
        loss.item()
        loss.backward()
        optimizer.step()
    return {name: seconds / args.steps * 1e3 for name, seconds in totals.items()}


def torch_worker(args):
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch.profiler import ProfilerActivity, profile

    sys.path.insert(0, str(ROOT))
    from reference.models import MODELS

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = MODELS[args.model]()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    steps = list(batches(args, np))
    for measured, images, labels in steps:
        if measured:
            break
        optimizer.zero_grad()
        F.cross_entropy(model(torch.from_numpy(images)), torch.from_numpy(labels)).backward()
        optimizer.step()
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        for measured, images, labels in steps:
            if not measured:
                continue
            optimizer.zero_grad()
            loss = F.cross_entropy(model(torch.from_numpy(images)), torch.from_numpy(labels))
            loss.item()
            loss.backward()
            optimizer.step()
    return {event.key: event.self_cpu_time_total / args.steps / 1e3 for event in profiler.key_averages()
            if event.self_cpu_time_total > 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(INPUT_SHAPES), default="mlp")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--top", type=int, default=12, help="rows per table (the largest)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=["engine", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        stdout, sys.stdout = sys.stdout, sys.stderr  # libraries' prints go to stderr: stdout is the JSON line
        result = engine_worker(args) if args.worker == "engine" else torch_worker(args)
        sys.stdout = stdout
        print(json.dumps(result))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_report

    print(f"{args.model}, batch {args.batch_size}, ms per step over {args.steps} steps after {args.warmup} warm-up; "
          f"{bench_report.cpu_and_blas()}")
    for worker in ("engine", "torch"):
        command = [sys.executable, __file__, "--worker", worker] + sys.argv[1:]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), check=True)
        times = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\n{worker}: {sum(times.values()):.2f} ms measured per step")
        for name, ms in sorted(times.items(), key=lambda item: -item[1])[:args.top]:
            print(f"  {name:40s} {ms:7.3f}")


if __name__ == "__main__":
    main()
