"""out= against PyTorch, by one rule for every function that takes it: the result is written into out's memory and
out is returned; an empty out is resized silently and a wrong-sized one with a warning; the dtype casts where
PyTorch casts and must match where it must; out= records no graph, so requires_grad raises."""

import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm

A = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
B = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
IDX = np.array([[1, 0], [0, 0]])

# name: (call with out=, PyTorch's dtype rule): "cast" takes an out whose dtype the result casts to without losing
# its kind, "exact" needs the result's dtype, "any" casts into any out (torch_api/out.py)
CALLS = {
    "add": (lambda lib, a, b, o: lib.add(a, b, alpha=2, out=o), "cast"),
    "sub": (lambda lib, a, b, o: lib.sub(a, b, out=o), "cast"),
    "mul": (lambda lib, a, b, o: lib.mul(a, b, out=o), "cast"),
    "div": (lambda lib, a, b, o: lib.div(a, b, out=o), "cast"),
    "pow": (lambda lib, a, b, o: lib.pow(a, 2, out=o), "cast"),
    "exp": (lambda lib, a, b, o: lib.exp(a, out=o), "cast"),
    "log1p": (lambda lib, a, b, o: lib.log1p(a, out=o), "cast"),
    "sigmoid": (lambda lib, a, b, o: lib.sigmoid(a, out=o), "cast"),
    "maximum": (lambda lib, a, b, o: lib.maximum(a, b, out=o), "cast"),
    "sum": (lambda lib, a, b, o: lib.sum(a, 1, out=o), "any"),
    "mean": (lambda lib, a, b, o: lib.mean(a, 0, keepdim=True, out=o), "cast"),
    "std": (lambda lib, a, b, o: lib.std(a, 0, out=o), "cast"),
    "prod": (lambda lib, a, b, o: lib.prod(a, 1, out=o), "any"),
    "cumsum": (lambda lib, a, b, o: lib.cumsum(a, 0, out=o), "any"),
    "cat": (lambda lib, a, b, o: lib.cat([a, b], 1, out=o), "cast"),
    "stack": (lambda lib, a, b, o: lib.stack([a, b], out=o), "cast"),
    "matmul": (lambda lib, a, b, o: lib.matmul(a, b, out=o), "exact"),
    "mm": (lambda lib, a, b, o: lib.mm(a, b, out=o), "exact"),
    "bmm": (lambda lib, a, b, o: lib.bmm(a[None], b[None], out=o), "exact"),
    "abs": (lambda lib, a, b, o: lib.abs(b, out=o), "exact"),
    "neg": (lambda lib, a, b, o: lib.neg(a, out=o), "exact"),
    "clamp": (lambda lib, a, b, o: lib.clamp(a, 1.5, 3.5, out=o), "exact"),
    "softmax": (lambda lib, a, b, o: lib.softmax(a, 1, out=o), "exact"),
    "gather": (lambda lib, a, b, o: lib.gather(a, 1, lib.tensor(IDX), out=o), "exact"),
    "index_select": (lambda lib, a, b, o: lib.index_select(a, 0, lib.tensor([1]), out=o), "exact"),
    "norm": (lambda lib, a, b, o: lib.norm(a, dim=0, out=o), "exact"),
    "where": (lambda lib, a, b, o: lib.where(a > 2, a, b, out=o), "exact"),
}


@pytest.mark.parametrize("name", CALLS)
def test_out_receives_the_result_and_is_returned_as_in_torch(name):
    call, _ = CALLS[name]
    ours_out, theirs_out = mm.zeros(0), torch.zeros(0)  # empty: resized without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = call(mm, mm.tensor(A), mm.tensor(B), ours_out)
        theirs = call(torch, torch.tensor(A), torch.tensor(B), theirs_out)
    assert ours is ours_out and theirs is theirs_out
    assert ours.shape == theirs.shape and ours.dtype == theirs.numpy().dtype
    np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-6)  # float32: exp and friends differ by an ulp
    assert ours._version == 1


@pytest.mark.parametrize("name", CALLS)
def test_out_dtype_casts_or_must_match_as_torch(name):
    call, kind = CALLS[name]
    for dtype_name in ["float16", "float32", "int64"]:
        outcomes = []
        for lib in (torch, mm):
            try:
                out = lib.zeros(0, dtype=getattr(lib, dtype_name))
                call(lib, lib.tensor(A), lib.tensor(B), out)
                outcomes.append(("ok", out.tolist()))
            except (RuntimeError, TypeError) as error:
                outcomes.append((type(error).__name__, None))
        (torch_outcome, torch_values), (ours_outcome, ours_values) = outcomes
        assert ours_outcome == torch_outcome, (name, dtype_name, kind)
        if ours_values is not None:  # float16: rounding of the cast differs by at most one float16 ulp
            np.testing.assert_allclose(ours_values, torch_values, rtol=1e-3)


def test_out_with_elements_of_the_wrong_shape_is_resized_with_torchs_warning():
    """(Views of the old out differ: PyTorch grows the memory in place, the engine gives out new memory.)"""
    for lib in (mm, torch):
        out = lib.zeros(3)
        with pytest.warns(UserWarning, match="was resized"):
            lib.add(lib.tensor(A), 1, out=out)
        assert tuple(out.shape) == (2, 2) and out.tolist() == (A + 1).tolist()


def test_out_of_the_right_shape_keeps_its_memory_so_views_see_the_result():
    for lib in (mm, torch):
        out = lib.zeros(2, 2)
        row = out[0]
        lib.mul(lib.tensor(A), 2, out=out)
        assert row.tolist() == [2.0, 4.0]


def test_out_may_be_an_input_as_in_torch():
    for lib in (mm, torch):
        a = lib.tensor(A)
        assert lib.add(a, a, out=a) is a and a.tolist() == (2 * A).tolist()


def test_out_and_autograd_follow_torch():
    for lib in (mm, torch):
        x = lib.tensor(A, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.add(x, 1, out=lib.zeros(2, 2))
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.add(lib.tensor(A), 1, out=lib.zeros(2, 2, requires_grad=True))
        with lib.no_grad():
            out = lib.zeros(2, 2, requires_grad=True)
            lib.add(x, 1, out=out)
            assert out.requires_grad and out.tolist() == (A + 1).tolist()


def test_out_of_a_wrong_type_and_on_functions_without_out_raise_type_error_as_torch():
    for lib in (mm, torch):
        with pytest.raises(TypeError):
            lib.add(lib.tensor(A), 1, out="a")
        for call in (lambda: lib.relu(lib.tensor(A), out=lib.zeros(0)),
                     lambda: lib.flatten(lib.tensor(A), out=lib.zeros(0)),
                     lambda: lib.tensor([1.0], out=lib.zeros(0))):
            with pytest.raises(TypeError):
                call()


def test_tuple_outs_of_max_topk_and_sort_follow_torch():
    for lib in (mm, torch):
        values, indices = lib.zeros(0), lib.zeros(0, dtype=lib.int64)
        result = lib.max(lib.tensor(A), 1, out=(values, indices))
        assert result[0] is values and result[1] is indices
        assert values.tolist() == [2.0, 4.0] and indices.tolist() == [1, 1]
        lib.topk(lib.tensor([3.0, 1.0, 2.0]), 2, out=(values, indices))
        assert values.tolist() == [3.0, 2.0] and indices.tolist() == [0, 2]
        with pytest.raises(RuntimeError):
            lib.sort(lib.tensor([3.0, 1.0]), out=(lib.zeros(0, dtype=lib.float64), indices))


def test_the_tensors_tutorials_out_lines_run_as_in_torch():
    """Learn the Basics, Tensors: y3 = torch.rand_like(y1); torch.matmul(tensor, tensor.T, out=y3); likewise mul."""
    for lib in (mm, torch):
        tensor = lib.ones(4, 4)
        tensor[:, 1] = 0
        y3 = lib.rand_like(tensor)
        lib.matmul(tensor, tensor.T, out=y3)
        z3 = lib.rand_like(tensor)
        lib.mul(tensor, tensor, out=z3)
        assert y3.tolist() == (tensor @ tensor.T).tolist() and z3.tolist() == (tensor * tensor).tolist()
        result = lib.empty(5, 3)
        lib.add(lib.ones(5, 3), lib.ones(5, 3), out=result)  # the 2019 blitz
        assert result.tolist() == [[2.0] * 3] * 5
