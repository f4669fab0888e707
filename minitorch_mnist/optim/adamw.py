"""AdamW (Loshchilov & Hutter, 2019) exactly as torch.optim.AdamW: Adam with the weight decay taken out of the
gradient and applied to the weights directly ("decoupled"), and a default weight_decay of 0.01.

For each parameter p with gradient g, at step t = 1, 2, ...:
    p = p * (1 - lr * weight_decay)           (decoupled decay, before the Adam step; AdamW's only difference)
    then Adam's update with weight_decay = 0 (see adam.py): moments m, v, bias corrections, p -= lr m_hat / (sqrt(v_hat) + eps)

State per parameter: Adam's ("step", "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad).
"""

from .adam import Adam


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
