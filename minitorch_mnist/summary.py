"""summary(model, input_size): torchsummary's layer-by-layer table, printed; summary_text: a table as a string.

    from .summary import summary     # where tutorials write `from torchsummary import summary`
    summary(model, (1, 28, 28))                     # prints exactly what torchsummary prints for the torch twin
    text = summary_text(model, (1, 28, 28))         # the table as a string, for programs and tests

summary follows torchsummary 1.5.1 to the letter, quirks included: a row for every module call except
Sequential, ModuleList and the model itself (a container module gets a row after its children), params
counted from each module's weight and bias only, totals summed over rows (a layer called twice counts
twice), sizes at 4 bytes a number with the batch dim taken as `batch_size` (-1: one sample).

summary_text is the engine's own table, described below.

One forward pass on zeros, with a forward hook on every leaf module (a module without children), records
each layer call's output shape; the table lists them in call order, with the batch dim shown as -1, the
parameters each layer owns, and the totals. A layer called twice (LeNet's pool and relu) gets a row per
call, as in torchsummary; the totals count every parameter once, like sum(p.numel() for p in parameters()).

The sizes are estimates for one sample, as torchsummary prints them:
    input size            = elements of one input * bytes per element
    forward/backward size = 2 * elements of every recorded output * bytes per element (x2: each
                            activation also gets a gradient of the same size in backward)
    params size           = bytes of every parameter
"""

import math
from collections import namedtuple

import numpy as np

from . import nn
from .autograd.function import no_grad
from .autograd.tensor import Tensor

LayerSummary = namedtuple("LayerSummary", ["layer", "module_name", "output_shape", "output_bytes", "params"])
LayerSummary.__doc__ = """One row: layer ('Conv2d-1'), module_name ('features.0'), output_shape ([-1, 96, 32, 32],
or a list of shapes for a tuple output), output_bytes (one sample's output), params (parameters the module owns)."""

_MB = 1024.0**2


def layer_summaries(model, input_shape, batch_size=2, dtype=np.float32):
    """The table's rows: run `model` once on zeros of shape (batch_size, *input_shape) in eval mode and
    without recording a graph; each leaf module's call becomes a LayerSummary, in call order.

    input_shape excludes the batch dim; a list of shapes feeds a model that takes several inputs.
    Every module's training flag is restored afterwards, and the hooks are removed.
    """
    shapes = _input_shapes(input_shape)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"summary: batch_size must be a positive int, got {batch_size!r}")
    names = {}  # a module registered under two names is hooked once, under its first name
    for name, module in model.named_modules():
        names.setdefault(id(module), (name, module))
    leaves = [module for _, module in names.values() if next(module.children(), None) is None]
    rows = []

    def record(module, inputs, output):
        outputs = output if isinstance(output, (tuple, list)) else (output,)
        per_sample = [[-1] + list(out.shape[1:]) for out in outputs if isinstance(out, Tensor)]
        out_bytes = sum(int(np.prod(out.shape[1:])) * out.dtype.itemsize for out in outputs if isinstance(out, Tensor))
        rows.append(LayerSummary(
            layer=f"{type(module).__name__}-{len(rows) + 1}",
            module_name=names[id(module)][0],
            output_shape=per_sample[0] if len(per_sample) == 1 else per_sample,
            output_bytes=out_bytes,
            params=sum(p.numel() for p in module.parameters(recurse=False)),
        ))

    modes = [(module, module.training) for module in model.modules()]
    handles = [module.register_forward_hook(record) for module in leaves]
    try:
        model.eval()
        with no_grad():
            model(*[Tensor(np.zeros((batch_size,) + shape, dtype=dtype)) for shape in shapes])
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            object.__setattr__(module, "training", training)  # each module's own flag, as it was
    return rows


def summary_text(model, input_shape, batch_size=2, dtype=np.float32):
    """The torchsummary-style table of `model` for inputs of shape (batch, *input_shape), as a string.

    Example: print(summary_text(LeNet(), (1, 28, 28))). Rows are leaf-module calls; the totals count every
    parameter once. Trainable params are those with requires_grad
    (a frozen layer, layer.requires_grad_(False), counts as non-trainable); buffers such as BatchNorm's
    running statistics are not parameters and are not counted, as in PyTorch.
    """
    rows = layer_summaries(model, input_shape, batch_size, dtype)
    parameters = list(model.parameters())
    total = sum(p.numel() for p in parameters)
    trainable = sum(p.numel() for p in parameters if p.requires_grad)
    input_mb = sum(int(np.prod(shape)) for shape in _input_shapes(input_shape)) * np.dtype(dtype).itemsize / _MB
    activations_mb = 2 * sum(row.output_bytes for row in rows) / _MB
    params_mb = sum(p.numel() * p.dtype.itemsize for p in parameters) / _MB

    line = "-" * 64
    lines = [line, f"{'Layer (type)':>20}  {'Output Shape':>25} {'Param #':>15}", "=" * 64]
    for row in rows:
        lines.append(f"{row.layer:>20}  {str(row.output_shape):>25} {row.params:>15,}")
    lines += ["=" * 64,
              f"Total params: {total:,}",
              f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}",
              line,
              f"Input size (MB): {input_mb:.2f}",
              f"Forward/backward pass size (MB): {activations_mb:.2f}",
              f"Params size (MB): {params_mb:.2f}",
              f"Estimated Total Size (MB): {input_mb + activations_mb + params_mb:.2f}",
              line]
    return "\n".join(lines)


def summary(model, input_size, batch_size=-1, device="cuda"):
    """Print torchsummary's table of `model` for inputs of shape (2, *input_size); return None, as torchsummary.

    input_size: a shape without the batch dim, (1, 28, 28), or a list of shapes for several inputs.
    batch_size: what the table shows as the batch dim and multiplies the sizes by (-1: one sample).
    device: "cuda" or "cpu", checked as torchsummary checks it; the engine computes on the CPU either way.
    The forward pass runs in eval mode without a graph, so it leaves BatchNorm statistics as they were.
    """
    device = str(device).lower()
    if device.split(":")[0] not in ("cuda", "cpu"):
        raise ValueError(f"summary: input device {device!r} is not valid, please specify 'cuda' or 'cpu'")
    shapes = _input_shapes(input_size)
    rows = _torchsummary_rows(model, shapes, batch_size)
    total_params = sum(params for _, _, params, _ in rows)
    trainable = sum(params for _, _, params, is_trainable in rows if is_trainable)
    total_output = sum(_product(shape) for _, shape, _, _ in rows)
    input_mb = abs(_product(shapes) * batch_size * 4.0 / _MB)
    output_mb = abs(2.0 * total_output * 4.0 / _MB)
    params_mb = abs(total_params * 4.0 / _MB)
    line = "-" * 64
    lines = [line, "{:>20}  {:>25} {:>15}".format("Layer (type)", "Output Shape", "Param #"), "=" * 64]
    lines += ["{:>20}  {:>25} {:>15}".format(layer, str(shape), f"{params:,}") for layer, shape, params, _ in rows]
    lines += ["=" * 64, f"Total params: {total_params:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total_params - trainable:,}", line,
              "Input size (MB): %0.2f" % input_mb, "Forward/backward pass size (MB): %0.2f" % output_mb,
              "Params size (MB): %0.2f" % params_mb,
              "Estimated Total Size (MB): %0.2f" % (params_mb + output_mb + input_mb), line]
    print("\n".join(lines))


def _torchsummary_rows(model, shapes, batch_size):
    """(layer, output shape, params, trainable) per hooked module call, by torchsummary's rules."""
    rows = []

    def record(module, inputs, output):
        if isinstance(output, (tuple, list)):
            shape = [[-1] + list(out.shape[1:]) for out in output]
        else:
            shape = [batch_size] + list(output.shape[1:])
        weight, bias = (getattr(module, name, None) for name in ("weight", "bias"))
        params = sum(int(np.prod(t.shape)) for t in (weight, bias) if isinstance(t, Tensor))
        trainable = isinstance(weight, Tensor) and weight.requires_grad
        rows.append((f"{type(module).__name__}-{len(rows) + 1}", shape, params, trainable))

    containers = tuple(c for c in (getattr(nn, "Sequential", None), getattr(nn, "ModuleList", None)) if c)
    hooked = [m for m in model.modules() if m is not model and not isinstance(m, containers)]
    modes = [(module, module.training) for module in model.modules()]
    handles = [module.register_forward_hook(record) for module in hooked]
    try:
        model.eval()
        with no_grad():
            model(*[Tensor(np.zeros((2,) + shape, dtype=np.float32)) for shape in shapes])
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            object.__setattr__(module, "training", training)
    return rows


def _product(nested):
    """The product of every number in a (nested) list of shapes, as torchsummary's np.prod of it."""
    return math.prod(_product(item) if isinstance(item, (list, tuple)) else int(item) for item in nested)


def _input_shapes(input_shape):
    """(C, H, W) -> [(C, H, W)]; [(C, H, W), (D,)] -> both; 784 -> [(784,)]; every entry a tuple of positive ints."""
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (input_shape,)
    if isinstance(input_shape, (tuple, list)) and len(input_shape) > 0 and all(isinstance(shape, (tuple, list)) for shape in input_shape):
        shapes = [tuple(shape) for shape in input_shape]
    else:
        shapes = [tuple(input_shape)]
    for shape in shapes:
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0 for d in shape):
            raise ValueError(f"summary: input_shape must be a tuple of positive ints without the batch dim "
                             f"(e.g. (1, 28, 28)), got {input_shape!r}")
    return shapes
