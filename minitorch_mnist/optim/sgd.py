"""Stochastic gradient descent with momentum, dampening, weight decay and Nesterov, exactly as torch.optim.SGD.

For each parameter p with gradient g, at every step:
    g = g + weight_decay * p
    buf = g                                   (first step)
    buf = momentum * buf + (1 - dampening) * g   (later steps)
    g = g + momentum * buf   if nesterov   else   g = buf      (only when momentum != 0)
    p = p - lr * g

State per parameter (only when momentum != 0): "momentum_buffer", an array like the parameter.
The update runs in place (NumPy's out=), into one scratch array per parameter that is not part of the
state: with momentum and no weight decay, dampening or Nesterov (the tutorials' setting) a step allocates
nothing.
"""

import numpy as np

from .optimizer import Optimizer


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
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
        # Python floats keep float32 parameters float32 (a NumPy float64 scalar would promote them)
        defaults = dict(lr=float(lr), momentum=float(momentum), dampening=float(dampening),
                        weight_decay=float(weight_decay), nesterov=bool(nesterov))
        super().__init__(params, defaults)
        self._scratch = {}  # parameter -> an array like it, reused by every step (not state: nothing to save)

    def step(self):
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for parameter in group["params"]:
                if parameter.grad is None:
                    continue
                weights = parameter.array  # the parameter's values, updated in place
                grad = parameter.grad.array  # read only: the parameter's .grad stays as backward left it
                scratch = self._scratch.get(parameter)
                if scratch is None or scratch.shape != weights.shape or scratch.dtype != weights.dtype:
                    scratch = self._scratch[parameter] = np.empty_like(weights)
                if weight_decay != 0:
                    grad = np.add(grad, np.multiply(weights, weight_decay, out=scratch), out=scratch)
                if momentum != 0:
                    state = self.state.setdefault(parameter, {})
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = state["momentum_buffer"] = grad.copy()
                    else:
                        buffer *= momentum
                        buffer += grad if dampening == 0 else (1 - dampening) * grad
                    grad = grad + momentum * buffer if nesterov else buffer
                # p = p - lr * g, with lr * g in the scratch array (g may already be it)
                weights -= np.multiply(grad, lr, out=scratch)
                parameter._bump_version()  # a backward still pending on the old weights will now refuse to run
