"""Shape ops (reshape, view, flatten, transpose, permute, indexing) against PyTorch, forward and backward."""

import re

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op, upstream_grad
from parity import pair

# these ops only move elements, so float32 must match exactly as float64 does: RTOL holds with room to spare
DTYPES = [np.float64, np.float32]

RESHAPES = {
    "reshape(6, 4)": lambda t: t.reshape(6, 4),
    "reshape((4, -1, 2))": lambda t: t.reshape((4, -1, 2)),
    "reshape(-1)": lambda t: t.reshape(-1),
    "view(2, 12)": lambda t: t.view(2, 12),
    "view(-1, 3)": lambda t: t.view(-1, 3),
    "flatten()": lambda t: t.flatten(),
    "flatten(1)": lambda t: t.flatten(1),
    "flatten(0, 1)": lambda t: t.flatten(0, 1),
    "flatten(-2, -1)": lambda t: t.flatten(-2, -1),
    "transpose(0, 1)": lambda t: t.transpose(0, 1),
    "transpose(-1, -3)": lambda t: t.transpose(-1, -3),
    "permute(2, 0, 1)": lambda t: t.permute(2, 0, 1),
    "permute((1, 2, 0))": lambda t: t.permute((1, 2, 0)),
    "permute(-1, 0, -2)": lambda t: t.permute(-1, 0, -2),
    "transpose then reshape": lambda t: t.transpose(0, 2).reshape(4, 6),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("expression", RESHAPES)
def test_reshape_view_flatten_transpose_permute_match_torch(expression, dtype, rng):
    out = check_op(RESHAPES[expression], None, [rng.standard_normal((2, 3, 4)).astype(dtype)], rng, what=expression)
    assert out.numel() == 24


@pytest.mark.parametrize("expression", RESHAPES)
def test_shape_op_passes_gradcheck(expression, rng):
    gradcheck(RESHAPES[expression], rng.standard_normal((2, 3, 4)))


MATRIX_OPS = {"t()": lambda t: t.t(), ".T": lambda t: t.T, "flatten()": lambda t: t.flatten()}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 5), (5, 1), (3, 4)], ids=str)
@pytest.mark.parametrize("expression", MATRIX_OPS)
def test_matrix_transpose_and_flatten_match_torch(expression, shape, dtype, rng):
    check_op(MATRIX_OPS[expression], None, [rng.standard_normal(shape).astype(dtype)], rng, what=expression)


def test_flatten_of_a_scalar_tensor_gives_one_element_like_torch(rng):
    check_op(lambda t: t.flatten(), None, [np.asarray(rng.standard_normal())], rng)


def test_view_on_non_contiguous_data_raises_and_reshape_works(rng):
    (x, tx) = pair(rng.standard_normal((2, 3)))
    with pytest.raises(RuntimeError, match=r"view size is not compatible .*shape \(3, 2\) to \(6,\).*Use .reshape"):
        x.t().view(6)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        tx.t().view(6)
    check_op(lambda t: t.t().reshape(6), None, [x.array], rng, what="reshape after t()")


def test_reshape_to_a_wrong_size_raises_with_both_sizes():
    message = re.escape("shape (5, 5) is invalid for input of size 24 (input shape (2, 3, 4))")
    with pytest.raises(RuntimeError, match=message):
        mm.tensor(np.zeros((2, 3, 4))).reshape(5, 5)


def test_permute_with_a_repeated_dim_raises():
    with pytest.raises(RuntimeError, match=r"permute: dims \(0, 0, 1\) are not a permutation"):
        mm.tensor(np.zeros((2, 3, 4))).permute(0, 0, 1)


# each index both ways: NumPy arrays for the engine, torch tensors for torch
ROWS = np.array([3, 0, 4])
REPEATED = np.array([1, 4, 1, 1, 0])
COLUMNS = np.array([2, 0, 2])
INDEXINGS = {
    "x[1]": (lambda t: t[1], lambda t: t[1]),
    "x[-1]": (lambda t: t[-1], lambda t: t[-1]),
    "x[1:4]": (lambda t: t[1:4], lambda t: t[1:4]),
    "x[:, ::2]": (lambda t: t[:, ::2], lambda t: t[:, ::2]),
    "x[2, 1:]": (lambda t: t[2, 1:], lambda t: t[2, 1:]),
    "x[rows]": (lambda t: t[ROWS], lambda t: t[torch.tensor(ROWS)]),
    "x[repeated]": (lambda t: t[REPEATED], lambda t: t[torch.tensor(REPEATED)]),
    "x[mm.tensor(repeated)]": (lambda t: t[mm.tensor(REPEATED)], lambda t: t[torch.tensor(REPEATED)]),
    "x[:, columns]": (lambda t: t[:, COLUMNS], lambda t: t[:, torch.tensor(COLUMNS)]),
    "x[rows, columns]": (lambda t: t[ROWS, COLUMNS], lambda t: t[torch.tensor(ROWS), torch.tensor(COLUMNS)]),
    "x[x > 0]": (lambda t: t[t > 0], lambda t: t[t > 0]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("expression", INDEXINGS)
def test_indexing_matches_torch(expression, dtype, rng):
    engine_fn, torch_fn = INDEXINGS[expression]
    check_op(engine_fn, torch_fn, [rng.standard_normal((5, 3)).astype(dtype)], rng, what=expression)


@pytest.mark.parametrize("expression", INDEXINGS)
def test_indexing_passes_gradcheck(expression, rng):
    gradcheck(INDEXINGS[expression][0], rng.standard_normal((5, 3)))


def test_repeated_indices_add_up_their_gradients(rng):
    x = mm.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    grad = upstream_grad(rng, (5, 3), np.float64)
    x[REPEATED].backward(mm.tensor(grad))
    np.testing.assert_allclose(x.grad.array[1], grad[0] + grad[2] + grad[3], rtol=1e-15)
    np.testing.assert_array_equal(x.grad.array[[2, 3]], 0.0)
