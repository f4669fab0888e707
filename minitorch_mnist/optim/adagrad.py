"""Adagrad (Duchi et al., 2011) exactly as torch.optim.Adagrad.

For each parameter p with gradient g, at step t = 1, 2, ...:
    g = -g                                    (maximize=True only)
    g = g + weight_decay * p
    lr_t = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g                             (sum of squared gradients, s starts at initial_accumulator_value)
    p = p - lr_t * g / (sqrt(s) + eps)

State per parameter, made when the optimizer is (as torch's, so state_dict has it before any step): "step"
(a Python int) and "sum" (s), an array like the parameter.
"""

import numpy as np

from .optimizer import Optimizer, check_flags, check_non_negative


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        # PyTorch's checks and messages
        check_non_negative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        check_flags("Adagrad", foreach, fused, differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=False, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for parameter in group["params"]:
                self.state[parameter] = {"step": 0, "sum": np.full_like(parameter.array,
                                                                        group["initial_accumulator_value"])}

    def step(self):
        for group in self.param_groups:
            # Python floats, whatever was given (a NumPy float64 would compute float32 parameters in float64)
            lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
            for parameter, weights, grad in self._gradients(group):
                state = self.state[parameter]
                state["step"] += 1
                decayed_lr = lr / (1 + (state["step"] - 1) * lr_decay)
                state["sum"] += grad * grad
                weights -= decayed_lr * (grad / (np.sqrt(state["sum"]) + eps))
