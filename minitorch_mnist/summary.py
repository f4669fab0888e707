"""summary(model, input_shape): the layer-by-layer table of torchsummary, for engine models.

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

from collections import namedtuple

import numpy as np

from .function import no_grad
from .tensor import Tensor

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


def summary(model, input_shape, batch_size=2, dtype=np.float32):
    """The torchsummary table of `model` for inputs of shape (batch, *input_shape), as a string.

    Example: print(summary(LeNet(), (1, 28, 28))). Trainable params are those with requires_grad
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
