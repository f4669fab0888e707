"""GFLOP/s of each conv and linear layer of a model in the engine, beside NumPy's matmul rate for the same products.

    python benchmarks/bench_layers.py --model alexnet --batch-size 64
    python benchmarks/bench_layers.py --model lenet --batch-size 64 --repeats 20

For every Conv2d and Linear layer (shapes found by one forward pass of the model at --batch-size), in turn:
  engine  the layer's forward (module(x)) and backward (out.backward(grad)) through the engine's op, kernels and
          all: for a conv im2col, the products and col2im, tile by tile (kernels/numba_conv.py, or
          numba_conv_blas.py for layers with many channels); for a linear layer NumPy's matmul inside the op;
  numpy   the bare matrix products that compute the same thing, one np.matmul each on the whole batch, on as many
          BLAS threads as the engine's kernels use: forward W @ cols (O x K by K x N*L) or x @ W^T; backward
          dL/dW = grad @ cols^T and, unless the layer's input needs no gradient (the first layer), W^T @ grad.
GFLOP/s counts 2 * O * K * N*L per product (multiply and add), the same count for both; "engine / numpy" is the
share of NumPy's rate the engine's layer reaches (100% = as fast as the bare products, im2col and col2im
included for free). The two alternate, --repeats times; best and median are reported (a loaded machine only ever
adds time). Engine only: PyTorch is not imported.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

import bench_report  # noqa: E402


def find_layers(mm, model, input_shape, batch_size):
    """[(name, module, input shape)] of the model's Conv2d and Linear layers, in the order they run."""
    found, hooks = [], []
    for name, module in model.named_modules():
        if isinstance(module, (mm.nn.Conv2d, mm.nn.Linear)):
            hooks.append(module.register_forward_hook(
                lambda m, inputs, out, name=name: found.append((name, m, inputs[0].shape))))
    with mm.no_grad():
        model(mm.tensor(np.zeros((batch_size,) + input_shape, dtype=np.float32)))
    for hook in hooks:
        hook.remove()
    return found


def products(module, x_shape, out_shape, first, mm):
    """The bare matrix products of the layer's forward and backward, as (left shape, right shape) pairs."""
    if isinstance(module, mm.nn.Conv2d):
        n_out, rows = module.weight.shape[0], int(np.prod(module.weight.shape[1:]))  # O, K = C*kH*kW
        cols = x_shape[0] * out_shape[2] * out_shape[3]  # N*L
        forward = [((n_out, rows), (rows, cols))]  # W @ cols
        backward = [((n_out, cols), (cols, rows))] + ([] if first else [((rows, n_out), (n_out, cols))])
    else:
        n, n_in, n_out = x_shape[0], module.weight.shape[1], module.weight.shape[0]
        forward = [((n, n_in), (n_in, n_out))]  # x @ W^T
        backward = [((n_out, n), (n, n_in))] + ([] if first else [((n, n_out), (n_out, n_in))])
    return forward, backward


def flops(pairs):
    return sum(2 * a[0] * a[1] * b[1] for a, b in pairs)


def clock(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure_layer(mm, module, x_shape, first, n_threads, repeats, rng, blas):
    """Seconds of the engine's forward and backward and of NumPy's products, each a list over the repeats
    (blas: a threadpoolctl.ThreadpoolController, made once: each one scans the process's libraries)."""
    x = mm.tensor(rng.standard_normal(x_shape, dtype=np.float32), requires_grad=not first)
    out_shape = module(x).shape
    grad = mm.tensor(rng.standard_normal(out_shape, dtype=np.float32))
    forward, backward = products(module, x_shape, out_shape, first, mm)
    operands = {pairs: [(rng.standard_normal(a, dtype=np.float32), rng.standard_normal(b, dtype=np.float32))
                        for a, b in pairs] for pairs in (tuple(forward), tuple(backward))}

    def engine():
        module.zero_grad()
        x.grad = None
        start = time.perf_counter()
        out = module(x)
        middle = time.perf_counter()
        out.backward(grad)
        return middle - start, time.perf_counter() - middle

    def numpy_products(pairs):
        with blas.limit(limits=n_threads, user_api="blas"):
            return clock(lambda: [np.matmul(a, b) for a, b in operands[pairs]])

    engine()  # warm-up: compiles the kernels, grows the work buffers
    times = {"engine forward": [], "engine backward": [], "numpy forward": [], "numpy backward": []}
    for _ in range(repeats):
        seconds_forward, seconds_backward = engine()
        times["engine forward"].append(seconds_forward)
        times["engine backward"].append(seconds_backward)
        times["numpy forward"].append(numpy_products(tuple(forward)))
        times["numpy backward"].append(numpy_products(tuple(backward)))
    return times, flops(forward), flops(backward), out_shape


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="alexnet")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="kernels.set_num_threads(N) (and BLAS); default: the engine's own choice")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from threadpoolctl import ThreadpoolController

    import minitorch_mnist as mm
    from minitorch_mnist import kernels
    from minitorch_mnist.models import MODEL_INPUTS, MODELS

    if args.threads:
        kernels.set_num_threads(args.threads)
    mm.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = MODELS[args.model]()
    layers = find_layers(mm, model, MODEL_INPUTS[args.model], args.batch_size)
    blas = ThreadpoolController()
    print(f"{args.model}, batch {args.batch_size}, float32; {bench_report.cpu_and_blas()}")
    table = bench_report.Table(["layer", "O x K x N*L", "threads", "pass", "engine ms", "engine GFLOP/s",
                                "numpy GFLOP/s", "engine / numpy"], [False, False, True, False] + [True] * 4)
    for index, (name, module, x_shape) in enumerate(layers):
        n_threads = kernels.get_num_threads()
        times, forward_flops, backward_flops, out_shape = measure_layer(mm, module, x_shape, index == 0, n_threads,
                                                                        args.repeats, rng, blas)
        (o, k), (_, cols) = products(module, x_shape, out_shape, index == 0, mm)[0][0]
        size = f"{o} x {k} x {cols}" if isinstance(module, mm.nn.Conv2d) else f"{cols} x {k} x {o} (linear)"
        for step, work in (("forward", forward_flops), ("backward", backward_flops)):
            engine, numpy = times[f"engine {step}"], times[f"numpy {step}"]
            best_e, best_n = work / min(engine) / 1e9, work / min(numpy) / 1e9
            med_e, med_n = work / statistics.median(engine) / 1e9, work / statistics.median(numpy) / 1e9
            table.add(name if step == "forward" else "", size if step == "forward" else "", n_threads, step,
                      f"{1e3 * min(engine):.2f}", f"{best_e:.1f} (median {med_e:.1f})",
                      f"{best_n:.1f} (median {med_n:.1f})", f"{100 * best_e / best_n:.0f}% ({100 * med_e / med_n:.0f}%)")
    print(table.text())
    print(f"best of {args.repeats} repeats (median in brackets); load average {open('/proc/loadavg').read().split()[0]}"
          if Path("/proc/loadavg").exists() else f"best of {args.repeats} repeats (median in brackets)")


if __name__ == "__main__":
    main()
