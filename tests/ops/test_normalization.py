"""BatchNorm1d / BatchNorm2d and F.batch_norm, checked against torch.nn: outputs, gradients, running
statistics, state_dict, and central differences."""

import tracemalloc

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import kernels, nn
from minitorch_mnist.tools.gradcheck import gradcheck
from minitorch_mnist.nn import functional as F
from op_parity import upstream_grad
from parity import RTOL, assert_close

# (layer name, input shape): (N, C) and (N, C, L) for BatchNorm1d, (N, C, H, W) for BatchNorm2d
SHAPES = [("BatchNorm1d", (16, 5)), ("BatchNorm1d", (6, 4, 7)), ("BatchNorm2d", (4, 3, 5, 6))]
CONFIGS = [{}, {"affine": False}, {"bias": False}, {"track_running_stats": False}, {"momentum": None}]


def make_pair(name, num_features, dtype, rng, **kwargs):
    """Our layer and torch's, with the same random weight, bias and running statistics (loaded from torch)."""
    theirs = getattr(torch.nn, name)(num_features, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        if theirs.weight is not None:
            theirs.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, num_features)))
        if theirs.bias is not None:
            theirs.bias.copy_(torch.from_numpy(rng.standard_normal(num_features)))
        if theirs.running_mean is not None:
            theirs.running_mean.copy_(torch.from_numpy(rng.standard_normal(num_features)))
            theirs.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, num_features)))
            theirs.num_batches_tracked.fill_(3)
    ours = getattr(nn, name)(num_features, dtype=dtype, **kwargs)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def batch(rng, shape, dtype):
    """Continuous values with a non-zero mean and a spread that differs from 1."""
    return np.asarray(rng.standard_normal(shape) * 2.5 + 0.7, dtype=dtype)


def check_step(ours, theirs, x, rng, rtol):
    """One forward and backward with a random upstream gradient; compare outputs, gradients and buffers."""
    x_ours, x_theirs = mm.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = ours(x_ours), theirs(x_theirs)
    assert out.dtype == x.dtype
    assert_close(out, expected, rtol, "forward")
    grad = upstream_grad(rng, x.shape, x.dtype)
    out.backward(mm.tensor(grad))
    expected.backward(torch.tensor(grad))
    assert x_ours.grad.dtype == x.dtype
    assert_close(x_ours.grad, x_theirs.grad, rtol, "grad of input")
    for (name, parameter), (_, torch_parameter) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(parameter.grad, torch_parameter.grad, rtol, f"grad of {name}")
        parameter.grad, torch_parameter.grad = None, None
    for (name, buffer), (_, torch_buffer) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert buffer.dtype == torch_buffer.numpy().dtype, name
        assert_close(buffer, torch_buffer, rtol, name)


# float32: torch's CPU kernel accumulates the per-channel sums in double, we in float32 (pairwise), so the
# two differ by a few float32 ulps of the largest term; measured <= 5e-7 scaled even with 17k values per
# channel, so RTOL[float32] = 1e-5 scaled leaves a 20x margin
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("name,shape", SHAPES)
def test_forward_backward_and_buffers_match_torch(name, shape, training, dtype, rng):
    ours, theirs = make_pair(name, shape[1], dtype, rng)
    ours.train(training), theirs.train(training)
    check_step(ours, theirs, batch(rng, shape, dtype), rng, RTOL[dtype])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
@pytest.mark.parametrize("name,shape", SHAPES)
def test_several_training_steps_then_eval_match_torch(name, shape, config, rng):
    """Running statistics and num_batches_tracked follow torch's step by step, then eval uses them."""
    ours, theirs = make_pair(name, shape[1], np.float64, rng, **config)
    for _ in range(4):
        check_step(ours, theirs, batch(rng, shape, np.float64), rng, RTOL[np.float64])
    if ours.track_running_stats:
        assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 3 + 4
    ours.eval(), theirs.eval()
    for _ in range(2):
        check_step(ours, theirs, batch(rng, shape, np.float64), rng, RTOL[np.float64])


def test_momentum_none_is_the_cumulative_average_of_the_batch_statistics(rng):
    layer = nn.BatchNorm1d(3, momentum=None, dtype=np.float64)
    xs = [batch(rng, (10, 3), np.float64) for _ in range(5)]
    for x in xs:
        layer(mm.tensor(x))
    assert_close(layer.running_mean, np.mean([x.mean(axis=0) for x in xs], axis=0), RTOL[np.float64])
    assert_close(layer.running_var, np.mean([x.var(axis=0, ddof=1) for x in xs], axis=0), RTOL[np.float64])


def test_running_var_uses_the_unbiased_variance_and_the_output_the_biased_one():
    x = np.array([[1.0], [2.0], [4.0], [9.0]])  # mean 4, biased var 9.5, unbiased var 38/3
    layer = nn.BatchNorm1d(1, momentum=1.0, eps=0.0, dtype=np.float64)
    out = layer(mm.tensor(x))
    assert np.allclose(out.array, (x - 4.0) / np.sqrt(9.5), rtol=0, atol=1e-15)
    assert np.allclose(layer.running_mean.array, [4.0]) and np.allclose(layer.running_var.array, [38.0 / 3])


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_functional_batch_norm_matches_torch_and_updates_the_buffers_in_place(training, rng):
    x = batch(rng, (5, 4, 3), np.float64)
    weight, bias = rng.uniform(0.5, 1.5, 4), rng.standard_normal(4)
    stats = rng.standard_normal(4), rng.uniform(0.5, 2.0, 4)
    ours_stats = [mm.tensor(s) for s in stats]
    theirs_stats = [torch.tensor(s) for s in stats]
    ours_arrays = [s.array for s in ours_stats]
    out = F.batch_norm(mm.tensor(x), *ours_stats, mm.tensor(weight), mm.tensor(bias), training, 0.3, 1e-3)
    expected = torch.nn.functional.batch_norm(torch.tensor(x), *theirs_stats, torch.tensor(weight),
                                              torch.tensor(bias), training, 0.3, 1e-3)
    assert_close(out, expected, RTOL[np.float64], "forward")
    for ours_stat, array, theirs_stat in zip(ours_stats, ours_arrays, theirs_stats):
        assert ours_stat.array is array, "running statistics are updated in place"
        assert_close(ours_stat, theirs_stat, RTOL[np.float64], "running statistic")


def test_training_under_no_grad_still_updates_running_stats_and_eval_leaves_them():
    layer = nn.BatchNorm2d(2)
    x = mm.tensor(np.random.default_rng(0).standard_normal((3, 2, 4, 4)).astype(np.float32) + 5)
    with mm.no_grad():
        layer(x)
    assert layer.num_batches_tracked.item() == 1 and layer.running_mean.array.min() > 0.4
    before = layer.state_dict()
    layer.eval()
    layer(x)
    for name, value in layer.state_dict().items():
        assert np.array_equal(value, before[name]), name


# ---- state_dict, dtypes and repr ----

@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
@pytest.mark.parametrize("name", ["BatchNorm1d", "BatchNorm2d"])
def test_state_dict_names_shapes_dtypes_and_repr_match_torch(name, config):
    ours, theirs = getattr(nn, name)(6, **config), getattr(torch.nn, name)(6, **config)
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key, value in theirs_state.items():
        assert ours_state[key].shape == tuple(value.shape), key
        assert ours_state[key].dtype == value.numpy().dtype, key
        assert np.array_equal(ours_state[key], value.numpy()), key
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert repr(ours) == repr(theirs)


def test_state_dict_round_trips_between_torch_and_the_engine(rng):
    shape = (8, 3, 4, 4)
    theirs, ours = torch.nn.BatchNorm2d(3), nn.BatchNorm2d(3)
    for _ in range(3):  # give torch's layer non-trivial statistics, then copy them over
        theirs(torch.tensor(batch(rng, shape, np.float32)))
    ours.load_state_dict(theirs.state_dict())
    ours.eval(), theirs.eval()
    x = batch(rng, shape, np.float32)
    assert_close(ours(mm.tensor(x)), theirs(torch.tensor(x)), RTOL[np.float32], "eval after torch -> engine")

    ours.train()
    for _ in range(2):  # and back: train ours further, load into a fresh torch layer
        ours(mm.tensor(batch(rng, shape, np.float32)))
    fresh = torch.nn.BatchNorm2d(3).eval()
    fresh.load_state_dict({key: torch.from_numpy(value.numpy()) for key, value in ours.state_dict().items()})
    assert fresh.num_batches_tracked.item() == 5
    ours.eval()
    assert_close(ours(mm.tensor(x)), fresh(torch.tensor(x)), RTOL[np.float32], "eval after engine -> torch")


def test_float32_stays_float32_and_double_keeps_the_count_int64():
    layer = nn.BatchNorm1d(4)
    x = mm.tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32), requires_grad=True)
    out = layer(x)
    out.backward(mm.tensor(np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32 and layer.weight.grad.dtype == np.float32
    assert [b.dtype for b in layer.buffers()] == [np.float32, np.float32, np.int64]
    layer.double()
    assert [b.dtype for b in layer.buffers()] == [np.float64, np.float64, np.int64]
    assert layer(mm.tensor(np.ones((2, 4)))).dtype == np.float64
    assert layer.num_batches_tracked.item() == 2


# full-size arrays alive at the forward's peak, by (backend, training, recording): the output, x_hat where a backward
# may need it (recording: the weight requires grad), and in NumPy the centred x while the batch variance is computed
PEAK_COPIES = {("numpy", False, False): 1, ("numpy", False, True): 2, ("numpy", True, False): 2, ("numpy", True, True): 2,
               ("numba", False, False): 1, ("numba", False, True): 2, ("numba", True, False): 1, ("numba", True, True): 2}


@pytest.mark.parametrize("backend, training, recording", PEAK_COPIES)
def test_batch_norm_holds_no_full_size_temporary_beyond_what_it_returns_or_saves(backend, training, recording, rng):
    """Peak memory of one forward, counted by tracemalloc (NumPy reports its arrays to it), in copies of x. Every
    other temporary is computed in place; without that, CifarAlexNet's first BatchNorm at batch 512 held 4 copies of
    its 200 MB input at once."""
    x = mm.tensor(rng.standard_normal((16, 8, 32, 32)).astype(np.float32))  # 512 KiB
    layer = nn.BatchNorm2d(8).train(training)
    copies = PEAK_COPIES[backend, training, recording]
    with kernels.use_backend(backend):
        layer(x)  # the Numba kernels compile outside the measurement
        tracemalloc.start()
        try:
            with mm.set_grad_enabled(recording):
                y = layer(x)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert y.shape == x.shape and y.requires_grad == recording
    # the rest is the per-channel vectors and the graph's Python objects: far below one copy of x (512 KiB)
    assert copies * x.array.nbytes <= peak < (copies + 0.25) * x.array.nbytes, (peak, x.array.nbytes)


# ---- central differences ----

@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 4), (2, 2, 3, 3)])
def test_gradcheck_training_mode(shape, rng):
    x, weight, bias = rng.standard_normal(shape), rng.uniform(0.5, 1.5, shape[1]), rng.standard_normal(shape[1])
    gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, weight, bias, rtol=1e-6)
    gradcheck(lambda x: F.batch_norm(x, None, None, training=True), x, rtol=1e-6)


def test_gradcheck_eval_mode(rng):
    shape = (3, 2, 4)
    mean, var = mm.tensor(rng.standard_normal(2)), mm.tensor(rng.uniform(0.5, 2.0, 2))
    x, weight, bias = rng.standard_normal(shape), rng.uniform(0.5, 1.5, 2), rng.standard_normal(2)
    gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False), x, weight, bias, rtol=1e-6)


def test_input_gradient_sums_to_zero_per_channel_in_training(rng):
    """Shifting a whole channel does not change its normalised output, so dL/dx sums to 0 over each channel."""
    x = mm.tensor(batch(rng, (6, 3, 2, 2), np.float64), requires_grad=True)
    F.batch_norm(x, None, None, training=True).backward(mm.tensor(rng.standard_normal(x.shape)))
    assert np.abs(x.grad.array.sum(axis=(0, 2, 3))).max() < 1e-12


# ---- errors ----

def test_wrong_number_of_dims_raises_like_torch():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(mm.tensor(np.zeros((2, 3, 4, 5), np.float32)))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(mm.tensor(np.zeros((2, 3, 4), np.float32)))


def test_wrong_number_of_features_names_the_shapes():
    with pytest.raises(RuntimeError, match=r"BatchNorm2d: input has 4 channels \(dim 1 of shape \(2, 4, 3, 3\)\) "
                                           r"but the layer has num_features=3"):
        nn.BatchNorm2d(3)(mm.tensor(np.zeros((2, 4, 3, 3), np.float32)))
    with pytest.raises(RuntimeError, match=r"batch_norm: input has 4 channels .* but weight has shape \(3,\)"):
        F.batch_norm(mm.tensor(np.zeros((2, 4))), None, None, mm.tensor(np.ones(3)), training=True)


def test_one_value_per_channel_in_training_raises_like_torch_and_counts_nothing():
    layer = nn.BatchNorm1d(3)
    message = r"Expected more than 1 value per channel when training, got input size \(1, 3\)"
    with pytest.raises(ValueError, match=message):
        layer(mm.tensor(np.zeros((1, 3), np.float32)))
    assert layer.num_batches_tracked.item() == 0
    layer.eval()
    assert layer(mm.tensor(np.ones((1, 3), np.float32))).shape == (1, 3)  # eval uses the running statistics
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        F.batch_norm(mm.tensor(np.zeros((1, 2, 1))), None, None, training=True)


def test_eval_without_running_stats_raises_like_torch():
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(mm.tensor(np.zeros((4, 3))), None, None, training=False)


def test_mismatched_dtypes_raise():
    with pytest.raises(RuntimeError, match=r"batch_norm: weight dtype float32 differs from input dtype float64"):
        nn.BatchNorm1d(3)(mm.tensor(np.zeros((4, 3))))
