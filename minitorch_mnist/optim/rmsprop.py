"""RMSprop (Hinton's lecture 6e) exactly as torch.optim.RMSprop.

For each parameter p with gradient g, at every step:
    g = -g                                    (maximize=True only)
    g = g + weight_decay * p
    v = alpha * v + (1 - alpha) * g * g       (running average of squared gradients, v starts at 0)
    centered=True: a = alpha * a + (1 - alpha) * g  and  d = sqrt(v - a * a) + eps   (a starts at 0)
    otherwise:                                         d = sqrt(v) + eps
    momentum > 0:  buf = momentum * buf + g / d  and  p = p - lr * buf                 (buf starts at 0)
    otherwise:     p = p - lr * g / d

State per parameter: "step" (a Python int), "square_avg" (v), "momentum_buffer" (momentum > 0) and "grad_avg"
(centered), arrays like the parameter.
"""

import numpy as np

from .optimizer import Optimizer, check_flags, check_non_negative


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        # PyTorch's checks and messages
        check_non_negative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        check_flags("RMSprop", foreach, None, differentiable, capturable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=False, foreach=foreach, maximize=maximize, differentiable=False)
        super().__init__(params, defaults)

    def step(self):
        for group in self.param_groups:
            # Python floats, whatever was given (a NumPy float64 would compute float32 parameters in float64)
            lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
            momentum = float(group["momentum"])
            for parameter, weights, grad in self._gradients(group):
                state = self.state.setdefault(parameter, {})
                if not state:
                    state["step"] = 0
                    state["square_avg"] = np.zeros_like(weights)
                    if momentum > 0:
                        state["momentum_buffer"] = np.zeros_like(weights)
                    if group["centered"]:
                        state["grad_avg"] = np.zeros_like(weights)
                state["step"] += 1
                square_avg = state["square_avg"]
                square_avg *= alpha
                square_avg += (1 - alpha) * grad * grad
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg += (1 - alpha) * (grad - grad_avg)  # torch's lerp towards g
                    denominator = np.sqrt(square_avg - grad_avg * grad_avg)
                else:
                    denominator = np.sqrt(square_avg)
                denominator += eps
                if momentum > 0:
                    buffer = state["momentum_buffer"]
                    buffer *= momentum
                    buffer += grad / denominator
                    weights -= lr * buffer
                else:
                    weights -= lr * (grad / denominator)
