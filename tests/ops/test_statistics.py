"""var, std (correction and unbiased in PyTorch's forms), norm (p = 2, 'fro', 1, inf, -inf, 0, other numbers), prod,
cumsum, amax/amin, logsumexp, sort, argsort and topk against PyTorch: values, dtypes, gradients in float64 with
random upstream gradients, central differences, and the tie and zero rules in tests of their own."""

import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_close

SHAPE = (3, 4, 5)
DIMS = [None, 0, 2, -1, (0, 2), [1, 2]]

SPREAD_CALLS = {
    "default": lambda t, dim: t.var(dim) if dim is not None else t.var(),
    "unbiased=False": lambda t, dim: t.var(dim, unbiased=False),
    "positional unbiased, keepdim": lambda t, dim: t.var(dim, False, True),
    "correction=0.5": lambda t, dim: t.var(dim, correction=0.5),
    "correction=2, keepdim": lambda t, dim: t.var(dim=dim, correction=2, keepdim=True),
}


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("call", SPREAD_CALLS)
@pytest.mark.parametrize("dim", DIMS, ids=str)
def test_var_and_std_match_torch(name, call, dim, rng):
    def fn(t):
        return SPREAD_CALLS[call](_Renamed(t, name), dim)

    check_op(fn, None, [rng.standard_normal(SHAPE)], rng, what=f"{name} {call} dim={dim}")


class _Renamed:
    """t with .var meaning t.std, so one table of calls serves both."""

    def __init__(self, tensor, name):
        self.tensor, self.name = tensor, name

    def var(self, *args, **kwargs):
        return getattr(self.tensor, self.name)(*args, **kwargs)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std_pass_gradcheck_and_have_torch_functions(name, rng):
    gradcheck(lambda t: getattr(t, name)(1, correction=0), rng.standard_normal((3, 4)))
    x = rng.standard_normal((3, 4))
    assert_close(getattr(mm, name)(mm.tensor(x), 0), getattr(torch, name)(torch.tensor(x), 0), 1e-12, name)
    ours, theirs = getattr(mm, f"{name}_mean")(mm.tensor(x), 1), getattr(torch, f"{name}_mean")(torch.tensor(x), 1)
    for a, b in zip(ours, theirs):
        assert_close(a, b, 1e-12, f"{name}_mean")
    assert_close(mm.tensor(x).var(False), torch.tensor(x).var(False), 1e-12, "var(False)")


def test_std_of_a_constant_has_zero_gradient_and_too_few_samples_give_nan_with_a_warning_as_torch():
    ours, theirs = mm.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]], requires_grad=True), \
        torch.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]], requires_grad=True)
    ours.std(1).backward(mm.tensor([1.0, 2.0]))
    theirs.std(1).backward(torch.tensor([1.0, 2.0]))
    assert_close(ours.grad, theirs.grad, 1e-6, "std grad")
    for lib in (mm, torch):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            single = lib.tensor([1.0]).var()
        assert np.isnan(single.item())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert lib.tensor([1.0, 2.0]).var(correction=3).item() == float("inf")


def test_var_and_std_refuse_integers_and_a_double_correction_as_torch():
    for lib in (mm, torch):
        with pytest.raises(RuntimeError, match="floating point"):
            lib.tensor([1, 2]).std()
        with pytest.raises(TypeError):
            lib.ones(2, 3).var(1, unbiased=False, correction=0)


NORMS = [2, "fro", 1, float("inf"), float("-inf"), 3, 0.5, -1]


@pytest.mark.parametrize("p", NORMS, ids=str)
@pytest.mark.parametrize("dim", [None, 1, (0, 2), -1], ids=str)
@pytest.mark.parametrize("keepdim", [False, True])
def test_norm_matches_torch(p, dim, keepdim, rng):
    x = rng.standard_normal(SHAPE)
    check_op(lambda t: t.norm(p, dim, keepdim), None, [x], rng, what=f"norm p={p}")


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, -1], ids=str)
def test_norm_passes_gradcheck(p, rng):
    x = rng.standard_normal((3, 4))
    gradcheck(lambda t: t.norm(p, 1), x + np.sign(x) * 0.1)  # away from 0, where |x|^(p-1) has a kink


def test_norm_at_ties_and_zeros_follows_torch():
    """inf/-inf share the gradient among tied extremes; a zero row (or element, for p < 1) gets 0, not nan."""
    x = np.array([[3.0, -3.0, 1.0], [0.0, 0.0, 0.0], [0.0, 2.0, -1.0]])
    for p in [2, 1, float("inf"), float("-inf"), 3, 0.5, -1]:
        ours, theirs = mm.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours.norm(p, 1).backward(mm.tensor([1.0, 2.0, 3.0]))
        theirs.norm(p, 1).backward(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
        assert_close(ours.grad, theirs.grad, 1e-12, f"norm p={p} at ties and zeros")


def test_norm_forms_of_the_tutorials_and_its_errors_match_torch():
    """blitz autograd: y.data.norm(); forward_forward: x.norm(2, 1, keepdim=True); the torch.norm function."""
    x = [[3.0, 4.0], [6.0, 8.0]]
    for lib in (mm, torch):
        t = lib.tensor(x)
        assert t.data.norm().item() == pytest.approx(np.sqrt(125))
        assert t.norm(2, 1, keepdim=True).tolist() == [[5.0], [10.0]]
        assert lib.norm(t, dim=0).tolist() == pytest.approx([np.sqrt(45), np.sqrt(80)])
        assert t.norm(0).item() == 4.0
        assert t.norm(dtype=lib.float64).dtype == lib.float64
        with pytest.raises(RuntimeError):
            lib.tensor([3, 4]).norm()
        with pytest.raises(RuntimeError):
            t.norm("bad")


def test_norm_p0_counts_and_leaves_no_gradient_as_torch():
    for lib in (mm, torch):
        x = lib.tensor([1.0, 0.0, 2.0], requires_grad=True)
        x.norm(0).backward()
        assert x.grad is None


@pytest.mark.parametrize("dim", [None, 0, 1, -1], ids=str)
def test_prod_matches_torch_also_with_zeros(dim, rng):
    x = rng.standard_normal((3, 4))
    x_zeros = x.copy()
    x_zeros[0, 1] = 0.0
    x_zeros[2, 1:3] = 0.0  # one zero and two zeros in a row: the gradient needs the product of the others exactly
    for values in (x, x_zeros):
        check_op(lambda t: t.prod() if dim is None else t.prod(dim), None, [values], rng, what="prod")
    check_op(lambda t: t.prod(1, keepdim=True), None, [x], rng, what="prod keepdim")
    gradcheck(lambda t: t.prod(0), x_zeros)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_matches_torch(dim, rng):
    check_op(lambda t: t.cumsum(dim), None, [rng.standard_normal((3, 4))], rng, what="cumsum")
    check_op(lambda t: mm.cumsum(t, dim=dim), lambda t: torch.cumsum(t, dim=dim), [rng.standard_normal((3, 4))], rng,
             what="torch.cumsum")
    gradcheck(lambda t: t.cumsum(dim), rng.standard_normal((3, 4)))


def test_integer_products_and_sums_count_in_int64_as_torch():
    for values, dtype in [([1, 2, 3], "int32"), ([True, True, False], "bool"), ([200, 100], "uint8")]:
        for name, call in [("prod", lambda t: t.prod()), ("cumsum", lambda t: t.cumsum(0)),
                           ("sum", lambda t: t.sum()), ("cumsum float", lambda t: t.cumsum(0, dtype=float))]:
            ours = call(mm.tensor(np.array(values, dtype=dtype)))
            theirs = call(torch.tensor(np.array(values, dtype=dtype)))
            assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist(), (name, dtype)


@pytest.mark.parametrize("name", ["amax", "amin"])
@pytest.mark.parametrize("dim", [(), 1, (0, 2)], ids=str)
def test_amax_and_amin_match_torch_and_share_ties(name, dim, rng):
    x = np.round(rng.standard_normal(SHAPE))  # rounded: many ties
    check_op(lambda t: getattr(t, name)(dim), None, [x], rng, what=name)
    check_op(lambda t: getattr(t, name)(dim, keepdim=True), None, [x], rng, what=f"{name} keepdim")


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logsumexp_matches_torch_even_for_large_values(dim, rng):
    check_op(lambda t: t.logsumexp(dim), None, [rng.standard_normal((3, 4)) * 300], rng, what="logsumexp")
    check_op(lambda t: mm.logsumexp(t, dim, keepdim=True), lambda t: torch.logsumexp(t, dim, keepdim=True),
             [rng.standard_normal((3, 4))], rng, what="torch.logsumexp")
    for lib in (mm, torch):
        assert lib.tensor([-float("inf")] * 2).logsumexp(0).item() == -float("inf")
        assert lib.tensor([1, 2]).logsumexp(0).dtype == lib.float32


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, -1])
def test_sort_matches_torch_values_indices_and_gradient(descending, dim, rng):
    x = rng.standard_normal((4, 5))
    check_op(lambda t: t.sort(dim, descending).values, None, [x], rng, what="sort values")
    ours, theirs = mm.tensor(x).sort(dim, descending), torch.sort(torch.tensor(x), dim, descending)
    np.testing.assert_array_equal(ours.indices.array, theirs.indices.numpy())
    np.testing.assert_array_equal(mm.argsort(mm.tensor(x), dim, descending).array, theirs.indices.numpy())


def test_sort_keeps_equal_values_in_order_and_puts_nan_last_as_torch_stable_sort():
    for values in ([1, 0, 1, 0, 1], [1.0, float("nan"), 0.0, 1.0]):
        for descending in (False, True):
            ours = mm.tensor(values).sort(descending=descending, stable=True)
            theirs = torch.tensor(values).sort(descending=descending, stable=True)
            np.testing.assert_array_equal(ours.indices.array, theirs.indices.numpy())
            np.testing.assert_array_equal(ours.values.array, theirs.values.numpy())


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_topk_matches_torch(largest, dim, rng):
    x = rng.standard_normal((4, 5, 6))
    check_op(lambda t: t.topk(3, dim, largest).values, None, [x], rng, what="topk values")
    ours, theirs = mm.topk(mm.tensor(x), 3, dim, largest), torch.topk(torch.tensor(x), 3, dim, largest)
    np.testing.assert_array_equal(ours.indices.array, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    gradcheck(lambda t: t.topk(2, 1).values, rng.standard_normal((3, 4)))


def test_topk_ties_edges_and_errors_follow_torch():
    """Among equal values PyTorch leaves the order of indices open (it differs with the size); the engine's is the
    stable one: the first of equal values first. Both pick the same set."""
    ours = mm.tensor([1.0, 3.0, 2.0, 3.0, 2.0]).topk(3)
    theirs = torch.tensor([1.0, 3.0, 2.0, 3.0, 2.0]).topk(3)
    assert ours.values.tolist() == theirs.values.tolist() and ours.indices.tolist() == [1, 3, 2]
    assert set(ours.indices.tolist()[:2]) == set(theirs.indices.tolist()[:2])
    for lib in (mm, torch):
        assert lib.tensor([3, 1, 2]).topk(2).values.tolist() == [3, 2]
        assert tuple(lib.ones(2, 3).topk(0).values.shape) == (2, 0)
        assert lib.tensor(3.0).topk(1).indices.item() == 0
        with pytest.raises(RuntimeError):
            lib.tensor([1.0, 3.0]).topk(3)
