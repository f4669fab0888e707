"""The graph machinery: accumulation, shared inputs, deep graphs, no_grad/detach, errors, and dtype rules."""

import re
import sys

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.autograd.function import Function
from op_parity import check_op, upstream_grad
from parity import RTOL, assert_close, pair


def test_gradients_accumulate_across_backward_calls_until_zeroed_like_torch(rng):
    """PyTorch's rule: backward() adds into .grad; only zeroing it (zero_grad) starts afresh."""
    (x, tx) = pair(rng.standard_normal((3, 4)))
    first, second = upstream_grad(rng, (3, 4), np.float64), upstream_grad(rng, (3, 4), np.float64)
    for grad in (first, second):
        (x * x).backward(mm.tensor(grad))
        (tx * tx).backward(torch.tensor(grad))
    assert_close(x.grad, tx.grad, RTOL[np.float64], "accumulated grad")
    assert_close(x.grad, 2 * x.array * (first + second), RTOL[np.float64], "sum of both backward calls")

    x.grad.zero_()
    tx.grad.zero_()
    (x * x).backward(mm.tensor(first))
    (tx * tx).backward(torch.tensor(first))
    assert_close(x.grad, tx.grad, RTOL[np.float64], "grad after zeroing")
    assert_close(x.grad, 2 * x.array * first, RTOL[np.float64], "one backward call")


def test_a_tensor_used_twice_gets_the_sum_of_both_paths_like_torch(rng):
    """A diamond: x feeds two branches that meet again, so its gradient is the sum of both."""
    def diamond(x, w):
        hidden = x @ w
        return (hidden.exp() * hidden + x.sum(dim=1, keepdim=True) - hidden.relu()) / (x * x + 1).sum()
    check_op(diamond, None, [rng.standard_normal((4, 3)), rng.standard_normal((3, 2))], rng, what="diamond")


def test_x_plus_x_has_gradient_two_like_torch(rng):
    check_op(lambda x: x + x, None, [rng.standard_normal(5)], rng, what="x + x")


# A leaf keeps a new gradient array as its .grad without copying it (backward.py). These cases must still copy:
# each builds grads that would otherwise share memory with each other or with an array the user holds.
ALIASING_CASES = {
    "a + b (one array sent to both)": lambda a, b, g, lib: (a + b).backward(g),
    "clone then backward(gradient)": lambda a, b, g, lib: (a.clone() * 1).backward(g) or b.sum().backward(),
    "linear, then a pass-through": lambda a, b, g, lib: (lib.nn.functional.linear(a, b) + a.sum()).sum().backward(),
    "matmul into a leaf twice": lambda a, b, g, lib: (a @ b.T + a @ b.T).sum().backward(),
}


@pytest.mark.parametrize("case", ALIASING_CASES)
def test_grads_never_share_memory_with_each_other_or_the_gradient_passed_in(case, rng):
    """Change every .grad in place afterwards: the others and the gradient given to backward stay as in torch."""
    (a, ta), (b, tb) = pair(rng.standard_normal((3, 3))), pair(rng.standard_normal((3, 3)))
    gradient = upstream_grad(rng, (3, 3), np.float64)
    ours_gradient, theirs_gradient = mm.tensor(gradient), torch.tensor(gradient)
    ALIASING_CASES[case](a, b, ours_gradient, mm)
    ALIASING_CASES[case](ta, tb, theirs_gradient, torch)
    for leaf in (a, b, ta, tb):
        leaf.grad += 1000
    assert_close(a.grad, ta.grad, RTOL[np.float64], "a.grad")
    assert_close(b.grad, tb.grad, RTOL[np.float64], "b.grad")
    assert np.array_equal(ours_gradient.array, gradient)


def test_a_hooks_saved_gradient_never_becomes_grad(rng):
    """A hook that keeps the (new) gradient of a linear layer's weight: changing .grad must leave its copy alone."""
    seen, their_seen = [], []
    (w, tw), (x, tx) = pair(rng.standard_normal((4, 3))), pair(rng.standard_normal((2, 3)))
    w.register_hook(lambda grad: seen.append(grad))
    tw.register_hook(lambda grad: their_seen.append(grad))
    mm.nn.functional.linear(x, w).sum().backward()
    torch.nn.functional.linear(tx, tw).sum().backward()
    w.grad.zero_()
    tw.grad.zero_()
    assert_close(seen[0], their_seen[0], RTOL[np.float64], "the hook's gradient")
    assert float(abs(seen[0]).sum()) > 0


def test_a_hook_result_is_copied_into_grad_not_kept(rng):
    """A leaf hook may return an array the user keeps: .grad must not be that array."""
    kept = torch.ones(4, dtype=torch.float64)
    ours_kept = mm.tensor(kept.numpy().copy())
    x, tx = pair(rng.standard_normal(4))
    x.register_hook(lambda grad: ours_kept)
    tx.register_hook(lambda grad: kept)
    (x * 2).sum().backward()
    (tx * 2).sum().backward()
    x.grad += 1
    tx.grad += 1
    assert ours_kept.array.tolist() == kept.tolist() == [1.0] * 4


def test_a_deep_chain_does_not_hit_the_recursion_limit(rng):
    depth = 5000
    assert depth > sys.getrecursionlimit() // 2  # a recursive backward would need a frame or two per op
    x = mm.tensor(np.array([0.5, -1.0]), requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0001 + 0.001
    grad = upstream_grad(rng, (2,), np.float64)
    y.backward(mm.tensor(grad))
    np.testing.assert_allclose(x.grad.array, grad * 1.0001**depth, rtol=1e-12)


def test_no_grad_records_nothing_and_enable_grad_turns_it_back_on():
    x = mm.tensor(np.ones(3), requires_grad=True)
    with mm.no_grad():
        assert not mm.is_grad_enabled()
        y = (x * 2).sum()
        with mm.enable_grad():
            z = x * 2
    assert mm.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_works_as_a_decorator_like_torch():
    @mm.no_grad()
    def doubled(x):
        return x * 2

    assert not doubled(mm.tensor(np.ones(2), requires_grad=True)).requires_grad
    assert mm.is_grad_enabled()


def test_no_grad_restores_recording_after_an_exception():
    with pytest.raises(ValueError), mm.no_grad():
        raise ValueError("inside no_grad")
    assert mm.is_grad_enabled()


def test_detach_shares_the_data_but_cuts_the_graph(rng):
    (x, tx) = pair(rng.standard_normal(4))
    x_detached, tx_detached = x.detach(), tx.detach()
    assert not x_detached.requires_grad and x_detached.grad_fn is None
    assert np.shares_memory(x_detached.array, x.array)
    grad = upstream_grad(rng, (4,), np.float64)
    (x_detached * x).backward(mm.tensor(grad))  # only the second factor carries a gradient
    (tx_detached * tx).backward(torch.tensor(grad))
    assert_close(x.grad, tx.grad, RTOL[np.float64], "grad through the attached factor")
    assert_close(x.grad, grad * x.array, RTOL[np.float64], "d(c * x)/dx = c")


def test_backward_on_a_leaf_puts_the_gradient_itself_in_grad_like_torch(rng):
    (x, tx) = pair(rng.standard_normal(3))
    grad = upstream_grad(rng, (3,), np.float64)
    x.backward(mm.tensor(grad))
    tx.backward(torch.tensor(grad))
    np.testing.assert_array_equal(x.grad.array, tx.grad.numpy())
    assert not np.shares_memory(x.grad.array, grad)


def test_backward_on_a_non_scalar_without_a_gradient_names_the_shape():
    y = mm.tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only for scalar outputs, but this tensor has shape \(2, 3\)"):
        y.backward()


def test_backward_with_a_wrongly_shaped_gradient_names_both_shapes():
    y = mm.tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"gradient shape \(3,\) does not match tensor shape \(2, 3\)"):
        y.backward(mm.tensor(np.ones(3)))


def test_backward_on_a_tensor_outside_the_graph_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (mm.tensor(np.ones(2)) * 2).sum().backward()


def test_a_backward_returning_the_wrong_shape_is_caught():
    class BadSum(Function):
        """z = sum(x), with a backward that forgets to expand the gradient back to x's shape"""

        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return (grad,)

    x = mm.tensor(np.ones(3), requires_grad=True)
    message = re.escape("BadSum.backward returned a gradient of shape () for an input of shape (3,)")
    with pytest.raises(RuntimeError, match=message):
        BadSum.apply(x).backward()


def test_a_float64_gradient_into_a_float32_graph_leaves_float32_grads_like_torch(rng):
    (x, tx) = pair(rng.standard_normal(4).astype(np.float32))
    grad = upstream_grad(rng, (4,), np.float64)
    (x * 3.0).backward(mm.tensor(grad))
    (tx * 3.0).backward(torch.tensor(grad))
    assert x.grad.dtype == np.float32 and tx.grad.dtype == torch.float32
    assert_close(x.grad, tx.grad, RTOL[np.float32], "grad")


def test_requires_grad_on_an_integer_tensor_raises_naming_the_dtype():
    with pytest.raises(RuntimeError, match="only floating point tensors can require gradients, got dtype int64"):
        mm.tensor([1, 2, 3], requires_grad=True)


def test_numpy_on_a_tensor_that_requires_grad_raises_like_torch():
    x = mm.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        x.numpy()
    np.testing.assert_array_equal(x.detach().numpy(), np.ones(2))


TORCH_DTYPES = {mm.float32: torch.float32, mm.float64: torch.float64}
DTYPE_RULES = {  # what mm.tensor(data, dtype=...) gives, as torch.tensor does
    "float64 array stays float64": (np.zeros(2, dtype=np.float64), None, np.float64),
    "float32 array stays float32": (np.zeros(2, dtype=np.float32), None, np.float32),
    "int32 array stays int32": (np.zeros(2, dtype=np.int32), None, np.int32),
    "int64 labels stay int64": (np.zeros(2, dtype=np.int64), None, np.int64),
    "NumPy float64 scalar stays float64": (np.float64(1.5), None, np.float64),
    "Python float list -> float32": ([1.5, 2.0], None, np.float32),
    "Python float -> float32": (1.5, None, np.float32),
    "Python int list -> int64": ([1, 2], None, np.int64),
    "Python int -> int64": (3, None, np.int64),
    "Python bools -> bool": ([True, False], None, np.bool_),
    "dtype=float64 overrides ints": ([1, 2], mm.float64, np.float64),
    "dtype=float32 overrides float64": (np.zeros(2, dtype=np.float64), mm.float32, np.float32),
}


@pytest.mark.parametrize("rule", DTYPE_RULES)
def test_tensor_dtype_rules_match_torch(rule):
    data, dtype, expected = DTYPE_RULES[rule]
    assert mm.tensor(data, dtype=dtype).dtype == expected
    assert torch.tensor(data, dtype=TORCH_DTYPES.get(dtype)).numpy().dtype == expected


def test_tensor_copies_its_data_and_from_numpy_shares_it():
    array = np.zeros(3)
    copied, shared = mm.tensor(array), mm.from_numpy(array)
    array[0] = 7.0
    assert copied.array[0] == 0.0 and shared.array[0] == 7.0


FLOAT32_EXPRESSIONS = {
    "x * 0.5": lambda x: x * 0.5,
    "2.0 - x": lambda x: 2.0 - x,
    "x ** 2": lambda x: x**2,
    "1 / x": lambda x: 1 / x,
    "x.mean() * 3": lambda x: x.mean() * 3,
    "(x @ x.T).exp() + 1": lambda x: (x @ x.T).exp() + 1,
}


@pytest.mark.parametrize("expression", FLOAT32_EXPRESSIONS)
def test_float32_stays_float32_with_python_numbers(expression, rng):
    x = mm.tensor(rng.uniform(0.5, 1.0, (2, 3)).astype(np.float32), requires_grad=True)
    out = FLOAT32_EXPRESSIONS[expression](x)
    out.backward(mm.tensor(upstream_grad(rng, out.shape, np.float32)))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


def test_in_place_update_under_no_grad_keeps_the_leaf_and_its_dtype():
    weights = mm.tensor([1.0, 2.0], requires_grad=True)
    (weights * 3.0).sum().backward()
    with mm.no_grad():
        weights -= weights.grad * 0.5
    assert weights.is_leaf and weights.requires_grad and weights.dtype == np.float32
    assert weights.array.tolist() == [-0.5, 0.5]


def test_in_place_update_of_a_tensor_requiring_grad_outside_no_grad_is_refused():
    weights = mm.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place operation; do the update inside `with no_grad"):
        weights -= 1.0


def test_factories_and_small_shape_helpers_match_torch():
    mm.manual_seed(3)
    first = mm.randn(2, 3)
    mm.manual_seed(3)
    assert np.array_equal(mm.randn((2, 3)).array, first.array) and first.dtype == np.float32
    assert mm.zeros(2, 3).array.tolist() == torch.zeros(2, 3).tolist()
    assert mm.ones((1, 2), dtype=np.float64).dtype == np.float64
    x = mm.tensor(np.arange(6.0).reshape(2, 3))
    assert mm.argmax(x, 1).array.tolist() == torch.argmax(torch.arange(6.0).reshape(2, 3), 1).tolist()
    for dim in (0, 1, 2, -1, -3):
        assert x.unsqueeze(dim).shape == tuple(torch.zeros(2, 3).unsqueeze(dim).shape)
    assert x.unsqueeze(0).squeeze().shape == (2, 3) and x.unsqueeze(1).squeeze(1).shape == (2, 3)
    assert x.squeeze(0).shape == (2, 3)
    leaf = mm.zeros(3).requires_grad_()
    assert leaf.requires_grad and leaf.is_leaf
