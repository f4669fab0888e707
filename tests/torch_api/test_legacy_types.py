"""PyTorch's legacy tensor types against PyTorch: torch.Tensor(...) and torch.FloatTensor(...) in all their forms
(data, sizes, nothing, a torch.Size), isinstance checks, Tensor.type() in its three forms, the conversion methods
(.float(), .half(), .byte(), ...) and torch.autograd.Variable."""

import warnings

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
from minitorch_mnist.torch_api import legacy

TYPES = legacy.__all__

CONSTRUCTIONS = {
    "list": lambda cls: cls([1, 2]), "nested": lambda cls: cls([[1.5, -2.5], [3.0, 4.0]]),
    "tuple is data": lambda cls: cls((2, 3)), "sizes": lambda cls: cls(2, 3), "one size": lambda cls: cls(3),
    "nothing": lambda cls: cls(), "device": lambda cls: cls([1], device="cpu"),
}
UNINITIALISED = {"sizes", "one size", "torch.Size"}  # PyTorch leaves the memory as it finds it; the engine: zeros


@pytest.mark.parametrize("form", list(CONSTRUCTIONS) + ["torch.Size"])
@pytest.mark.parametrize("type_name", TYPES + ["Tensor"])
def test_legacy_constructors_match_torch(type_name, form):
    def construct(lib):
        cls = getattr(lib, type_name)
        return cls(lib.Size([2, 1])) if form == "torch.Size" else CONSTRUCTIONS[form](cls)

    try:
        theirs = construct(torch)
    except RuntimeError:  # ByteTensor of negative values: out of range in both
        with pytest.raises(RuntimeError):
            construct(mm)
        return
    ours = construct(mm)
    assert ours.dtype == theirs.numpy().dtype and tuple(ours.shape) == tuple(theirs.shape), (type_name, form)
    if form not in UNINITIALISED:
        np.testing.assert_array_equal(ours.array, theirs.numpy())


def test_legacy_constructors_convert_numpy_arrays_and_tensors_to_their_dtype():
    for name in TYPES:
        for data in (np.array([1.7, -2.5]), np.array([1, 0])):
            ours, theirs = getattr(mm, name)(data), getattr(torch, name)(data)
            assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist(), name
    t = mm.tensor([1, 2])
    assert mm.Tensor(t).array is t.array  # shares the memory, as torch.Tensor(t)
    assert mm.Tensor(t).dtype == torch.Tensor(torch.tensor([1, 2])).numpy().dtype


def test_the_engine_tensor_constructor_keeps_a_numpy_arrays_dtype():
    """mm.Tensor(ndarray) is how the engine wraps its arrays: no copy, dtype kept. torch.Tensor(ndarray) would
    convert to float32; code meaning that writes torch.tensor(a, dtype=torch.float32) or torch.FloatTensor(a)."""
    array = np.arange(3)
    assert mm.Tensor(array).array is array and mm.Tensor(array).dtype == np.int64
    assert mm.FloatTensor(array).dtype == torch.FloatTensor(array).numpy().dtype == np.float32


@pytest.mark.parametrize("call", [lambda lib: lib.Tensor(2.5), lambda lib: lib.Tensor(2, 3.0), lambda lib: lib.Tensor(-1),
                                  lambda lib: lib.FloatTensor(True), lambda lib: lib.LongTensor([[1, 2], [3]])])
def test_bad_legacy_constructions_raise_what_torch_raises(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(mm)


def test_isinstance_checks_the_dtype_as_torch():
    for lib in (mm, torch):
        floats, longs = lib.ones(2), lib.ones(2, dtype=lib.int64)
        assert isinstance(floats, lib.FloatTensor) and not isinstance(floats, lib.LongTensor)
        assert isinstance(longs, lib.LongTensor) and isinstance(longs, lib.Tensor)
        assert not isinstance(np.ones(2), lib.FloatTensor)
        assert not issubclass(lib.FloatTensor, lib.Tensor)
    assert repr(mm.FloatTensor) == repr(torch.FloatTensor) == "<class 'torch.FloatTensor'>"
    assert type(mm.LongTensor([1])) is mm.Tensor


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"])
def test_type_names_conversions_and_methods_match_torch(dtype):
    ours, theirs = mm.ones(2, dtype=getattr(mm, dtype)), torch.ones(2, dtype=getattr(torch, dtype))
    name = theirs.type()
    assert ours.type() == name
    for target in (name, getattr(torch, name.split(".")[1])):
        ours_target = target if isinstance(target, str) else getattr(mm, target.__name__)
        assert mm.zeros(2).type(ours_target).dtype == torch.zeros(2).type(target).numpy().dtype
    assert mm.zeros(2).type(getattr(mm, dtype)).dtype == torch.zeros(2).type(getattr(torch, dtype)).numpy().dtype
    with pytest.raises(ValueError):
        torch.zeros(2).type("torch.Foo")
    with pytest.raises(ValueError):
        mm.zeros(2).type("torch.Foo")


def test_conversion_methods_match_torch():
    x = [1.7, -2.5, 0.0]
    for method in ["float", "double", "half", "long", "int", "short", "char", "byte", "bool"]:
        ours, theirs = getattr(mm.tensor(x), method)(), getattr(torch.tensor(x), method)()
        assert ours.dtype == theirs.numpy().dtype and ours.tolist() == theirs.tolist(), method
    assert mm.ones(2).type_as(mm.ones(1, dtype=mm.int64)).dtype == np.int64


def test_variable_is_a_tensor_with_requires_grad_as_in_torch_after_0_4():
    from minitorch_mnist.autograd import Variable

    for variable, lib in ((Variable, mm), (torch.autograd.Variable, torch)):
        data = lib.ones(2, 2)
        x = variable(data, requires_grad=True)
        assert isinstance(x, lib.Tensor) and x.requires_grad and x.is_leaf
        (x * 2).sum().backward()
        assert x.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]
        assert not variable(data).requires_grad
        with pytest.warns(UserWarning, match="volatile"):
            variable(data, volatile=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mm.autograd.Variable(mm.ones(1)).tolist() == [1.0]


def test_item_tolist_and_detach_in_place_match_torch():
    for values in (2.5, 3, True, [[1.5, 2.0]], [1, 2], [[True], [False]]):
        ours, theirs = mm.tensor(values), torch.tensor(values)
        assert ours.tolist() == theirs.tolist() and type(ours.tolist()) is type(theirs.tolist())
        if ours.numel() == 1:
            assert ours.item() == theirs.item() and type(ours.item()) is type(theirs.item())
        else:
            with pytest.raises(RuntimeError):
                theirs.item()
            with pytest.raises(RuntimeError):
                ours.item()
    for lib in (mm, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert y.detach_() is y and not y.requires_grad and y.grad_fn is None and y.is_leaf
        assert x.requires_grad
