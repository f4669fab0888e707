"""Function: the base of every differentiable op, and the switch that turns graph recording off.

A Function subclass writes two static methods side by side:
    forward(ctx, *arrays, **options)  -> output array       (plain NumPy in, NumPy out)
    backward(ctx, grad)               -> one gradient per input array (or None)
`apply` wraps them: it unwraps Tensors, runs forward, and (when gradients are wanted) records a
Node so that Tensor.backward can later call backward with the upstream gradient.
"""

import contextlib

import numpy as np

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


@contextlib.contextmanager
def _grad_mode(enabled):
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def no_grad():
    """Context manager (like torch.no_grad): ops inside record no graph, so nothing is saved for backward."""
    return _grad_mode(False)


def enable_grad():
    """Context manager that turns graph recording back on inside a no_grad block."""
    return _grad_mode(True)


class Context:
    """What a forward leaves for its backward: saved arrays and any plain values (shapes, options)."""

    def __init__(self):
        self.saved = ()

    def save(self, *arrays):
        self.saved = arrays


class Node:
    """One recorded op in the graph: which Function ran, its context, and the input Tensors."""

    def __init__(self, function, ctx, inputs):
        self.function = function
        self.ctx = ctx
        self.inputs = inputs

    @property
    def name(self):
        return self.function.__name__


class Function:
    """Base of the differentiable ops; subclasses define the static methods forward and backward."""

    @classmethod
    def apply(cls, *inputs, **options):
        from .tensor import Tensor

        ctx = Context()
        arrays = [None if tensor is None else tensor.data for tensor in inputs]  # None: an absent input (no bias)
        output = Tensor(np.asarray(cls.forward(ctx, *arrays, **options)))
        differentiable = np.issubdtype(output.dtype, np.floating)  # integer results (x.long()) carry no gradient
        if differentiable and is_grad_enabled() and any(tensor is not None and tensor.requires_grad for tensor in inputs):
            output.requires_grad = True
            output.grad_fn = Node(cls, ctx, inputs)
        return output
