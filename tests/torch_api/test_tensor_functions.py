"""The new pointwise and joining ops (abs, sqrt, round, clamp, where, maximum/minimum, cat, stack) against PyTorch:
forward and backward in float64 and float32, central differences, ties and kinks in their own tests, errors."""

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_close, pair

DTYPES = [np.float64, np.float32]


def away_from(values, points, margin=0.05):
    """Move values that sit within margin of a kink (0, a clamp bound) off it, so parity tests stay smooth."""
    for point in points:
        close = np.abs(values - point) < margin
        values = np.where(close, point + 2 * margin * np.sign(values - point + 1e-300), values)
    return values


UNARY = {
    "abs": (lambda t: t.abs(), lambda x: away_from(x, [0])),
    "sqrt": (lambda t: t.sqrt(), lambda x: np.abs(x) + 0.1),
    "clamp": (lambda t: t.clamp(-0.5, 0.7), lambda x: away_from(x, [-0.5, 0.7])),
    "clamp_min": (lambda t: t.clamp(min=-0.5), lambda x: away_from(x, [-0.5])),
    "clamp_max": (lambda t: t.clamp(max=0.3), lambda x: away_from(x, [0.3])),
    "round": (lambda t: t.round(), lambda x: x),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_torch(name, dtype, rng):
    fn, prepare = UNARY[name]
    x = prepare(rng.standard_normal((4, 5))).astype(dtype)
    check_op(fn, None, [x], rng, what=name)


@pytest.mark.parametrize("name", ["abs", "sqrt", "clamp", "clamp_min", "clamp_max"])
def test_unary_op_passes_gradcheck(name, rng):
    fn, prepare = UNARY[name]
    gradcheck(fn, prepare(rng.standard_normal((3, 4))))


MODULE_LEVEL = {
    "sqrt": lambda m, t: m.sqrt(t), "abs": lambda m, t: m.abs(t), "round": lambda m, t: m.round(t, decimals=1),
    "clamp": lambda m, t: m.clamp(t, min=0.2), "clip": lambda m, t: m.clip(t, max=0.2),
    "exp": lambda m, t: m.exp(t), "log": lambda m, t: m.log(t), "sigmoid": lambda m, t: m.sigmoid(t),
    "tanh": lambda m, t: m.tanh(t), "sum": lambda m, t: m.sum(t, 0, True), "mean": lambda m, t: m.mean(t, dim=1),
    "softmax": lambda m, t: m.softmax(t, 1), "log_softmax": lambda m, t: m.log_softmax(t, dim=0),
    "flatten": lambda m, t: m.flatten(t), "max": lambda m, t: m.max(t), "min": lambda m, t: m.min(t),
    "max_dim": lambda m, t: m.max(t, 1).values, "min_dim": lambda m, t: m.min(t, dim=0, keepdim=True)[0],
    "argmax": lambda m, t: m.argmax(t, 1), "argmin": lambda m, t: m.argmin(t),
}


@pytest.mark.parametrize("name", MODULE_LEVEL)
def test_module_level_function_matches_torch(name, rng):
    fn = MODULE_LEVEL[name]
    x = np.abs(rng.standard_normal((3, 4))) + 0.05
    ours, theirs = fn(mm, mm.tensor(x)), fn(torch, torch.tensor(x))
    assert ours.dtype == theirs.numpy().dtype, name
    assert_close(ours, theirs, 1e-10, name)


def test_integer_inputs_become_the_default_float_as_torch():
    for name in ["sqrt", "exp", "log", "sigmoid", "tanh"]:
        assert getattr(mm, name)(mm.arange(1, 4)).dtype == getattr(torch, name)(torch.arange(1, 4)).numpy().dtype
    for name in ["abs", "round"]:
        assert getattr(mm, name)(mm.arange(-2, 2)).tolist() == getattr(torch, name)(torch.arange(-2, 2)).tolist()
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        mm.mean(mm.arange(4))
    assert mm.mean(mm.arange(4), dtype=mm.float64).item() == 1.5


def test_abs_gradient_at_zero_is_zero_as_torch():
    ours, theirs = pair(np.array([-1.0, 0.0, 2.0]))
    ours.abs().backward(mm.tensor([1.0, 2.0, 3.0]))
    theirs.abs().backward(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    assert_close(ours.grad, theirs.grad, 0, "abs grad at 0")


def test_sqrt_gradient_at_zero_is_infinite_as_torch():
    ours, theirs = pair(np.array([0.0, 4.0]))
    ours.sqrt().sum().backward()
    theirs.sqrt().sum().backward()
    assert ours.grad.array[0] == theirs.grad[0].item() == np.inf


def test_round_halves_to_even_and_has_zero_gradient_as_torch():
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 1.25])
    ours, theirs = pair(x)
    out, expected = ours.round(), theirs.round()
    assert_close(out, expected, 0, "round")
    out.backward(mm.tensor(np.arange(6.0)))
    expected.backward(torch.arange(6.0, dtype=torch.float64))
    assert_close(ours.grad, theirs.grad, 0, "round grad")
    assert_close(mm.tensor([1.2345]).round(decimals=2), torch.tensor([1.2345]).round(decimals=2), 1e-7, "decimals")


def test_clamp_gradient_stops_at_number_bounds_as_torch():
    """PyTorch 2.14 passes the gradient strictly inside (min, max): none where x equals a number bound."""
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    grad = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    ours, theirs = pair(x)
    ours.clamp(-0.5, 0.5).backward(mm.tensor(grad))
    theirs.clamp(-0.5, 0.5).backward(torch.tensor(grad))
    assert_close(ours.grad, theirs.grad, 0, "clamp grad at bounds")


def test_clamp_with_tensor_bounds_splits_ties_as_torch():
    """Tensor bounds are maximum then minimum in PyTorch: at a tie, x and the bound each get half."""
    x, low, high = pair(np.array([-1.0, -0.5, 0.0, 0.5, 1.0])), pair(np.array(-0.5)), pair(np.array(0.5))
    grad = np.arange(1.0, 6.0)
    mm.clamp(x[0], low[0], high[0]).backward(mm.tensor(grad))
    torch.clamp(x[1], low[1], high[1]).backward(torch.tensor(grad))
    for ours, theirs in (x, low, high):
        assert_close(ours.grad, theirs.grad, 0, "clamp tensor-bound ties")


def test_clamp_with_min_above_max_gives_max_everywhere_as_torch():
    ours, theirs = pair(np.array([-1.0, 0.0, 3.0]))
    assert_close(ours.clamp(1.0, 0.0), theirs.clamp(1.0, 0.0), 0, "min > max")


@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp_with_tensor_bounds_matches_torch_for_all_three_inputs(dtype, rng):
    x = rng.standard_normal((3, 4)).astype(dtype)
    low = (rng.standard_normal(4) - 0.5).astype(dtype)
    high = (rng.standard_normal((3, 1)) + 0.5).astype(dtype)
    check_op(lambda t, lo, hi: t.clamp(lo, hi), None, [x, low, high], rng, what="clamp(tensors)")


def test_clamp_dtypes_and_errors_follow_torch():
    assert mm.clamp(mm.arange(5), min=0.5).dtype == np.float32  # an int tensor with a float bound: default float
    assert mm.clamp(mm.arange(5), min=1, max=3).dtype == np.int64
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        mm.clamp(mm.ones(2))
    with pytest.raises(RuntimeError):
        torch.clamp(torch.ones(2))


def test_clamp_in_place_changes_the_memory_and_bumps_the_version():
    x = mm.tensor([-2.0, 0.0, 2.0])
    version = x._version
    assert x.clamp_(-1, 1) is x
    assert x.tolist() == [-1.0, 0.0, 1.0] and x._version == version + 1
    with pytest.raises(RuntimeError, match="can't be cast"):
        mm.arange(3).clamp_(min=0.5)
    with pytest.raises(RuntimeError):
        torch.arange(3).clamp_(min=0.5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (4,)), ((4,), (3, 4), ()),
                                    ((2, 3, 4), (3, 1), (4,))], ids=str)
def test_where_with_broadcasting_matches_torch(shapes, dtype, rng):
    c_shape, x_shape, y_shape = shapes
    condition = rng.standard_normal(c_shape) > 0
    x, y = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(y_shape).astype(dtype)
    check_op(lambda a, b: mm.where(mm.tensor(condition), a, b),
             lambda a, b: torch.where(torch.tensor(condition), a, b), [x, y], rng, what="where")
    gradcheck(lambda a, b: mm.where(mm.tensor(condition), a, b), x.astype(np.float64), y.astype(np.float64))


def test_where_with_numbers_and_mixed_dtypes_follows_torch_promotion():
    condition = np.array([True, False, True])
    for x, y in [(1, 0), (1.5, 0), (np.array([1, 2, 3], np.int32), 2.5), (np.array([1.0, 2.0, 3.0]), 0.5)]:
        ours = mm.where(mm.tensor(condition), mm.tensor(x) if isinstance(x, np.ndarray) else x, y)
        theirs = torch.where(torch.tensor(condition), torch.tensor(x) if isinstance(x, np.ndarray) else x, y)
        assert_close(ours, theirs, 0, f"where({x}, {y})")
        assert ours.dtype == theirs.numpy().dtype


def test_where_needs_a_boolean_condition_and_where_of_one_argument_gives_indices():
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
        mm.where(mm.ones(2), mm.ones(2), 0.0)
    with pytest.raises(RuntimeError):
        torch.where(torch.ones(2), torch.ones(2), 0.0)
    mask = np.array([[True, False], [False, True]])
    for ours, theirs in zip(mm.where(mm.tensor(mask)), torch.where(torch.tensor(mask))):
        assert ours.tolist() == theirs.tolist() and ours.dtype == np.int64
    x = mm.tensor([1.0, -1.0])
    assert x.where(x > 0, 0.0).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_match_torch_with_broadcasting(name, dtype, rng):
    x, y = rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal(4).astype(dtype)
    check_op(lambda a, b: getattr(mm, name)(a, b), lambda a, b: getattr(torch, name)(a, b), [x, y], rng, what=name)
    check_op(lambda a, b: getattr(mm, name[:3])(a, b), lambda a, b: getattr(torch, name[:3])(a, b), [x, y], rng,
             what=f"{name[:3]}(a, b)")


def test_maximum_splits_the_gradient_of_ties_in_half_as_torch():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    ours, theirs = zip(pair(x), pair(y))
    grad = np.array([2.0, 4.0, 6.0])
    mm.maximum(*ours).backward(mm.tensor(grad))
    torch.maximum(*theirs).backward(torch.tensor(grad))
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad, 0, "maximum tie")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat_matches_torch(dim, dtype, rng):
    shapes = [(2, 3), (2, 3), (2, 3)]
    shapes = [tuple(s + i if d == dim % 2 else s for d, s in enumerate(shape)) for i, shape in enumerate(shapes)]
    arrays = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    check_op(lambda *t: mm.cat(t, dim), lambda *t: torch.cat(t, dim), arrays, rng, what="cat")
    gradcheck(lambda *t: mm.cat(list(t), dim=dim), *[a.astype(np.float64) for a in arrays])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_stack_matches_torch(dim, dtype, rng):
    arrays = [rng.standard_normal((2, 3)).astype(dtype) for _ in range(3)]
    check_op(lambda *t: mm.stack(t, dim), lambda *t: torch.stack(t, dim), arrays, rng, what="stack")
    gradcheck(lambda *t: mm.stack(list(t), dim=dim), *[a.astype(np.float64) for a in arrays])


def test_cat_promotes_dtypes_sends_each_gradient_in_its_own_dtype_and_skips_empty_1d_tensors():
    a = mm.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    b = mm.tensor(np.ones((1, 3)), requires_grad=True)
    out = mm.cat([a, b, mm.zeros(0)])
    assert out.dtype == torch.cat([torch.ones(2, 3), torch.ones(1, 3, dtype=torch.float64)]).numpy().dtype
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64 and out.shape == (3, 3)


CAT_ERRORS = [
    (lambda m: m.cat([]), ValueError, "expected a non-empty list of Tensors"),
    (lambda m: m.cat(m.ones(2, 3)), TypeError, "must be tuple of Tensors, not Tensor"),
    (lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)]), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1"),
    (lambda m: m.cat([m.ones(2, 3), m.ones(2, 3)], dim=2), IndexError, r"range of \[-2, 1\], but got 2"),
    (lambda m: m.cat([m.ones(2, 3), m.ones(2)]), RuntimeError, "same number of dimensions: got 2 and 1"),
    (lambda m: m.cat([m.ones(()), m.ones(())]), RuntimeError, r"zero-dimensional tensor \(at position 0\)"),
    (lambda m: m.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
    (lambda m: m.stack([m.ones(2, 3), m.ones(2, 4)]), RuntimeError,
     r"stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[2, 4\] at entry 1"),
    (lambda m: m.stack([m.ones(2, 3)], dim=3), IndexError, r"range of \[-3, 2\], but got 3"),
]


@pytest.mark.parametrize("make, error, message", CAT_ERRORS, ids=[message[:30] for _, _, message in CAT_ERRORS])
def test_cat_and_stack_errors_match_torch(make, error, message):
    with pytest.raises(error, match=message):
        make(mm)
    with pytest.raises(error, match=message):
        make(torch)
