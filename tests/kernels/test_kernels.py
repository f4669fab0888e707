"""The kernel backends: NumPy and Numba give the same results, and the switch between them behaves."""

import importlib
import itertools
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import minitorch_mnist as mm
from minitorch_mnist import kernels
from minitorch_mnist.kernels import (numba_activation, numba_conv, numba_im2col, numba_optim, numba_pool, numpy_activation,
                                     numpy_conv, numpy_optim, numpy_pool, threads)
from minitorch_mnist.kernels.numpy_im2col import col2im, im2col
from minitorch_mnist.ops.conv import conv2d
from minitorch_mnist.ops.pool import max_pool2d
from parity import RTOL, assert_close, pair

# The two backends sum the same products in different orders (NumPy's BLAS vs Numba's loops), so they agree
# to rounding: RTOL of max(1, |value|), 1e-10 in float64 and 1e-5 in float32, as against torch.
DTYPES = [np.float64, np.float32]

# (N, C, H, W), (O, C, kH, kW), stride, padding
CONV_CASES = [
    ((1, 1, 5, 5), (1, 1, 1, 1), (1, 1), (0, 0)),
    ((3, 2, 8, 7), (5, 2, 3, 3), (1, 1), (1, 1)),
    ((9, 3, 11, 6), (4, 3, 5, 3), (2, 1), (2, 0)),  # odd batch: the Numba kernels' tiles are uneven
    ((37, 16, 7, 7), (10, 16, 3, 3), (2, 2), (1, 1)),  # 4x4 outputs: many images per tile, a short last tile
    ((4, 16, 14, 14), (16, 16, 3, 3), (2, 2), (1, 1)),
    ((2, 6, 13, 13), (16, 6, 3, 3), (1, 1), (0, 0)),
    ((2, 3, 9, 10), (7, 3, 2, 4), (3, 2), (1, 2)),
    ((3, 2, 9, 8), (4, 2, 3, 2), (1, 2), (0, 1)),  # stride only along the width: the columns come from tables
]

# (N, C, H, W), kernel_size, stride, padding
POOL_CASES = [
    ((2, 3, 7, 9), (2, 2), (2, 2), (0, 0)),
    ((3, 2, 9, 8), (3, 3), (2, 2), (1, 1)),
    ((2, 3, 10, 7), (3, 2), (1, 2), (1, 0)),
    ((5, 10, 4, 4), (4, 4), (4, 4), (0, 0)),
]


def _conv_arrays(rng, x_shape, w_shape, dtype):
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal(w_shape).astype(dtype)
    bias = rng.standard_normal(w_shape[0]).astype(dtype)
    return x, weight, bias


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_conv_kernels_agree(x_shape, w_shape, stride, padding, dtype, rng):
    x, weight, bias = _conv_arrays(rng, x_shape, w_shape, dtype)
    out_numpy = numpy_conv.conv2d_forward(x, weight, bias, stride, padding)
    out_numba = numba_conv.conv2d_forward(x, weight, bias, stride, padding)
    assert out_numba.dtype == dtype
    assert_close(out_numba, out_numpy, RTOL[dtype], "forward")
    grad = rng.standard_normal(out_numpy.shape).astype(dtype)
    grad_x, grad_w = numba_conv.conv2d_backward(grad, x, weight, stride, padding)
    assert grad_x.dtype == grad_w.dtype == dtype
    expected_x, expected_w = numpy_conv.conv2d_backward(grad, x, weight, stride, padding)
    assert_close(grad_x, expected_x, RTOL[dtype], "input grad")
    assert_close(grad_w, expected_w, RTOL[dtype], "weight grad")

    # and both against torch (in float64 for a sharp reference)
    theirs = [torch.tensor(a.astype(np.float64), requires_grad=True) for a in (x, weight, bias)]
    expected = F.conv2d(*theirs, stride=stride, padding=padding)
    expected.backward(torch.tensor(grad.astype(np.float64)))
    assert_close(out_numba, expected, RTOL[dtype], "forward vs torch")
    assert_close(grad_x, theirs[0].grad, RTOL[dtype], "input grad vs torch")
    assert_close(grad_w, theirs[1].grad, RTOL[dtype], "weight grad vs torch")


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_im2col_numba_copies_exactly_and_col2im_is_its_adjoint(x_shape, w_shape, stride, padding, rng):
    x = rng.standard_normal(x_shape)
    cols = im2col(x, w_shape[2:], stride, padding)  # (K, N*L)
    out_h, out_w = numba_conv._out_size(x_shape, w_shape[2:], stride, padding)
    tables = numba_im2col.tap_tables(*w_shape[2:], *stride, *padding, *x_shape[2:], out_h, out_w)  # stride > 1 only
    block = numba_im2col.tile_cols(x, 0, x_shape[0], cols.shape[0], *w_shape[2:], *stride, *padding, out_h, out_w,
                                   tables)
    assert np.array_equal(block, cols), "im2col is a copy: both backends must build the very same columns"
    # <im2col(x), y> == <x, col2im(y)> for any x and y: col2im really is im2col's gradient
    y = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(cols * y), np.sum(x * col2im(y, x_shape, w_shape[2:], stride, padding)), rtol=1e-12)
    image = np.empty(x_shape[1:])
    padded = np.empty((x_shape[1], x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1]))  # stride 1 only
    numba_im2col.col2im_into(y, 0, image, padded, tables, *w_shape[2:], *stride, *padding, out_h, out_w)
    assert np.allclose(image, col2im(y, x_shape, w_shape[2:], stride, padding)[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("shape, kernel_size, stride, padding", POOL_CASES)
def test_pool_kernels_agree(shape, kernel_size, stride, padding, dtype, rng):
    x = rng.integers(0, 4, size=shape).astype(dtype)  # small integers: ties everywhere, for max pooling
    out_numpy, argmax_numpy = numpy_pool.max_pool2d_forward(x, kernel_size, stride, padding)
    out_numba, argmax_numba = numba_pool.max_pool2d_forward(x, kernel_size, stride, padding)
    assert out_numba.dtype == dtype and argmax_numba.dtype == np.int64
    assert np.array_equal(out_numba, out_numpy) and np.array_equal(argmax_numba, argmax_numpy)
    grad = rng.standard_normal(out_numpy.shape).astype(dtype)
    assert_close(numba_pool.max_pool2d_backward(grad, argmax_numba, shape),
                 numpy_pool.max_pool2d_backward(grad, argmax_numpy, shape), RTOL[dtype], "max backward")

    x = rng.standard_normal(shape).astype(dtype)
    average = numba_pool.avg_pool2d_forward(x, kernel_size, stride, padding)
    assert average.dtype == dtype
    assert_close(average, numpy_pool.avg_pool2d_forward(x, kernel_size, stride, padding), RTOL[dtype], "avg forward")
    grad_x = numba_pool.avg_pool2d_backward(grad, shape, kernel_size, stride, padding)
    assert grad_x.dtype == dtype
    assert_close(grad_x, numpy_pool.avg_pool2d_backward(grad, shape, kernel_size, stride, padding), RTOL[dtype],
                 "avg backward")


def test_numba_kernels_accept_non_contiguous_arrays(rng):
    x = rng.standard_normal((3, 2, 7, 6)).transpose(0, 1, 3, 2)  # a transposed view, shape (3, 2, 6, 7)
    weight = rng.standard_normal((4, 3, 2, 3)).transpose(0, 3, 1, 2)[:, :2]  # (4, 2, 3, 2), strided
    out = numba_conv.conv2d_forward(x, weight, None, (1, 2), (1, 0))
    assert_close(out, numpy_conv.conv2d_forward(x, weight, None, (1, 2), (1, 0)), RTOL[np.float64], "forward")
    grad = rng.standard_normal(out.shape[::-1]).T  # non-contiguous gradient, shape of out
    for ours, expected in zip(numba_conv.conv2d_backward(grad, x, weight, (1, 2), (1, 0)),
                              numpy_conv.conv2d_backward(grad, x, weight, (1, 2), (1, 0))):
        assert_close(ours, expected, RTOL[np.float64], "gradient")
    pooled, argmax = numba_pool.max_pool2d_forward(x, (2, 2), (2, 2), (0, 0))
    assert np.array_equal(pooled, numpy_pool.max_pool2d_forward(x, (2, 2), (2, 2), (0, 0))[0])


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_nan_and_infinity_propagate_like_torch(backend):
    """The Numba kernels are compiled without fastmath's no-NaN assumption: NaN and inf go through as in torch."""
    x = np.arange(2 * 2 * 6 * 6, dtype=np.float64).reshape(2, 2, 6, 6) / 10
    x[0, 1, 2, 3] = np.nan
    x[1, 0, 4, 4] = np.inf
    weight = np.linspace(-1, 1, 3 * 2 * 3 * 3).reshape(3, 2, 3, 3)
    (ours_x, theirs_x), (ours_w, theirs_w) = pair(x, requires_grad=False), pair(weight, requires_grad=False)
    with kernels.use_backend(backend):
        out = conv2d(ours_x, ours_w, padding=1).array
        pooled = max_pool2d(ours_x, 2).array
    expected = F.conv2d(theirs_x, theirs_w, padding=1).numpy()
    assert np.array_equal(np.isnan(out), np.isnan(expected))
    assert np.array_equal(np.isinf(out), np.isinf(expected))
    finite = np.isfinite(expected)
    assert_close(out[finite], expected[finite], RTOL[np.float64], "finite outputs")
    assert np.array_equal(pooled, F.max_pool2d(theirs_x, 2).numpy(), equal_nan=True)


def test_numba_kernels_are_deterministic(rng):
    """Parallel loops where each thread owns its outputs: the same inputs give bit-identical results."""
    x, weight, bias = _conv_arrays(rng, (37, 6, 13, 13), (16, 6, 3, 3), np.float32)
    grad = rng.standard_normal((37, 16, 11, 11)).astype(np.float32)

    def run():
        return [numba_conv.conv2d_forward(x, weight, bias, (1, 1), (0, 0)),
                *numba_conv.conv2d_backward(grad, x, weight, (1, 1), (0, 0))]

    first = run()
    for _ in range(3):
        for a, b in zip(first, run()):
            assert np.array_equal(a, b)


# ---- the ReLU backward ----

@pytest.mark.parametrize("dtype", DTYPES + [np.float16], ids=["float64", "float32", "float16 (NumPy's)"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_relu_twins_agree_with_torch(dtype, layout, rng):
    """0 where the output is <= 0, the gradient where it is > 0 or NaN, inf and NaN gradients blocked to 0."""
    output = np.maximum(rng.standard_normal((6, 9)), 0).astype(dtype)
    output[0, :3] = [np.nan, 0.0, -0.0]
    grad = rng.standard_normal((6, 9)).astype(dtype)
    grad[1, :5] = [np.inf, -np.inf, np.nan, -1.0, -0.0]  # also the forward's input: relu(-0.0) is -0.0 in torch
    output[1, :4] = [0.0, 2.0, 0.0, 0.0]
    if layout == "transposed":
        output, grad = np.ascontiguousarray(output.T).T, np.ascontiguousarray(grad.T).T
    expected = torch.ops.aten.threshold_backward(torch.from_numpy(grad), torch.from_numpy(output), 0).numpy()
    expected_forward = torch.relu(torch.from_numpy(grad)).numpy()  # grad holds NaN, inf, -inf and -1 here
    for module in (numpy_activation, numba_activation):
        grad_x = module.relu_backward(grad, output)
        assert grad_x.dtype == dtype
        assert np.array_equal(grad_x, expected, equal_nan=True), module.__name__
        z = module.relu_forward(grad)
        assert z.dtype == dtype
        assert np.array_equal(z, expected_forward, equal_nan=True), module.__name__
        if dtype != np.float16:  # NumPy's float16 maximum returns +0.0 for max(0, -0.0); float32/float64 keep -0.0
            assert np.array_equal(np.signbit(z), np.signbit(expected_forward)), f"{module.__name__}: signs of zeros"


# ---- the optimizer update ----

SGD_OPTIONS = [  # lr, momentum, dampening, weight_decay, nesterov
    (0.1, 0.0, 0.0, 0.0, False),
    (0.05, 0.9, 0.0, 0.0, False),
    (0.05, 0.9, 0.3, 0.0, False),
    (0.05, 0.9, 0.0, 1e-2, False),
    (0.02, 0.5, 0.0, 5e-3, True),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("lr, momentum, dampening, weight_decay, nesterov", SGD_OPTIONS)
def test_sgd_update_twins_give_identical_weights(lr, momentum, dampening, weight_decay, nesterov, dtype, rng):
    """One Numba pass and NumPy's four round each product and sum the same way: bit-identical, NaN included."""
    weights = rng.standard_normal((7, 5)).astype(dtype)
    weights[2, 3] = np.nan
    grads = [rng.standard_normal((7, 5)).astype(dtype) for _ in range(3)]
    grads[1][0, 0] = np.inf
    results = []
    for module in (numpy_optim, numba_optim):
        w = weights.copy()
        buffer = np.empty_like(w) if momentum != 0 else None
        for step, grad in enumerate(grads):
            module.sgd_update(w, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step=step == 0)
        results.append((w, buffer))
    (numpy_w, numpy_buffer), (numba_w, numba_buffer) = results
    assert numba_w.dtype == dtype
    assert np.array_equal(numba_w, numpy_w, equal_nan=True)
    if momentum != 0:
        assert np.array_equal(numba_buffer, numpy_buffer, equal_nan=True)


@pytest.mark.parametrize("case", ["transposed grad", "float16", "mixed dtypes"])
def test_sgd_update_hands_what_numba_cannot_take_to_numpy(case, rng):
    weights = rng.standard_normal((4, 6)).astype(np.float16 if case == "float16" else np.float32)
    grad = rng.standard_normal((6, 4)).T.astype(weights.dtype)  # a transposed, non-contiguous view
    if case == "mixed dtypes":
        grad = np.ascontiguousarray(grad, dtype=np.float64)
    buffer = rng.standard_normal(weights.shape).astype(weights.dtype)
    buffers = [buffer, buffer.copy()]
    expected = weights.copy()
    numpy_optim.sgd_update(expected, grad, buffers[0], 0.1, 0.9, 0.0, 0.0, False, first_step=False)
    numba_optim.sgd_update(weights, grad, buffers[1], 0.1, 0.9, 0.0, 0.0, False, first_step=False)
    assert np.array_equal(weights, expected)
    assert np.array_equal(buffers[0], buffers[1])


# ---- the switch ----

@pytest.fixture
def restore_backend():
    """Put the backend back after a test that changes it (set_backend also repairs a failed reload)."""
    previous = kernels.get_backend()
    yield
    kernels.set_backend(previous)


def test_set_backend_rejects_unknown_names(restore_backend):
    with pytest.raises(ValueError, match=r"set_backend: unknown kernel backend 'cuda'; valid backends are numba, numpy"):
        kernels.set_backend("cuda")


def test_use_backend_restores_the_previous_backend_even_after_an_error(restore_backend):
    kernels.set_backend("numba")
    with pytest.raises(KeyError):
        with kernels.use_backend("numpy"):
            assert kernels.get_backend() == "numpy"
            raise KeyError("boom")
    assert kernels.get_backend() == "numba"


@pytest.mark.parametrize("value, expected", [("numpy", "numpy"), ("numba", "numba"), (" NumPy ", "numpy"), (None, "numba")])
def test_environment_variable_selects_the_backend(monkeypatch, restore_backend, value, expected):
    if value is None:
        monkeypatch.delenv("MINITORCH_KERNELS", raising=False)  # unset: the default
    else:
        monkeypatch.setenv("MINITORCH_KERNELS", value)
    importlib.reload(kernels)
    assert kernels.get_backend() == expected


def test_environment_variable_rejects_unknown_names(monkeypatch, restore_backend):
    monkeypatch.setenv("MINITORCH_KERNELS", "cuda")
    message = r"MINITORCH_KERNELS: unknown kernel backend 'cuda'; valid backends are numba, numpy"
    with pytest.raises(ValueError, match=message):
        importlib.reload(kernels)


@pytest.mark.parametrize("backend, module", [("numpy", numpy_conv), ("numba", numba_conv)])
def test_ops_call_the_selected_kernels(monkeypatch, restore_backend, backend, module, rng):
    calls = []
    original = module.conv2d_forward
    monkeypatch.setattr(module, "conv2d_forward", lambda *args: calls.append(backend) or original(*args))
    x, weight = mm.tensor(rng.standard_normal((1, 1, 4, 4))), mm.tensor(np.ones((1, 1, 3, 3)))
    with kernels.use_backend(backend):
        conv2d(x, weight)
    assert calls == [backend]


@pytest.mark.skipif(threads.threadpoolctl is None, reason="threadpoolctl is not installed")
def test_numba_kernels_run_blas_on_one_thread(restore_backend, restore_threads, rng):
    import numba
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("Numba has a single thread here: nothing to protect from BLAS")
    kernels.set_num_threads(2)

    def blas_threads():
        return [lib["num_threads"] for lib in threads.threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]

    kernels.set_backend("numpy")
    before = blas_threads()
    kernels.set_backend("numba")
    conv2d(mm.tensor(rng.standard_normal((1, 1, 4, 4))), mm.tensor(np.ones((1, 1, 3, 3))))
    assert threads.blas_is_limited() and all(n == 1 for n in blas_threads())
    kernels.set_backend("numpy")
    assert not threads.blas_is_limited() and blas_threads() == before


# ---- skipping the input gradient, empty batches ----

@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_conv_backward_can_skip_the_input_gradient(backend, restore_backend, rng):
    x, weight, _ = _conv_arrays(rng, (5, 3, 9, 9), (4, 3, 3, 3), np.float32)
    grad = rng.standard_normal((5, 4, 5, 5)).astype(np.float32)
    with kernels.use_backend(backend):
        grad_x, grad_w = kernels.backend.conv2d_backward(grad, x, weight, (2, 2), (1, 1))
        skipped_x, skipped_w = kernels.backend.conv2d_backward(grad, x, weight, (2, 2), (1, 1), compute_input_grad=False)
    assert skipped_x is None and grad_x.shape == x.shape
    assert np.array_equal(skipped_w, grad_w), "the weight gradient must not depend on whether dL/dx is computed"


@pytest.mark.parametrize("backend", kernels.BACKENDS)
@pytest.mark.parametrize("compute_input_grad", [True, False])
def test_conv_kernels_accept_an_empty_batch_like_torch(backend, compute_input_grad, restore_backend, rng):
    x = np.zeros((0, 3, 9, 9), dtype=np.float32)
    weight = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, weight, bias)]
    expected = F.conv2d(*theirs, stride=2, padding=1)
    expected.backward(torch.zeros(expected.shape))
    with kernels.use_backend(backend):
        out = kernels.backend.conv2d_forward(x, weight, bias, (2, 2), (1, 1))
        grad_x, grad_w = kernels.backend.conv2d_backward(np.zeros(out.shape, np.float32), x, weight, (2, 2), (1, 1),
                                                 compute_input_grad=compute_input_grad)
    assert out.shape == tuple(expected.shape) and out.dtype == np.float32
    assert grad_w.shape == weight.shape and grad_w.dtype == np.float32
    assert np.array_equal(grad_w, theirs[1].grad.numpy())
    if compute_input_grad:
        assert grad_x.shape == x.shape and grad_x.dtype == np.float32
    else:
        assert grad_x is None


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_pool_kernels_accept_an_empty_batch_like_torch(backend, restore_backend):
    x = np.zeros((0, 3, 8, 8), dtype=np.float32)
    theirs = torch.tensor(x, requires_grad=True)
    expected = F.max_pool2d(theirs, 2)
    expected_avg = F.avg_pool2d(theirs, 3, 2, 1)
    with kernels.use_backend(backend):
        out, argmax = kernels.backend.max_pool2d_forward(x, (2, 2), (2, 2), (0, 0))
        grad_x = kernels.backend.max_pool2d_backward(np.zeros(out.shape, np.float32), argmax, x.shape)
        average = kernels.backend.avg_pool2d_forward(x, (3, 3), (2, 2), (1, 1))
        grad_avg = kernels.backend.avg_pool2d_backward(np.zeros(average.shape, np.float32), x.shape, (3, 3), (2, 2), (1, 1))
    assert out.shape == tuple(expected.shape) and average.shape == tuple(expected_avg.shape)
    assert grad_x.shape == grad_avg.shape == x.shape
    assert out.dtype == average.dtype == grad_x.dtype == grad_avg.dtype == np.float32


# ---- threads ----

def test_thread_count_comes_from_the_api_then_the_environment_then_the_usable_cores(monkeypatch, restore_threads):
    import numba
    pool = numba.config.NUMBA_NUM_THREADS
    threads._requested = None
    monkeypatch.delenv("MINITORCH_NUM_THREADS", raising=False)
    threads.apply_environment()
    assert 1 <= kernels.get_num_threads() <= min(threads.available_cores(), pool)  # minus the busy cores
    monkeypatch.setenv("MINITORCH_NUM_THREADS", "1")
    threads.apply_environment()
    assert kernels.get_num_threads() == 1
    kernels.set_num_threads(pool + 5)  # more than Numba's pool: capped
    assert kernels.get_num_threads() == pool
    monkeypatch.setenv("MINITORCH_NUM_THREADS", "two")
    threads.apply_environment()  # at import: never raises; the value is ignored, and the command line refuses it
    assert re.match(r"MINITORCH_NUM_THREADS: expected a positive whole number of threads \(at most 65536\), "
                    r"got 'two'", threads.environment_problem())
    monkeypatch.delenv("MINITORCH_NUM_THREADS")
    threads.apply_environment()
    assert threads.environment_problem() is None
    with pytest.raises(ValueError, match=r"set_num_threads: expected a positive whole number of threads, got 0"):
        kernels.set_num_threads(0)


@pytest.mark.skipif(threads.threadpoolctl is None, reason="threadpoolctl is not installed")
def test_set_num_threads_sets_blas_threads_too(restore_threads):
    kernels.set_num_threads(1)
    assert all(lib["num_threads"] == 1 for lib in threads.threadpoolctl.threadpool_info() if lib["user_api"] == "blas")


@pytest.mark.skipif(threads.threadpoolctl is None, reason="threadpoolctl is not installed")
def test_one_kernel_thread_leaves_blas_alone(restore_backend, restore_threads, rng):
    import numba
    kernels.set_backend("numpy")  # gives BLAS its threads back
    kernels.set_backend("numba")
    kernels.set_num_threads(1)
    conv2d(mm.tensor(rng.standard_normal((4, 1, 6, 6))), mm.tensor(np.ones((2, 1, 3, 3))))
    assert not threads.blas_is_limited()
    assert numba.get_num_threads() == 1


def test_command_line_threads_flag_sets_the_kernel_threads(restore_threads):
    from minitorch_mnist.app import cli
    args = cli.build_parser("prog", "", [cli.threads_option()]).parse_args(["train", "--threads", "1"])
    cli.engine_framework(args)
    assert kernels.get_num_threads() == 1


def test_default_thread_count_leaves_out_the_cores_other_processes_keep_busy(monkeypatch):
    watch = threads._IdleCores()
    samples = iter([(0.0, 100.0, 5.0), (1.0, 101.9, 5.9), (2.0, 102.0, 6.0), (3.0, 104.0, 8.0)])
    monkeypatch.setattr(watch, "_now", lambda: next(samples))
    clock = iter([0.0, 1.0, 2.0, 3.0])
    monkeypatch.setattr(threads.time, "monotonic", lambda: next(clock))
    assert watch.threads(2) == 2  # first look: nothing known yet
    assert watch.threads(2) == 1  # the machine was busy 1.9 s in 1 s, we used 0.9 s: others kept a core
    assert watch.threads(2) == 2  # 0.1 s busy, all of it ours
    assert watch.threads(2) == 2  # 2 s busy in 1 s, all ours: our own threads never count against us
    assert watch.threads(1) == 1


@pytest.mark.skipif(threads.threadpoolctl is None, reason="threadpoolctl is not installed")
def test_each_epoch_puts_blas_on_one_thread_only_while_the_other_cores_are_busy(monkeypatch, restore_threads):
    def blas_threads():
        return [lib["num_threads"] for lib in threads.threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]

    threads.release_blas()
    threads._requested = None
    before = blas_threads()
    monkeypatch.setattr(threads, "available_cores", lambda: 2)
    monkeypatch.setattr(threads, "_next_load_check", 0.0)
    seconds = itertools.count(start=1000.0, step=1.0)  # a second between looks: each call looks at the load again
    monkeypatch.setattr(threads.time, "monotonic", lambda: next(seconds))
    x, w = mm.tensor(np.ones((3, 4))), mm.tensor(np.ones((5, 4)), requires_grad=True)
    monkeypatch.setattr(threads._idle_cores, "threads", lambda cores: 1)  # the other core is busy
    mm.nn.functional.linear(x, w).sum().backward()
    assert not threads.blas_is_limited(), "an op never applies thread policy"
    kernels.fit_threads_to_load()  # what the training loop calls at the start of an epoch
    assert threads.blas_is_limited() and all(n == 1 for n in blas_threads())
    monkeypatch.setattr(threads._idle_cores, "threads", lambda cores: 2)  # idle again
    kernels.fit_threads_to_load()
    assert not threads.blas_is_limited() and blas_threads() == before
    kernels.set_num_threads(2)  # the user's choice holds, busy or not
    monkeypatch.setattr(threads._idle_cores, "threads", lambda cores: 1)
    kernels.fit_threads_to_load()
    assert not threads.blas_is_limited()


def test_the_load_is_looked_at_again_only_after_check_every_s(monkeypatch, restore_threads):
    threads.release_blas()
    threads._requested = None
    monkeypatch.setattr(threads, "_next_load_check", 0.0)
    now = [500.0]
    monkeypatch.setattr(threads.time, "monotonic", lambda: now[0])
    looks = []
    monkeypatch.setattr(threads, "available_cores", lambda: looks.append(now[0]) or 2)
    monkeypatch.setattr(threads._idle_cores, "threads", lambda cores: 2)
    for step in range(4):  # four kernels within a few milliseconds: one look at the load
        now[0] += 0.001
        threads.follow_load_in_blas()
    assert looks == [500.001]
    now[0] += threads._IdleCores.CHECK_EVERY_S  # a window later: the next kernel looks again
    threads.follow_load_in_blas()
    assert len(looks) == 2 and looks[1] == now[0]
