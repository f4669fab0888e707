"""The pointwise functions beyond arithmetic (log1p, expm1, log2, log10, rsqrt, square, reciprocal, sin, cos, the
steps floor/ceil/trunc/sign), // and % and div(rounding_mode=), and the comparison and logic operators, against
PyTorch: values, dtypes, gradients (float64, random upstream gradient, central differences), in-place twins."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_close

# each: inputs kept where the function is smooth (positive for logs and roots, away from 0 for 1/x)
SMOOTH = {
    "log1p": lambda x: np.abs(x) - 0.5, "expm1": lambda x: x, "log2": lambda x: np.abs(x) + 0.1,
    "log10": lambda x: np.abs(x) + 0.1, "rsqrt": lambda x: np.abs(x) + 0.1, "square": lambda x: x,
    "reciprocal": lambda x: np.sign(x) * (np.abs(x) + 0.2), "sin": lambda x: 3 * x, "cos": lambda x: 3 * x,
    "neg": lambda x: x, "negative": lambda x: x, "absolute": lambda x: np.sign(x) * (np.abs(x) + 0.1),
}
STEPS = ["floor", "ceil", "trunc", "fix", "sign"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", SMOOTH)
def test_smooth_function_matches_torch(name, dtype, rng):
    x = SMOOTH[name](rng.standard_normal((3, 4))).astype(dtype)
    check_op(lambda t: getattr(t, name)(), None, [x], rng, what=name)
    check_op(lambda t: getattr(mm, name)(t), lambda t: getattr(torch, name)(t), [x], rng, what=f"torch.{name}")


@pytest.mark.parametrize("name", SMOOTH)
def test_smooth_function_passes_gradcheck(name, rng):
    gradcheck(lambda t: getattr(t, name)(), SMOOTH[name](rng.standard_normal((2, 3))))


@pytest.mark.parametrize("name", STEPS)
def test_steps_match_torch_with_zero_gradients(name, rng):
    x = np.round(rng.standard_normal((3, 4)) * 4) / 2  # halves and integers: where the steps jump
    check_op(lambda t: getattr(t, name)(), None, [x], rng, what=name)


@pytest.mark.parametrize("name", list(SMOOTH) + STEPS + ["exp", "log", "sqrt", "sigmoid", "tanh", "abs"])
def test_integer_inputs_get_the_dtype_torch_gives(name):
    for values in ([1, 2, 3], [True, False, True]):
        try:
            expected = getattr(torch, name)(torch.tensor(values))
        except NotImplementedError:  # neg, abs, floor, ... of bools: refused in both
            with pytest.raises(NotImplementedError):
                getattr(mm, name)(mm.tensor(values))
            continue
        ours = getattr(mm, name)(mm.tensor(values))
        assert ours.dtype == expected.numpy().dtype, (name, values)
        # float32 results of functions of small integers: within a few ulps (infinities, as log2(0), must agree)
        np.testing.assert_allclose(ours.array, expected.numpy(), rtol=1e-6, err_msg=name)


def test_edges_follow_torch():
    """log1p(-1) = -inf, reciprocal(0) = inf, rsqrt(0) = inf, log2 exact at powers of two."""
    x = [-1.0, 0.0, 1.0, 8.0]
    for name in ["log1p", "reciprocal", "rsqrt", "log2", "log10"]:
        ours, theirs = getattr(mm.tensor(x), name)(), getattr(torch.tensor(x), name)()
        np.testing.assert_array_equal(ours.array, theirs.numpy(), err_msg=name)


DIVISIONS = {
    "floor_divide": (lambda t, u: t // u, None), "remainder": (lambda t, u: t % u, None),
    "div floor": (lambda t, u: t.div(u, rounding_mode="floor"), None),
    "div trunc": (lambda t, u: mm.div(t, u, rounding_mode="trunc"), lambda t, u: torch.div(t, u, rounding_mode="trunc")),
}


@pytest.mark.parametrize("name", DIVISIONS)
@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32])
def test_rounded_division_and_remainder_match_torch_exactly(name, dtype):
    ours_fn, torch_fn = DIVISIONS[name]
    torch_fn = torch_fn or ours_fn
    x = np.array([[7, -7, 6, -6, 5], [3, 0, -1, 9, -9]]).astype(dtype)
    y = np.array([2, 2, -4, -4, 3]).astype(dtype)
    ours, theirs = ours_fn(mm.tensor(x), mm.tensor(y)), torch_fn(torch.tensor(x), torch.tensor(y))
    assert ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.array, theirs.numpy())
    assert (ours_fn(7, mm.tensor(y)).tolist() == torch_fn(7, torch.tensor(y)).tolist()) if "div" not in name else True


def test_remainder_gradients_match_torch(rng):
    x = rng.standard_normal((3, 4)) * 3
    y = np.sign(rng.standard_normal(4)) * (np.abs(rng.standard_normal(4)) + 0.5)
    check_op(lambda t, u: t % u, None, [x, y], rng, what="remainder")
    check_op(lambda t, u: t.div(u, rounding_mode="floor"), None, [x, y], rng, what="div floor")


def test_floor_divide_has_no_gradient_and_integer_division_by_zero_raises_as_torch():
    for lib in (mm, torch):
        x = lib.tensor([5.0, -5.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="floor_divide"):
            (x // 2).sum().backward()
        for op in (lambda: lib.tensor([5]) // 0, lambda: lib.tensor([5]) % 0):
            with pytest.raises(RuntimeError, match="ZeroDivisionError"):
                op()
        with pytest.raises(RuntimeError, match="rounding_mode"):
            lib.div(lib.tensor([1.0]), 2, rounding_mode="round")


COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal"]


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons_as_functions_and_methods_match_torch(name):
    x, y = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), np.array([2.0, 2.0, 2.0])
    for other in (y, 2.0):
        ours_other = mm.tensor(other) if isinstance(other, np.ndarray) else other
        theirs_other = torch.tensor(other) if isinstance(other, np.ndarray) else other
        expected = getattr(torch, name)(torch.tensor(x), theirs_other).numpy()
        for ours in (getattr(mm, name)(mm.tensor(x), ours_other), getattr(mm.tensor(x), name)(ours_other)):
            assert ours.dtype == expected.dtype
            np.testing.assert_array_equal(ours.array, expected)


LOGIC = {
    "~": lambda lib, a, b: ~a, "&": lambda lib, a, b: a & b, "|": lambda lib, a, b: a | b, "^": lambda lib, a, b: a ^ b,
    "& number": lambda lib, a, b: a & True, "number |": lambda lib, a, b: False | a,
    "logical_and": lambda lib, a, b: lib.logical_and(a, b), "logical_or": lambda lib, a, b: a.logical_or(b),
    "logical_xor": lambda lib, a, b: lib.logical_xor(a, b), "logical_not": lambda lib, a, b: lib.logical_not(a),
    "any": lambda lib, a, b: a.any(), "all": lambda lib, a, b: a.all(), "any dim": lambda lib, a, b: a.any(1),
    "all dim keepdim": lambda lib, a, b: a.all(dim=0, keepdim=True),
}


@pytest.mark.parametrize("values", [(np.array([[True, False], [True, True]]), np.array([False, True])),
                                    (np.array([[3, 0], [5, 1]]), np.array([1, 6]))], ids=["bool", "int64"])
@pytest.mark.parametrize("name", LOGIC)
def test_logic_and_bitwise_operators_match_torch(name, values):
    a, b = values
    expected = LOGIC[name](torch, torch.tensor(a), torch.tensor(b)).numpy()
    ours = LOGIC[name](mm, mm.tensor(a), mm.tensor(b))
    assert ours.dtype == expected.dtype
    np.testing.assert_array_equal(ours.array, expected)


def test_bitwise_operators_refuse_floats_as_torch():
    for lib, error in ((torch, TypeError), (mm, TypeError)):
        with pytest.raises(error):
            ~lib.tensor([1.0])
    with pytest.raises(NotImplementedError):
        torch.tensor([3.0]) & 1
    with pytest.raises(NotImplementedError):
        mm.tensor([3.0]) & 1


def test_special_values_and_closeness_match_torch():
    x = [1.0, float("nan"), float("inf"), -float("inf"), 1.0 + 1e-9]
    for name in ["isnan", "isinf", "isfinite"]:
        np.testing.assert_array_equal(getattr(mm, name)(mm.tensor(x)).array, getattr(torch, name)(torch.tensor(x)).numpy())
    y = [1.0, float("nan"), float("inf"), 1.0, 1.0]
    for equal_nan in (False, True):
        np.testing.assert_array_equal(mm.isclose(mm.tensor(x), mm.tensor(y), equal_nan=equal_nan).array,
                                      torch.isclose(torch.tensor(x), torch.tensor(y), equal_nan=equal_nan).numpy())
    assert mm.tensor([1.0, 2.0]).allclose(mm.tensor([1.0, 2.0 + 1e-7])) is True
    assert mm.equal(mm.tensor([1, 2]), mm.tensor([1, 2])) is torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))


IN_PLACE = ["relu_", "sigmoid_", "tanh_", "exp_", "log_", "sqrt_", "abs_", "neg_", "log1p_", "expm1_", "rsqrt_",
            "reciprocal_", "square_", "sin_", "cos_", "sign_", "floor_", "ceil_", "trunc_", "round_"]


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_twins_change_the_tensor_as_torch(name, rng):
    x = np.abs(rng.standard_normal((2, 3))) + 0.1
    ours, theirs = mm.tensor(x), torch.tensor(x)
    assert getattr(ours, name)() is ours
    getattr(theirs, name)()
    assert_close(ours, theirs, 1e-12, name)
    assert ours._version == 1


def test_in_place_twins_keep_the_dtype_rules_of_torch():
    for lib in (mm, torch):
        with pytest.raises(RuntimeError):
            lib.arange(3).exp_()  # a float result cannot go into an int64 tensor
        x = lib.arange(-2, 2)
        assert x.abs_().tolist() == [2, 1, 0, 1]
        leaf = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError):
            leaf.relu_()  # a leaf that requires grad: only under no_grad
        with lib.no_grad():
            assert leaf.mul_(2).clamp_(max=1.5).pow_(2).tolist() == [2.25, 2.25]
