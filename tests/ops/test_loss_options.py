"""The losses with PyTorch's options against PyTorch: weight, ignore_index, label_smoothing, class-probability
targets, (N, C, d1, ...) inputs, every reduction, MSE and the binary cross entropies; and their errors."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_F

import minitorch_mnist as mm
import minitorch_mnist.nn.functional as F
from minitorch_mnist import nn
from minitorch_mnist.tools.gradcheck import gradcheck
from op_parity import check_op
from parity import assert_close

DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]


def targets(rng, shape, classes, ignore_index=-100, ignored=2):
    """Class indices with `ignored` of them set to ignore_index."""
    target = rng.integers(0, classes, shape)
    target.reshape(-1)[rng.choice(target.size, ignored, replace=False)] = ignore_index
    return target


CLASS_OPTIONS = [dict(), dict(weight=True), dict(ignore_index=3), dict(weight=True, ignore_index=-100),
                 dict(label_smoothing=0.2), dict(label_smoothing=0.1, weight=True),
                 dict(label_smoothing=0.3, weight=True, ignore_index=1)]


def call(function, module, input, target, options, weight):
    options = dict(options)
    if options.pop("weight", False):
        options["weight"] = module.tensor(weight)
    return function(input, target, **options)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(6, 5), (3, 5, 4), (2, 5, 3, 2), (5,)], ids=str)
@pytest.mark.parametrize("options", CLASS_OPTIONS, ids=str)
def test_cross_entropy_with_options_matches_torch(options, shape, reduction, dtype, rng):
    logits = (2 * rng.standard_normal(shape)).astype(dtype)
    target_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    ignore = options.get("ignore_index", -100)
    target = targets(rng, target_shape, shape[min(1, len(shape) - 1)], ignore, ignored=0 if not target_shape else 2)
    weight = rng.uniform(0.5, 2.0, shape[min(1, len(shape) - 1)]).astype(dtype)
    check_op(lambda t: call(F.cross_entropy, mm, t, mm.tensor(target), dict(options, reduction=reduction), weight),
             lambda t: call(torch_F.cross_entropy, torch, t, torch.tensor(target), dict(options, reduction=reduction),
                            weight), [logits], rng, what="cross_entropy")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [o for o in CLASS_OPTIONS if "label_smoothing" not in o], ids=str)
def test_nll_loss_with_options_matches_torch(options, reduction, dtype, rng):
    logp = torch_F.log_softmax(torch.tensor(rng.standard_normal((3, 4, 5))), 1).numpy().astype(dtype)
    target = targets(rng, (3, 5), 4, options.get("ignore_index", -100))
    weight = rng.uniform(0.5, 2.0, 4).astype(dtype)
    check_op(lambda t: call(F.nll_loss, mm, t, mm.tensor(target), dict(options, reduction=reduction), weight),
             lambda t: call(torch_F.nll_loss, torch, t, torch.tensor(target), dict(options, reduction=reduction),
                            weight), [logp], rng, what="nll_loss")


@pytest.mark.parametrize("options", CLASS_OPTIONS, ids=str)
def test_cross_entropy_with_options_passes_gradcheck(options, rng):
    target = mm.tensor(targets(rng, (4,), 5, options.get("ignore_index", -100), ignored=1))
    weight = rng.uniform(0.5, 2.0, 5)
    gradcheck(lambda t: call(F.cross_entropy, mm, t, target, options, weight), rng.standard_normal((4, 5)))


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_all_targets_ignored_gives_nan_for_the_mean_and_zero_for_the_sum_as_torch(name, rng):
    x = rng.standard_normal((3, 4))
    target = np.full(3, -100)
    for reduction in REDUCTIONS:
        ours = mm.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        out = getattr(F, name)(ours, mm.tensor(target), reduction=reduction)
        expected = getattr(torch_F, name)(theirs, torch.tensor(target), reduction=reduction)
        np.testing.assert_array_equal(out.array, expected.detach().numpy())
        out.sum().backward()
        expected.sum().backward()
        np.testing.assert_array_equal(ours.grad.array, theirs.grad.numpy())


def test_ignored_targets_may_be_any_value_even_out_of_range():
    x = np.random.default_rng(0).standard_normal((3, 4))
    target = np.array([1, 255, 2])
    ours = F.cross_entropy(mm.tensor(x), mm.tensor(target), ignore_index=255)
    assert_close(ours, torch_F.cross_entropy(torch.tensor(x), torch.tensor(target), ignore_index=255), 1e-12, "255")
    with pytest.raises(IndexError, match="target 255 is out of bounds"):
        F.cross_entropy(mm.tensor(x), mm.tensor(target))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [dict(), dict(label_smoothing=0.25), dict(weight=True),
                                     dict(weight=True, label_smoothing=0.1)], ids=str)
def test_cross_entropy_with_class_probabilities_matches_torch_for_input_and_target(options, reduction, dtype, rng):
    logits = rng.standard_normal((4, 3, 2)).astype(dtype)
    probabilities = torch.softmax(torch.tensor(rng.standard_normal((4, 3, 2))), 1).numpy().astype(dtype)
    weight = rng.uniform(0.5, 2.0, 3).astype(dtype)
    check_op(lambda t, p: call(F.cross_entropy, mm, t, p, dict(options, reduction=reduction), weight),
             lambda t, p: call(torch_F.cross_entropy, torch, t, p, dict(options, reduction=reduction), weight),
             [logits, probabilities], rng, what="cross_entropy(probabilities)")


TARGET_DTYPES = [np.int32, np.int16, np.uint8, np.int64]


@pytest.mark.parametrize("target_dtype", TARGET_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_target_dtypes_are_accepted_or_refused_as_torch_does(name, target_dtype):
    """PyTorch 2.14 on the CPU takes int64 and uint8 class indices and raises RuntimeError for int32/int16."""
    x, target = np.random.default_rng(0).standard_normal((3, 4)), np.array([0, 3, 1], dtype=target_dtype)
    try:
        expected = getattr(torch_F, name)(torch.tensor(x), torch.tensor(target))
    except RuntimeError:
        with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte"):
            getattr(F, name)(mm.tensor(x), mm.tensor(target))
    else:
        assert_close(getattr(F, name)(mm.tensor(x), mm.tensor(target)), expected, 1e-12, name)


LOSS_ERRORS = [
    ("batch sizes differ", lambda m, F: F.nll_loss(m.zeros(3, 4), m.tensor([0, 1])), ValueError,
     r"Expected input batch_size \(3\) to match target batch_size \(2\)"),
    ("0-d input", lambda m, F: F.nll_loss(m.tensor(0.5), m.tensor(0)), ValueError, "Expected 1 or more dimensions"),
    ("integer target of the input's shape", lambda m, F: F.cross_entropy(m.zeros(2, 3), m.zeros(2, 3).long()),
     RuntimeError, "Expected floating point type for target with class probabilities"),
    ("weight of the wrong length", lambda m, F: F.cross_entropy(m.zeros(3, 4), m.tensor([0, 1, 1]), weight=m.ones(3)),
     RuntimeError, "weight tensor should be defined either for all 4 classes or no classes"),
    ("class out of range", lambda m, F: F.nll_loss(m.zeros(3, 4), m.tensor([0, 5, 1])), IndexError, "5 is out of bounds"),
    ("spatial target size", lambda m, F: F.nll_loss(m.zeros(3, 4, 5), m.zeros(3, 4).long()), RuntimeError,
     r"Expected target size \[3, 5\], got \[3, 4\]"),
    ("multi-target", lambda m, F: F.nll_loss(m.zeros(3, 4), m.zeros(3, 1).long()), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    ("ignore_index with probabilities", lambda m, F: F.cross_entropy(m.zeros(3, 4), m.zeros(3, 4), ignore_index=1),
     RuntimeError, "ignore_index is not supported for floating point target"),
    ("label_smoothing above 1", lambda m, F: F.cross_entropy(m.zeros(3, 4), m.tensor([0, 1, 1]), label_smoothing=1.5),
     RuntimeError, "label_smoothing must be between 0.0 and 1.0"),
    ("unknown reduction", lambda m, F: F.mse_loss(m.zeros(3), m.zeros(3), reduction="avg"), ValueError, "avg"),
    ("bce sizes differ", lambda m, F: F.binary_cross_entropy(m.rand(3), m.rand(3, 1)), ValueError,
     "different to the input size"),
    ("bce input above 1", lambda m, F: F.binary_cross_entropy(m.full((1,), 1.5), m.rand(1)), RuntimeError,
     "all elements of input should be between 0 and 1"),
    ("bce dtypes differ", lambda m, F: F.binary_cross_entropy(m.rand(3), m.rand(3).double()), RuntimeError,
     "Found dtype"),
    ("bce with logits sizes differ", lambda m, F: F.binary_cross_entropy_with_logits(m.rand(3), m.rand(3, 1)),
     ValueError, "must be the same as input size"),
]


@pytest.mark.parametrize("make, error, message", [case[1:] for case in LOSS_ERRORS], ids=[c[0] for c in LOSS_ERRORS])
def test_loss_errors_have_torchs_types_and_say_what_is_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make(mm, F)
    with pytest.raises(error):
        make(torch, torch_F)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_mse_loss_matches_torch_for_input_and_target(weighted, reduction, dtype, rng):
    x, y = rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal((4, 3)).astype(dtype)
    weight = rng.uniform(0.5, 2.0, (4, 3)).astype(dtype)  # PyTorch asks for the input's shape

    def with_weight(module, function):
        return lambda a, b: function(a, b, reduction=reduction, weight=module.tensor(weight) if weighted else None)

    check_op(with_weight(mm, F.mse_loss), with_weight(torch, torch_F.mse_loss), [x, y], rng, what="mse_loss")


def test_mse_loss_broadcasts_with_torchs_warning(rng):
    x, y = rng.standard_normal(3), rng.standard_normal((3, 1))
    with pytest.warns(UserWarning, match="different to the input size"):
        ours = F.mse_loss(mm.tensor(x), mm.tensor(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_close(ours, torch_F.mse_loss(torch.tensor(x), torch.tensor(y)), 1e-12, "broadcast mse")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_matches_torch_for_input_and_target(weighted, reduction, dtype, rng):
    p, y = rng.uniform(0.05, 0.95, (4, 3)).astype(dtype), rng.uniform(0, 1, (4, 3)).astype(dtype)
    weight = rng.uniform(0.5, 2.0, 3).astype(dtype)

    def bce(module, function):
        return lambda a, b: function(a, b, weight=module.tensor(weight) if weighted else None, reduction=reduction)

    check_op(bce(mm, F.binary_cross_entropy), bce(torch, torch_F.binary_cross_entropy), [p, y], rng, what="bce")


def test_binary_cross_entropy_at_probabilities_0_and_1_clamps_the_log_at_minus_100_as_torch(rng):
    p, y = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    check_op(lambda a: F.binary_cross_entropy(a, mm.tensor(y), reduction="none"),
             lambda a: torch_F.binary_cross_entropy(a, torch.tensor(y), reduction="none"), [p], rng, what="bce edges")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_with_logits_matches_torch_for_input_target_and_pos_weight(weighted, reduction, dtype,
                                                                                           rng):
    x, y = (4 * rng.standard_normal((4, 3))).astype(dtype), rng.uniform(0, 1, (4, 3)).astype(dtype)
    weight, pos_weight = rng.uniform(0.5, 2.0, 3).astype(dtype), rng.uniform(0.5, 3.0, 3).astype(dtype)

    def bce(module, function):  # PyTorch has no gradient for pos_weight: a constant here, gradcheck covers it
        return lambda a, b: function(a, b, weight=module.tensor(weight) if weighted else None,
                                     reduction=reduction, pos_weight=module.tensor(pos_weight))

    check_op(bce(mm, F.binary_cross_entropy_with_logits), bce(torch, torch_F.binary_cross_entropy_with_logits),
             [x, y], rng, what="bce with logits")
    check_op(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
             lambda a, b: torch_F.binary_cross_entropy_with_logits(a, b, reduction=reduction), [x, y], rng,
             what="bce with logits, no pos_weight")


def test_binary_cross_entropy_with_logits_is_stable_for_huge_logits(rng):
    x, y = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]), np.array([1.0, 0.0, 0.5, 1.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = check_op(lambda a: F.binary_cross_entropy_with_logits(a, mm.tensor(y), reduction="none"),
                       lambda a: torch_F.binary_cross_entropy_with_logits(a, torch.tensor(y), reduction="none"), [x],
                       rng, what="huge logits")
    assert np.isfinite(out.array).all()


def test_binary_losses_pass_gradcheck(rng):
    y = rng.uniform(0, 1, (3, 2))
    gradcheck(lambda p, t: F.binary_cross_entropy(p, t), rng.uniform(0.1, 0.9, (3, 2)), y)
    gradcheck(lambda x, t, w: F.binary_cross_entropy_with_logits(x, t, pos_weight=w), rng.standard_normal((3, 2)), y,
              rng.uniform(0.5, 2, 2))
    weight = mm.tensor(rng.uniform(0.5, 2, (3, 2)))
    gradcheck(lambda a, b: F.mse_loss(a, b, weight=weight), rng.standard_normal((3, 2)), y)


LOSS_LAYERS = [
    (lambda m: m.nn.MSELoss(), "MSELoss()"), (lambda m: m.nn.BCELoss(), "BCELoss()"),
    (lambda m: m.nn.BCEWithLogitsLoss(pos_weight=m.ones(3)), "BCEWithLogitsLoss()"),
    (lambda m: m.nn.NLLLoss(ignore_index=0), "NLLLoss()"),
    (lambda m: m.nn.CrossEntropyLoss(weight=m.ones(3), label_smoothing=0.1), "CrossEntropyLoss()"),
]


@pytest.mark.parametrize("make, text", LOSS_LAYERS, ids=[text for _, text in LOSS_LAYERS])
def test_loss_layers_print_and_save_their_weights_as_torch(make, text):
    ours, theirs = make(mm), make(torch)
    assert repr(ours) == repr(theirs) == text
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("name, args", [("MSELoss", ()), ("BCELoss", ()), ("BCEWithLogitsLoss", ()),
                                        ("NLLLoss", ()), ("CrossEntropyLoss", ())])
def test_loss_layers_compute_what_their_functions_compute(name, args, rng):
    x, y = rng.uniform(0.1, 0.9, (4, 3)), rng.uniform(0, 1, (4, 3))
    if name in ("NLLLoss", "CrossEntropyLoss"):
        y = rng.integers(0, 3, 4)
    for reduction in REDUCTIONS:
        ours = getattr(nn, name)(reduction=reduction)(mm.tensor(x), mm.tensor(y))
        theirs = getattr(torch.nn, name)(reduction=reduction)(torch.tensor(x), torch.tensor(y))
        assert_close(ours, theirs, 1e-12, f"{name}({reduction})")


@pytest.mark.parametrize("size_average, reduce", [(None, False), (False, None), (True, True), (False, True)])
def test_legacy_size_average_and_reduce_map_to_torchs_reduction(size_average, reduce):
    with pytest.warns(UserWarning):
        ours = nn.MSELoss(size_average=size_average, reduce=reduce)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.MSELoss(size_average=size_average, reduce=reduce)
    assert ours.reduction == theirs.reduction


@pytest.mark.parametrize("case", ["-inf in an ignored row", "inf weight of class 0"])
def test_an_ignored_row_adds_exactly_nothing_even_with_infinities_like_torch(case):
    """Ignored rows read class 0 and weigh 0; 0 * inf must not turn the loss or its gradient into nan."""
    logp = np.log(np.full((3, 3), 1 / 3, dtype=np.float32))
    weight = np.array([1.0, 1.0, 2.0], np.float32)
    if case == "-inf in an ignored row":
        logp[1, 0] = -np.inf
    else:
        weight[0] = np.inf
    target = np.array([2, -100, 1])
    results = []
    for lib, functional in ((mm, F), (torch, torch_F)):
        x = lib.tensor(logp, requires_grad=True)
        loss = functional.nll_loss(x, lib.tensor(target), weight=lib.tensor(weight))
        loss.backward()
        results.append((loss.item(), np.asarray(x.grad.numpy())))
    (ours, our_grad), (theirs, their_grad) = results
    assert np.isfinite(ours) and ours == pytest.approx(theirs, rel=1e-6)
    assert np.array_equal(our_grad, their_grad)


def test_changing_the_target_in_place_before_backward_raises_like_torch():
    for lib, functional in ((mm, F), (torch, torch_F)):
        x = lib.tensor([[-1.0, -2.0, -3.0], [-0.5, -1.5, -2.5]], requires_grad=True)
        target = lib.tensor([0, 1])
        loss = functional.nll_loss(x, target)
        target[0] = 2  # the gradient would silently go to another class
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()
