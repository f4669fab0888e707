"""Tensors print exactly as PyTorch prints them (autograd/printing.py), for every dtype, shape and print option.

A seeded random sweep (shapes around the summarisation threshold, values across magnitudes and specials, random
set_printoptions) compares repr(engine tensor) with repr(torch tensor) character for character; named cases
pin the rules one by one. Every test restores the print options and the default dtype of both frameworks.
"""

import math

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.autograd import printing

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.fixture(autouse=True)
def default_options():
    yield
    for lib in (torch, mm):
        lib.set_printoptions(profile="default")
        lib.set_default_dtype(lib.float32)


def both(array, dtype=None, requires_grad=False, how="tensor", **options):
    """(engine text, torch text) for the same array, printed with the same print options."""
    texts = []
    for lib in (mm, torch):
        lib.set_printoptions(**options)
        with np.errstate(over="ignore"):  # 70000 in float16 is inf: a value to print like any other
            t = lib.tensor(np.array(array, dtype=dtype))
        if how == "grad_fn":
            t = t.requires_grad_() * 1
        elif how == "parameter":
            t = lib.nn.Parameter(t)
        elif requires_grad:
            t.requires_grad_()
        texts.append(repr(t))
    return texts


def assert_prints_alike(*args, **kwargs):
    ours, theirs = both(*args, **kwargs)
    assert ours == theirs, f"\nengine:\n{ours}\ntorch:\n{theirs}"


# ---- the random sweep (a port of the reference checker that found 0 mismatches in 7000 cases) ----
def random_shape(rng):
    r = rng.random()
    if r < 0.1:
        return ()
    if r < 0.2:  # around the 1000-element summarisation threshold
        n = int(rng.integers(900, 1200))
        return [(n,), (n // 30 + 1, 30), (4, n // 40, 10), (2, 3, n // 60, 10)][rng.integers(4)]
    ndim = int(rng.integers(1, 5))
    shape = [int(rng.integers(1, {1: 60, 2: 12, 3: 7, 4: 5}[ndim] + 1)) for _ in range(ndim)]
    if rng.random() < 0.08:
        shape[int(rng.integers(ndim))] = 0
    return tuple(shape)


def random_floats(rng, n):
    kind = rng.integers(8)
    sign = np.where(rng.random(n) < 0.4, -1.0, 1.0)
    values = [
        lambda: sign * 10.0 ** rng.uniform(-10, 12, n),  # every magnitude: scientific mode
        lambda: rng.normal(0, 3, n),  # ordinary values
        lambda: np.round(rng.normal(0, 10 ** rng.uniform(0, 10), n)),  # whole numbers: int mode
        lambda: sign * 10.0 ** rng.uniform(-6, 10) * rng.uniform(1, 50, n),  # one magnitude band
        lambda: rng.choice([1e-4, 9.9999e-5, 1e8, 1.0000001e8, 1.0, 1000.0, 1000.1, 0.001, 0.5], n),  # the borders
        lambda: np.zeros(n),
        lambda: np.round(rng.normal(0, 5, n), int(rng.integers(0, 6))) + rng.choice([0, 5e-5, 5e-9], n),  # rounding
        lambda: rng.choice([0.0, -0.0, 1.0, -1.0, 2.5, 1e20, -1e-20, 123456789.0], n),
    ][kind]()
    if rng.random() < 0.5:  # nan, inf and -0.0 sprinkled in
        special = rng.random(n) < rng.uniform(0, 0.5)
        values[special] = rng.choice([np.nan, np.inf, -np.inf, -0.0, 0.0], int(special.sum()))
    return values


def random_options(rng):
    options = {}
    if rng.random() < 0.15:
        options["profile"] = str(rng.choice(["default", "short", "full"]))
    if rng.random() < 0.4:
        options["precision"] = int(rng.choice([0, 1, 2, 4, 6, 8]))
    if rng.random() < 0.3:
        options["threshold"] = [5, 50, 1000, math.inf, 200][rng.integers(5)]
    if rng.random() < 0.3:
        options["edgeitems"] = int(rng.choice([0, 1, 2, 3, 5]))
    if rng.random() < 0.4:
        options["linewidth"] = int(rng.choice([20, 40, 80, 120]))
    if rng.random() < 0.5:
        options["sci_mode"] = [None, True, False][rng.integers(3)]
    return options


@pytest.mark.parametrize("seed", range(6))
def test_random_tensors_print_as_in_pytorch(seed):
    rng = np.random.default_rng(seed)
    for _ in range(50):
        dtype = (FLOATS + INTS + ["bool"])[rng.integers(9)]
        shape = random_shape(rng)
        n = int(np.prod(shape)) if shape else 1
        if dtype in FLOATS:
            with np.errstate(over="ignore"):  # float16 overflows to inf: a value to print like any other
                array = random_floats(rng, n).astype(dtype)
        elif dtype == "bool":
            array = rng.random(n) < rng.random()
        else:
            info = np.iinfo(dtype)
            low, high = (max(info.min, -100), min(info.max, 100)) if rng.random() < 0.5 else (info.min, info.max)
            array = rng.integers(low, high, n, endpoint=True, dtype=dtype)
        how = str(rng.choice(["tensor", "requires_grad", "grad_fn", "parameter"])) if dtype in FLOATS and \
            rng.random() < 0.3 else "tensor"
        default = "float64" if rng.random() < 0.15 else "float32"
        for lib in (mm, torch):
            lib.set_default_dtype(getattr(lib, default))
        assert_prints_alike(array.reshape(shape), requires_grad=how == "requires_grad", how=how,
                            **random_options(rng))


# ---- the rules, one by one ----
@pytest.mark.parametrize("values, dtype", [
    ([5.5, 3.0], "float32"),  # 4 decimals
    ([1.0, 2.0, -3.0], "float32"),  # int mode: '1.'
    ([0.1, 100.0], "float32"), ([0.1, 100.1], "float32"),  # max/min = 1000 is not above 1000; 1001 is
    ([1e-5, 1.0], "float32"), ([1.0, 12.0e7], "float32"),  # min < 1e-4, max > 1e8: scientific
    ([np.nan, 1.5, np.inf, -np.inf], "float32"), ([np.nan, np.nan], "float64"), ([-0.0, 1.0], "float32"),
    ([0.0, -0.0], "float32"), (-0.0, "float64"), (3.25, "float32"), (7, "int64"),
    ([70000.0, 1.0, -1e-8], "float16"), ([1 / 3, 2.0], "float64"), ([2**62, -3], "int64"),
    ([True, False], "bool"), ([0, 255], "uint8"), ([-128, 5], "int8"), ([1, 2], "int32"),
])
def test_values_print_as_in_pytorch(values, dtype):
    assert_prints_alike(values, dtype)


@pytest.mark.parametrize("shape, dtype", [((0,), "float32"), ((2, 0), "float32"), ((0, 3), "uint8"),
                                          ((2, 0, 1), "float64"), ((0,), "bool"), ((0,), "int64")])
def test_empty_tensors_show_their_size_and_dtype_as_in_pytorch(shape, dtype):
    assert_prints_alike(np.zeros(shape), dtype)


def test_summarisation_starts_above_the_threshold():
    assert_prints_alike(np.arange(1000.0), "float32")  # 1000 elements: all shown
    assert_prints_alike(np.arange(1001.0), "float32")  # 1001: '...'
    assert_prints_alike(np.arange(2000.0).reshape(40, 50), "float64")
    assert_prints_alike(np.arange(1200).reshape(2, 3, 200), "int64")


def test_long_rows_wrap_at_the_line_width():
    assert_prints_alike(np.linspace(-1, 1, 37), "float32")
    assert_prints_alike(np.arange(200).reshape(2, 100), "int16")


@pytest.mark.parametrize("options", [
    dict(precision=2), dict(precision=10), dict(threshold=5), dict(edgeitems=1, threshold=5), dict(edgeitems=0),
    dict(linewidth=20), dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=6), dict(profile="no such profile"),
])
def test_set_printoptions_as_in_pytorch(options):
    assert_prints_alike(np.linspace(-2, 3, 1500).reshape(30, 50) * 1e3, "float32", **options)
    assert_prints_alike([1e-6, 1.0, 3.0], "float64", **options)


def test_a_call_without_sci_mode_resets_it_as_in_pytorch():
    for lib in (mm, torch):
        lib.set_printoptions(sci_mode=True)
        lib.set_printoptions(precision=3)  # sci_mode left out: back to None (decide per tensor)
    assert repr(mm.tensor([1.5, 2.0])) == repr(torch.tensor([1.5, 2.0])) == "tensor([1.500, 2.000])"
    assert printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_the_dtype_suffix_follows_the_default_dtype():
    assert_prints_alike([1.5], "float64")  # dtype=torch.float64
    for lib in (mm, torch):
        lib.set_default_dtype(lib.float64)
    assert_prints_alike([1.5], "float64")  # now the default: no suffix
    assert_prints_alike([1.5], "float32")  # dtype=torch.float32
    assert_prints_alike(np.zeros((0,)), "float32")


def test_requires_grad_grad_fn_and_parameter_suffixes():
    assert repr(mm.tensor([5.5, 3.0], requires_grad=True)) == "tensor([5.5000, 3.0000], requires_grad=True)"
    assert_prints_alike([5.5, 3.0], "float32", requires_grad=True)
    assert_prints_alike([5.5, 3.0], "float64", requires_grad=True)
    assert_prints_alike([5.5, 3.0], "float32", how="grad_fn")
    assert_prints_alike(np.arange(40.0).reshape(2, 20), "float32", how="grad_fn")  # the suffix wraps
    assert_prints_alike([[1.0, 2.0]], "float32", how="parameter")
    assert_prints_alike(np.ones(3), "float16", how="parameter")
    x = mm.tensor([1.0, 2.0], requires_grad=True)
    assert repr((x * 2).sum()) == "tensor(6., grad_fn=<SumBackward0>)"


def test_str_equals_repr_and_print_shows_it(capsys):
    t = mm.tensor([[1.0, 2.5], [3.0, 4.0]])
    assert str(t) == repr(t) == repr(torch.tensor([[1.0, 2.5], [3.0, 4.0]]))
    print(t)
    assert capsys.readouterr().out == repr(t) + "\n"
