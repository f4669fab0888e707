"""torch.arange, full, rand, randint, as_tensor and the *_like factories: PyTorch's values, dtypes and errors."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import assert_close


@pytest.mark.parametrize("args", [(5,), (2, 9), (1, 10, 3), (0, 1, 0.1), (1, 2.5, 0.5), (-1.0, 1.0, 0.3), (5, 0, -1),
                                  (0.5, 3)], ids=str)
def test_arange_matches_torch_values_and_dtype(args):
    ours, theirs = mm.arange(*args), torch.arange(*args)
    assert ours.dtype == theirs.numpy().dtype
    assert_close(ours, theirs, 0, f"arange{args}")


def test_arange_keywords_dtype_and_errors_follow_torch():
    assert_close(mm.arange(0, 1, 0.1, dtype=mm.float64), torch.arange(0, 1, 0.1, dtype=torch.float64), 0, "float64")
    assert mm.arange(start=1, end=4).tolist() == [1, 2, 3]
    assert mm.arange(3, requires_grad=False, dtype=mm.float32).tolist() == [0.0, 1.0, 2.0]
    for args, message in [((0, 5, 0), "step must be nonzero"), ((5, 0), "inconsistent with step sign")]:
        with pytest.raises(RuntimeError, match=message):
            mm.arange(*args)
        with pytest.raises(RuntimeError, match=message):
            torch.arange(*args)


@pytest.mark.parametrize("fill", [7, True, 1.5, -2.25])
def test_full_takes_its_dtype_from_the_fill_value_as_torch(fill):
    ours, theirs = mm.full((2, 3), fill), torch.full((2, 3), fill)
    assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist()
    with pytest.raises(TypeError, match="must be tuple of ints, not int"):
        mm.full(2, fill)


def test_like_factories_keep_shape_and_dtype_unless_told():
    x = mm.tensor(np.zeros((2, 3), np.float64))
    for name in ["zeros_like", "ones_like", "rand_like", "randn_like"]:
        ours, theirs = getattr(mm, name)(x), getattr(torch, name)(torch.zeros(2, 3, dtype=torch.float64))
        assert ours.shape == theirs.shape and ours.dtype == theirs.numpy().dtype, name
    assert mm.zeros_like(mm.arange(3)).dtype == np.int64
    assert mm.ones_like(x, dtype=mm.float32).dtype == np.float32
    assert mm.full_like(x, 2.5).tolist() == [[2.5] * 3] * 2
    assert mm.ones_like(x, requires_grad=True).requires_grad


def test_rand_and_randint_use_the_engine_generator_and_torch_dtypes():
    mm.manual_seed(3)
    first = (mm.rand(2, 3), mm.randint(10, (4,)), mm.randint(3, 10, size=(2, 2)))
    mm.manual_seed(3)
    second = (mm.rand((2, 3)), mm.randint(10, (4,)), mm.randint(3, 10, (2, 2)))
    for a, b in zip(first, second):
        assert a.tolist() == b.tolist()
    assert first[0].dtype == torch.rand(2).numpy().dtype and 0 <= first[0].array.min() and first[0].array.max() < 1
    assert first[1].dtype == torch.randint(10, (4,)).numpy().dtype
    assert first[2].array.min() >= 3 and first[2].array.max() < 10
    assert mm.rand(2, dtype=mm.float64).dtype == np.float64
    with pytest.raises(TypeError):
        mm.randint(10)
    with pytest.raises(TypeError):
        torch.randint(10)


def test_factories_follow_the_default_dtype():
    mm.set_default_dtype(mm.float64)
    try:
        assert mm.rand(2).dtype == mm.arange(0, 1, 0.5).dtype == mm.full((1,), 0.5).dtype == np.float64
    finally:
        mm.set_default_dtype(mm.float32)


def test_as_tensor_shares_memory_when_it_can_and_copies_when_it_must():
    array = np.arange(3.0)
    shared = mm.as_tensor(array)
    array[0] = 9.0
    assert shared.tolist()[0] == 9.0
    assert mm.as_tensor(shared) is shared
    assert mm.as_tensor(array, dtype=mm.float32).dtype == np.float32
    assert mm.as_tensor([1, 2]).dtype == torch.as_tensor([1, 2]).numpy().dtype
    assert mm.as_tensor([1.0]).dtype == torch.as_tensor([1.0]).numpy().dtype


def test_small_predicates_match_torch():
    a = np.arange(6.0).reshape(2, 3)
    assert mm.numel(mm.tensor(a)) == torch.numel(torch.tensor(a)) == 6
    assert mm.is_tensor(mm.tensor(a)) and not mm.is_tensor(a)
    assert mm.equal(mm.tensor(a), mm.tensor(a.copy())) and not mm.equal(mm.tensor(a), mm.tensor(a[:1]))
    assert mm.allclose(mm.tensor(a), mm.tensor(a + 1e-9))
    assert mm.tensor(a).view(-1).shape == torch.tensor(a).view(-1).shape
