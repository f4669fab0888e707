"""mm.save / mm.load against torch.save / torch.load: the same tutorial code saves and restores the same things,
in the pickle-free checkpoint format, and a pickled whole model is refused unless weights_only=False."""

import io
import pickle
import zipfile

import numpy as np
import pytest
import torch

import minitorch_mnist as mm
import minitorch_mnist.storage.checkpoint_format
from minitorch_mnist import models, nn
from reference import interop
from reference import models as torch_models


def trained_pair(optimizer="sgd", double=False):
    """An engine LeNet and its torch twin with the same weights, each after one identical optimizer step.

    Comparisons of the two use float64: Adam's first step is lr * g / (|g| + eps), whose sensitivity to g is up to lr / eps = 1e6. Where a
    gradient is as small as eps, float32 rounding that differs between CPUs (BLAS kernels, summation order) moves the
    weight by 1e-4 relative; float64 gradients that agree to 1e-14 keep the weights within 1e-8 on any CPU.
    """
    ours, theirs = models.LeNet(), torch_models.LeNet()
    if double:
        ours, theirs = ours.double(), theirs.double()
    interop.engine_to_torch(ours, theirs)
    if optimizer == "sgd":
        opts = mm.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9), torch.optim.SGD(theirs.parameters(), lr=0.1,
                                                                                     momentum=0.9)
    else:
        opts = mm.optim.Adam(ours.parameters(), lr=0.01), torch.optim.Adam(theirs.parameters(), lr=0.01)
    x = np.random.default_rng(0).standard_normal((2, 1, 28, 28)).astype(np.float64 if double else np.float32)
    for model, opt, lib in [(ours, opts[0], mm), (theirs, opts[1], torch)]:
        out = model(lib.tensor(x))
        (out * out).sum().backward()
        opt.step()
    return (ours, opts[0]), (theirs, opts[1])


def structure(value, values=True):
    """A loaded object with tensors and arrays replaced by (kind, dtype, shape[, values]): comparable across libs."""
    if isinstance(value, (mm.Tensor, torch.Tensor, np.ndarray)):
        array = value.detach().numpy() if isinstance(value, (mm.Tensor, torch.Tensor)) else value
        kind = "array" if isinstance(value, np.ndarray) else "tensor"
        return (kind, str(array.dtype), array.shape) + ((array.tolist(),) if values else ())
    if isinstance(value, dict):
        return {key: structure(item, values) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(structure(item, values) for item in value)
    return value


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("name", ["checkpoint.pth", "checkpoint.pt", "checkpoint"])
def test_tutorial_checkpoint_round_trip_equals_torch(tmp_path, optimizer, name):
    (ours, our_opt), (theirs, their_opt) = trained_pair(optimizer, double=True)
    results = {}
    for lib, model, opt in [(mm, ours, our_opt), (torch, theirs, their_opt)]:
        lib.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
                  "loss": 0.25, "history": [1.5, 0.5], "shape": (1, 28, 28), "note": "lenet", "best": None,
                  "done": True}, tmp_path / f"{lib.__name__}-{name}")
        results[lib] = lib.load(tmp_path / f"{lib.__name__}-{name}")
    ours_loaded, theirs_loaded = results[mm], results[torch]
    plain = ["epoch", "loss", "history", "shape", "note", "best", "done"]
    assert {k: ours_loaded[k] for k in plain} == {k: theirs_loaded[k] for k in plain}
    assert type(ours_loaded["shape"]) is tuple
    # the model's state: the same names, Tensors of the same dtype and shape, the same values up to float64 rounding
    # (amplified by at most lr / eps = 1e6 in Adam's first step: see trained_pair)
    assert structure(ours_loaded["model_state_dict"], values=False) == \
           structure(theirs_loaded["model_state_dict"], values=False)
    for key, tensor in ours_loaded["model_state_dict"].items():
        np.testing.assert_allclose(tensor.numpy(), theirs_loaded["model_state_dict"][key].numpy(), rtol=0, atol=1e-8)
    # and everything comes back exactly as it was saved (the optimizer's own state types included)
    assert structure(ours_loaded["model_state_dict"]) == structure(ours.state_dict())
    assert structure(ours_loaded["optimizer_state_dict"]) == structure(our_opt.state_dict())
    assert all(type(t) is mm.Tensor for t in results[mm]["model_state_dict"].values())
    assert zipfile.ZipFile(tmp_path / f"minitorch_mnist-{name}").namelist()[-1] == "__meta__.npy", "an .npz inside"
    # restoring gives a model and optimizer that continue exactly as the saved ones would
    model = models.LeNet().double()
    model.load_state_dict(results[mm]["model_state_dict"])
    opt = type(our_opt)(model.parameters(), lr=1)
    opt.load_state_dict(results[mm]["optimizer_state_dict"])
    assert structure(opt.state_dict()) == structure(our_opt.state_dict())


def test_tensors_keep_dtype_grad_flag_and_parameter_type(tmp_path):
    weight = nn.Parameter(mm.tensor(np.arange(6.0).reshape(2, 3)))
    saved = {"w": weight, "frozen": nn.Parameter(mm.zeros(2), requires_grad=False), "labels": mm.tensor([3, 1]),
             "f64": mm.tensor(np.ones(2)), 0: "int key", "array": np.arange(3, dtype=np.int16), "scalar": np.float32(2)}
    mm.save(saved, tmp_path / "t.pt")
    loaded = mm.load(tmp_path / "t.pt")
    assert type(loaded["w"]) is nn.Parameter and loaded["w"].requires_grad
    assert type(loaded["frozen"]) is nn.Parameter and not loaded["frozen"].requires_grad
    assert type(loaded["labels"]) is mm.Tensor and loaded["labels"].dtype == np.int64
    assert loaded["f64"].dtype == np.float64 and loaded[0] == "int key"
    assert loaded["array"].dtype == np.int16 and loaded["scalar"] == 2.0
    np.testing.assert_array_equal(loaded["w"].detach().numpy(), weight.detach().numpy())


def test_file_objects_and_loading_never_unpickles(tmp_path, monkeypatch):
    (ours, _), _ = trained_pair()
    buffer = io.BytesIO()
    mm.save(ours.state_dict(), buffer)
    buffer.seek(0)

    def no_unpickling(*args, **kwargs):
        raise AssertionError("weights_only load unpickled something")

    monkeypatch.setattr(pickle, "loads", no_unpickling)
    monkeypatch.setattr(pickle, "load", no_unpickling)
    monkeypatch.setattr(pickle, "Unpickler", no_unpickling)
    loaded = mm.load(buffer, map_location="cpu")
    assert structure(loaded) == structure(ours.state_dict())
    with open(tmp_path / "w.pth", "wb") as f:
        mm.save(ours.state_dict(), f)
    with open(tmp_path / "w.pth", "rb") as f:
        assert structure(mm.load(f, map_location=mm.device("cpu"))) == structure(ours.state_dict())


def test_a_whole_model_loads_only_with_weights_only_false_as_in_torch(tmp_path):
    (ours, _), (theirs, _) = trained_pair()
    torch.save(theirs, tmp_path / "torch_model.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(tmp_path / "torch_model.pt")
    mm.save(ours, tmp_path / "model.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed: .*pickled LeNet.*weights_only=False"):
        mm.load(tmp_path / "model.pt")
    again = mm.load(tmp_path / "model.pt", weights_only=False)
    x = mm.tensor(np.random.default_rng(1).standard_normal((3, 1, 28, 28)).astype(np.float32))
    np.testing.assert_array_equal(again(x).detach().numpy(), ours(x).detach().numpy())


def test_saving_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    mm.save({"step": 1}, path)

    def crash(file, **arrays):
        file.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(minitorch_mnist.storage.checkpoint_format.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        mm.save({"step": 2}, path)
    monkeypatch.undo()
    assert mm.load(path) == {"step": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


def test_clear_errors(tmp_path):
    mm.save({"a": 1}, tmp_path / "a.pt")
    with pytest.raises(ValueError, match="CPU only; use map_location='cpu'"):
        mm.load(tmp_path / "a.pt", map_location="cuda:0")
    torch.save({"w": torch.zeros(2)}, tmp_path / "torch.pt")
    with pytest.raises(ValueError, match="written by torch.save"):
        mm.load(tmp_path / "torch.pt")
    with pytest.raises(FileNotFoundError):
        mm.load(tmp_path / "missing.pt")
