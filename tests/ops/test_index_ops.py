"""gather, scatter (src and value forms), scatter_add, index_select and masked_fill against PyTorch: values and
gradients in float64 with random upstream gradients, central differences, the one-hot line of the Transforms
tutorial, and the same exception types for bad indices."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_raises_like_torch

X_SHAPE = (3, 4, 5)


def both(array):
    """An index or mask as an engine tensor and a torch tensor (no gradient)."""
    return mm.tensor(array), torch.tensor(array)


def random_index(rng, shape, high):
    return rng.integers(0, high, size=shape).astype(np.int64)


def unique_index(rng, index_shape, dim, size):
    """An index whose entries along dim never repeat (scatter's result is defined only then, in both frameworks)."""
    index = np.empty(index_shape, dtype=np.int64)
    for position in np.ndindex(*[n for axis, n in enumerate(index_shape) if axis != dim]):
        picks = rng.permutation(size)[:index_shape[dim]]
        slot = list(position)
        slot.insert(dim, slice(None))
        index[tuple(slot)] = picks
    return index


def run(engine_fn, torch_fn, arrays, rng, what):
    """check_op with the frameworks' own index tensors closed over (engine_fn(t, ...), torch_fn(t, ...))."""
    return check_op(engine_fn, torch_fn, arrays, rng, what=what)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_gather_matches_torch_forward_and_backward(dim, rng):
    x = rng.standard_normal(X_SHAPE)
    index_shape = list(X_SHAPE)
    index_shape[dim] = 6  # larger than x along dim: elements are picked several times, their gradients add up
    index_shape[(dim + 1) % 3] -= 1  # and smaller off dim, which PyTorch allows
    ours, theirs = both(random_index(rng, index_shape, X_SHAPE[dim]))
    run(lambda t: t.gather(dim, ours), lambda t: t.gather(dim, theirs), [x], rng, f"gather dim {dim}")
    run(lambda t: mm.gather(t, dim, ours), lambda t: torch.gather(t, dim, theirs), [x], rng, "torch.gather")


def test_gather_passes_gradcheck(rng):
    index = mm.tensor(random_index(rng, (3, 6), 4))
    gradcheck(lambda t: t.gather(1, index), rng.standard_normal((3, 4)))


@pytest.mark.parametrize("dim", [0, 1, 2])
def test_scatter_with_src_matches_torch(dim, rng):
    x, src = rng.standard_normal(X_SHAPE), rng.standard_normal((2, 3, 4))
    index_shape = [2, 3, 4]
    ours, theirs = both(unique_index(rng, index_shape, dim, X_SHAPE[dim]))
    run(lambda t, s: t.scatter(dim, ours, s), lambda t, s: t.scatter(dim, theirs, s), [x, src], rng, "scatter src")
    run(lambda t, s: mm.scatter(t, dim, ours, s), lambda t, s: torch.scatter(t, dim, theirs, s), [x, src], rng,
        "torch.scatter")


def test_scatter_reads_only_the_part_of_a_larger_src_that_index_covers(rng):
    """PyTorch's forward allows src larger than index (its backward then fails, so only values are compared); the
    engine's gradient gives the rest of src 0."""
    x, src = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    index = unique_index(rng, (2, 3), 1, 4)
    expected = torch.tensor(x).scatter(1, torch.tensor(index), torch.tensor(src))
    np.testing.assert_array_equal(mm.tensor(x).scatter(1, mm.tensor(index), mm.tensor(src)).array, expected.numpy())
    gradcheck(lambda t, s: t.scatter(1, mm.tensor(index), s), x, src)


def test_scatter_with_a_value_matches_torch_and_its_gradient_skips_the_written_places(rng):
    x = rng.standard_normal(X_SHAPE)
    ours, theirs = both(unique_index(rng, (3, 2, 5), 1, 4))
    run(lambda t: t.scatter(1, ours, value=2.5), lambda t: t.scatter(1, theirs, value=2.5), [x], rng, "scatter value")
    run(lambda t: t.scatter(1, ours, -1.0), lambda t: t.scatter(1, theirs, -1.0), [x], rng, "scatter value positional")


def test_scatter_passes_gradcheck(rng):
    index = mm.tensor(unique_index(rng, (2, 3), 1, 4))
    gradcheck(lambda t, s: t.scatter(1, index, s), rng.standard_normal((3, 4)), rng.standard_normal((2, 3)))


@pytest.mark.parametrize("dim", [0, 2])
def test_scatter_add_adds_repeated_indices_as_torch(dim, rng):
    x, src = rng.standard_normal(X_SHAPE), rng.standard_normal((3, 3, 5))  # src of index's shape (see scatter)
    ours, theirs = both(random_index(rng, (3, 3, 5), X_SHAPE[dim]))  # repeats: their values add up
    run(lambda t, s: t.scatter_add(dim, ours, s), lambda t, s: t.scatter_add(dim, theirs, s), [x, src], rng,
        "scatter_add")
    index = mm.tensor(random_index(rng, (2, 3), 3))
    gradcheck(lambda t, s: t.scatter_add(0, index, s), rng.standard_normal((3, 3)), rng.standard_normal((2, 3)))


def test_the_transforms_tutorials_one_hot_line_runs_as_in_torch():
    """Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)), both spellings."""
    for lib in (mm, torch):
        first = lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(3), value=1)
        second = lib.zeros(10, dtype=lib.float).scatter_(dim=0, index=lib.tensor(7), value=1)
        assert first.tolist() == [float(i == 3) for i in range(10)]
        assert second.tolist() == [float(i == 7) for i in range(10)]
        assert first.dtype == second.dtype == (np.float32 if lib is mm else torch.float32)


def test_in_place_scatter_and_scatter_add_change_the_tensor_and_return_it():
    for lib in (mm, torch):
        x = lib.zeros(2, 3)
        assert x.scatter_(1, lib.tensor([[2], [0]]), lib.tensor([[5.0], [6.0]])) is x
        assert x.scatter_add_(1, lib.tensor([[2, 2]]), lib.tensor([[1.0, 1.0]])) is x
        assert x.tolist() == [[0.0, 0.0, 7.0], [6.0, 0.0, 0.0]]


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_index_select_matches_torch_with_repeats(dim, rng):
    x = rng.standard_normal(X_SHAPE)
    ours, theirs = both(np.array([2, 0, 2, 1], dtype=np.int64))
    run(lambda t: t.index_select(dim, ours), lambda t: t.index_select(dim, theirs), [x], rng, "index_select")
    run(lambda t: mm.index_select(t, dim, ours), lambda t: torch.index_select(t, dim, theirs), [x], rng,
        "torch.index_select")
    index = mm.tensor([1, 1, 0])
    gradcheck(lambda t: t.index_select(1, index), rng.standard_normal((2, 3)))


def test_index_select_takes_a_0d_index_and_int32_as_torch(rng):
    x = rng.standard_normal((2, 3))
    for index in [np.array(2), np.array([2, 0], dtype=np.int32)]:
        ours, theirs = both(index)
        run(lambda t: t.index_select(1, ours), lambda t: t.index_select(1, theirs), [x], rng, "index_select")


@pytest.mark.parametrize("mask_shape", [X_SHAPE, (4, 1), (5,)], ids=str)
def test_masked_fill_matches_torch_with_broadcast_masks(mask_shape, rng):
    x = rng.standard_normal(X_SHAPE)
    ours, theirs = both(rng.random(mask_shape) < 0.4)
    run(lambda t: t.masked_fill(ours, -1.5), lambda t: t.masked_fill(theirs, -1.5), [x], rng, "masked_fill")
    run(lambda t: mm.masked_fill(t, ours, float("-inf")).exp(), lambda t: torch.masked_fill(t, theirs, float("-inf")).exp(),
        [x], rng, "masked_fill -inf then exp (attention masking)")


def test_masked_fill_with_a_0d_tensor_value_sends_its_gradient_to_the_value(rng):
    mask = np.array([True, False, True, True])
    ours, theirs = both(mask)
    run(lambda t, v: t.masked_fill(ours, v), lambda t, v: t.masked_fill(theirs, v),
        [rng.standard_normal(4), np.array(0.7)], rng, "masked_fill tensor value")
    gradcheck(lambda t, v: t.masked_fill(ours, v), rng.standard_normal(4), np.array(0.3))


def test_masked_fill_in_place_and_dtypes_follow_torch():
    for lib in (mm, torch):
        x = lib.zeros(3, dtype=lib.int64)
        assert x.masked_fill_(lib.tensor([True, False, True]), 2.7) is x  # cast into the tensor's dtype
        assert x.tolist() == [2, 0, 2]
        with pytest.raises(RuntimeError):
            lib.zeros(2).masked_fill_(lib.tensor([[True, False], [False, True]]), 1.0)  # no broadcasting up in place


BAD_CALLS = {
    "gather index out of range": lambda lib: lib.zeros(2, 3).gather(1, lib.tensor([[3]])),
    "gather negative index": lambda lib: lib.zeros(2, 3).gather(1, lib.tensor([[-1]])),
    "gather float index": lambda lib: lib.zeros(2, 3).gather(1, lib.tensor([[0.0]])),
    "gather wrong ndim": lambda lib: lib.zeros(2, 3).gather(1, lib.tensor([0])),
    "gather index too big off dim": lambda lib: lib.zeros(2, 3).gather(1, lib.tensor([[0], [0], [0]])),
    "scatter 0-d index on 2-d": lambda lib: lib.zeros(2, 2).scatter(0, lib.tensor(1), 1.0),
    "scatter src of another dtype": lambda lib: lib.zeros(3).scatter(0, lib.tensor([1]), lib.tensor([2.0],
                                                                                                  dtype=lib.float64)),
    "scatter index larger than src": lambda lib: lib.zeros(3).scatter(0, lib.tensor([1, 2]), lib.tensor([2.0])),
    "scatter_add number src": lambda lib: lib.zeros(3).scatter_add(0, lib.tensor([1]), 2.0),
    "index_select 2-d index": lambda lib: lib.zeros(2, 3).index_select(1, lib.tensor([[0]])),
    "index_select float index": lambda lib: lib.zeros(2, 3).index_select(1, lib.tensor([0.0])),
    "index_select list index": lambda lib: lib.zeros(2, 3).index_select(1, [0]),
    "masked_fill integer mask": lambda lib: lib.zeros(2).masked_fill(lib.tensor([1, 0]), 1.0),
    "masked_fill 1-d value": lambda lib: lib.zeros(2).masked_fill(lib.tensor([True, False]), lib.tensor([1.0])),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_index_calls_raise_what_torch_raises(name):
    assert_raises_like_torch(BAD_CALLS[name])


def test_index_select_out_of_range_raises_runtime_error_as_torch():
    for index in ([3], [-1]):
        with pytest.raises(RuntimeError):
            torch.zeros(2, 3).index_select(1, torch.tensor(index))
        with pytest.raises(RuntimeError, match="out of range for dimension 1 with size 3"):
            mm.zeros(2, 3).index_select(1, mm.tensor(index))
