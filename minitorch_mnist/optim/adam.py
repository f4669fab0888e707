"""Adam (Kingma & Ba, 2015) and its AMSGrad variant (Reddi et al., 2018) exactly as torch.optim.Adam; AdamW is
Adam with decoupled weight decay (adamw.py).

For each parameter p with gradient g, at step t = 1, 2, ...:
    g = -g                                    (maximize=True only)
    g = g + weight_decay * p                  (L2 penalty added to the gradient; with decoupled_weight_decay=True,
                                               AdamW's rule, p = p * (1 - lr * weight_decay) instead)
    m = beta1 * m + (1 - beta1) * g           (first moment, m starts at 0)
    v = beta2 * v + (1 - beta2) * g * g       (second moment, v starts at 0)
    v_max = max(v_max, v)                     (amsgrad=True only: the largest v so far is used in place of v)
    m_hat = m / (1 - beta1 ** t)              (bias corrections: undo the pull towards the zero start)
    v_hat = v / (1 - beta2 ** t)
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

State per parameter: "step" (t, a Python int), "exp_avg" (m), "exp_avg_sq" (v) and, with amsgrad,
"max_exp_avg_sq" (v_max), arrays like the parameter.
The update runs in place (NumPy's out=), into one scratch array per parameter that is not part of the state.
"""

import numpy as np

from .optimizer import Optimizer, check_flags


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        # PyTorch's checks and messages
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        check_flags(type(self).__name__, foreach, fused, differentiable, capturable)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=False, differentiable=False, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        self._scratch = {}  # parameter -> an array like it, reused by every step (not state: nothing to save)

    def step(self):
        for group in self.param_groups:
            # Python floats, whatever was given (a NumPy float64 would compute float32 parameters in float64)
            lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = (float(beta) for beta in group["betas"])
            decoupled = group["decoupled_weight_decay"]
            for parameter, weights, grad in self._gradients(group, add_weight_decay=not decoupled):
                if decoupled and weight_decay != 0:
                    weights *= 1 - lr * weight_decay  # AdamW: shrink the weights, leave the gradient alone
                state = self.state.setdefault(parameter, {})
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = np.zeros_like(weights)
                    state["exp_avg_sq"] = np.zeros_like(weights)
                if group["amsgrad"]:
                    state.setdefault("max_exp_avg_sq", np.zeros_like(weights))
                state["step"] += 1
                step, exp_avg, exp_avg_sq = state["step"], state["exp_avg"], state["exp_avg_sq"]
                scratch = self._scratch.get(parameter)
                if scratch is None or scratch.shape != weights.shape or scratch.dtype != weights.dtype:
                    scratch = self._scratch[parameter] = np.empty_like(weights)

                # m = beta1 * m + (1 - beta1) * g, in the form torch computes it (a lerp): m + (1 - beta1) * (g - m)
                exp_avg += np.multiply(np.subtract(grad, exp_avg, out=scratch), 1 - beta1, out=scratch)
                exp_avg_sq *= beta2
                exp_avg_sq += np.multiply(np.multiply(grad, 1 - beta2, out=scratch), grad, out=scratch)
                if group["amsgrad"]:  # normalise by the largest second moment so far
                    exp_avg_sq = np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])

                # lr * m_hat / (sqrt(v_hat) + eps), with the corrections folded into scalars as torch does
                step_size = lr / (1 - beta1 ** step)
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                denominator = np.sqrt(exp_avg_sq, out=scratch)
                denominator /= bias_correction2_sqrt
                denominator += eps
                # torch's addcdiv: p + (-step_size) * (m / denominator)
                weights -= np.multiply(np.divide(exp_avg, denominator, out=scratch), step_size, out=scratch)
