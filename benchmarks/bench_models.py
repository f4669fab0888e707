"""Training and inference speed of the seed models: the engine (NumPy kernels, Numba kernels) against PyTorch.

    python benchmarks/bench_models.py                         # 5 models x batch 64, 128 x both feeds x every framework
    python benchmarks/bench_models.py --models mlp lenet --batch-sizes 64 --repeats 1
    python benchmarks/bench_models.py --models alexnet --batch-sizes 64 --feeds plain

Each (framework, model, batch size) runs in its own worker process, started as

    python benchmarks/bench_models.py --worker engine-numba --model lenet --batch-size 64 --data-cache DIR ...

which prints one JSON line on stdout. The engine's workers never import torch and PyTorch's never import the
engine, so one framework's threads, allocator and imports cannot slow down or inflate the other. The parent reads
MNIST once, normalised as the command line does it, and generates CIFAR-10-shaped data for alexnet (bench_data.py),
and hands both frameworks the very same float32 arrays (through .npy files in a temporary folder), preloaded in
memory (on the GPU for torch-cuda).

Two ways to feed the training loop (--feeds, both by default), each a cell of its own:
  loader  the engine's DataLoader over a TensorDataset; PyTorch indexes its preloaded tensors with the same
          seeded permutation (numpy-mlp: NumPy's x[idx]);
  plain   the loop as tutorials write it: a batch gathered from the NumPy arrays with x[idx] and wrapped with
          tensor(...) every step (mm.tensor, torch.tensor). The two feeds allocate differently before each step,
          which used to change the engine's step time by 2x (page faults; minitorch_mnist/kernels/memory.py).

What a worker measures, after warm-up batches (which compile the Numba kernels):
  training    the loop of minitorch_mnist.app.loop.train_one_epoch (zero_grad, forward, cross-entropy, backward,
              SGD step with lr 0.01 and momentum 0.9, loss.item()) over shuffled batches; each repeat times
              --train-batches batches and the epoch time is extrapolated to a whole epoch (60,000 MNIST or
              50,000 CIFAR-10 samples; --full-epochs times passes over the data instead);
  inference   forward passes over the test set in batches of --test-batch-size under no_grad, counting
              correct predictions (the accuracy is a sanity check that the model really trained);
  memory      the worker's peak resident set size (getrusage ru_maxrss): interpreter, libraries, both data
              sets and the training itself; for CUDA also the peak of torch.cuda.max_memory_allocated;
  faults      minor page faults (getrusage ru_minflt) per timed training step: each is a fresh 4 KiB page the
              kernel had to map and zero.
Reported: the median over --repeats; with --rounds N every cell runs N times, round after round, and reports the
round with the median time (min-max over all rounds). Tables go to stdout; JSON, CSV, Markdown and a PNG chart to
--out.
"""

import argparse
import contextlib
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the repository root, so workers import minitorch_mnist / reference from here

import bench_data  # noqa: E402  (beside this file: the data sets, prepared once)
import bench_report  # noqa: E402  (beside this file; tables, files, chart; matplotlib only when drawing)

MODEL_NAMES = ("logistic", "mlp", "cnn", "lenet", "alexnet")
FRAMEWORKS = ("engine-numpy", "engine-numba", "numpy-mlp", "torch-cpu", "torch-cuda")
FEEDS = ("loader", "plain")
HAND_WRITTEN = {"numpy-mlp": "mlp"}  # framework -> the one model it has (numpy_mlp.py, outside the engine)
LR, MOMENTUM = 0.01, 0.9
# per-model defaults of --train-batches, --warmup-batches, --test-samples: an AlexNet step takes seconds
BIG_MODELS = {"alexnet": dict(train_batches=4, warmup_batches=2, test_samples=512)}
SMALL_MODELS = dict(train_batches=200, warmup_batches=5, test_samples=10_000)


# --------------------------------------------------------------------------------------------------------------
# The worker: one framework, one model, one batch size
# --------------------------------------------------------------------------------------------------------------

def setup_engine(args):
    """The engine with the kernel backend named by the worker (engine-numpy / engine-numba); never imports torch."""
    kernels_name = args.worker.split("-", 1)[1]
    os.environ["MINITORCH_KERNELS"] = kernels_name  # read at import; set_backend below makes sure of it
    import numpy as np

    import minitorch_mnist as mm
    from minitorch_mnist import kernels
    from minitorch_mnist.data import DataLoader, TensorDataset
    from minitorch_mnist.models import MODELS
    from minitorch_mnist.nn import functional as F
    from minitorch_mnist.optim import SGD

    kernels.set_backend(kernels_name)
    data = bench_data.load(args.data_cache, args.model, np)
    mm.manual_seed(args.seed)
    model = MODELS[args.model]()
    x_train, y_train = data["x_train"], data["y_train"]
    test_x, test_y = data["x_test"][:args.test_samples], data["y_test"][:args.test_samples]
    if args.feed == "loader":
        loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True, seed=args.seed)
        test_loader = DataLoader(TensorDataset(test_x, test_y), batch_size=args.test_batch_size)
        epoch, test_batches = (lambda: iter(loader)), (lambda: iter(test_loader))
    else:
        epoch, test_batches = batch_streams(args, np, x_train, y_train, test_x, test_y, wrap=mm.tensor)

    info = dict(kernels=kernels_name, numpy=np.__version__)
    if "numba" in sys.modules:  # only the Numba backend loads it; importing it here would inflate engine-numpy's RSS
        import numba
        info.update(numba=numba.__version__, numba_threads=numba.get_num_threads())
    info["threadpools"] = thread_pools()
    return Framework(model=model, optimizer=SGD(model.parameters(), lr=LR, momentum=MOMENTUM),
                     cross_entropy=F.cross_entropy, no_grad=mm.no_grad, sync=lambda: None,
                     epoch=epoch, test_batches=test_batches, info=info,
                     after=lambda: dict(malloc=kernels.memory.malloc_state()))


def setup_numpy_mlp(args):
    """The MLP written by hand in plain NumPy (numpy_mlp.py): the floor for the engine's own overhead."""
    import numpy as np

    from numpy_mlp import NumpyMLP

    data = bench_data.load(args.data_cache, args.model, np)
    net = NumpyMLP(seed=args.seed, lr=LR, momentum=MOMENTUM)
    x_train, y_train = data["x_train"], data["y_train"]
    x_test, y_test = data["x_test"][:args.test_samples], data["y_test"][:args.test_samples]
    epoch, test_batches = batch_streams(args, np, x_train, y_train, x_test, y_test)
    return Framework(model=None, optimizer=None, cross_entropy=None, no_grad=contextlib.nullcontext,
                     sync=lambda: None, epoch=epoch, test_batches=test_batches,
                     info=dict(numpy=np.__version__, threadpools=thread_pools()),
                     train_step=net.train_step, predict=net.predict)


def setup_torch(args):
    """PyTorch on the CPU (with --threads threads) or on CUDA (data preloaded there, TF32 off); no engine import."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from reference.models import MODELS  # reference.models imports torch only

    device = torch.device("cuda" if args.worker == "torch-cuda" else "cpu")
    torch.set_num_threads(args.threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    data = bench_data.load(args.data_cache, args.model, np)
    torch.manual_seed(args.seed)
    model = MODELS[args.model]().to(device)
    if args.feed == "loader":  # preloaded tensors (on the device), indexed with the same permutation
        x_train, y_train = (torch.from_numpy(data[k]).to(device) for k in ("x_train", "y_train"))
        x_test = torch.from_numpy(data["x_test"][:args.test_samples]).to(device)
        y_test = torch.from_numpy(data["y_test"][:args.test_samples]).to(device)
        epoch, test_batches = batch_streams(args, np, x_train, y_train, x_test, y_test,
                                            as_index=lambda order: torch.from_numpy(order).to(device))
    else:  # NumPy's x[idx], then torch.tensor(...) every step
        epoch, test_batches = batch_streams(args, np, data["x_train"], data["y_train"],
                                            data["x_test"][:args.test_samples], data["y_test"][:args.test_samples],
                                            wrap=lambda array: torch.tensor(array, device=device))

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    info = dict(torch=torch.__version__, numpy=np.__version__, torch_threads=torch.get_num_threads(),
                threadpools=thread_pools())
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return Framework(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM),
                     cross_entropy=F.cross_entropy, no_grad=torch.no_grad, sync=sync, epoch=epoch,
                     test_batches=test_batches, info=info)


def batch_streams(args, np, x_train, y_train, x_test, y_test, as_index=lambda order: order, wrap=lambda a: a):
    """epoch() and test_batches() without the engine's DataLoader: the same seeded shuffles as the engine's
    DataLoader; as_index turns the NumPy permutation into the framework's index, wrap makes each gathered batch
    a tensor (the plain feed: mm.tensor or torch.tensor of x[idx])."""
    order_rng = np.random.default_rng(args.seed)  # same generator and seed as the engine's DataLoader

    def epoch():
        order = as_index(order_rng.permutation(len(x_train)))
        for k in range(0, len(order), args.batch_size):
            index = order[k:k + args.batch_size]
            yield wrap(x_train[index]), wrap(y_train[index])

    def test_batches():
        for k in range(0, len(x_test), args.test_batch_size):
            yield wrap(x_test[k:k + args.test_batch_size]), wrap(y_test[k:k + args.test_batch_size])

    return epoch, test_batches


class Framework:
    """What the timing loops need from a framework; each framework fills it with its own objects.

    train_step(x, y) -> loss and predict(x) -> labels default to the autograd loop over model and optimizer;
    the hand-written NumPy MLP brings its own.
    """

    def __init__(self, model, optimizer, cross_entropy, no_grad, sync, epoch, test_batches, info, train_step=None,
                 predict=None, after=dict):
        self.model, self.optimizer, self.cross_entropy, self.no_grad = model, optimizer, cross_entropy, no_grad
        self.sync, self.epoch, self.test_batches, self.info = sync, epoch, test_batches, info
        self.after = after  # -> more info, asked for once the timing is done
        self.train_step = train_step or self.autograd_step
        self.predict = predict or (lambda x: self.model(x).argmax(1))

    def autograd_step(self, x, y):
        """train_one_epoch's step: zero_grad, forward, cross-entropy, backward, SGD step, loss.item()."""
        self.optimizer.zero_grad()
        loss = self.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()  # as in app/loop.py; on CUDA this also waits for the step

    def mode(self, training):
        if self.model is not None:
            self.model.train(training)

    def batches_forever(self):
        """Training batches, epoch after epoch (a fresh shuffle each), as a long run would see them."""
        while True:
            yield from self.epoch()


def train_steps(fw, batches):
    """train_one_epoch's loop without the progress bar; returns (samples seen, last loss)."""
    fw.mode(training=True)
    samples, loss_value = 0, float("nan")
    for x, y in batches:
        loss_value = fw.train_step(x, y)
        samples += len(y)
    return samples, loss_value


def infer(fw):
    """One pass over the test batches under no_grad; returns (samples, correct predictions)."""
    fw.mode(training=False)
    samples, correct = 0, 0
    with fw.no_grad():
        for x, y in fw.test_batches():
            correct += int((fw.predict(x) == y).sum().item())
            samples += len(y)
    return samples, correct


def timed(fw, work):
    fw.sync()
    start = time.perf_counter()
    result = work()
    fw.sync()
    return time.perf_counter() - start, result


def measure(args):
    """Set up the worker's framework, warm up, time training and inference; returns the result dict."""
    start = time.perf_counter()
    setup = setup_engine if args.worker.startswith("engine") else setup_numpy_mlp if args.worker == "numpy-mlp" \
        else setup_torch
    fw = setup(args)
    setup_s = time.perf_counter() - start
    setup_rss = peak_rss_mib()

    stream = fw.batches_forever()
    # only training before the timed training: an inference batch of the test size first would leave other large
    # arrays freed behind, and so a different malloc state than a learner's loop has (kernels/memory.py)
    warmup_s, _ = timed(fw, lambda: train_steps(fw, itertools.islice(stream, args.warmup_batches)))

    train_times, train_samples, loss = [], 0, float("nan")
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(args.repeats):
        if args.full_epochs:
            seconds, (train_samples, loss) = timed(fw, lambda: train_steps(fw, fw.epoch()))
        else:
            seconds, (train_samples, loss) = timed(
                fw, lambda: train_steps(fw, itertools.islice(stream, args.train_batches)))
        train_times.append(seconds)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    warmup_s += timed(fw, lambda: infer_one_batch(fw))[0]
    infer_times, test_samples, correct = [], 0, 0
    for _ in range(args.repeats):
        seconds, (test_samples, correct) = timed(fw, lambda: infer(fw))
        infer_times.append(seconds)

    train_s, infer_s = statistics.median(train_times), statistics.median(infer_times)
    epoch = bench_data.EPOCH_SAMPLES[bench_data.DATASET_OF[args.model]] / train_samples  # an epoch / timed samples
    result = dict(
        framework=args.worker, model=args.model, batch_size=args.batch_size, feed=args.feed, status="ok",
        epoch_s=train_s * epoch, extrapolated=not args.full_epochs, epoch_s_min=min(train_times) * epoch,
        epoch_s_max=max(train_times) * epoch, ms_per_step=1e3 * train_s * args.batch_size / train_samples,
        faults_per_step=faults / (args.repeats * train_samples / args.batch_size),
        timed_samples=train_samples, train_samples_per_s=train_samples / train_s,
        infer_samples_per_s=test_samples / infer_s, test_samples=test_samples,
        test_accuracy=100.0 * correct / test_samples, last_loss=loss,
        train_times_s=train_times, infer_times_s=infer_times, setup_s=setup_s, warmup_s=warmup_s,
        setup_rss_mib=setup_rss, peak_rss_mib=peak_rss_mib(), threads=args.threads,
        torch_imported="torch" in sys.modules, engine_imported="minitorch_mnist.nn" in sys.modules, **fw.info,
        **fw.after())
    if args.worker == "torch-cuda":
        import torch
        result["gpu_peak_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return result


def infer_one_batch(fw):
    """Warm-up for the inference path (a batch of the test size: other shapes, and no_grad)."""
    fw.mode(training=False)
    with fw.no_grad():
        x, _ = next(iter(fw.test_batches()))
        fw.predict(x).sum().item()


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def thread_pools():
    """The BLAS and OpenMP libraries loaded in this process with their thread counts (threadpoolctl), if installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [dict(api=p.get("internal_api"), version=p.get("version"), threads=p.get("num_threads"))
            for p in threadpool_info()]


def probe_torch():
    """What PyTorch offers on this machine (run as a worker, so the parent process never imports torch)."""
    import torch
    cuda = torch.cuda.is_available()
    return dict(torch=torch.__version__, cuda=cuda, gpu=torch.cuda.get_device_name(0) if cuda else None,
                torch_default_threads=torch.get_num_threads())


def run_worker(args):
    """Worker entry: anything a library prints goes to stderr, so stdout carries only the JSON line."""
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        result = probe_torch() if args.worker == "probe" else measure(args)
    finally:
        sys.stdout = stdout
    print(json.dumps(result), flush=True)
    return 0


# --------------------------------------------------------------------------------------------------------------
# The parent: data once, one worker per cell, then the reports
# --------------------------------------------------------------------------------------------------------------

def model_setting(args, model, name):
    """--train-batches, --warmup-batches or --test-samples for this model: as given, else the model's default."""
    given = getattr(args, name)
    return given if given is not None else BIG_MODELS.get(model, SMALL_MODELS)[name]


def worker_command(args, framework, model, batch_size, feed, cache):
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", framework, "--model", model,
               "--batch-size", str(batch_size), "--feed", feed, "--data-cache", str(cache),
               "--repeats", str(args.repeats), "--test-batch-size", str(args.test_batch_size),
               "--threads", str(args.threads), "--seed", str(args.seed)]
    for name in ("train_batches", "warmup_batches", "test_samples"):
        command += [f"--{name.replace('_', '-')}", str(model_setting(args, model, name))]
    return command + (["--full-epochs"] if args.full_epochs else [])


def worker_env(args, framework):
    env = dict(os.environ)
    env.pop("MINITORCH_KERNELS", None)
    if framework.startswith("engine"):
        env["MINITORCH_KERNELS"] = framework.split("-", 1)[1]
    if not framework.startswith("torch"):
        if args.threads != os.cpu_count():  # only when asked: otherwise every library keeps its own default
            for name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                env[name] = str(args.threads)
    return env


def run_subprocess(command, env, timeout):
    """The worker's JSON (its last stdout line), or a dict with status 'failed' and the end of its stderr."""
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return dict(status="failed", error=f"timed out after {timeout} s")
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    tail = "\n".join(done.stderr.strip().splitlines()[-8:])
    return dict(status="failed", error=f"exit status {done.returncode}; its stderr ends with:\n{tail}")


def run_cell(args, framework, model, batch_size, feed, cache):
    """One worker run (after waiting for a quiet machine if asked), with the load other processes put on it."""
    if args.wait_for_quiet:
        waited, load = bench_report.wait_for_quiet(args.wait_for_quiet)
        if waited > 3:
            print(f"(waited {waited:.0f} s for other processes to calm down, to {load:.1f} cores)", end=" ",
                  file=sys.stderr, flush=True)
    with bench_report.OtherLoad() as other:
        result = run_subprocess(worker_command(args, framework, model, batch_size, feed, cache),
                                worker_env(args, framework), args.worker_timeout)
    result = dict(dict(framework=framework, model=model, batch_size=batch_size, feed=feed), **result)
    result.update(wall_s=other.wall_s, other_cpu_load=other.cores)
    if result.get("torch_imported") and framework.startswith("engine"):
        result.update(status="failed", error="the engine worker imported torch")
    if result.get("engine_imported") and framework.startswith("torch"):
        result.update(status="failed", error="the PyTorch worker imported the engine")
    return result


def run_all(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    probe = run_subprocess([sys.executable, str(Path(__file__).resolve()), "--worker", "probe"],
                           dict(os.environ), args.worker_timeout)
    if probe.get("status") == "failed":
        print(f"warning: could not start PyTorch ({probe['error']}); torch columns will fail", file=sys.stderr)
    frameworks = args.frameworks or [f for f in FRAMEWORKS if f != "torch-cuda" or probe.get("cuda")]
    if "torch-cuda" in frameworks and not probe.get("cuda"):
        raise SystemExit("--frameworks torch-cuda: torch.cuda.is_available() is False on this machine")
    config = dict(models=args.models, batch_sizes=args.batch_sizes, frameworks=frameworks, feeds=args.feeds,
                  repeats=args.repeats, warmup_batches={m: model_setting(args, m, "warmup_batches") for m in args.models},
                  train_batches=None if args.full_epochs else {m: model_setting(args, m, "train_batches")
                                                               for m in args.models},
                  full_epochs=args.full_epochs, test_batch_size=args.test_batch_size,
                  test_samples={m: model_setting(args, m, "test_samples") for m in args.models},
                  threads=args.threads, seed=args.seed, lr=LR, momentum=MOMENTUM,
                  wait_for_quiet=args.wait_for_quiet, retry_noisy=args.retry_noisy, busy_cores=args.busy_cores,
                  rounds=args.rounds)
    report = dict(machine=bench_report.machine_info(probe), config=config, results=[],
                  started=time.strftime("%Y-%m-%d %H:%M:%S"))

    cells = [(m, b, feed, f) for m, b, feed, f in itertools.product(args.models, args.batch_sizes, args.feeds,
                                                                    frameworks)
             if HAND_WRITTEN.get(f, m) == m]  # the hand-written NumPy net exists only for its own model
    started = time.perf_counter()
    by_cell = {cell: [] for cell in cells}  # each cell's result in every round
    with tempfile.TemporaryDirectory(prefix="bench_models_") as cache, bench_report.BusyCores(args.busy_cores):
        report["data"] = bench_data.prepare(cache, dict.fromkeys(bench_data.DATASET_OF[m] for m in args.models),
                                            args.data_dir, args.seed)
        for round_number in range(1, args.rounds + 1):
            for i, (model, batch_size, feed, framework) in enumerate(cells, start=1):
                tries = []
                while not tries or (len(tries) <= args.retry_noisy and bench_report.disturbed(tries[-1])):
                    note = f" (try {len(tries) + 1})" if tries else ""
                    where = f"round {round_number}/{args.rounds}, " if args.rounds > 1 else ""
                    print(f"[{where}{i}/{len(cells)}] {model}, batch {batch_size}, {feed} feed, {framework}{note} ...",
                          end=" ", file=sys.stderr, flush=True)
                    tries.append(run_cell(args, framework, model, batch_size, feed, cache))
                    print(bench_report.progress_line(tries[-1]), file=sys.stderr, flush=True)
                ok = [r for r in tries if r["status"] == "ok"] or tries
                result = min(ok, key=lambda r: r.get("epoch_s", 0.0))  # interference only ever adds time
                result["tries"] = len(tries)
                by_cell[(model, batch_size, feed, framework)].append(result)
                report["results"] = [combine_rounds(rounds) for rounds in by_cell.values() if rounds]
                bench_report.write_json(out / "results.json", report)  # after each cell: an interrupted run keeps them
    report["total_s"] = time.perf_counter() - started
    print(bench_report.write_all(out, report))
    return 0 if all(r["status"] == "ok" for r in report["results"]) else 1


def combine_rounds(rounds):
    """One cell over --rounds rounds: the round with the median epoch time, its min-max widened to all rounds."""
    ok = [r for r in rounds if r["status"] == "ok"]
    if not ok:
        return rounds[-1]
    ok.sort(key=lambda r: r["epoch_s"])
    result = dict(ok[(len(ok) - 1) // 2])  # the median round (the lower middle one for an even count)
    result.update(rounds=len(rounds), rounds_epoch_s=[r["epoch_s"] for r in ok],
                  epoch_s_min=min(r["epoch_s_min"] for r in ok), epoch_s_max=max(r["epoch_s_max"] for r in ok))
    return result


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--models", nargs="+", choices=MODEL_NAMES, default=list(MODEL_NAMES))
    parser.add_argument("--batch-sizes", nargs="+", type=positive_int, default=[64, 128])
    parser.add_argument("--frameworks", nargs="+", choices=FRAMEWORKS, default=None,
                        help="default: engine-numpy, engine-numba, numpy-mlp (the MLP only), torch-cpu, and "
                             "torch-cuda when CUDA is available")
    parser.add_argument("--feeds", nargs="+", choices=FEEDS, default=list(FEEDS),
                        help="how batches reach the loop: the DataLoader (loader) or tensor(x[idx]) (plain)")
    parser.add_argument("--repeats", type=positive_int, default=3, help="timed repetitions; the median is reported")
    parser.add_argument("--rounds", type=positive_int, default=1,
                        help="run every cell this many times, round after round (so each framework meets the "
                             "machine's slow and fast spells alike); a cell reports its median round, min-max over all")
    parser.add_argument("--warmup-batches", type=non_negative_int, default=None,
                        help="untimed training batches first (they compile the Numba kernels); default 5, alexnet 2")
    parser.add_argument("--train-batches", type=positive_int, default=None,
                        help="training batches per repeat; the epoch time is extrapolated from them; default 200, "
                             "alexnet 4")
    parser.add_argument("--full-epochs", action="store_true",
                        help="time whole passes over the training data instead of --train-batches batches")
    parser.add_argument("--test-batch-size", type=positive_int, default=1000)
    parser.add_argument("--test-samples", type=positive_int, default=None,
                        help="test images per inference repeat (the first ones of the test set); default 10,000, "
                             "alexnet 512")
    parser.add_argument("--threads", type=positive_int, default=os.cpu_count(),
                        help="PyTorch CPU threads; the engine's too when it differs from the core count")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MINITORCH_DATA or ./data); "
                                                         "alexnet's CIFAR-10-shaped data is generated")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"),
                        help="folder for results.json, results.csv, results.md and epoch_time.png")
    parser.add_argument("--wait-for-quiet", type=non_negative_int, default=0, metavar="SECONDS",
                        help="before each worker, wait up to this long until other processes use at most 0.25 "
                             "cores (shared machines)")
    parser.add_argument("--retry-noisy", type=non_negative_int, default=0, metavar="N",
                        help="rerun a worker up to N times while other processes used more than 0.25 cores during "
                             "it; the fastest run is kept")
    parser.add_argument("--busy-cores", type=non_negative_int, default=0, metavar="N",
                        help="keep N cores busy with a plain Python loop (one subprocess each) during the whole run, "
                             "as a loaded machine; their CPU time is not counted as other processes' load")
    parser.add_argument("--worker-timeout", type=positive_int, default=1800, help="seconds per worker")
    parser.add_argument("--worker", choices=FRAMEWORKS + ("probe",), help=argparse.SUPPRESS)
    parser.add_argument("--model", choices=MODEL_NAMES, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=positive_int, help=argparse.SUPPRESS)
    parser.add_argument("--feed", choices=FEEDS, default=None,
                        help="one feed only: the same as --feeds FEED (a worker's own feed)")
    parser.add_argument("--data-cache", help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.feed:
        args.feeds = [args.feed]
    else:
        args.feed = "loader"
    if args.worker:
        return run_worker(args)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
