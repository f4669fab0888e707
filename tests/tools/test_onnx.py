"""mm.onnx.export writes files that onnx.checker accepts and onnxruntime runs to the engine's own outputs."""

import sys

import numpy as np
import pytest

import minitorch_mnist as mm
from minitorch_mnist import models, nn
from parity import RTOL, assert_close

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def run_onnx(path, x, input_name="input"):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {input_name: x})[0]


def engine_eval(model, x):
    model.eval()
    with mm.no_grad():
        return model(mm.tensor(x)).array


def batch(rng, size, shape, dtype=np.float32):
    return rng.standard_normal((size,) + tuple(shape)).astype(dtype)


def state_names(model):
    """Every parameter, and the buffers an eval-mode graph reads (BatchNorm's running statistics)."""
    names = {name for name, _ in model.named_parameters()}
    return names | {name for name, _ in model.named_buffers() if not name.endswith("num_batches_tracked")}


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_the_five_models_run_in_onnxruntime_as_in_the_engine(name, tmp_path, rng):
    shape = models.MODEL_INPUTS[name]
    model = models.MODELS[name]()
    if name == "alexnet":  # running statistics away from 0 and 1, so BatchNormalization really is tested
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                module.running_mean.array[...] = rng.standard_normal(module.num_features) * 0.1
                module.running_var.array[...] = rng.uniform(0.5, 2.0, module.num_features)
    model.train()
    path = tmp_path / f"{name}.onnx"
    mm.onnx.export(model, mm.tensor(batch(rng, 3, shape)), path)
    assert model.training and all(module.training for module in model.modules())  # mode restored
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)

    for size in (3, 5):  # the traced batch size and another one (the batch dim is symbolic)
        x = batch(rng, size, shape)
        ours, theirs = run_onnx(path, x), engine_eval(model, x)
        # float32 on both sides, summed in a different order: a few ulps of the largest logit
        assert_close(theirs, ours, RTOL[np.float32], f"{name}: onnxruntime vs engine, batch {size}")
        np.testing.assert_array_equal(ours.argmax(axis=1), theirs.argmax(axis=1))


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_initializers_are_the_models_state_under_its_names(name, tmp_path, rng):
    model = models.MODELS[name]()
    path = tmp_path / "model.onnx"
    mm.onnx.export(model, mm.tensor(batch(rng, 2, models.MODEL_INPUTS[name])), path)
    graph = onnx.load(str(path)).graph
    initializers = {tensor.name: onnx.numpy_helper.to_array(tensor) for tensor in graph.initializer}
    assert set(initializers) == state_names(model)
    state = model.state_dict()
    for key, value in initializers.items():
        np.testing.assert_array_equal(value, state[key], err_msg=key)


def test_graph_input_and_output_have_a_symbolic_batch(tmp_path, rng):
    path = tmp_path / "lenet.onnx"
    proto = mm.onnx.export(models.LeNet(), mm.tensor(batch(rng, 2, (1, 28, 28))), path,
                           input_names=("image",), output_names=("logits",))
    dims = lambda value: [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]  # noqa: E731
    assert [(v.name, dims(v)) for v in proto.graph.input] == [("image", ["batch", 1, 28, 28])]
    assert [(v.name, dims(v)) for v in proto.graph.output] == [("logits", ["batch", 10])]
    assert run_onnx(path, batch(rng, 4, (1, 28, 28)), "image").shape == (4, 10)


def test_a_fixed_batch_export_accepts_only_the_traced_batch(tmp_path, rng):
    path = tmp_path / "mlp.onnx"
    proto = mm.onnx.export(models.MnistMLP(), mm.tensor(batch(rng, 2, (1, 28, 28))), path, dynamic_batch=False)
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_value == 2
    assert run_onnx(path, batch(rng, 2, (1, 28, 28))).shape == (2, 10)
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        run_onnx(path, batch(rng, 3, (1, 28, 28)))


class OpZoo(nn.Module):
    """The other mapped ops: transpose, arithmetic with constants (Sub, Div, Mul, Add), Linear on a 3-D
    input (MatMul + Add), matmul, log_softmax, a cast, a frozen layer and a function-made max pool window."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1)  # padding: count_include_pad=1 matters at the border
        self.mix = nn.Linear(4, 5)
        self.head = nn.Linear(5 * 16, 6)
        self.head.requires_grad_(False)
        self.logsoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        x = self.pool(self.conv(x))                    # (N, 4, 4, 4)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], 16, 4)
        x = self.mix((x - 0.5) / 2.0) * 3.0 + 1.0     # Linear on (N, 16, 4)
        x = x.reshape(x.shape[0], 80).double().float()
        return self.logsoftmax(self.head(x) @ mm.tensor(np.eye(6, dtype=np.float32)))


def test_permute_arithmetic_matmul_and_log_softmax(tmp_path, rng):
    model = OpZoo()
    path = tmp_path / "zoo.onnx"
    proto = mm.onnx.export(model, mm.tensor(batch(rng, 3, (2, 7, 7))), path)
    used = {node.op_type for node in proto.graph.node}
    assert {"Transpose", "Sub", "Div", "Mul", "Add", "MatMul", "LogSoftmax", "Cast", "AveragePool", "Gemm"} <= used
    for size in (3, 4):
        x = batch(rng, size, (2, 7, 7))
        assert_close(engine_eval(model, x), run_onnx(path, x), RTOL[np.float32], f"op zoo, batch {size}")


def test_float64_models_export_in_float64(tmp_path, rng):
    model = models.MnistMLP().double()  # (onnxruntime's CPU Conv has no float64 kernel, Gemm has)
    path = tmp_path / "mlp64.onnx"
    mm.onnx.export(model, mm.tensor(batch(rng, 2, (1, 28, 28), np.float64)), path)
    x = batch(rng, 5, (1, 28, 28), np.float64)
    ours = run_onnx(path, x)
    assert ours.dtype == np.float64
    assert_close(engine_eval(model, x), ours, RTOL[np.float64], "float64 MLP")


def test_an_unsupported_op_is_named_and_nothing_is_written(tmp_path, rng):
    model = nn.Sequential(nn.Linear(4, 3), nn.Lambda(lambda x: x.exp()))
    path = tmp_path / "exp.onnx"
    path.write_bytes(b"the previous file")
    with pytest.raises(mm.onnx.UnsupportedOperatorError, match=r"the op Exp \(in layer '1', a Lambda\) has no ONNX mapping"):
        mm.onnx.export(model, mm.tensor(batch(rng, 2, (4,))), path)
    assert path.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.onnx"]  # no temp file left behind
    assert model.training


def test_a_reshape_that_mixes_the_batch_needs_a_fixed_batch(tmp_path, rng):
    model = nn.Sequential(nn.Linear(4, 3), nn.Lambda(lambda x: x.reshape(-1)))
    x = mm.tensor(batch(rng, 2, (4,)))
    with pytest.raises(mm.onnx.UnsupportedOperatorError, match="dynamic_batch=False"):
        mm.onnx.export(model, x, tmp_path / "flat.onnx")
    mm.onnx.export(model, x, tmp_path / "flat.onnx", dynamic_batch=False)
    assert run_onnx(tmp_path / "flat.onnx", x.array).shape == (6,)


def test_the_write_is_atomic_and_replaces_an_old_file(tmp_path, rng, monkeypatch):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"old")
    model = models.MnistLogistic()
    mm.onnx.export(model, mm.tensor(batch(rng, 2, (1, 28, 28))), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]
    assert onnx.load(str(path)).graph.node[-1].op_type == "Gemm"

    class HalfWritten:
        """A file that takes half the bytes and then fails, like a full disk."""

        def __init__(self, name, mode):
            self.file = open(name, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.file.close()

        def write(self, data):
            self.file.write(data[: len(data) // 2])
            raise OSError("No space left on device")

    monkeypatch.setattr(mm.onnx, "open", HalfWritten, raising=False)  # the exporter's open() only
    with pytest.raises(OSError, match="No space"):
        mm.onnx.export(model, mm.tensor(batch(rng, 2, (1, 28, 28))), path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]
    onnx.checker.check_model(str(path))


def test_a_file_object_receives_the_bytes(rng):
    import io

    buffer = io.BytesIO()
    mm.onnx.export(models.MnistLogistic(), mm.tensor(batch(rng, 2, (1, 28, 28))), buffer)
    assert onnx.load_from_string(buffer.getvalue()).graph.initializer[0].name == "lin.weight"


def test_names_and_opset_are_checked(tmp_path, rng):
    x = mm.tensor(batch(rng, 2, (1, 28, 28)))
    with pytest.raises(ValueError, match="input_names"):
        mm.onnx.export(models.MnistMLP(), x, tmp_path / "m.onnx", input_names=("a", "b"))
    with pytest.raises(ValueError, match="opset_version"):
        mm.onnx.export(models.MnistMLP(), x, tmp_path / "m.onnx", opset_version=9)
    assert list(tmp_path.iterdir()) == []


def test_the_module_does_not_hide_the_onnx_package(monkeypatch):
    assert mm.onnx._import_onnx() is onnx
    assert "minitorch_mnist" not in onnx.__file__
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    with pytest.raises(ImportError, match="pip install onnx"):
        mm.onnx.export(models.MnistMLP(), mm.tensor(np.zeros((2, 784), np.float32)), "unused.onnx")
