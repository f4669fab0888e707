"""Run one op in the engine and in PyTorch on the same inputs and the same random upstream gradient."""

import numpy as np
import torch

import minitorch_mnist as mm
from parity import RTOL, assert_close, pair, to_numpy


def upstream_grad(rng, shape, dtype):
    """A random gradient to send into backward (never all-ones, which hides transpose and broadcast bugs)."""
    return np.asarray(rng.standard_normal(shape), dtype=dtype)


def check_op(engine_fn, torch_fn, arrays, rng, rtol=None, what="op"):
    """Compare the output of engine_fn and torch_fn, then the gradient of every input after backward.

    Both functions take one tensor per array; `torch_fn=None` means the same function works on both
    (the engine's API mirrors torch's). rtol defaults to RTOL for the output's dtype.
    """
    torch_fn = engine_fn if torch_fn is None else torch_fn
    engine_inputs, torch_inputs = zip(*(pair(array) for array in arrays))
    out, expected = engine_fn(*engine_inputs), torch_fn(*torch_inputs)
    assert out.dtype == to_numpy(expected).dtype, f"{what}: dtype {out.dtype} != torch's {expected.dtype}"
    rtol = RTOL[out.dtype] if rtol is None else rtol
    assert_close(out, expected, rtol, f"{what} forward")

    grad = upstream_grad(rng, out.shape, out.dtype)
    out.backward(mm.tensor(grad))
    expected.backward(torch.tensor(grad))
    for position, (engine_input, torch_input) in enumerate(zip(engine_inputs, torch_inputs)):
        assert engine_input.grad.dtype == engine_input.dtype, f"{what}: grad of input {position} changed dtype"
        assert_close(engine_input.grad, torch_input.grad, rtol, f"{what} grad of input {position}")
    return out
