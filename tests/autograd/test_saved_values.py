"""Saved values changed in place, and the graph after backward: the same code in PyTorch and in the engine.

Where PyTorch raises, the engine raises (the same exception type, a message naming the op); where PyTorch
answers, the engine gives the same answer.
"""

import gc
import threading
import weakref

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.autograd.function import Function
from minitorch_mnist.ops.linear import Linear
from parity import RTOL, assert_close

MODIFIED = "modified by an inplace operation"


def both(build):
    """Run build(lib) for the engine and for torch; return each result or the exception it raised."""
    results = []
    for lib in (mm, torch):
        try:
            results.append(build(lib))
        except Exception as error:  # noqa: BLE001 - the exception itself is what is compared
            results.append(error)
    return results


def assert_both_raise(build, error_type, match):
    ours, theirs = both(build)
    assert isinstance(theirs, error_type), f"torch did not raise: {theirs!r}"
    assert isinstance(ours, error_type), f"the engine did not raise like torch ({theirs}): {ours!r}"
    assert match in str(ours) and match in str(theirs)


def leaf(lib, values, requires_grad=True):
    return lib.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def test_a_saved_leaf_changed_under_no_grad_makes_backward_raise():
    def build(lib):
        w = leaf(lib, [1.0, 2.0, 3.0])
        y = (w * w).sum()
        with lib.no_grad():
            w -= 1
        y.backward()
    assert_both_raise(build, RuntimeError, MODIFIED)


def test_an_input_without_grad_changed_in_place_makes_backward_raise():
    def build(lib):
        x, w = leaf(lib, [1.0, 2.0], requires_grad=False), leaf(lib, [0.5, -1.0])
        y = (x * w).sum()
        x += 1
        y.backward()
    assert_both_raise(build, RuntimeError, MODIFIED)


def test_an_optimizer_step_between_forward_and_backward_makes_backward_raise():
    def build(lib):
        lib.manual_seed(0)
        layer = lib.nn.Linear(3, 2).double()
        optimizer = lib.optim.SGD(layer.parameters(), lr=0.1)
        loss = layer(leaf(lib, np.ones((4, 3)))).sum()
        loss.backward(retain_graph=True)
        optimizer.step()
        loss.backward()
    assert_both_raise(build, RuntimeError, MODIFIED)


@pytest.mark.parametrize("change", ["detach-add", "detach-zero", "zero-no-grad", "fill", "copy"])
def test_changes_through_other_tensors_over_the_same_memory_are_seen(change):
    def build(lib):
        w = leaf(lib, [1.0, -2.0, 3.0])
        y = (w * w).sum()
        if change == "detach-add":
            w.detach().add_(1)
        elif change == "detach-zero":
            w.detach().zero_()
        else:
            with lib.no_grad():
                {"zero-no-grad": w.zero_, "fill": lambda: w.fill_(2.0),
                 "copy": lambda: w.copy_(leaf(lib, [0.0, 0.0, 0.0], False))}[change]()
        y.backward()
    assert_both_raise(build, RuntimeError, MODIFIED)


def test_a_saved_output_changed_in_place_makes_backward_raise():
    def build(lib):
        x = leaf(lib, [0.5, 1.5])
        z = x.exp()  # exp saves its output
        with lib.no_grad():
            z += 1
        z.sum().backward()
    assert_both_raise(build, RuntimeError, MODIFIED)


def test_changes_through_data_are_not_tracked_as_in_torch():
    """.data is PyTorch's escape hatch: no version bump, the gradient uses the new values, in both."""
    grads = []
    for lib in (mm, torch):
        w = leaf(lib, [1.0, 2.0, 3.0])
        y = (w * w).sum()
        w.data.add_(1)
        y.backward()
        grads.append(w.grad)
        assert w._version == 0
    assert_close(grads[0], grads[1], RTOL[np.float64], ".data changes")


def test_a_change_that_touches_no_saved_value_is_allowed_and_gradients_agree():
    grads = []
    for lib in (mm, torch):
        x, w = leaf(lib, [1.0, 2.0], requires_grad=False), leaf(lib, [0.5, -1.0])
        y = (x + w).sum()  # add saves nothing
        x += 1
        y.backward()
        grads.append(w.grad)
    assert_close(grads[0], grads[1], RTOL[np.float64], "add after x += 1")


def test_version_counters_count_like_torchs():
    versions = []
    for lib in (mm, torch):
        w = leaf(lib, [1.0, 2.0, 3.0])
        seen = [w._version]
        with lib.no_grad():
            w -= 1
            seen.append(w._version)
            w.zero_()
            w.fill_(1.0)
            w.copy_(leaf(lib, [0.0, 1.0, 2.0], False))
            w.add_(1)
            w.mul_(2)
            seen.append(w._version)
        w.detach().add_(1)
        seen.append(w._version)
        with lib.no_grad():
            w.reshape(3).add_(1)  # a view shares its base's counter
        seen.append(w._version)
        versions.append(seen)
    assert versions[0] == versions[1]


def test_the_error_names_the_op_the_shape_and_both_versions():
    w = mm.tensor(np.ones((2, 3)), requires_grad=True)
    y = (w * w).sum()
    with mm.no_grad():
        w += 1
    with pytest.raises(RuntimeError, match=r"MulBackward0 \(shape \(2, 3\), dtype float64\) is at version 1; expected version 0"):
        y.backward()


def test_backward_twice_raises_unless_the_graph_is_retained():
    def twice(lib, retain):
        w = leaf(lib, [1.0, 2.0])
        y = (w * w).sum()
        y.backward(retain_graph=retain)
        y.backward()
        return w.grad
    assert_both_raise(lambda lib: twice(lib, retain=False), RuntimeError, "backward through the graph a second time")
    ours, theirs = both(lambda lib: twice(lib, retain=True))
    assert_close(ours, theirs, RTOL[np.float64], "retain_graph=True accumulates")
    assert ours.tolist() == [4.0, 8.0]


def test_a_graph_without_saved_values_can_be_walked_twice_as_in_torch():
    ours, theirs = both(lambda lib: _add_twice(lib))
    assert_close(ours, theirs, RTOL[np.float64], "(x + x).sum() backward twice")


def _add_twice(lib):
    x = leaf(lib, [1.0, 1.0])
    y = (x + x).sum()
    y.backward()
    y.backward()
    return x.grad


def test_backward_frees_what_forward_saved():
    x = mm.tensor(np.random.default_rng(0).standard_normal((8, 5)))
    w = mm.tensor(np.random.default_rng(1).standard_normal((5, 4)), requires_grad=True)
    loss = (x @ w).relu().sum()
    relu_node = loss.grad_fn.next[0]
    saved = weakref.ref(relu_node.ctx.saved[0])
    loss.backward()
    gc.collect()
    assert saved() is None, "the ReLU output saved for backward is still alive after backward"
    assert relu_node.inputs == (None,), "the node still holds its input tensor"


def test_create_graph_is_refused_with_the_reason():
    y = (mm.tensor([1.0, 2.0], requires_grad=True) ** 2).sum()
    with pytest.raises(NotImplementedError, match="higher-order gradients"):
        y.backward(create_graph=True)


def test_a_backward_returning_none_means_no_gradient_as_in_torch():
    def scale_first(base):
        """The same Function written on the engine's base or on torch.autograd.Function."""
        class ScaleFirst(base):
            @staticmethod
            def forward(ctx, x, y):
                return 3 * x + y * 0

            @staticmethod
            def backward(ctx, grad):
                return 3 * grad, None
        return ScaleFirst

    ours_x, ours_y = leaf(mm, [1.0, 2.0]), leaf(mm, [5.0, 6.0])
    theirs_x, theirs_y = leaf(torch, [1.0, 2.0]), leaf(torch, [5.0, 6.0])
    scale_first(Function).apply(ours_x, ours_y).sum().backward()
    scale_first(torch.autograd.Function).apply(theirs_x, theirs_y).sum().backward()
    assert_close(ours_x.grad, theirs_x.grad, RTOL[np.float64], "x gets 3")
    assert ours_y.grad is None and theirs_y.grad is None


def test_needs_input_grad_is_the_same_tuple_as_torchs():
    seen = {}

    class Record(Function):
        @staticmethod
        def forward(ctx, x, w):
            seen["engine"] = ctx.needs_input_grad
            return x * w

        @staticmethod
        def backward(ctx, grad):
            return None, None

    class TorchRecord(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            return x * w

        @staticmethod
        def backward(ctx, grad):
            seen["torch"] = ctx.needs_input_grad
            return None, None

    Record.apply(leaf(mm, [1.0], False), leaf(mm, [2.0])).sum().backward()
    TorchRecord.apply(leaf(torch, [1.0], False), leaf(torch, [2.0])).sum().backward()
    assert seen["engine"] == seen["torch"] == (False, True)


def test_the_first_linear_layer_computes_no_gradient_for_the_images(monkeypatch):
    returned = []
    original = Linear.backward

    def spy(ctx, grad):
        returned.append(original(ctx, grad))
        return returned[-1]

    monkeypatch.setattr(Linear, "backward", staticmethod(spy))
    layer = mm.nn.Linear(784, 10)
    layer(mm.tensor(np.ones((2, 784), dtype=np.float32))).sum().backward()
    grad_input, grad_weight, grad_bias = returned[0]
    assert grad_input is None and grad_weight.shape == (10, 784) and grad_bias.shape == (10,)


def test_grad_mode_is_per_thread_as_in_torch():
    for lib in (mm, torch):
        inside, release, recorded = threading.Event(), threading.Event(), []

        def other_thread():
            with lib.no_grad():
                inside.set()
                release.wait(5)

        thread = threading.Thread(target=other_thread)
        thread.start()
        inside.wait(5)
        recorded.append((leaf(lib, [1.0]) * 2).requires_grad)  # this thread still records
        release.set()
        thread.join()
        assert recorded == [True], lib.__name__


def test_no_grad_works_as_a_decorator_as_in_torch():
    for lib in (mm, torch):
        @lib.no_grad()
        def double(x):
            return x * 2
        assert not double(leaf(lib, [1.0])).requires_grad
        assert lib.is_grad_enabled()
