"""Adadelta (Zeiler, 2012) exactly as torch.optim.Adadelta, the optimizer of PyTorch's official MNIST example.

For each parameter p with gradient g, at every step:
    g = -g                                    (maximize=True only)
    g = g + weight_decay * p
    v = rho * v + (1 - rho) * g * g                       (running average of squared gradients, v starts at 0)
    delta = sqrt(u + eps) / sqrt(v + eps) * g             (the step, in the units of p)
    u = rho * u + (1 - rho) * delta * delta               (running average of squared steps, u starts at 0)
    p = p - lr * delta

State per parameter: "step" (a Python int), "square_avg" (v) and "acc_delta" (u), arrays like the parameter.
"""

import numpy as np

from .optimizer import Optimizer, check_flags


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        # PyTorch's checks and messages
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags("Adadelta", foreach, None, differentiable, capturable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=False, differentiable=False)
        super().__init__(params, defaults)

    def step(self):
        for group in self.param_groups:
            # Python floats, whatever was given (a NumPy float64 would compute float32 parameters in float64)
            lr, rho, eps = (float(group[key]) for key in ("lr", "rho", "eps"))
            for parameter, weights, grad in self._gradients(group):
                state = self.state.setdefault(parameter, {})
                if not state:
                    state["step"] = 0
                    state["square_avg"] = np.zeros_like(weights)
                    state["acc_delta"] = np.zeros_like(weights)
                state["step"] += 1
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]

                square_avg *= rho
                square_avg += (1 - rho) * grad * grad
                delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
                acc_delta *= rho
                acc_delta += (1 - rho) * delta * delta
                weights -= lr * delta
