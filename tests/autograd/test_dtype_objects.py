"""Dtypes are objects that print as PyTorch's (torch.float32), as do Size and load_state_dict's result.

Every case runs the same code on torch and on the engine and compares the printed text or the answer; the
engine's dtypes also compare equal to the NumPy types they stand for, so NumPy code keeps working.
"""

import copy
import pickle

import numpy as np
import pytest
import torch

import minitorch_mnist as mm

NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "float", "double",
         "half", "long", "int", "short"]


@pytest.fixture(autouse=True)
def default_dtype():
    yield
    mm.set_default_dtype(mm.float32)
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_print_and_answer_as_in_pytorch(name):
    ours, theirs = getattr(mm, name), getattr(torch, name)
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    assert isinstance(ours, mm.dtype)
    for attribute in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert ours == ours and hash(ours) == hash(getattr(mm, str(theirs).removeprefix("torch.")))
    assert pickle.loads(pickle.dumps(ours)) is ours and copy.deepcopy(ours) is ours


def test_aliases_are_the_same_objects():
    assert mm.float is mm.float32 and mm.double is mm.float64 and mm.half is mm.float16
    assert mm.long is mm.int64 and mm.int is mm.int32 and mm.short is mm.int16
    assert mm.float32 != mm.float64 and mm.float32 != "float32" and mm.float64 != float


def test_dtypes_stand_for_numpy_types():
    assert mm.float32 == np.float32 and np.float32 == mm.float32 and mm.float32 == np.dtype("float32")
    assert mm.bool == np.bool_ and mm.int64 != np.int32
    assert np.dtype(mm.float64) == np.float64 and np.zeros(2, dtype=mm.int8).dtype == np.int8
    assert np.arange(3).astype(mm.float16).dtype == np.float16
    assert {np.float32: "found"}[mm.float32] == "found" and mm.float32 in {np.float32}


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1.5, 2.0]), lambda lib: lib.tensor([1, 2]), lambda lib: lib.tensor([True]),
    lambda lib: lib.zeros(2, dtype=lib.float64), lambda lib: lib.ones(2, 3, dtype=lib.int8),
    lambda lib: lib.tensor([1.5]).to(lib.float64), lambda lib: lib.tensor([1.5]).double().float(),
    lambda lib: lib.tensor([1.5]).type(lib.float16), lambda lib: lib.tensor([1.5]).long(),
    lambda lib: lib.tensor([1.5]).to(lib.zeros(1, dtype=lib.uint8)), lambda lib: lib.arange(3, dtype=lib.float64),
    lambda lib: lib.full((2,), 7, dtype=lib.int16), lambda lib: lib.zeros_like(lib.ones(2), dtype=lib.bool),
    lambda lib: (lib.randn(2, dtype=lib.float64) * 0).abs(), lambda lib: lib.tensor([1, 2], dtype=float),
    lambda lib: lib.tensor([1.5, 2.5]).sum(dtype=lib.float64), lambda lib: lib.tensor([1.0]) * lib.tensor(2.0).double(),
    lambda lib: lib.as_tensor(np.zeros(2, dtype=np.float32), dtype=lib.float64),
])
def test_tensor_dtype_is_the_object_and_prints_as_in_pytorch(make):
    ours, theirs = make(mm), make(torch)
    assert str(ours.dtype) == str(theirs.dtype) and isinstance(ours.dtype, mm.dtype)
    assert repr(ours) == repr(theirs)


def test_default_dtype_is_an_object():
    assert repr(mm.get_default_dtype()) == repr(torch.get_default_dtype()) == "torch.float32"
    mm.set_default_dtype(mm.float64)
    torch.set_default_dtype(torch.float64)
    assert mm.get_default_dtype() is mm.float64 and repr(mm.tensor([1.5])) == repr(torch.tensor([1.5]))
    assert mm.nn.Linear(2, 3).weight.dtype is mm.float64  # layers take the default dtype, as in PyTorch
    with pytest.raises(TypeError):
        mm.set_default_dtype(mm.int64)
    with pytest.raises(TypeError):
        torch.set_default_dtype(torch.int64)


def test_a_string_is_not_a_dtype_as_in_pytorch():
    for lib in (torch, mm):
        with pytest.raises(TypeError):
            lib.zeros(2, dtype="float32")


def test_layers_optimizers_and_checkpoints_take_the_objects(tmp_path):
    model = mm.nn.Sequential(mm.nn.Conv2d(1, 2, 3, dtype=mm.float64), mm.nn.Flatten(),
                             mm.nn.Linear(8, 3, dtype=mm.float64))
    assert all(p.dtype is mm.float64 for p in model.parameters())
    model.to(mm.float32)
    assert all(p.dtype is mm.float32 for p in model.parameters())
    optimizer = mm.optim.Adam(model.parameters())
    model(mm.randn(2, 1, 4, 4)).sum().backward()
    optimizer.step()
    mm.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp_path / "checkpoint.pt")
    loaded = mm.load(tmp_path / "checkpoint.pt")
    assert model.load_state_dict(loaded["model"]).missing_keys == []
    optimizer.load_state_dict(loaded["optimizer"])
    assert all(state["exp_avg"].dtype == mm.float32 for state in optimizer.state.values())


def test_size_slices_and_sums_are_sizes_as_in_pytorch():
    ours, theirs = mm.zeros(2, 3, 4).shape, torch.zeros(2, 3, 4).shape
    for op in (lambda s: s[1:], lambda s: s[:0], lambda s: s + (5,), lambda s: (5,) + s, lambda s: s * 2,
               lambda s: s[::-1]):
        assert repr(op(ours)) == repr(op(theirs)) and str(op(ours)) == str(op(theirs))
        assert type(op(ours)) is mm.Size
    assert ours[0] == theirs[0] == 2 and type(ours[0]) is int
    assert ours.numel() == theirs.numel() == 24 and ours[1:].numel() == 12
    assert repr(mm.tensor(1.0).shape) == repr(torch.tensor(1.0).shape) == "torch.Size([])"


def test_load_state_dict_result_prints_as_in_pytorch():
    results = []
    for lib in (torch, mm):
        layer = lib.nn.Linear(2, 3)
        matched = layer.load_state_dict(layer.state_dict())
        partial = layer.load_state_dict({"weight": layer.weight.detach().clone(), "extra": lib.zeros(1)}, strict=False)
        results.append((repr(matched), str(matched), repr(partial), str(partial), tuple(matched),
                        partial.missing_keys, partial.unexpected_keys))
    assert results[0] == results[1]
    assert results[1][0] == "<All keys matched successfully>"
    assert results[1][2] == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])"
