"""Stochastic gradient descent with momentum, dampening, weight decay and Nesterov, exactly as torch.optim.SGD.

For each parameter p with gradient g, at every step:
    g = -g                                    (maximize=True only)
    g = g + weight_decay * p
    buf = g                                   (first step)
    buf = momentum * buf + (1 - dampening) * g   (later steps)
    g = g + momentum * buf   if nesterov   else   g = buf      (only when momentum != 0)
    p = p - lr * g

State per parameter (only when momentum != 0): "momentum_buffer", an array like the parameter.
The update runs in place, through kernels.sgd_update: numpy_optim.py writes these formulas as NumPy
expressions, and numba_optim.py (the default backend) applies them in one pass over each parameter.
"""

import numpy as np

from .. import kernels
from .optimizer import Optimizer, check_flags


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        # PyTorch's checks and messages
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"Nesterov momentum requires a momentum > 0 and zero dampening, "
                             f"got momentum={momentum}, dampening={dampening}")
        check_flags("SGD", foreach, fused, differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=False, fused=fused)
        super().__init__(params, defaults)

    def step(self):
        for group in self.param_groups:
            # Python floats, whatever a scheduler put there (a NumPy float64 lr would compute in float64 in NumPy)
            lr, momentum, dampening = float(group["lr"]), float(group["momentum"]), float(group["dampening"])
            weight_decay, nesterov = float(group["weight_decay"]), group["nesterov"]
            for parameter, weights, grad in self._gradients(group, add_weight_decay=False):  # the kernel adds it
                buffer, first_step = None, False
                if momentum != 0:
                    state = self.state.setdefault(parameter, {})
                    buffer = state.get("momentum_buffer")
                    if buffer is None:  # the first step sets the buffer to the gradient
                        buffer = state["momentum_buffer"] = np.empty_like(weights)
                        first_step = True
                kernels.backend.sgd_update(weights, grad, buffer, lr, momentum, dampening, weight_decay, nesterov, first_step)
