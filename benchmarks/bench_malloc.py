"""What the engine's malloc setting (minitorch_mnist/kernels/memory.py) does to page faults and resident memory.

    python benchmarks/bench_malloc.py --model lenet --steps 100
    python benchmarks/bench_malloc.py --model alexnet --steps 4 --eval-batch 256

For each setting (MINITORCH_MALLOPT unset: the setting on; MINITORCH_MALLOPT=0: glibc's defaults) and each feed
(plain: tensor(x[idx]) every step; loader: the DataLoader), one fresh process trains --steps steps at
--batch-size, then evaluates two batches of --eval-batch under no_grad, trains --steps steps again, and deletes
the model and optimizer. It reports ms and minor page faults per training step, and the resident set size
(/proc/self/statm) after each phase: what the setting keeps (freed memory stays with the process for reuse)
and what it saves. --rounds alternates the configurations (a loaded machine only ever adds time).
"""

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(args):
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import minitorch_mnist as mm
    from minitorch_mnist import kernels
    from minitorch_mnist.data import DataLoader, TensorDataset
    from minitorch_mnist.models import MODEL_INPUTS, MODELS
    from minitorch_mnist.nn import functional as F

    rng = np.random.default_rng(0)
    n = max(16 * args.batch_size, args.eval_batch)
    images = rng.standard_normal((n,) + MODEL_INPUTS[args.model], dtype=np.float32)
    labels = rng.integers(0, 10, n)
    mm.manual_seed(0)
    model = MODELS[args.model]()
    optimizer = mm.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loader = DataLoader(TensorDataset(images, labels), batch_size=args.batch_size, shuffle=True, seed=0)

    def batches():
        while True:
            if args.feed == "loader":
                yield from loader
            else:
                order = rng.permutation(n)
                for k in range(0, n, args.batch_size):
                    index = order[k:k + args.batch_size]
                    yield mm.tensor(images[index]), mm.tensor(labels[index])

    stream = batches()

    def train(steps):
        model.train()
        times, faults = [], resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(steps):
            start = time.perf_counter()
            x, y = next(stream)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            loss.item()
            times.append(time.perf_counter() - start)
        return times, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / steps

    train(2)  # warm-up: compiles or loads the kernels, first touch of every array
    rss = {"after warm-up": rss_mib()}
    times, faults = train(args.steps)
    rss["after training"] = rss_mib()
    model.eval()
    with mm.no_grad():
        for _ in range(2):
            model(mm.tensor(images[:args.eval_batch]))
    rss[f"after eval at batch {args.eval_batch}"] = rss_mib()
    times_again, faults_again = train(args.steps)
    rss["after training again"] = rss_mib()
    del model, optimizer, loader, stream
    gc.collect()
    rss["after deleting the model"] = rss_mib()
    return dict(ms_per_step=1e3 * statistics.median(times), faults_per_step=faults,
                ms_per_step_again=1e3 * statistics.median(times_again), faults_per_step_again=faults_again,
                rss_mib=rss, peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                malloc=kernels.memory.malloc_state())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lenet")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--eval-batch", type=int, default=1000)
    parser.add_argument("--feeds", nargs="+", choices=["plain", "loader"], default=["plain", "loader"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--feed", default="plain", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_report

    print(f"{args.model}, batch {args.batch_size}, {args.steps} steps; {bench_report.cpu_and_blas()}")
    for round_number in range(1, args.rounds + 1):
        for feed in args.feeds:
            for setting in ("on", "off"):
                env = dict(os.environ)
                env.pop("MINITORCH_MALLOPT", None)
                if setting == "off":
                    env["MINITORCH_MALLOPT"] = "0"
                command = [sys.executable, __file__, "--worker", "--feed", feed] + [
                    a for a in sys.argv[1:] if a != "--worker"]
                done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
                r = json.loads(done.stdout.strip().splitlines()[-1])
                phases = ", ".join(f"{name} {mib:.0f}" for name, mib in r["rss_mib"].items())
                print(f"round {round_number}  {feed:6s} malloc setting {setting:3s} ({r['malloc']}): "
                      f"{r['ms_per_step']:.1f} ms/step, {r['faults_per_step']:,.0f} faults/step; after the eval "
                      f"{r['ms_per_step_again']:.1f} ms/step, {r['faults_per_step_again']:,.0f} faults/step; RSS MiB: "
                      f"{phases}; peak {r['peak_rss_mib']:.0f}", flush=True)


if __name__ == "__main__":
    main()
