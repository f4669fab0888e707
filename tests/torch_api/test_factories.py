"""Every factory takes PyTorch's keywords by one rule (dtype=, device=, requires_grad=, out=), and the factories
added for the tutorials (eye, linspace, logspace, empty_like, randperm, normal, bernoulli, randint_like,
Tensor.new_*, torch.Generator) and from_numpy/numpy() memory sharing match PyTorch: values or distributions,
dtypes, shapes, errors."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.torch_api import creation, sampling
from parity import assert_raises_like_torch

# name: a call of the factory with its required arguments (lib -> keywords -> tensor)
FACTORIES = {
    "tensor": lambda lib, **kw: lib.tensor([1.0, 2.0], **kw), "zeros": lambda lib, **kw: lib.zeros(2, 3, **kw),
    "ones": lambda lib, **kw: lib.ones((2,), **kw), "empty": lambda lib, **kw: lib.empty([2, 1], **kw),
    "full": lambda lib, **kw: lib.full((2,), 1.5, **kw), "eye": lambda lib, **kw: lib.eye(3, 2, **kw),
    "arange": lambda lib, **kw: lib.arange(0.0, 2.0, 0.5, **kw), "linspace": lambda lib, **kw: lib.linspace(0, 1, 5, **kw),
    "logspace": lambda lib, **kw: lib.logspace(0, 2, 3, **kw),
    "zeros_like": lambda lib, **kw: lib.zeros_like(lib.ones(2, 2), **kw),
    "ones_like": lambda lib, **kw: lib.ones_like(lib.ones(2), **kw),
    "empty_like": lambda lib, **kw: lib.empty_like(lib.ones(3), **kw),
    "full_like": lambda lib, **kw: lib.full_like(lib.ones(2), 7.0, **kw),
    "rand": lambda lib, **kw: lib.rand(1, 28, 28, **kw), "randn": lambda lib, **kw: lib.randn((2, 2), **kw),
    "randint": lambda lib, **kw: lib.randint(0, 5, (3,), **kw), "randperm": lambda lib, **kw: lib.randperm(4, **kw),
    "normal": lambda lib, **kw: lib.normal(0.0, 1.0, (3,), **kw),
    "rand_like": lambda lib, **kw: lib.rand_like(lib.ones(2), **kw),
    "randn_like": lambda lib, **kw: lib.randn_like(lib.ones(2), **kw),
    "randint_like": lambda lib, **kw: lib.randint_like(lib.ones(2), 3, **kw),
}
FLOATING = {"tensor", "zeros", "ones", "empty", "full", "eye", "arange", "linspace", "logspace", "zeros_like",
            "ones_like", "empty_like", "full_like", "rand", "randn", "normal", "rand_like", "randn_like", "randint_like"}


def test_the_table_names_every_factory():
    """(from_numpy and as_tensor take no keywords but dtype/device; bernoulli is an op on its input: no dtype= either.)"""
    assert set(FACTORIES) == set(creation.__all__ + sampling.__all__) - {"from_numpy", "as_tensor", "bernoulli"}


@pytest.mark.parametrize("name", FACTORIES)
def test_every_factory_takes_device_dtype_and_requires_grad_as_torch(name):
    make = FACTORIES[name]
    for keywords in (dict(device="cpu"), dict(device=mm.device("cpu")), dict(dtype="float64")):
        torch_keywords = {k: (torch.device("cpu") if k == "device" else getattr(torch, v) if k == "dtype" else v)
                          for k, v in keywords.items()}
        ours_keywords = {k: (getattr(mm, v) if k == "dtype" else v) for k, v in keywords.items()}
        ours, theirs = make(mm, **ours_keywords), make(torch, **torch_keywords)
        assert ours.shape == theirs.shape and ours.dtype == theirs.numpy().dtype, (name, keywords)
    if name in FLOATING:
        ours, theirs = make(mm, requires_grad=True), make(torch, requires_grad=True)
        assert ours.requires_grad and theirs.requires_grad and ours.is_leaf
    else:  # integer results cannot require grad, in both
        with pytest.raises(RuntimeError):
            make(torch, requires_grad=True)
        with pytest.raises(RuntimeError):
            make(mm, requires_grad=True)
    with pytest.raises(RuntimeError, match="CPU only"):
        make(mm, device="cuda")
    with pytest.raises(TypeError):
        make(mm, colour="blue")


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "full", "eye", "arange", "linspace", "logspace", "rand",
                                  "randn", "randint", "randperm", "normal"])
def test_factories_that_take_out_write_into_it_as_torch(name):
    ours_out, theirs_out = mm.zeros(0, dtype=mm.float64), torch.zeros(0, dtype=torch.float64)
    ours, theirs = FACTORIES[name](mm, out=ours_out), FACTORIES[name](torch, out=theirs_out)
    assert ours is ours_out and theirs is theirs_out and ours.shape == theirs.shape
    if name not in ("empty", "rand", "randn", "randint", "randperm", "normal"):  # empty: PyTorch's is uninitialised
        np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-12)


DETERMINISTIC = {
    "eye square": lambda lib: lib.eye(3), "eye rect": lambda lib: lib.eye(2, 4, dtype=lib.int64),
    "eye keywords": lambda lib: lib.eye(n=2, m=1), "linspace": lambda lib: lib.linspace(-1, 1, 7),
    "linspace one": lambda lib: lib.linspace(3, 5, 1), "linspace none": lambda lib: lib.linspace(3, 5, 0),
    "linspace int": lambda lib: lib.linspace(0, 10, 5, dtype=lib.int64),
    "linspace float64": lambda lib: lib.linspace(0, 1, 11, dtype=lib.float64),
    "logspace": lambda lib: lib.logspace(0, 2, 3), "logspace base 2": lambda lib: lib.logspace(0, 3, 4, base=2),
    "empty_like int": lambda lib: lib.empty_like(lib.ones(2, dtype=lib.int64)) * 0,
    "full_like int from float": lambda lib: lib.full_like(lib.ones(2, dtype=lib.int64), 2.7),
    "zeros size keyword": lambda lib: lib.zeros(size=(2, 3)), "ones Size": lambda lib: lib.ones(lib.Size([2])),
    "full list": lambda lib: lib.full([2], 1), "new_ones": lambda lib: lib.ones(2, dtype=lib.float64).new_ones(3),
    "new_ones tuple dtype": lambda lib: lib.ones(2).new_ones((2, 3), dtype=lib.int64),
    "new_zeros": lambda lib: lib.ones(2, dtype=lib.int64).new_zeros(2, 2),
    "new_full": lambda lib: lib.ones(2, dtype=lib.int64).new_full((2,), 3.5),
    "new_empty": lambda lib: lib.ones(2, dtype=lib.float64).new_empty(3) * 0,
    "new_tensor": lambda lib: lib.ones(2, dtype=lib.float64).new_tensor([1, 2]),
    "new_tensor int": lambda lib: lib.ones(2, dtype=lib.int64).new_tensor([1.5, 2.0]),
}


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_deterministic_factories_match_torch(name):
    ours, theirs = DETERMINISTIC[name](mm), DETERMINISTIC[name](torch)
    assert ours.dtype == theirs.numpy().dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.array, theirs.numpy())  # linspace too: the same float32 steps as PyTorch


BAD = {
    "zeros negative": lambda lib: lib.zeros(-1), "zeros float size": lambda lib: lib.zeros(2.0),
    "zeros no size": lambda lib: lib.zeros(), "eye negative": lambda lib: lib.eye(-1),
    "linspace negative steps": lambda lib: lib.linspace(0, 1, -1), "randperm negative": lambda lib: lib.randperm(-1),
    "normal negative std": lambda lib: lib.normal(0.0, -1.0, size=(2,)),
    "normal two numbers without size": lambda lib: lib.normal(0.0, 1.0),
    "bernoulli p above 1": lambda lib: lib.bernoulli(lib.full((3,), 1.5)),
    "rand_like of an int tensor": lambda lib: lib.rand_like(lib.ones(2, dtype=lib.int64)),
    "from_numpy of a list": lambda lib: lib.from_numpy([1.0]),
    "from_numpy of strings": lambda lib: lib.from_numpy(np.array(["a"])),
    "new_zeros requires_grad int": lambda lib: lib.ones(2, dtype=lib.int64).new_zeros(2, requires_grad=True),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_factory_calls_raise_what_torch_raises(name):
    assert_raises_like_torch(BAD[name])


def test_random_factories_draw_the_right_distributions_and_reproduce_with_a_seed():
    """The numbers are NumPy's, not PyTorch's: compared are ranges, moments (n = 20000: 5 standard errors) and the
    reproducibility a seed gives."""
    mm.manual_seed(7)
    uniform, normal = mm.rand(20000), mm.normal(2.0, 3.0, size=(20000,))
    assert 0 <= uniform.array.min() and uniform.array.max() < 1 and abs(uniform.array.mean() - 0.5) < 5 * 0.29 / 141
    assert abs(normal.array.mean() - 2.0) < 5 * 3 / 141 and abs(normal.array.std() - 3.0) < 0.1
    assert sorted(mm.randperm(10).tolist()) == list(range(10))
    coins = mm.bernoulli(mm.tensor([0.0, 1.0, 0.5] * 1000))
    assert coins.array[0::3].sum() == 0 and coins.array[1::3].sum() == 1000 and 400 < coins.array[2::3].sum() < 600
    mm.manual_seed(7)
    assert mm.rand(20000).tolist() == uniform.tolist()
    means, stds = mm.zeros(2, 3), mm.ones(3) * 0.5
    assert mm.normal(means, stds).shape == torch.normal(torch.zeros(2, 3), torch.ones(3)).shape
    assert mm.normal(mm.zeros(2, dtype=mm.float64), 1.0).dtype == np.float64
    assert mm.randint_like(mm.ones(4), 3, 5).dtype == np.float32 and set(mm.randint_like(mm.ones(99), 3, 5).tolist()) \
        == {3.0, 4.0}


def test_a_generator_gives_its_own_reproducible_stream_as_torch_generator():
    first = mm.randn(5, generator=mm.Generator().manual_seed(42))
    second = mm.randn(5, generator=mm.Generator().manual_seed(42))
    assert first.tolist() == second.tolist()
    generator = mm.Generator()
    assert generator.manual_seed(3) is generator and generator.initial_seed() == 3
    assert isinstance(mm.manual_seed(0), mm.Generator) and isinstance(torch.manual_seed(0), torch.Generator)
    assert mm.initial_seed() == 0 == torch.initial_seed()
    new_seed = mm.seed()
    assert isinstance(new_seed, int) and mm.initial_seed() == new_seed and isinstance(torch.seed(), int)
    for name in ["rand", "randn", "randperm", "randint", "normal", "rand_like", "randn_like"]:
        a = FACTORIES[name](mm, generator=mm.Generator().manual_seed(1))
        b = FACTORIES[name](mm, generator=mm.Generator().manual_seed(1))
        assert a.tolist() == b.tolist(), name
    coins = [mm.bernoulli(mm.full((9,), 0.5), generator=mm.Generator().manual_seed(1)) for _ in range(2)]
    assert coins[0].tolist() == coins[1].tolist()
    with pytest.raises(RuntimeError, match="CPU only"):
        mm.Generator(device="cuda")


def test_random_fills_in_place_as_weight_init_code_uses_them():
    """DCGAN-style init: m.weight.data.normal_(0.0, 0.02); uniform_(-a, a); bernoulli_(p)."""
    for lib in (mm, torch):
        w = lib.zeros(100, 100)
        assert w.normal_(0.0, 0.02) is w and abs(float(w.std()) - 0.02) < 0.002
        assert w.uniform_(-0.5, 0.5) is w and -0.5 <= float(w.min()) and float(w.max()) < 0.5
        assert w.bernoulli_(0.25) is w and set(np.unique(np.asarray(w.tolist()))) <= {0.0, 1.0}
        leaf = lib.zeros(2, requires_grad=True)
        with pytest.raises(RuntimeError):
            leaf.normal_()


def test_from_numpy_and_numpy_share_memory_as_torch():
    for lib in (mm, torch):
        array = np.ones(3)
        t = lib.from_numpy(array)
        np.add(array, 1, out=array)
        assert t.tolist() == [2.0, 2.0, 2.0] and t.dtype == (np.float64 if lib is mm else torch.float64)
        t.add_(1)
        assert array.tolist() == [3.0, 3.0, 3.0]
        n = t.numpy()
        n[0] = 0.0
        assert t.tolist()[0] == 0.0
        assert lib.from_numpy(np.ones(1, np.float16)).dtype == (np.float16 if lib is mm else torch.float16)


def test_the_tutorial_lines_with_factory_keywords_run():
    """buildmodel: torch.rand(1, 28, 28, device=device); autogradqs: torch.eye(4, 5, requires_grad=True); blitz 2019:
    x.new_ones(5, 3, dtype=torch.double) and torch.ones_like(x, device=device)."""
    for lib in (mm, torch):
        device = "cuda" if lib.cuda.is_available() else "cpu"
        assert tuple(lib.rand(1, 28, 28, device=device).shape) == (1, 28, 28)
        inp = lib.eye(4, 5, requires_grad=True)
        out = (inp + 1).pow(2).t()
        out.backward(lib.ones_like(out), retain_graph=True)
        assert inp.grad.tolist() == (2 * (np.eye(4, 5) + 1)).tolist()
        x = lib.tensor([5.5, 3]).new_ones(5, 3, dtype=lib.double)
        assert x.dtype == lib.float64 and lib.ones_like(x, device=device).shape == x.shape
