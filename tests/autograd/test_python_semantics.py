"""Python conversions, NaN and empty tensors, dims and type promotion: the same code in PyTorch and the engine."""

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402 (after choosing the backend)
import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from parity import RTOL, assert_close


def outcome(function):
    """What function() gives: ('value', result) or ('raises', exception type)."""
    try:
        return "value", function()
    except Exception as error:  # noqa: BLE001 - the exception type is what is compared
        return "raises", type(error)


CONVERSIONS = {
    "bool of [0.]": lambda lib: bool(lib.tensor([0.0])),
    "bool of 0-d 2.": lambda lib: bool(lib.tensor(2.0)),
    "bool of two values": lambda lib: bool(lib.tensor([1.0, 2.0]) > 5),
    "bool of empty": lambda lib: bool(lib.tensor([])),
    "if loss < 3": lambda lib: "small" if lib.tensor(2.5) < 3 else "large",
    "float": lambda lib: float(lib.tensor([2.5])),
    "float of two values": lambda lib: float(lib.tensor([1.0, 2.0])),
    "int": lambda lib: int(lib.tensor([[7]])),
    "int of a float": lambda lib: int(lib.tensor(2.7)),
    "index": lambda lib: [10, 20, 30][lib.tensor(1)],
    "index of a float": lambda lib: [10, 20, 30][lib.tensor(1.0)],
    "range": lambda lib: list(range(lib.tensor(3))),
    "format .3f": lambda lib: f"{lib.tensor(1.23456):.3f}",
    "format of 1-d": lambda lib: f"{lib.tensor([1.5]):.2f}",
    "in a list (same)": lambda lib: (lambda t: t in [t])(lib.tensor([1.0, 2.0])),
    "in a list (other)": lambda lib: lib.tensor([1.0, 2.0]) in [lib.tensor([1.0, 2.0])],
    "in a list (one element)": lambda lib: lib.tensor([1.0]) in [lib.tensor([1.0])],
    "len of 0-d": lambda lib: len(lib.tensor(1.0)),
    "iterate over 0-d": lambda lib: list(lib.tensor(1.0)),
    "item of two": lambda lib: lib.tensor([1.0, 2.0]).item(),
}


@pytest.mark.parametrize("name", CONVERSIONS)
def test_python_conversions_answer_or_raise_as_torch(name):
    ours, theirs = outcome(lambda: CONVERSIONS[name](mm)), outcome(lambda: CONVERSIONS[name](torch))
    assert ours == theirs


def test_numpy_and_matplotlib_accept_tensors():
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    ours = mm.tensor(image)
    assert np.asarray(ours).dtype == np.float32 and np.array_equal(np.asarray(ours), np.asarray(torch.tensor(image)))
    assert np.shares_memory(np.asarray(ours), ours.numpy())
    figure = matplotlib.pyplot.figure()
    matplotlib.pyplot.imshow(ours)
    matplotlib.pyplot.close(figure)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(mm.tensor(image, requires_grad=True))
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(torch.tensor(image, requires_grad=True))


# ---- NaN, infinities, empty tensors ----

def test_relu_passes_the_gradient_through_at_nan_as_torch():
    values, grad = [np.nan, -1.0, 0.0, 2.0, np.inf], np.random.default_rng(0).standard_normal(5)
    ours, theirs = mm.tensor(values, dtype=np.float64, requires_grad=True), torch.tensor(values, requires_grad=True,
                                                                                        dtype=torch.float64)
    ours.relu().backward(mm.tensor(grad))
    theirs.relu().backward(torch.tensor(grad))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_relu_blocks_an_infinite_or_nan_upstream_gradient_exactly_as_torch():
    values, grad = [-1.0, 0.0, 2.0, np.nan, -3.0], [np.inf, np.nan, 1.0, -np.inf, 2.0]
    ours, theirs = mm.tensor(values, dtype=np.float64, requires_grad=True), torch.tensor(values, requires_grad=True,
                                                                                        dtype=torch.float64)
    ours.relu().backward(mm.tensor(grad, dtype=np.float64))
    theirs.relu().backward(torch.tensor(grad, dtype=torch.float64))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("reduction", ["max", "min"])
@pytest.mark.parametrize("values", [[np.nan, 1.0, np.nan, 3.0], [1.0, 3.0, 3.0, -2.0], [np.nan, np.inf, -np.inf, 0.0]])
def test_max_and_min_route_the_gradient_to_nan_and_split_ties_as_torch(reduction, values):
    ours = mm.tensor(values, dtype=np.float64, requires_grad=True)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    ours_value, theirs_value = getattr(ours, reduction)(), getattr(theirs, reduction)()
    np.testing.assert_array_equal(ours_value.detach().numpy(), theirs_value.detach().numpy())
    ours_value.backward(mm.tensor(1.7, dtype=np.float64))
    theirs_value.backward(torch.tensor(1.7, dtype=torch.float64))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("reduction", ["max", "min"])
def test_max_and_min_over_a_dim_pick_nan_first_as_torch(reduction):
    values = np.array([[1.0, np.nan, 5.0], [4.0, 2.0, 2.0]])
    ours, theirs = mm.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    (ours_values, ours_indices), (theirs_values, theirs_indices) = getattr(ours, reduction)(1), getattr(theirs, reduction)(1)
    np.testing.assert_array_equal(ours_values.detach().numpy(), theirs_values.detach().numpy())
    np.testing.assert_array_equal(ours_indices.numpy(), theirs_indices.numpy())
    grad = np.array([0.3, -1.1])
    ours_values.backward(mm.tensor(grad))
    theirs_values.backward(torch.tensor(grad))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_max_over_dim_zero_of_a_zero_d_tensor_returns_the_value_as_torch():
    ours, theirs = mm.tensor(3.0, requires_grad=True), torch.tensor(3.0, requires_grad=True)
    (ours_value, ours_index), (theirs_value, theirs_index) = ours.max(dim=0), theirs.max(dim=0)
    assert ours_value.item() == theirs_value.item() and ours_index.item() == theirs_index.item() == 0
    ours_value.backward()
    theirs_value.backward()
    assert ours.grad.item() == theirs.grad.item() == 1.0


def test_max_of_an_empty_tensor_raises_as_torch():
    with pytest.raises(RuntimeError, match="numel"):
        torch.tensor([]).max()
    with pytest.raises(RuntimeError, match="numel"):
        mm.tensor([]).max()


@pytest.mark.parametrize("shape, dim", [((3, 0), 1), ((0, 4), 1), ((0, 4), 0)])
def test_log_softmax_over_empty_tensors_gives_empty_results_and_gradients(shape, dim):
    ours = mm.tensor(np.zeros(shape), requires_grad=True)
    theirs = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    ours_out, theirs_out = mm.nn.functional.log_softmax(ours, dim), torch.log_softmax(theirs, dim)
    assert ours_out.shape == tuple(theirs_out.shape)
    ours_out.backward(mm.tensor(np.zeros(shape)))
    theirs_out.backward(torch.zeros(shape, dtype=torch.float64))
    assert ours.grad.shape == tuple(theirs.grad.shape)


def test_sum_and_mean_of_empty_tensors_match_torch():
    for reduction in ("sum", "mean"):
        ours, theirs = mm.tensor(np.zeros((0, 3)), requires_grad=True), torch.zeros((0, 3), dtype=torch.float64,
                                                                                 requires_grad=True)
        ours_out, theirs_out = getattr(ours, reduction)(0), getattr(theirs, reduction)(0)
        np.testing.assert_array_equal(ours_out.detach().numpy(), theirs_out.detach().numpy())


DIM_CALLS = {
    "transpose(0, 2) of 2-D": lambda t: t.transpose(0, 2),
    "transpose(-3, 0) of 2-D": lambda t: t.transpose(-3, 0),
    "sum(dim=2)": lambda t: t.sum(dim=2),
    "mean(dim=-3)": lambda t: t.mean(dim=-3),
    "max(dim=5)": lambda t: t.max(dim=5),
    "argmax(dim=2)": lambda t: t.argmax(dim=2),
    "unsqueeze(4)": lambda t: t.unsqueeze(4),
    "squeeze(2)": lambda t: t.squeeze(2),
    "flatten(0, 3)": lambda t: t.flatten(0, 3),
    "log_softmax(dim=2)": lambda t: t.log_softmax(2) if isinstance(t, torch.Tensor) else mm.nn.functional.log_softmax(t, 2),
}


@pytest.mark.parametrize("name", DIM_CALLS)
def test_dims_out_of_range_raise_index_error_with_torchs_message(name):
    with pytest.raises(IndexError) as theirs:
        DIM_CALLS[name](torch.zeros(2, 3))
    with pytest.raises(IndexError) as ours:
        DIM_CALLS[name](mm.zeros(2, 3))
    assert str(ours.value) == str(theirs.value)


# ---- type promotion ----

DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
NUMBERS = [True, 3, 2.5]


def _make(lib, dtype, zero_dim):
    values = np.array(1 if zero_dim else [1, 0, 1]).astype(dtype)
    return lib.tensor(values) if lib is mm else torch.from_numpy(values)


def _dtype_name(tensor):
    return str(tensor.dtype).replace("torch.", "") if isinstance(tensor, torch.Tensor) else np.dtype(tensor.dtype).name


OPERAND_KINDS = [(dtype, zero_dim) for dtype in DTYPES for zero_dim in (False, True)]


@pytest.mark.parametrize("op", ["add", "mul", "truediv"])
@pytest.mark.parametrize("left", OPERAND_KINDS, ids=lambda kind: f"{kind[0]}{'-0d' if kind[1] else ''}")
def test_result_dtypes_follow_torchs_promotion(op, left):
    rights = [("tensor", kind) for kind in OPERAND_KINDS] + [("number", number) for number in NUMBERS]
    mismatches = []
    for what, right in rights:
        results = []
        for lib in (mm, torch):
            a = _make(lib, *left)
            b = _make(lib, *right) if what == "tensor" else right
            results.append(outcome(lambda: _dtype_name(getattr(a, f"__{op}__")(b))))
        if results[0] != results[1] and not (results[0][0] == results[1][0] == "raises"):
            mismatches.append((right, results))
    assert not mismatches, mismatches


@pytest.mark.parametrize("target, source", [("int64", 0.5), ("int64", "float32"), ("bool", 2), ("float32", "float64"),
                                            ("int32", "int64"), ("float32", 2)])
def test_in_place_ops_refuse_a_lower_category_as_torch(target, source):
    results = []
    for lib in (mm, torch):
        def run():
            a = _make(lib, target, False)
            a += _make(lib, source, False) if isinstance(source, str) else source
            return _dtype_name(a), a.tolist()
        results.append(outcome(run))
    assert results[0] == results[1]


def test_linear_on_float64_input_raises_like_torch():
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.nn.Linear(3, 2)(torch.zeros(1, 3, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        mm.nn.Linear(3, 2)(mm.zeros(1, 3, dtype=np.float64))


def test_a_float32_model_stays_float32_with_float64_and_integer_scalars():
    x = mm.tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    y = (x * mm.tensor(2.0, dtype=np.float64) + mm.tensor([1, 2, 3]) / 2 + np.float64(0.5)).sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    assert_close(x.grad, np.full((2, 3), 2.0), RTOL[np.float32], "d/dx")


def test_the_default_dtype_can_be_changed_as_in_torch():
    try:
        for lib in (mm, torch):
            lib.set_default_dtype(lib.float64)
        assert _dtype_name(mm.tensor([1.5])) == _dtype_name(torch.tensor([1.5])) == "float64"
        assert _dtype_name(mm.tensor([1, 2]) * 0.5) == _dtype_name(torch.tensor([1, 2]) * 0.5) == "float64"
        assert _dtype_name(mm.zeros(2)) == _dtype_name(torch.zeros(2)) == "float64"
    finally:
        mm.set_default_dtype(mm.float32)
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError):
        torch.set_default_dtype(torch.int64)
    with pytest.raises(TypeError):
        mm.set_default_dtype(mm.int64)


def test_every_pair_of_dtypes_promotes_as_torch_promote_types():
    for a, b in itertools.product(DTYPES, repeat=2):
        theirs = str(torch.promote_types(getattr(torch, a), getattr(torch, b))).replace("torch.", "")
        assert np.dtype(mm.promote_types(np.dtype(a), np.dtype(b))).name == theirs, (a, b)
