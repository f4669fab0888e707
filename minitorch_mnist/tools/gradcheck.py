"""Numerical gradient checking: compare backward() with central differences, in float64.

    d f / d x_i  ~=  (f(x + h e_i) - f(x - h e_i)) / (2h)

`fn` maps Tensors to a Tensor; the check sums fn's output against a random upstream gradient,
so every output element (and every transpose or broadcast mistake) takes part.
"""

import numpy as np

from ..autograd.function import no_grad
from ..autograd.tensor import Tensor


def numerical_grad(fn, inputs, upstream, eps=1e-6):
    """Central-difference gradient of sum(fn(*inputs) * upstream) with respect to each input."""
    grads = []
    with no_grad():  # only forward values are needed here, so record no graph
        for tensor in inputs:
            grad = np.zeros_like(tensor.array)
            flat_data, flat_grad = tensor.array.reshape(-1), grad.reshape(-1)
            for i in range(flat_data.size):
                original = flat_data[i]
                flat_data[i] = original + eps
                plus = np.sum(fn(*inputs).array * upstream)
                flat_data[i] = original - eps
                minus = np.sum(fn(*inputs).array * upstream)
                flat_data[i] = original
                flat_grad[i] = (plus - minus) / (2 * eps)
            grads.append(grad)
    return grads


def analytic_grad(fn, inputs, upstream):
    """The gradients backward() computes for the same upstream gradient."""
    for tensor in inputs:
        tensor.grad = None
    fn(*inputs).backward(Tensor(upstream))
    # an input fn does not use gets no gradient at all: its derivative is zero
    return [np.zeros_like(tensor.array) if tensor.grad is None else tensor.grad.array for tensor in inputs]


def gradcheck(fn, *arrays, eps=1e-6, rtol=1e-6, seed=0):
    """Check fn's backward against central differences at float64 `arrays`.

    Returns the largest error relative to the gradient's scale; raises AssertionError naming the
    input when it exceeds rtol.
    """
    inputs = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    output_shape = fn(*inputs).shape
    upstream = np.random.default_rng(seed).standard_normal(output_shape)
    worst = 0.0
    numeric = numerical_grad(fn, inputs, upstream, eps)
    analytic = analytic_grad(fn, inputs, upstream)
    for position, (num, ana) in enumerate(zip(numeric, analytic)):
        error = np.max(np.abs(num - ana), initial=0.0) / max(1.0, np.max(np.abs(num), initial=0.0))
        if error > rtol:
            raise AssertionError(f"gradcheck: input {position} (shape {num.shape}): backward differs from "
                                 f"central differences by {error:.3g} (relative), more than rtol={rtol}")
        worst = max(worst, error)
    return worst
