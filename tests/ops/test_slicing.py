"""narrow, chunk, split, unbind, masked_select, nonzero, expand/expand_as, repeat, the matrix products mm, bmm, mv,
dot, outer and .mT against PyTorch: values, shapes, gradients (float64, random upstream gradient, central
differences) and the same exception types for bad arguments."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_raises_like_torch

PIECES = {
    "narrow": lambda lib, t: [t.narrow(1, 1, 2), lib.narrow(t, -1, -3, 2)],
    "chunk": lambda lib, t: list(t.chunk(3, 1)) + list(lib.chunk(t, 2)),
    "split size": lambda lib, t: list(t.split(2, 2)),
    "split sections": lambda lib, t: list(lib.split(t, [1, 3, 1], dim=2)),
    "unbind": lambda lib, t: list(t.unbind(1)) + list(lib.unbind(t)),
}


@pytest.mark.parametrize("name", PIECES)
def test_slicing_pieces_match_torch_with_gradients(name, rng):
    x = rng.standard_normal((3, 4, 5))
    ours, theirs = PIECES[name](mm, mm.tensor(x)), PIECES[name](torch, torch.tensor(x))
    assert [tuple(p.shape) for p in ours] == [tuple(p.shape) for p in theirs]
    weights = [rng.standard_normal(tuple(p.shape)) for p in theirs]  # a random upstream gradient per piece

    def total(lib):
        return lambda t: sum((piece * lib.tensor(w)).sum() for piece, w in zip(PIECES[name](lib, t), weights))

    check_op(total(mm), total(torch), [x], rng, what=name)
    gradcheck(total(mm), x)


BAD = {
    "narrow past the end": lambda lib: lib.zeros(2, 3).narrow(1, 2, 2),
    "chunk 0": lambda lib: lib.zeros(5).chunk(0),
    "split sizes not summing": lambda lib: lib.zeros(5).split([1, 3]),
    "split size 0": lambda lib: lib.zeros(5).split(0),
    "expand non-singleton": lambda lib: lib.zeros(2, 1).expand(3, 3),
    "expand fewer sizes": lambda lib: lib.zeros(2, 1).expand(3),
    "expand -1 in a new dim": lambda lib: lib.zeros(2, 1).expand(-1, 2, 3),
    "repeat fewer dims": lambda lib: lib.zeros(2, 2).repeat(2),
    "mm of a vector": lambda lib: lib.zeros(2, 3).mm(lib.zeros(3)),
    "mm bad shapes": lambda lib: lib.mm(lib.zeros(2, 3), lib.zeros(2, 3)),
    "mm dtypes": lambda lib: lib.mm(lib.zeros(2, 3), lib.zeros(3, 2, dtype=lib.float64)),
    "bmm 2-d": lambda lib: lib.bmm(lib.zeros(2, 3), lib.zeros(3, 2)),
    "bmm batch": lambda lib: lib.bmm(lib.zeros(2, 2, 3), lib.zeros(3, 3, 4)),
    "dot 2-d": lambda lib: lib.dot(lib.zeros(2, 2), lib.zeros(2, 2)),
    "dot lengths": lambda lib: lib.dot(lib.zeros(3), lib.zeros(4)),
    "mv lengths": lambda lib: lib.mv(lib.zeros(2, 3), lib.zeros(4)),
    "mT of a vector": lambda lib: lib.zeros(3).mT,
    "matmul of a number": lambda lib: lib.matmul(2, lib.zeros(2)),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_arguments_raise_what_torch_raises(name):
    assert_raises_like_torch(BAD[name])


@pytest.mark.parametrize("size", [(4, 3, 5), (2, 4, -1, 5), (-1, 3, -1)], ids=str)
def test_expand_matches_torch_and_sums_the_gradient_back(size, rng):
    x = rng.standard_normal((4, 1, 5)) if size[0] != -1 else rng.standard_normal((4, 1, 5))
    check_op(lambda t: t.expand(*size), None, [x], rng, what=f"expand{size}")
    gradcheck(lambda t: t.expand(*size), x)


def test_expand_as_and_repeat_match_torch(rng):
    x, y = rng.standard_normal((3, 1)), rng.standard_normal((2, 3, 4))
    check_op(lambda t, u: t.expand_as(u) * u, None, [x, y], rng, what="expand_as")
    for repeats in [(2, 3), (2, 1, 2), (1, 1)]:
        check_op(lambda t: t.repeat(*repeats), None, [rng.standard_normal((3, 2))], rng, what=f"repeat{repeats}")
        gradcheck(lambda t: t.repeat(repeats), rng.standard_normal((3, 2)))


def test_masked_select_and_nonzero_match_torch(rng):
    x = rng.standard_normal((3, 4))
    mask = rng.random((3, 4)) < 0.5
    column_mask = np.array([True, False, True, True])
    check_op(lambda t: t.masked_select(mm.tensor(mask)), lambda t: t.masked_select(torch.tensor(mask)), [x], rng,
             what="masked_select")
    check_op(lambda t: mm.masked_select(t, mm.tensor(column_mask)),
             lambda t: torch.masked_select(t, torch.tensor(column_mask)), [x], rng, what="masked_select broadcast")
    for values in ([[0, 1], [1, 1]], [0, 0], 5):
        ours, theirs = mm.tensor(values), torch.tensor(values)
        np.testing.assert_array_equal(ours.nonzero().array, theirs.nonzero().numpy())
        assert ours.nonzero().shape == theirs.nonzero().shape
        for a, b in zip(mm.nonzero(ours, as_tuple=True), torch.nonzero(theirs, as_tuple=True)):
            np.testing.assert_array_equal(a.array, b.numpy())


PRODUCTS = {
    "mm": ((3, 4), (4, 2), lambda lib, a, b: lib.mm(a, b)), "Tensor.mm": ((3, 4), (4, 2), lambda lib, a, b: a.mm(b)),
    "bmm": ((2, 3, 4), (2, 4, 5), lambda lib, a, b: lib.bmm(a, b)), "mv": ((3, 4), (4,), lambda lib, a, b: a.mv(b)),
    "dot": ((4,), (4,), lambda lib, a, b: lib.dot(a, b)), "outer": ((3,), (4,), lambda lib, a, b: lib.outer(a, b)),
    "mT": ((2, 3, 4), (2, 3, 5), lambda lib, a, b: a.mT @ b),
}


@pytest.mark.parametrize("name", PRODUCTS)
def test_matrix_products_match_torch(name, rng):
    a_shape, b_shape, fn = PRODUCTS[name]
    arrays = [rng.standard_normal(a_shape), rng.standard_normal(b_shape)]
    check_op(lambda a, b: fn(mm, a, b), lambda a, b: fn(torch, a, b), arrays, rng, what=name)
    gradcheck(lambda a, b: fn(mm, a, b), *arrays)


def test_the_regression_examples_mm_line_runs_as_in_torch():
    """pytorch/examples regression: x.mm(W_target) + b_target.item(), with x of shape (batch, 4)."""
    x, w = np.arange(8.0).reshape(2, 4), np.array([[0.5], [-1.0], [2.0], [0.25]])
    ours = mm.tensor(x).mm(mm.tensor(w)) + mm.tensor([1.5]).item()
    theirs = torch.tensor(x).mm(torch.tensor(w)) + torch.tensor([1.5]).item()
    np.testing.assert_array_equal(ours.array, theirs.numpy())


def test_t_in_place_transposes_as_torch():
    for lib in (mm, torch):
        x = lib.arange(6.0).reshape(2, 3)
        assert x.t_() is x and tuple(x.shape) == (3, 2) and x.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
        with pytest.raises(RuntimeError):
            lib.ones(2, 2, 2).t_()
        with pytest.raises(RuntimeError):
            lib.ones(2, 3, requires_grad=True).t_()
