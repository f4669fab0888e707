"""export(model, args, f): write an engine model as an ONNX file, like torch.onnx.export.

The exporter traces: it runs the model once in eval mode on `args`, marked requires_grad so that every op
records its Node (function.py), then walks that graph from the output back to the inputs and emits one
or a few ONNX nodes per op:

    Linear -> Gemm (transB=1)         Conv2d -> Conv            ReLU -> Relu      LogSoftmax -> LogSoftmax
    MaxPool2d -> MaxPool              AvgPool2d -> AveragePool (count_include_pad=1, as the engine pads with 0)
    BatchNorm (eval) -> BatchNormalization                      Reshape -> Reshape   Permute -> Transpose
    Add/Sub/Mul/Div -> Add/Sub/Mul/Div    MatMul -> MatMul      Cast -> Cast

Names: the initializers are the model's state, named as in named_parameters()/named_buffers() (so the
file reads like a state_dict); other constants (a reshape's target shape, the 2 of x * 2) are Constant
nodes. The graph input and output get a symbolic batch dim "batch" when dynamic_batch, so the file runs
on any batch size. An op without a mapping raises an UnsupportedOperatorError naming the op and its layer.

The `onnx` package is needed only here (pip install onnx); this file's name does not hide it, because
`import onnx` inside a package is absolute in Python 3 and finds the installed package.
"""

import importlib

import numpy as np

from .storage.atomic import atomic_write
from .autograd import dtypes
from .autograd.function import enable_grad
from .nn.pool import MaxPool2d as MaxPool2dLayer
from .nn.normalization import _BatchNorm
from .ops import activation, arithmetic, conv, linear, normalization, pool
from .ops import shape as shape_ops
from .autograd.tensor import Tensor

BATCH = "batch"  # the name of the symbolic batch dim


class UnsupportedOperatorError(RuntimeError):
    """An op (or a way of calling one) that the exporter cannot express in ONNX; as torch.onnx's error of this name."""


def export(model, args, f, input_names=("input",), output_names=("output",), opset_version=17, dynamic_batch=True):
    """Trace `model` on `args` (a Tensor, or a tuple of Tensors for several inputs) and write ONNX to `f`.

    f: a path (written atomically: a temp file beside it, then a rename) or a binary file object.
    The model runs in eval mode; every module's training flag is restored afterwards. The ModelProto,
    already checked by onnx.checker (with shape inference), is returned.
    """
    onnx = _import_onnx()
    inputs = _input_tensors(args)
    input_names, output_names = list(input_names), list(output_names)
    if len(input_names) != len(inputs):
        raise ValueError(f"onnx.export: {len(inputs)} input tensor(s) but {len(input_names)} input_names {input_names}")
    newest = onnx.defs.onnx_opset_version()
    if not 13 <= opset_version <= newest:
        raise ValueError(f"onnx.export: opset_version must be between 13 and {newest}, got {opset_version}")

    traced_inputs = [Tensor(tensor.array, requires_grad=True) for tensor in inputs]
    outputs, made_by = _trace(model, traced_inputs)
    if len(output_names) != len(outputs):
        raise ValueError(f"onnx.export: the model returned {len(outputs)} tensor(s) but output_names is {output_names}")
    state = {}  # id(tensor) -> its name in the model (the first name wins for a shared tensor)
    for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
        state.setdefault(id(tensor), name)

    builder = _GraphBuilder(onnx, state, made_by, traced_inputs, input_names, dynamic_batch)
    graph = builder.build(outputs, output_names)
    opsets = [onnx.helper.make_opsetid("", opset_version)]
    proto = onnx.helper.make_model(graph, opset_imports=opsets, producer_name="minitorch_mnist",
                                   ir_version=onnx.helper.find_min_ir_version_for(opsets))
    onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    if hasattr(f, "write"):
        f.write(data)
    else:
        with atomic_write(f) as temporary, open(temporary, "wb") as file:
            file.write(data)
    return proto


def _import_onnx():
    try:
        return importlib.import_module("onnx")  # the installed package, never this file
    except ImportError as error:
        raise ImportError("minitorch_mnist.onnx.export needs the onnx package: pip install onnx") from error


def _input_tensors(args):
    items = args if isinstance(args, (tuple, list)) else (args,)
    tensors = [item if isinstance(item, Tensor) else Tensor(np.asarray(item)) for item in items]
    for index, tensor in enumerate(tensors):
        if not np.issubdtype(tensor.dtype, np.floating) or tensor.ndim == 0:
            raise TypeError(f"onnx.export: input {index} must be a floating point tensor with a batch dim, "
                            f"got dtype {tensor.dtype} and shape {tuple(tensor.shape)}")
    return tensors


def _trace(model, inputs):
    """Run the model once (eval mode, graph recording on) and note which module returned which tensor.

    made_by[id(tensor)] = (module name, module, tensor) for the innermost module that returned it; the
    exporter reads layer options the graph does not hold from there (a max pool's window, BatchNorm's eps)
    and names layers in its error messages. Keeping the tensor keeps its id from being reused.
    """
    names = {}
    for name, module in model.named_modules():
        names.setdefault(id(module), name)
    made_by = {}

    def note(module, module_inputs, output):
        for tensor in output if isinstance(output, (tuple, list)) else (output,):
            if isinstance(tensor, Tensor):
                made_by.setdefault(id(tensor), (names[id(module)], module, tensor))  # inner modules return first

    modes = [(module, module.training) for module in model.modules()]
    handles = [module.register_forward_hook(note) for module in model.modules()]
    try:
        model.eval()
        with enable_grad():
            result = model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            object.__setattr__(module, "training", training)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    for index, output in enumerate(outputs):
        if not isinstance(output, Tensor):
            raise TypeError(f"onnx.export: the model's output {index} is a {type(output).__name__}, not a Tensor")
    return outputs, made_by


class _GraphBuilder:
    """Walks the recorded graph (inputs before the ops that use them) and collects ONNX nodes."""

    def __init__(self, onnx, state, made_by, inputs, input_names, dynamic_batch):
        self.onnx, self.state, self.made_by, self.dynamic_batch = onnx, state, made_by, dynamic_batch
        self.batch = inputs[0].shape[0]
        self.names = {id(tensor): name for tensor, name in zip(inputs, input_names)}
        self.batched = {id(tensor) for tensor in inputs}  # tensors whose dim 0 is the (symbolic) batch
        self.graph_inputs = [self.value_info(name, tensor, batched=True) for tensor, name in zip(inputs, input_names)]
        self.nodes, self.initializers, self.count = [], [], 0

    def build(self, outputs, output_names):
        final = {id(tensor): name for tensor, name in zip(outputs, output_names)}
        for tensor in _inputs_first(outputs):
            if tensor.grad_fn is None:
                self.leaf(tensor)
            else:
                self.op(tensor, final.get(id(tensor)))
        graph_outputs = []
        for tensor, name in zip(outputs, output_names):
            if self.names[id(tensor)] != name:  # an output that is an input, a parameter, or returned twice
                self.nodes.append(self.onnx.helper.make_node("Identity", [self.names[id(tensor)]], [name]))
            graph_outputs.append(self.value_info(name, tensor, batched=id(tensor) in self.batched))
        return self.onnx.helper.make_graph(self.nodes, "minitorch_mnist", self.graph_inputs, graph_outputs,
                                           initializer=self.initializers)

    def value_info(self, name, tensor, batched):
        dtype = _onnx_dtype(self, tensor.dtype)
        shape = list(tensor.shape)
        if batched and self.dynamic_batch and shape and shape[0] == self.batch:
            shape[0] = BATCH
        return self.onnx.helper.make_tensor_value_info(name, dtype, shape)

    # ---- leaves: inputs, the model's state, constants ----
    def leaf(self, tensor):
        if id(tensor) in self.names:
            return  # a graph input
        if id(tensor) in self.state:
            name = self.state[id(tensor)]
            self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(tensor.array), name))
            self.names[id(tensor)] = name
        else:
            self.names[id(tensor)] = self.constant(tensor.array)

    def constant(self, array):
        name = f"constant_{self.next_id()}"
        value = self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name)
        self.nodes.append(self.onnx.helper.make_node("Constant", [], [name], value=value))
        return name

    def next_id(self):
        self.count += 1
        return self.count - 1

    # ---- ops ----
    def op(self, tensor, output_name):
        node = tensor.grad_fn
        op_name = node.function.__name__  # the engine's op (its ONNX mapping), not PyTorch's node name
        layer_name, layer = self.made_by.get(id(tensor), (None, None, None))[:2]
        emit = _EMITTERS.get(node.function)
        if emit is None:
            where = f" (in layer {layer_name!r}, a {type(layer).__name__})" if layer is not None and layer_name else ""
            hint = _HINTS.get(op_name, "")
            raise UnsupportedOperatorError(f"onnx.export: the op {op_name}{where} has no ONNX mapping{hint}; "
                                      f"supported ops: {', '.join(sorted(f.__name__ for f in _EMITTERS))}")
        index = self.next_id()
        scope = f"/{layer_name}" if layer_name else ""
        self.out = output_name or f"{op_name}_{index}"
        self.node_name = f"{scope}/{op_name}_{index}"
        self.tensor, self.layer, self.layer_name = tensor, layer, layer_name
        inputs = ["" if parent is None else self.names[id(parent)] for parent in node.inputs]
        if any(parent is not None and id(parent) in self.batched for parent in node.inputs):
            self.batched.add(id(tensor))
        emit(self, node.ctx, inputs, list(node.inputs))
        self.names[id(tensor)] = self.out

    def emit(self, op_type, inputs, output=None, **attributes):
        """One ONNX node; the last one an op emits writes the op's output name."""
        output = output or self.out
        name = self.node_name if output == self.out else f"{self.node_name}/{op_type}"
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [output], name=name, **attributes))
        return output

    def intermediate(self, what):
        return f"{self.out}/{what}"


# ---- one emitter per Function class: (builder, ctx, input names, input Tensors) ----

def _linear(b, ctx, names, tensors):
    x, weight = (tensor.array for tensor in tensors[:2])  # the inputs (backward may have saved only one)
    if x.ndim == 2:  # y = x @ W^T + b
        b.emit("Gemm", [name for name in names if name], transB=1)
    else:  # (..., in) inputs: MatMul with W^T, then the bias
        transposed = b.emit("Transpose", [names[1]], b.intermediate("weight_t"), perm=[1, 0])
        product = b.emit("MatMul", [names[0], transposed], b.intermediate("matmul") if names[2] else None)
        if names[2]:
            b.emit("Add", [product, names[2]])


def _conv2d(b, ctx, names, tensors):
    (ph, pw), kernel = ctx.padding, list(tensors[1].shape[2:])
    b.emit("Conv", [name for name in names if name], kernel_shape=kernel, strides=list(ctx.stride),
           pads=[ph, pw, ph, pw])


def _pool_window(b, ctx, call):
    """kernel_size, stride, padding as (h, w) pairs: from the op's ctx, or else from the nn.MaxPool2d layer."""
    if hasattr(ctx, "kernel_size"):
        return ctx.kernel_size, ctx.stride, ctx.padding
    if not isinstance(b.layer, MaxPool2dLayer):
        raise UnsupportedOperatorError(f"onnx.export: {call} called as a function does not record its kernel_size, "
                                  f"stride and padding on the graph; use the nn.MaxPool2d layer")
    layer = b.layer
    return tuple(conv.as_pair(value, what, call) for value, what in
                 ((layer.kernel_size, "kernel_size"), (layer.stride, "stride"), (layer.padding, "padding")))


def _max_pool(b, ctx, names, tensors):
    kernel, stride, (ph, pw) = _pool_window(b, ctx, "max_pool2d")
    b.emit("MaxPool", names, kernel_shape=list(kernel), strides=list(stride), pads=[ph, pw, ph, pw])


def _avg_pool(b, ctx, names, tensors):
    (ph, pw) = ctx.padding
    b.emit("AveragePool", names, kernel_shape=list(ctx.kernel_size), strides=list(ctx.stride),
           pads=[ph, pw, ph, pw], count_include_pad=1)


def _batch_norm(b, ctx, names, tensors):
    x, weight, bias, mean, var = tensors
    if ctx.training or mean is None:
        raise UnsupportedOperatorError("onnx.export: BatchNorm with batch statistics (training mode, or "
                                  "track_running_stats=False) cannot be exported; only eval-mode BatchNorm can")
    eps = getattr(ctx, "eps", None)
    if eps is None:
        if not isinstance(b.layer, _BatchNorm):
            raise UnsupportedOperatorError("onnx.export: batch_norm called as a function does not record eps on the graph; "
                                      "use an nn.BatchNorm1d/2d layer")
        eps = b.layer.eps
    channels = x.shape[1]
    scale = names[1] or b.constant(np.ones(channels, dtype=x.dtype))
    shift = names[2] or b.constant(np.zeros(channels, dtype=x.dtype))
    b.emit("BatchNormalization", [names[0], scale, shift, names[3], names[4]], epsilon=float(eps))


def _reshape(b, ctx, names, tensors):
    target = list(b.tensor.shape)
    if b.dynamic_batch and id(tensors[0]) in b.batched:
        if ctx.input_shape[:1] != (b.batch,) or target[:1] != [b.batch]:
            raise UnsupportedOperatorError(
                f"onnx.export: a reshape from {ctx.input_shape} to {tuple(target)} does not keep the batch "
                f"({b.batch}) in dim 0, so it cannot run on other batch sizes; export with dynamic_batch=False")
        target[0] = -1  # whatever the batch is; every other dim is fixed
    b.emit("Reshape", [names[0], b.constant(np.array(target, dtype=np.int64))])


def _permute(b, ctx, names, tensors):
    b.emit("Transpose", names, perm=list(ctx.axes))


def _binary(op_type):
    def emit(b, ctx, names, tensors):
        # ONNX wants both operands in one type; NumPy promoted them to the output's
        cast = [name if tensor.dtype == b.tensor.dtype else
                b.emit("Cast", [name], b.intermediate(f"cast_{index}"), to=_onnx_dtype(b, b.tensor.dtype))
                for index, (name, tensor) in enumerate(zip(names, tensors))]
        b.emit(op_type, cast)
    return emit


def _onnx_dtype(b, dtype):
    return b.onnx.helper.np_dtype_to_tensor_dtype(dtypes.as_numpy(dtype))


_EMITTERS = {
    linear.Linear: _linear,
    linear.MatMul: lambda b, ctx, names, tensors: b.emit("MatMul", names),
    conv.Conv2d: _conv2d,
    activation.ReLU: lambda b, ctx, names, tensors: b.emit("Relu", names),
    pool.MaxPool2d: _max_pool,
    pool.AvgPool2d: _avg_pool,
    normalization.BatchNorm: _batch_norm,
    shape_ops.Reshape: _reshape,
    shape_ops.Permute: _permute,
    arithmetic.Add: _binary("Add"),
    arithmetic.Sub: _binary("Sub"),
    arithmetic.Mul: _binary("Mul"),
    arithmetic.Div: _binary("Div"),
    activation.LogSoftmax: lambda b, ctx, names, tensors: b.emit("LogSoftmax", names, axis=ctx.dim),
    arithmetic.Cast: lambda b, ctx, names, tensors: b.emit("Cast", names, to=_onnx_dtype(b, b.tensor.dtype)),
}

_HINTS = {"Dropout": " (dropout in training mode: call it with training=self.training, as nn.Dropout does)"}


def _inputs_first(outputs):
    """Every tensor the outputs depend on, each after all of its inputs (iterative depth-first search)."""
    order, visited, stack = [], set(), [(tensor, False) for tensor in reversed(outputs)]
    while stack:
        tensor, inputs_done = stack.pop()
        if inputs_done:
            order.append(tensor)
            continue
        if id(tensor) in visited:
            continue
        visited.add(id(tensor))
        stack.append((tensor, True))
        if tensor.grad_fn is not None:
            stack.extend((parent, False) for parent in reversed(tensor.grad_fn.inputs)
                         if parent is not None and id(parent) not in visited)
    return order
