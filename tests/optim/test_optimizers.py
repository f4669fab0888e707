"""Optimizers against torch.optim: the same small network, the same batches, every variant; and state_dict
(PyTorch's structure, storable without pickle, resuming gives bit-identical training)."""

import io
import json

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist import kernels, nn
from minitorch_mnist.nn import functional as F
from parity import assert_close

SGD_VARIANTS = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.02, momentum=0.5, weight_decay=5e-3, nesterov=True),
]

ADAM_VARIANTS = [
    dict(lr=1e-2),
    dict(lr=1e-2, weight_decay=1e-2),
    dict(lr=5e-3, betas=(0.8, 0.99)),
    dict(lr=2e-2, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.1),
]

NUMPY_DTYPE = {torch.float64: np.float64, torch.float32: np.float32}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The networks here are tiny: torch's thread pool only adds waiting (seconds on a busy 2-core machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def variant_id(options):
    return ",".join(f"{k}={v}" for k, v in options.items())


def small_nets(dtype, hidden=8):
    """(ours, torch's): Linear(6, hidden) -> ReLU -> Linear(hidden, 3), ours holding torch's initial weights."""
    theirs = torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 3)).to(dtype)
    ours = nn.Sequential(nn.Linear(6, hidden), nn.ReLU(), nn.Linear(hidden, 3)).to(NUMPY_DTYPE[dtype])
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def make_batches(count, dtype=np.float64, seed=3):
    """The batch order, built once in NumPy and fed to both frameworks."""
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((5, 6)).astype(dtype), rng.integers(0, 3, size=5)) for _ in range(count)]


def train_ours(model, optimizer, batches):
    for x, y in batches:
        optimizer.zero_grad()
        F.cross_entropy(model(mm.tensor(x)), mm.tensor(y)).backward()
        optimizer.step()


def train_theirs(model, optimizer, batches):
    for x, y in batches:
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()


def assert_same_parameters(ours, theirs, dtype, rtol):
    for (name, ours_p), theirs_p in zip(ours.named_parameters(), theirs.parameters()):
        assert ours_p.dtype == NUMPY_DTYPE[dtype], f"{name} changed dtype"
        assert_close(ours_p, theirs_p, rtol, name)


# ---------------------------------------------------------------- SGD

@pytest.mark.parametrize("backend", kernels.BACKENDS)
@pytest.mark.parametrize("options", SGD_VARIANTS, ids=variant_id)
@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 2e-6)])
def test_sgd_matches_torch_over_12_steps(options, dtype, rtol, backend):
    # float32: both frameworks do the same float32 operations in the same order except inside the
    # matmul reductions (different summation order), so parameters drift by a few ulps per step
    ours, theirs = small_nets(dtype)
    batches = make_batches(12, NUMPY_DTYPE[dtype])
    with kernels.use_backend(backend):  # the update in NumPy (numpy_optim.py) or in one Numba pass (numba_optim.py)
        train_ours(ours, mm.optim.SGD(ours.parameters(), **options), batches)
    train_theirs(theirs, torch.optim.SGD(theirs.parameters(), **options), batches)
    assert_same_parameters(ours, theirs, dtype, rtol)


def test_sgd_backends_agree_when_a_scheduler_makes_lr_a_numpy_float():
    """StepLR with gamma=np.float64(0.7) leaves a NumPy float64 lr: both backends still update in float32 alike."""
    weights = []
    for backend in kernels.BACKENDS:
        torch.manual_seed(0)  # the same initial weights for both backends
        ours, _ = small_nets(torch.float32)
        optimizer = mm.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
        scheduler = mm.optim.lr_scheduler.StepLR(optimizer, 1, gamma=np.float64(0.7))
        with kernels.use_backend(backend):
            for x, y in make_batches(4, np.float32):
                train_ours(ours, optimizer, [(x, y)])
                scheduler.step()
        assert isinstance(optimizer.param_groups[0]["lr"], np.floating)
        weights.append([p.array.copy() for p in ours.parameters()])
    for numpy_backend, numba_backend in zip(*weights):
        assert numpy_backend.dtype == np.float32 and np.array_equal(numpy_backend, numba_backend)


def test_sgd_skips_parameters_without_gradient():
    frozen = mm.nn.Parameter(mm.tensor([1.0, 2.0]))
    optimizer = mm.optim.SGD([frozen], lr=0.1, momentum=0.9)
    optimizer.step()
    assert frozen.array.tolist() == [1.0, 2.0]


def test_sgd_parameter_groups_have_their_own_lr():
    a, b = mm.nn.Parameter(mm.tensor([1.0])), mm.nn.Parameter(mm.tensor([1.0]))
    optimizer = mm.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    (a * 1.0 + b * 1.0).sum().backward()
    optimizer.step()
    assert a.array.tolist() == pytest.approx([0.9]) and b.array.tolist() == pytest.approx([0.5])


@pytest.mark.parametrize("options, message", [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (dict(lr=0.1, weight_decay=-1e-4), "Invalid weight_decay value: -0.0001"),
    (dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0"),
])
def test_sgd_rejects_bad_hyperparameters(options, message):
    with pytest.raises(ValueError, match=message):
        mm.optim.SGD([mm.nn.Parameter(mm.tensor([1.0]))], **options)


def test_optimizer_rejects_empty_list_single_tensor_and_repeated_parameter():
    with pytest.raises(ValueError, match="empty parameter list"):
        mm.optim.SGD([], lr=0.1)
    weight = mm.nn.Parameter(mm.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="got a single Tensor"):
        mm.optim.SGD(weight, lr=0.1)
    with pytest.raises(ValueError, match=r"shape \(2,\) appears more than once"):
        mm.optim.Adam([{"params": [weight]}, {"params": [weight], "lr": 0.5}])


# ---------------------------------------------------------------- Adam

@pytest.mark.parametrize("options", ADAM_VARIANTS, ids=variant_id)
@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 2e-6)])
def test_adam_matches_torch_over_20_steps(options, dtype, rtol):
    # The update is torch's operation for operation (the first moment in torch's lerp form), so only the
    # matmul summation order differs. Measured over 20 seeds: float64 <= 2.4e-16, float32 <= 1.4e-7
    # (about one ulp at scale 1). Adam's m / sqrt(v) gives every step a size of about lr whatever the
    # gradient's size, so a gradient component whose batch sum nearly cancels could turn a few-ulp
    # difference into a larger one: the float32 bound keeps an order of magnitude of room for that.
    ours, theirs = small_nets(dtype)
    batches = make_batches(20, NUMPY_DTYPE[dtype])
    our_optimizer = mm.optim.Adam(ours.parameters(), **options)
    their_optimizer = torch.optim.Adam(theirs.parameters(), **options)
    train_ours(ours, our_optimizer, batches)
    train_theirs(theirs, their_optimizer, batches)
    assert_same_parameters(ours, theirs, dtype, rtol)
    for state in our_optimizer.state.values():
        assert state["exp_avg"].dtype == state["exp_avg_sq"].dtype == NUMPY_DTYPE[dtype]


def test_adam_parameter_groups_and_state_dict_match_torch():
    """Two groups with their own lr and betas; after 16 steps the state_dicts agree key for key."""
    ours, theirs = small_nets(torch.float64)

    def groups(model):
        first, second = list(model.children())[0], list(model.children())[2]
        return [{"params": list(first.parameters())},
                {"params": list(second.parameters()), "lr": 3e-2, "betas": (0.7, 0.95)}]

    our_optimizer = mm.optim.Adam(groups(ours), lr=1e-2, weight_decay=1e-3)
    their_optimizer = torch.optim.Adam(groups(theirs), lr=1e-2, weight_decay=1e-3)
    batches = make_batches(16)
    train_ours(ours, our_optimizer, batches)
    train_theirs(theirs, their_optimizer, batches)
    assert_same_parameters(ours, theirs, torch.float64, 1e-12)

    our_state, their_state = our_optimizer.state_dict(), their_optimizer.state_dict()
    assert our_state.keys() == their_state.keys() == {"state", "param_groups"}
    assert sorted(our_state["state"]) == sorted(their_state["state"]) == [0, 1, 2, 3]
    for index, buffers in our_state["state"].items():
        assert buffers.keys() == their_state["state"][index].keys() == {"step", "exp_avg", "exp_avg_sq"}
        assert buffers["step"] == their_state["state"][index]["step"].item() == 16
        for name in ("exp_avg", "exp_avg_sq"):
            assert isinstance(buffers[name], np.ndarray)
            assert_close(buffers[name], their_state["state"][index][name], 1e-12, f"state[{index}][{name!r}]")
    assert len(our_state["param_groups"]) == 2
    for our_group, their_group in zip(our_state["param_groups"], their_state["param_groups"]):
        # ours holds the hyperparameters it implements; torch adds flags (amsgrad, foreach, ...) on top
        assert set(our_group) <= set(their_group)
        assert our_group == {key: their_group[key] for key in our_group}
    assert [group["params"] for group in our_state["param_groups"]] == [[0, 1], [2, 3]]


def test_adam_skips_parameters_without_gradient_and_keeps_float32():
    frozen = mm.nn.Parameter(mm.tensor([1.0, 2.0]))
    trained = mm.nn.Parameter(mm.tensor([1.0, -2.0]))
    optimizer = mm.optim.Adam([frozen, trained], lr=0.1)
    (trained * trained).sum().backward()
    optimizer.step()
    assert frozen.array.tolist() == [1.0, 2.0] and frozen not in optimizer.state
    # the first Adam step moves every component by lr (m_hat / sqrt(v_hat) = sign(g)), up to eps
    assert trained.array.tolist() == pytest.approx([0.9, -1.9], abs=1e-6)
    assert trained.dtype == np.float32 and optimizer.state[trained]["exp_avg"].dtype == np.float32


@pytest.mark.parametrize("options, message", [
    (dict(lr=-1), "Invalid learning rate: -1"),
    (dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (dict(weight_decay=-0.5), "Invalid weight_decay value: -0.5"),
])
def test_adam_rejects_bad_hyperparameters_like_torch(options, message):
    with pytest.raises(ValueError, match=message):
        mm.optim.Adam([mm.nn.Parameter(mm.tensor([1.0]))], **options)
    with pytest.raises(ValueError, match=message):
        torch.optim.Adam([torch.nn.Parameter(torch.ones(1))], **options)


# ---------------------------------------------------------------- state_dict: storage and resuming

def to_json_and_npz(state_dict):
    """The no-pickle format: arrays into an .npz, everything else into JSON (arrays replaced by their name)."""
    arrays = {}

    def pack(value, path):
        if isinstance(value, np.ndarray):
            arrays[path] = value
            return {"__array__": path}
        if isinstance(value, dict):
            return {str(key): pack(item, f"{path}.{key}") for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [pack(item, f"{path}.{i}") for i, item in enumerate(value)]
        assert value is None or isinstance(value, (bool, int, float, str)), \
            f"{path}: {type(value).__name__} cannot go to JSON"
        return value

    text = json.dumps(pack(state_dict, "root"), allow_nan=False)
    file = io.BytesIO()
    np.savez(file, **arrays)
    return text, file.getvalue()


def from_json_and_npz(text, npz_bytes):
    with np.load(io.BytesIO(npz_bytes), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}

    def unpack(value):
        if isinstance(value, dict):
            if set(value) == {"__array__"}:
                return arrays[value["__array__"]]
            return {key: unpack(item) for key, item in value.items()}
        return [unpack(item) for item in value] if isinstance(value, list) else value

    return unpack(json.loads(text))


OPTIMIZERS = {
    "sgd-momentum": lambda params: mm.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=1e-3),
    "sgd-nesterov": lambda params: mm.optim.SGD(params, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda params: mm.optim.Adam(params, lr=1e-2),
    "adam-groups": lambda params: mm.optim.Adam([{"params": params[:2], "betas": (0.8, 0.9)},
                                                 {"params": params[2:], "lr": 3e-2}], lr=1e-2, weight_decay=1e-2),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("through_files", [False, True], ids=["in-memory", "json+npz"])
@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_resuming_from_state_dict_is_bit_identical(kind, through_files, dtype):
    batches = make_batches(20, dtype)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(dtype)
    start = {name: value.clone() for name, value in model.state_dict().items()}

    optimizer = OPTIMIZERS[kind](list(model.parameters()))
    train_ours(model, optimizer, batches)
    uninterrupted = {name: value.clone() for name, value in model.state_dict().items()}  # shares memory, as torch's

    model.load_state_dict(start)
    optimizer = OPTIMIZERS[kind](list(model.parameters()))
    train_ours(model, optimizer, batches[:8])
    saved_model, saved_optimizer = model.state_dict(), optimizer.state_dict()
    if through_files:
        saved_optimizer = from_json_and_npz(*to_json_and_npz(saved_optimizer))
        assert isinstance(next(iter(saved_optimizer["state"])), str)  # JSON made the indices strings

    resumed = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(dtype)  # fresh weights and state
    resumed.load_state_dict(saved_model)
    resumed_optimizer = OPTIMIZERS[kind](list(resumed.parameters()))
    resumed_optimizer.load_state_dict(saved_optimizer)
    train_ours(resumed, resumed_optimizer, batches[8:])

    for name, array in resumed.state_dict().items():
        assert array.dtype == dtype and np.array_equal(array, uninterrupted[name]), f"{name} differs after resuming"
    for parameter, state in resumed_optimizer.state.items():
        assert all(type(value) is int or value.dtype == dtype for value in state.values())


def test_state_dict_holds_copies_and_load_copies_in():
    parameter = mm.nn.Parameter(mm.tensor([1.0, -2.0]))
    optimizer = mm.optim.Adam([parameter], lr=0.1)
    (parameter * parameter).sum().backward()
    optimizer.step()
    saved = optimizer.state_dict()
    saved["state"][0]["exp_avg"][:] = 99.0
    saved["param_groups"][0]["lr"] = 0.5
    assert optimizer.state[parameter]["exp_avg"].tolist() != [99.0, 99.0] and optimizer.param_groups[0]["lr"] == 0.1

    optimizer.load_state_dict(saved)
    saved["state"][0]["exp_avg"][:] = -1.0
    assert optimizer.state[parameter]["exp_avg"].tolist() == [99.0, 99.0]
    assert optimizer.param_groups[0]["lr"] == 0.5 and optimizer.param_groups[0]["params"] == [parameter]


def test_load_state_dict_casts_arrays_to_the_parameter_dtype_and_numbers_to_python():
    """A float64 checkpoint into a float32 model (as torch casts), and a step that went through NumPy."""
    parameter = mm.nn.Parameter(mm.tensor([1.0, -2.0]))  # float32
    optimizer = mm.optim.Adam([parameter], lr=0.1)
    optimizer.load_state_dict({
        "state": {0: {"step": np.int64(3), "exp_avg": np.ones(2), "exp_avg_sq": np.ones(2)}},
        "param_groups": [{"lr": np.float64(0.01), "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0,
                          "params": [0]}]})
    state, group = optimizer.state[parameter], optimizer.param_groups[0]
    assert type(state["step"]) is int and state["exp_avg"].dtype == np.float32
    assert type(group["lr"]) is float and group["betas"] == (0.9, 0.999)
    (parameter * parameter).sum().backward()
    optimizer.step()
    assert parameter.dtype == np.float32 and state["step"] == 4


def trained_adam(hidden=8, groups=1):
    model = nn.Sequential(nn.Linear(6, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    params = list(model.parameters())
    optimizer = mm.optim.Adam(params if groups == 1 else [{"params": params[:2]}, {"params": params[2:]}])
    train_ours(model, optimizer, make_batches(2, np.float32))
    return optimizer


@pytest.mark.parametrize("saved, message", [
    (lambda: trained_adam(groups=2).state_dict(), "saved state has 2 parameter groups but this optimizer has 1"),
    (lambda: {"state": {}, "param_groups": [dict(trained_adam().state_dict()["param_groups"][0], params=[0, 1])]},
     "parameter group 0 has 2 parameters in the saved state but 4 in this optimizer"),
    (lambda: trained_adam(hidden=5).state_dict(),
     r"saved 'exp_avg' for parameter 0 has shape \(5, 6\) but the parameter has shape \(8, 6\)"),
    (lambda: {"state": {7: {}}, "param_groups": trained_adam().state_dict()["param_groups"]},
     "an entry for parameter 7, but the parameter groups number only 4"),
    (lambda: {"param_groups": []}, "expected a dict with keys 'state' and 'param_groups', got \\['param_groups'\\]"),
])
def test_load_state_dict_rejects_mismatches_and_changes_nothing(saved, message):
    optimizer = trained_adam()
    before = optimizer.state_dict()
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(saved())
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, buffers in before["state"].items():
        assert all(np.array_equal(value, after["state"][index][name]) for name, value in buffers.items())


def test_load_state_dict_rejects_another_optimizers_state():
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3))
    sgd = mm.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train_ours(model, sgd, make_batches(1, np.float32))
    with pytest.raises(ValueError, match=r"saved parameter group 0 lacks \['betas', 'eps'\] \(was it saved by a "
                                         r"different optimizer"):
        mm.optim.Adam(model.parameters()).load_state_dict(sgd.state_dict())
